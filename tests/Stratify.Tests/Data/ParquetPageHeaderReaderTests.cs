using Parquet.Meta;
using Stratify.Data;
using Stratify.Parquet;

namespace Stratify.Tests.Data;

/// <summary>
/// The minimal Thrift compact reader for page headers: against Parquet.Net's own Thrift writer, against bytes
/// worked out by hand from the compact-protocol specification, and on broken input.
/// </summary>
public class ParquetPageHeaderReaderTests
{
    private static byte[] Serialised(PageHeader header)
    {
        using var stream = new MemoryStream();
        ParquetTestFiles.WriteThrift(stream, header);
        return stream.ToArray();
    }

    [Fact]
    public void A_data_page_header_written_by_Parquet_Net_reads_back_field_for_field()
    {
        var bytes = Serialised(new PageHeader
        {
            Type = PageType.DATA_PAGE, UncompressedPageSize = 8_000_004, CompressedPageSize = 1_234_567, Crc = -17,
            DataPageHeader = new DataPageHeader
            {
                NumValues = 1_000_000, Encoding = Encoding.PLAIN, DefinitionLevelEncoding = Encoding.RLE, RepetitionLevelEncoding = Encoding.BIT_PACKED,
                Statistics = new global::Parquet.Meta.Statistics { NullCount = 3, MinValue = [1, 2, 3], MaxValue = [4, 5, 6, 7] }, // skipped
            },
        });

        Assert.True(ParquetPageHeaderReader.TryRead(bytes, out var header, out int length));

        Assert.Equal(bytes.Length, length);
        Assert.Equal(PageType.DATA_PAGE, header.Type);
        Assert.Equal(8_000_004, header.UncompressedPageSize);
        Assert.Equal(1_234_567, header.CompressedPageSize);
        Assert.Equal(-17, header.Crc);
        Assert.Equal(1_000_000, header.DataPageHeader!.NumValues);
        Assert.Equal(Encoding.PLAIN, header.DataPageHeader.Encoding);
        Assert.Equal(Encoding.RLE, header.DataPageHeader.DefinitionLevelEncoding);
        Assert.Equal(Encoding.BIT_PACKED, header.DataPageHeader.RepetitionLevelEncoding);
    }

    [Fact]
    public void A_data_page_v2_header_written_by_Parquet_Net_reads_back_field_for_field()
    {
        var bytes = Serialised(new PageHeader
        {
            Type = PageType.DATA_PAGE_V2, UncompressedPageSize = 800, CompressedPageSize = 500,
            DataPageHeaderV2 = new DataPageHeaderV2
            {
                NumValues = 100, NumNulls = 7, NumRows = 100, Encoding = Encoding.PLAIN,
                DefinitionLevelsByteLength = 13, RepetitionLevelsByteLength = 0, IsCompressed = false,
            },
        });

        Assert.True(ParquetPageHeaderReader.TryRead(bytes, out var header, out int length));

        Assert.Equal(bytes.Length, length);
        var v2 = header.DataPageHeaderV2!;
        Assert.Equal((100, 7, 100, Encoding.PLAIN, 13, 0, (bool?)false),
            (v2.NumValues, v2.NumNulls, v2.NumRows, v2.Encoding, v2.DefinitionLevelsByteLength, v2.RepetitionLevelsByteLength, v2.IsCompressed));
    }

    /// <summary>
    /// Worked out by hand from thrift-compact-protocol.md: field headers (delta, type) and long-form ids
    /// (type byte, then zigzag i16), zigzag varints, and an unknown field of every type, all to be skipped.
    /// </summary>
    [Fact]
    public void Unknown_fields_of_every_type_and_long_form_field_ids_are_skipped_or_followed()
    {
        byte[] bytes =
        [
            0x15, 0x00,                   // 1: i32 type = 0 (DATA_PAGE)
            0x15, 0xC8, 0x01,             // 2: i32 uncompressed = 100 (zigzag 200)
            0x15, 0x64,                   // 3: i32 compressed = 50 (zigzag 100)
            0x08, 0x28, 0x03, 0x61, 0x62, 0x63, // 20 (long form, zigzag 40): binary "abc"
            0x17, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, // 21: double 1.0
            0x19, 0x25, 0x02, 0x04,       // 22: list of 2 i32 (1, 2)
            0x19, 0x31, 0x01, 0x02, 0x01, // 23: list of 3 booleans, one byte each
            0x1B, 0x01, 0x58, 0x02, 0x01, 0x78, // 24: map of 1 (i32 → binary): 1 → "x"
            0x1C, 0x16, 0x03, 0x21, 0x00, // 25: struct { 1: i64 -2, 2: true }
            0x1A, 0xF5, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 26: set of 16 i32 (size 15 = varint follows)
            0x12,                         // 27: boolean false
            0x13, 0x7F,                   // 28: byte 127
            0x14, 0x03,                   // 29: i16 -2
            0x0C, 0x0A,                   // 5 (long form, zigzag 10): struct data_page_header
            0x15, 0xD0, 0x0F,             //   1: num_values = 1000 (zigzag 2000)
            0x15, 0x00,                   //   2: encoding PLAIN
            0x15, 0x06,                   //   3: definition_level_encoding RLE (3)
            0x15, 0x06,                   //   4: repetition_level_encoding RLE
            0x00,                         //   stop
            0x00,                         // stop
            0xAB,                         // the page body begins
        ];

        Assert.True(ParquetPageHeaderReader.TryRead(bytes, out var header, out int length));

        Assert.Equal(bytes.Length - 1, length);
        Assert.Equal((PageType.DATA_PAGE, 100, 50), (header.Type, header.UncompressedPageSize, header.CompressedPageSize));
        Assert.Equal(1000, header.DataPageHeader!.NumValues);
        Assert.Equal(Encoding.RLE, header.DataPageHeader.DefinitionLevelEncoding);
    }

    [Fact]
    public void Every_truncation_of_a_header_is_refused_without_an_exception()
    {
        var bytes = Serialised(new PageHeader
        {
            Type = PageType.DATA_PAGE, UncompressedPageSize = 80, CompressedPageSize = 60,
            DataPageHeader = new DataPageHeader { NumValues = 10, Encoding = Encoding.PLAIN, DefinitionLevelEncoding = Encoding.RLE, RepetitionLevelEncoding = Encoding.RLE },
        });
        for (int cut = 0; cut < bytes.Length; cut++)
            Assert.False(ParquetPageHeaderReader.TryRead(bytes.AsSpan(0, cut), out _, out _));
    }

    [Fact]
    public void A_varint_too_long_for_an_i32_or_an_unknown_type_is_refused()
    {
        Assert.False(ParquetPageHeaderReader.TryRead([0x15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x00], out _, out _));
        Assert.False(ParquetPageHeaderReader.TryRead([0x15, 0x00, 0x1D, 0x00], out _, out _)); // type 13 does not exist
    }

    [Fact]
    public void A_header_without_its_required_sizes_is_refused()
    {
        Assert.False(ParquetPageHeaderReader.TryRead([0x15, 0x00, 0x00], out _, out _)); // only the type
    }

    /// <summary>
    /// Hand-decoded from Encodings.md: 0x06 = RLE run of 3 (6 &gt;&gt; 1) of value 0x01; 0x03 = one bit-packed group of 8,
    /// byte 0b00000101 LSB first = 1,0,1,0,0,0,0,0. For 8 rows: 1,1,1, 1,0,1,0,0 — five defined.
    /// </summary>
    [Fact]
    public void Definition_levels_decode_from_rle_and_bit_packed_runs()
    {
        var levels = new byte[8];
        int defined = ParquetColumnChunkDecoder.DecodeLevels([0x06, 0x01, 0x03, 0b0000_0101], bitWidth: 1, maxLevel: 1, levels);
        Assert.Equal(new byte[] { 1, 1, 1, 1, 0, 1, 0, 0 }, levels);
        Assert.Equal(5, defined);
    }

    [Fact]
    public void Definition_levels_that_run_short_or_exceed_the_maximum_are_corrupt()
    {
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeLevels([0x06, 0x01], 1, 1, new byte[5]));
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeLevels([0x06, 0x02], 2, 1, new byte[3]));
    }

    /// <summary>
    /// Dictionary indices, hand-encoded from Encodings.md: a bit-width byte, then the RLE/bit-packed hybrid. Width 2, one
    /// bit-packed group (header 0x03): 0,1,2,3 LSB first = 0b11_10_01_00 = 0xE4, then 3,2,1,0 = 0x1B. Width 9, an RLE run
    /// of 5 (header 10) of 300 in two little-endian bytes. Width 0 (a one-value dictionary), an RLE run of 4 with no value
    /// bytes. Width 32, a bit-packed group of 8 four-byte values.
    /// </summary>
    [Fact]
    public void Dictionary_indices_decode_from_rle_and_bit_packed_runs_of_every_width()
    {
        var eight = new int[8];
        ParquetColumnChunkDecoder.DecodeIndices([2, 0x03, 0xE4, 0x1B], 4, eight);
        Assert.Equal([0, 1, 2, 3, 3, 2, 1, 0], eight);

        var five = new int[5];
        ParquetColumnChunkDecoder.DecodeIndices([9, 10, 0x2C, 0x01], 301, five);
        Assert.Equal([300, 300, 300, 300, 300], five);

        var four = new int[4];
        ParquetColumnChunkDecoder.DecodeIndices([0, 8], 1, four);
        Assert.Equal([0, 0, 0, 0], four);

        int[] wide = [7, 70_000, 1, 0, 5_000_000, 2, 3, 4];
        var encoded = new List<byte> { 32, 0x03 };
        foreach (int v in wide) encoded.AddRange(BitConverter.GetBytes(v));
        var decoded = new int[8];
        ParquetColumnChunkDecoder.DecodeIndices(encoded.ToArray(), 5_000_001, decoded);
        Assert.Equal(wide, decoded);

        // A page's last run may stop at its last value: three values of a group of eight, width 2, in one byte.
        var three = new int[3];
        ParquetColumnChunkDecoder.DecodeIndices([2, 0x03, 0b00_10_01], 3, three);
        Assert.Equal([1, 2, 0], three);
    }

    [Fact]
    public void Dictionary_indices_beyond_the_dictionary_too_wide_or_cut_short_are_corrupt()
    {
        var beyond = Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([2, 0x03, 0xE4, 0x1B], 3, new int[8]));
        Assert.Contains("dictionary index 3 is beyond the dictionary's 3 values", beyond.Message);
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([2, 10, 0x03], 3, new int[5])); // RLE value 3
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([33, 0x02, 0], 3, new int[1])); // 33 bits
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([8, 0x03, 1, 2], 9, new int[8])); // 2 of 8 bytes
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([2, 0x04, 1], 3, new int[3])); // runs out of runs
        Assert.Throws<InvalidDataException>(() => ParquetColumnChunkDecoder.DecodeIndices([], 3, new int[1])); // no bit width
    }
}
