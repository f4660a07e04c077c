using Parquet.Meta;

namespace Stratify.Parquet;

/// <summary>
/// Decodes a Parquet page header (Thrift struct <c>PageHeader</c> of parquet-format's parquet.thrift, compact
/// protocol) into Parquet.Net's public <see cref="PageHeader"/> type, which Parquet.Net itself reads only
/// internally. Fields read: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 4 crc,
/// 5 data_page_header (1 num_values, 2 encoding, 3 definition_level_encoding, 4 repetition_level_encoding)
/// and 8 data_page_header_v2 (1 num_values, 2 num_nulls,
/// 3 num_rows, 4 encoding, 5 definition_levels_byte_length, 6 repetition_levels_byte_length, 7 is_compressed);
/// statistics, the dictionary and index page headers (the direct decoder leaves dictionary pages to
/// Parquet.Net) and any field added later are skipped.
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
            bool hasType = false, hasUncompressed = false, hasCompressed = false;
            while (reader.NextField(out short id, out byte type))
            {
                switch (id)
                {
                    case 1: header.Type = (PageType)reader.ReadI32(type); hasType = true; break;
                    case 2: header.UncompressedPageSize = reader.ReadI32(type); hasUncompressed = true; break;
                    case 3: header.CompressedPageSize = reader.ReadI32(type); hasCompressed = true; break;
                    case 4: header.Crc = reader.ReadI32(type); break;
                    case 5 when type == ThriftCompactReader.Struct: header.DataPageHeader = ReadDataPageHeader(ref reader); break;
                    case 8 when type == ThriftCompactReader.Struct: header.DataPageHeaderV2 = ReadDataPageHeaderV2(ref reader); break;
                    default: reader.Skip(type); break;
                }
            }
            length = reader.Position;
            return hasType && hasUncompressed && hasCompressed;
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            return false;
        }
    }

    private static DataPageHeader ReadDataPageHeader(ref ThriftCompactReader reader)
    {
        var page = new DataPageHeader();
        short outer = reader.BeginStruct();
        while (reader.NextField(out short id, out byte type))
        {
            switch (id)
            {
                case 1: page.NumValues = reader.ReadI32(type); break;
                case 2: page.Encoding = (Encoding)reader.ReadI32(type); break;
                case 3: page.DefinitionLevelEncoding = (Encoding)reader.ReadI32(type); break;
                case 4: page.RepetitionLevelEncoding = (Encoding)reader.ReadI32(type); break;
                default: reader.Skip(type); break;
            }
        }
        reader.EndStruct(outer);
        return page;
    }

    private static DataPageHeaderV2 ReadDataPageHeaderV2(ref ThriftCompactReader reader)
    {
        var page = new DataPageHeaderV2();
        short outer = reader.BeginStruct();
        while (reader.NextField(out short id, out byte type))
        {
            switch (id)
            {
                case 1: page.NumValues = reader.ReadI32(type); break;
                case 2: page.NumNulls = reader.ReadI32(type); break;
                case 3: page.NumRows = reader.ReadI32(type); break;
                case 4: page.Encoding = (Encoding)reader.ReadI32(type); break;
                case 5: page.DefinitionLevelsByteLength = reader.ReadI32(type); break;
                case 6: page.RepetitionLevelsByteLength = reader.ReadI32(type); break;
                case 7: page.IsCompressed = ThriftCompactReader.ReadBoolean(type); break;
                default: reader.Skip(type); break;
            }
        }
        reader.EndStruct(outer);
        return page;
    }
}
