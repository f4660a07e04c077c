using Parquet.Meta;
using System.Globalization;
using static Stratify.Parquet.ThriftCompactReader;

namespace Stratify.Parquet;

/// <summary>
/// Decodes a Parquet footer (Thrift struct <c>FileMetaData</c> of parquet-format's parquet.thrift, compact protocol)
/// into Parquet.Net's public metadata types, reading only what Stratify uses, with every size bounded before
/// anything is allocated: a list may not claim more elements than it has bytes left, and structs nest only as
/// deep as parquet.thrift defines them (unknown fields are skipped, to at most 32 levels). So a hostile footer is
/// refused in time and memory proportional to its length, before Parquet.Net (which builds its schema tree
/// recursively, and its column paths in time quadratic in the depth) sees it.
///
/// Fields read. FileMetaData: 2 schema, 3 num_rows, 4 row_groups, 8 encryption_algorithm (presence only).
/// SchemaElement: 1 type, 2 type_length, 3 repetition_type, 4 name, 5 num_children, 6 converted_type, 7 scale,
/// 8 precision, 10 logicalType (INTEGER's bit width and sign; DECIMAL's scale and precision; DATE, TIME,
/// TIMESTAMP and STRING as present). RowGroup: 1 columns, 3 num_rows. ColumnChunk: 1 file_path, 2 file_offset,
/// 3 meta_data, 8 crypto_metadata and 9 encrypted_column_metadata (presence). ColumnMetaData: 1 type, 2 encodings,
/// 3 path_in_schema, 4 codec, 5 num_values, 6 total_uncompressed_size, 7 total_compressed_size, 9 data_page_offset,
/// 10 index_page_offset, 11 dictionary_page_offset, 12 statistics (1 max, 2 min, 3 null_count, 5 max_value,
/// 6 min_value).
/// </summary>
internal static class ParquetMetadataReader
{
    /// <summary>The footer's metadata; <see cref="InvalidDataException"/> when its bytes are not a well-formed FileMetaData.</summary>
    public static FileMetaData Read(ReadOnlySpan<byte> footer)
    {
        var reader = new ThriftCompactReader(footer);
        var metadata = new FileMetaData { Schema = [], RowGroups = [] };
        ulong taken = reader.ReadStruct(metadata, static (ref ThriftCompactReader r, short id, byte type, FileMetaData m) =>
        {
            switch (id)
            {
                case 2: m.Schema = ReadList(ref r, type, () => new SchemaElement { Name = null! }, ReadSchemaElement, Fields(4), "a schema element has no name"); return true;
                case 3: m.NumRows = r.ReadI64(type); return true;
                case 4: m.RowGroups = ReadList(ref r, type, () => new RowGroup { Columns = [] }, ReadRowGroup, Fields(1, 3), "a row group lacks its columns or row count"); return true;
                case 8: m.EncryptionAlgorithm = new EncryptionAlgorithm(); r.Skip(type); return true;
                default: return false;
            }
        });
        if ((taken & Fields(2, 3, 4)) != Fields(2, 3, 4)) throw new InvalidDataException("the footer lacks its schema, row count or row groups");
        return metadata;
    }

    /// <summary>A list of structs, each read by <paramref name="read"/> and checked for its <paramref name="required"/> fields.</summary>
    private static List<T> ReadList<T>(ref ThriftCompactReader reader, byte type, Func<T> create, FieldReader<T> read, ulong required, string lacking)
    {
        int size = reader.ReadListHeader(type, out byte elementType);
        if (elementType != Struct) throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"a list of structs holds elements of type {elementType}"));
        var list = new List<T>(size);
        for (int i = 0; i < size; i++)
        {
            var element = create();
            if ((reader.ReadStruct(element, read) & required) != required) throw new InvalidDataException(lacking);
            list.Add(element);
        }
        return list;
    }

    private static bool ReadSchemaElement(ref ThriftCompactReader reader, short id, byte type, SchemaElement element)
    {
        switch (id)
        {
            case 1: element.Type = (global::Parquet.Meta.Type)reader.ReadI32(type); return true;
            case 2: element.TypeLength = reader.ReadI32(type); return true;
            case 3: element.RepetitionType = (FieldRepetitionType)reader.ReadI32(type); return true;
            case 4: element.Name = reader.ReadString(type); return true;
            case 5: element.NumChildren = reader.ReadI32(type); return true;
            case 6: element.ConvertedType = (ConvertedType)reader.ReadI32(type); return true;
            case 7: element.Scale = reader.ReadI32(type); return true;
            case 8: element.Precision = reader.ReadI32(type); return true;
            case 10 when type == Struct: reader.ReadStruct(element.LogicalType = new LogicalType(), ReadLogicalType); return true;
            default: return false;
        }
    }

    /// <summary>The logical-type union: the members that tell how values are to be read; others are skipped.</summary>
    private static bool ReadLogicalType(ref ThriftCompactReader reader, short id, byte type, LogicalType logical)
    {
        switch (id)
        {
            case 1: logical.STRING = new StringType(); reader.Skip(type); return true;
            case 5 when type == Struct:
                reader.ReadStruct(logical.DECIMAL = new DecimalType(), static (ref ThriftCompactReader r, short field, byte fieldType, DecimalType d) =>
                {
                    if (field == 1) d.Scale = r.ReadI32(fieldType);
                    else if (field == 2) d.Precision = r.ReadI32(fieldType);
                    else return false;
                    return true;
                });
                return true;
            case 6: logical.DATE = new DateType(); reader.Skip(type); return true;
            case 7: logical.TIME = new TimeType(); reader.Skip(type); return true;
            case 8: logical.TIMESTAMP = new TimestampType(); reader.Skip(type); return true;
            case 10 when type == Struct:
                reader.ReadStruct(logical.INTEGER = new IntType(), static (ref ThriftCompactReader r, short field, byte fieldType, IntType i) =>
                {
                    if (field == 1) i.BitWidth = (sbyte)r.ReadI32(fieldType);
                    else if (field == 2) i.IsSigned = ReadBoolean(fieldType);
                    else return false;
                    return true;
                });
                return true;
            default: return false;
        }
    }

    private static bool ReadRowGroup(ref ThriftCompactReader reader, short id, byte type, RowGroup group)
    {
        switch (id)
        {
            case 1: group.Columns = ReadList(ref reader, type, () => new ColumnChunk(), ReadColumnChunk, 0, ""); return true;
            case 3: group.NumRows = reader.ReadI64(type); return true;
            default: return false;
        }
    }

    private static bool ReadColumnChunk(ref ThriftCompactReader reader, short id, byte type, ColumnChunk chunk)
    {
        switch (id)
        {
            case 1: chunk.FilePath = reader.ReadString(type); return true;
            case 2: chunk.FileOffset = reader.ReadI64(type); return true;
            case 3 when type == Struct:
                if ((reader.ReadStruct(chunk.MetaData = new ColumnMetaData { Encodings = [], PathInSchema = [] }, ReadColumnMetaData) & RequiredMetaData) != RequiredMetaData)
                    throw new InvalidDataException("a column chunk's metadata lacks a required field (type, encodings, path, codec, value count, size or offset)");
                return true;
            case 8: chunk.CryptoMetadata = new ColumnCryptoMetaData(); reader.Skip(type); return true;
            case 9: chunk.EncryptedColumnMetadata = reader.ReadBinary(type).ToArray(); return true;
            default: return false;
        }
    }

    /// <summary>ColumnMetaData's required fields: type, encodings, path_in_schema, codec, num_values, total_compressed_size, data_page_offset.</summary>
    private static readonly ulong RequiredMetaData = Fields(1, 2, 3, 4, 5, 7, 9);

    private static bool ReadColumnMetaData(ref ThriftCompactReader reader, short id, byte type, ColumnMetaData meta)
    {
        switch (id)
        {
            case 1: meta.Type = (global::Parquet.Meta.Type)reader.ReadI32(type); return true;
            case 2:
            {
                int size = reader.ReadListHeader(type, out byte elementType);
                meta.Encodings = new List<Encoding>(size);
                for (int i = 0; i < size; i++) meta.Encodings.Add((Encoding)reader.ReadI32(elementType));
                return true;
            }
            case 3:
            {
                int size = reader.ReadListHeader(type, out byte elementType);
                meta.PathInSchema = new List<string>(size);
                for (int i = 0; i < size; i++) meta.PathInSchema.Add(reader.ReadString(elementType));
                return true;
            }
            case 4: meta.Codec = (CompressionCodec)reader.ReadI32(type); return true;
            case 5: meta.NumValues = reader.ReadI64(type); return true;
            case 6: meta.TotalUncompressedSize = reader.ReadI64(type); return true;
            case 7: meta.TotalCompressedSize = reader.ReadI64(type); return true;
            case 9: meta.DataPageOffset = reader.ReadI64(type); return true;
            case 10: meta.IndexPageOffset = reader.ReadI64(type); return true;
            case 11: meta.DictionaryPageOffset = reader.ReadI64(type); return true;
            case 12 when type == Struct: reader.ReadStruct(meta.Statistics = new Statistics(), ReadStatistics); return true;
            default: return false;
        }
    }

    private static bool ReadStatistics(ref ThriftCompactReader reader, short id, byte type, Statistics statistics)
    {
        switch (id)
        {
            case 1: statistics.Max = reader.ReadBinary(type).ToArray(); return true;
            case 2: statistics.Min = reader.ReadBinary(type).ToArray(); return true;
            case 3: statistics.NullCount = reader.ReadI64(type); return true;
            case 5: statistics.MaxValue = reader.ReadBinary(type).ToArray(); return true;
            case 6: statistics.MinValue = reader.ReadBinary(type).ToArray(); return true;
            default: return false;
        }
    }
}
