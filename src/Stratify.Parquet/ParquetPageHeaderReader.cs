using Parquet.Meta;
using static Stratify.Parquet.ThriftCompactReader;

namespace Stratify.Parquet;

/// <summary>
/// Decodes a Parquet page header (Thrift struct <c>PageHeader</c> of parquet-format's parquet.thrift, compact
/// protocol) into Parquet.Net's public <see cref="PageHeader"/> type, which Parquet.Net itself reads only
/// internally. Fields read: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
/// 5 data_page_header (1 num_values, 2 encoding, 3 definition_level_encoding, 4 repetition_level_encoding),
/// 7 dictionary_page_header (1 num_values, 2 encoding) and 8 data_page_header_v2 (1 num_values, 2 num_nulls,
/// 3 num_rows, 4 encoding, 5 definition_levels_byte_length, 6 repetition_levels_byte_length, 7 is_compressed);
/// statistics, the index page header and any field added later are skipped.
/// </summary>
internal static class ParquetPageHeaderReader
{
    /// <summary>
    /// Reads the header at the start of <paramref name="data"/>; false when the bytes are not a complete,
    /// well-formed header with its required fields (the caller then leaves the chunk to Parquet.Net).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out PageHeader header, out int length)
    {
        header = new PageHeader();
        length = 0;
        try
        {
            var reader = new ThriftCompactReader(data);
            ulong taken = reader.ReadStruct(header, static (ref ThriftCompactReader r, short id, byte type, PageHeader h) =>
            {
                switch (id)
                {
                    case 1: h.Type = (PageType)r.ReadI32(type); return true;
                    case 2: h.UncompressedPageSize = r.ReadI32(type); return true;
                    case 3: h.CompressedPageSize = r.ReadI32(type); return true;
                    case 4: h.Crc = r.ReadI32(type); return true;
                    case 5 when type == Struct: r.ReadStruct(h.DataPageHeader = new DataPageHeader(), ReadDataPageHeader); return true;
                    case 7 when type == Struct: r.ReadStruct(h.DictionaryPageHeader = new DictionaryPageHeader(), ReadDictionaryPageHeader); return true;
                    case 8 when type == Struct: r.ReadStruct(h.DataPageHeaderV2 = new DataPageHeaderV2(), ReadDataPageHeaderV2); return true;
                    default: return false;
                }
            });
            length = reader.Position;
            return (taken & Required) == Required;
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>type, uncompressed_page_size, compressed_page_size.</summary>
    private static readonly ulong Required = ThriftCompactReader.Fields(1, 2, 3);

    private static bool ReadDataPageHeader(ref ThriftCompactReader reader, short id, byte type, DataPageHeader page)
    {
        switch (id)
        {
            case 1: page.NumValues = reader.ReadI32(type); return true;
            case 2: page.Encoding = (Encoding)reader.ReadI32(type); return true;
            case 3: page.DefinitionLevelEncoding = (Encoding)reader.ReadI32(type); return true;
            case 4: page.RepetitionLevelEncoding = (Encoding)reader.ReadI32(type); return true;
            default: return false;
        }
    }

    private static bool ReadDictionaryPageHeader(ref ThriftCompactReader reader, short id, byte type, DictionaryPageHeader page)
    {
        switch (id)
        {
            case 1: page.NumValues = reader.ReadI32(type); return true;
            case 2: page.Encoding = (Encoding)reader.ReadI32(type); return true;
            default: return false;
        }
    }

    private static bool ReadDataPageHeaderV2(ref ThriftCompactReader reader, short id, byte type, DataPageHeaderV2 page)
    {
        switch (id)
        {
            case 1: page.NumValues = reader.ReadI32(type); return true;
            case 2: page.NumNulls = reader.ReadI32(type); return true;
            case 3: page.NumRows = reader.ReadI32(type); return true;
            case 4: page.Encoding = (Encoding)reader.ReadI32(type); return true;
            case 5: page.DefinitionLevelsByteLength = reader.ReadI32(type); return true;
            case 6: page.RepetitionLevelsByteLength = reader.ReadI32(type); return true;
            case 7: page.IsCompressed = ThriftCompactReader.ReadBoolean(type); return true;
            default: return false;
        }
    }
}
