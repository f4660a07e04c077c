using System.Buffers.Binary;
using System.Reflection;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;
using Snappier;
using Stratify.Data;
using Stratify.Parquet;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Tests.Data;

/// <summary>A numeric test column: its values (exactly representable in <see cref="ClrType"/>) and which rows are null.</summary>
public sealed record TestColumn(string Name, System.Type ClrType, double[] Values, bool[]? Nulls)
{
    public int Rows => Values.Length;
    public bool IsNull(int row) => Nulls is not null && Nulls[row];

    public ParquetType PhysicalType =>
        ClrType == typeof(int) ? ParquetType.INT32 : ClrType == typeof(long) ? ParquetType.INT64
        : ClrType == typeof(float) ? ParquetType.FLOAT : ParquetType.DOUBLE;

    /// <summary>
    /// A column of a random type (int, long, float, double) unless <paramref name="type"/> is given, random values
    /// and, if nullable, nulls at a random rate unless <paramref name="nullRate"/> is given (0 makes it required).
    /// </summary>
    public static TestColumn Random(Random random, string name, int rows, System.Type? type = null, double? nullRate = null)
    {
        type ??= random.Next(4) switch { 0 => typeof(int), 1 => typeof(long), 2 => typeof(float), _ => typeof(double) };
        var values = new double[rows];
        for (int i = 0; i < rows; i++)
            values[i] = type == typeof(int) ? random.Next(int.MinValue, int.MaxValue)
                : type == typeof(long) ? random.NextInt64(-(1L << 53), 1L << 53)
                : type == typeof(float) ? (float)((random.NextDouble() - 0.5) * 1e6)
                : random.Next(10) == 0 ? double.NaN : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300));
        bool[]? nulls = null;
        if (nullRate is null ? random.Next(3) > 0 : nullRate > 0)
        {
            // None, a few, about half, or nearly all rows null: runs and scattered nulls exercise both level encodings.
            double rate = nullRate ?? random.Next(4) switch { 0 => 0, 1 => 0.02, 2 => 0.5, _ => 0.98 };
            nulls = new bool[rows];
            for (int i = 0; i < rows; i++) nulls[i] = random.NextDouble() < rate;
        }
        return new TestColumn(name, type, values, nulls);
    }

    /// <summary>The non-null integer values of rows [start, start + rows), in order.</summary>
    public long[] PresentIntegers(int start, int rows)
    {
        var present = new List<long>(rows);
        for (int i = start; i < start + rows; i++)
            if (!IsNull(i)) present.Add((long)Values[i]);
        return present.ToArray();
    }

    public DataField Field() => ClrType == typeof(int) ? new DataField<int>(Name, Nulls is not null)
        : ClrType == typeof(long) ? new DataField<long>(Name, Nulls is not null)
        : ClrType == typeof(float) ? new DataField<float>(Name, Nulls is not null)
        : new DataField<double>(Name, Nulls is not null);

    /// <summary>The non-null values of rows [start, start + rows) as PLAIN bytes (little-endian, back to back).</summary>
    public byte[] PlainValues(int start, int rows)
    {
        var bytes = new List<byte>();
        Span<byte> one = stackalloc byte[8];
        for (int i = start; i < start + rows; i++)
        {
            if (IsNull(i)) continue;
            int width = PhysicalType is ParquetType.INT32 or ParquetType.FLOAT ? 4 : 8;
            switch (PhysicalType)
            {
                case ParquetType.INT32: BinaryPrimitives.WriteInt32LittleEndian(one, (int)Values[i]); break;
                case ParquetType.INT64: BinaryPrimitives.WriteInt64LittleEndian(one, (long)Values[i]); break;
                case ParquetType.FLOAT: BinaryPrimitives.WriteSingleLittleEndian(one, (float)Values[i]); break;
                default: BinaryPrimitives.WriteDoubleLittleEndian(one, Values[i]); break;
            }
            bytes.AddRange(one[..width].ToArray());
        }
        return bytes.ToArray();
    }
}

/// <summary>
/// How a test writes DELTA_BINARY_PACKED pages (Encodings.md): <paramref name="BlockSize"/> values per block in
/// <paramref name="Miniblocks"/> miniblocks; <paramref name="UnusedWidth"/> is the bit-width byte written for the
/// miniblocks of the last block that hold no value (readers must ignore it). To make corrupt pages:
/// <paramref name="Width"/> forces every used miniblock's width (bodies written as zeros when wider than 64),
/// and <paramref name="CutBytes"/> drops the encoded values' last bytes.
/// </summary>
public sealed record DeltaLayout(int BlockSize = 128, int Miniblocks = 4, byte UnusedWidth = 0, int? Width = null, int CutBytes = 0);

/// <summary>Writes and compares the Parquet files the column-chunk decoder tests read.</summary>
public static class ParquetTestFiles
{
    /// <summary>Writes the columns with Parquet.Net (one V1 page per column chunk) in row groups of <paramref name="rowGroupSize"/>.</summary>
    public static async Task WriteWithParquetNet(string path, IReadOnlyList<TestColumn> columns, int rowGroupSize,
        CompressionMethod compression = CompressionMethod.Snappy)
    {
        var fields = columns.Select(c => c.Field()).ToArray();
        int rows = columns.Count == 0 ? 0 : columns[0].Rows;
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, new ParquetOptions { CompressionMethod = compression });
        for (int start = 0; start < rows || start == 0; start += rowGroupSize)
        {
            int count = Math.Min(rowGroupSize, rows - start);
            using var group = writer.CreateRowGroup();
            for (int c = 0; c < columns.Count; c++) await WriteColumn(group, fields[c], columns[c], start, count);
            if (rows == 0) break;
        }
    }

    private static async Task WriteColumn(ParquetRowGroupWriter group, DataField field, TestColumn column, int start, int count)
    {
        if (column.ClrType == typeof(int)) await Write(group, field, column, start, count, v => (int)v);
        else if (column.ClrType == typeof(long)) await Write(group, field, column, start, count, v => (long)v);
        else if (column.ClrType == typeof(float)) await Write(group, field, column, start, count, v => (float)v);
        else await Write(group, field, column, start, count, v => v);
    }

    private static async Task Write<T>(ParquetRowGroupWriter group, DataField field, TestColumn column, int start, int count, Func<double, T> convert)
        where T : struct
    {
        if (column.Nulls is null)
            await group.WriteAsync<T>(field, Enumerable.Range(start, count).Select(i => convert(column.Values[i])).ToArray().AsMemory());
        else
            await group.WriteAsync<T>(field, Enumerable.Range(start, count).Select(i => column.IsNull(i) ? (T?)null : convert(column.Values[i])).ToArray().AsMemory());
    }

    /// <summary>
    /// Writes the columns page by page, without Parquet.Net's page writer (Parquet.Net writes one V1 page per
    /// chunk and nothing here writes PLAIN data pages V2): data pages of <paramref name="rowsPerPage"/> rows,
    /// V1 (definition levels behind their 4-byte length, compressed with the values) or V2 (levels uncompressed
    /// before the compressed values), Snappy or uncompressed; levels as a random mix of RLE and bit-packed runs.
    /// Schema and footer come from a Parquet.Net file of the same columns, with the chunks' offsets, sizes,
    /// codec and encodings patched; page headers and footer are serialised by Parquet.Net's own Thrift writer.
    /// </summary>
    /// <remarks><paramref name="alterPage"/>, when given, may change each page header (column index, page index
    /// within the chunk, header) just before it is written: how the tests make pages whose headers lie.</remarks>
    public static async Task WriteByHand(string path, IReadOnlyList<TestColumn> columns, int rowGroupSize, int rowsPerPage,
        bool dataPageV2, CompressionCodec codec, Random random, DeltaLayout? delta = null, Action<int, int, PageHeader>? alterPage = null)
    {
        var template = path + ".template";
        await WriteWithParquetNet(template, columns, rowGroupSize);
        FileMetaData metadata;
        await using (var reader = await ParquetReader.CreateAsync(template)) metadata = reader.Metadata!;
        File.Delete(template);

        await using var output = File.Create(path);
        output.Write("PAR1"u8);
        int groupStart = 0;
        foreach (var rowGroup in metadata.RowGroups)
        {
            int groupRows = checked((int)rowGroup.NumRows);
            long groupCompressed = 0, groupUncompressed = 0;
            rowGroup.FileOffset = output.Position;
            for (int c = 0; c < columns.Count; c++)
            {
                var chunk = rowGroup.Columns[c];
                long start = output.Position, uncompressed = 0;
                for (int page = groupStart, index = 0; page < groupStart + groupRows; page += rowsPerPage, index++)
                {
                    int column = c, pageIndex = index;
                    uncompressed += WritePage(output, columns[c], page, Math.Min(rowsPerPage, groupStart + groupRows - page), dataPageV2, codec, random, delta,
                        alterPage is null ? null : header => alterPage(column, pageIndex, header));
                }
                var meta = chunk.MetaData!;
                chunk.FileOffset = start;
                chunk.OffsetIndexOffset = chunk.ColumnIndexOffset = null;
                chunk.OffsetIndexLength = chunk.ColumnIndexLength = null;
                meta.DataPageOffset = start;
                meta.DictionaryPageOffset = meta.IndexPageOffset = null;
                meta.TotalCompressedSize = output.Position - start;
                meta.TotalUncompressedSize = uncompressed;
                meta.Codec = codec;
                meta.Encodings = [delta is null ? Encoding.PLAIN : Encoding.DELTA_BINARY_PACKED, Encoding.RLE];
                meta.EncodingStats = null;
                groupCompressed += meta.TotalCompressedSize;
                groupUncompressed += uncompressed;
            }
            rowGroup.TotalCompressedSize = groupCompressed;
            rowGroup.TotalByteSize = groupUncompressed;
            groupStart += groupRows;
        }
        WriteFooter(output, metadata);
    }

    /// <summary>Writes one data page; returns its header's plus its uncompressed body's size.</summary>
    private static long WritePage(Stream output, TestColumn column, int start, int rows, bool dataPageV2, CompressionCodec codec, Random random,
        DeltaLayout? delta, Action<PageHeader>? alter)
    {
        var values = delta is null ? column.PlainValues(start, rows)
            : EncodeDeltaBinaryPacked(column.PresentIntegers(start, rows), column.PhysicalType == ParquetType.INT32, delta);
        var encoding = delta is null ? Encoding.PLAIN : Encoding.DELTA_BINARY_PACKED;
        var levels = column.Nulls is null ? [] : EncodeLevels(column.Nulls.AsSpan(start, rows), random);
        int nulls = column.Nulls is null ? 0 : column.Nulls.AsSpan(start, rows).Count(true);
        byte[] Compress(byte[] bytes) => codec == CompressionCodec.SNAPPY ? Snappy.CompressToArray(bytes) : bytes;
        PageHeader header;
        byte[] body;
        if (dataPageV2)
        {
            var data = Compress(values);
            body = [.. levels, .. data];
            header = new PageHeader
            {
                Type = PageType.DATA_PAGE_V2,
                UncompressedPageSize = levels.Length + values.Length,
                CompressedPageSize = body.Length,
                DataPageHeaderV2 = new DataPageHeaderV2
                {
                    NumValues = rows, NumNulls = nulls, NumRows = rows, Encoding = encoding,
                    DefinitionLevelsByteLength = levels.Length, RepetitionLevelsByteLength = 0,
                    IsCompressed = codec != CompressionCodec.UNCOMPRESSED,
                },
            };
        }
        else
        {
            byte[] page = column.Nulls is null ? values : [.. BitConverter.GetBytes(levels.Length), .. levels, .. values];
            body = Compress(page);
            header = new PageHeader
            {
                Type = PageType.DATA_PAGE,
                UncompressedPageSize = page.Length,
                CompressedPageSize = body.Length,
                DataPageHeader = new DataPageHeader
                {
                    NumValues = rows, Encoding = encoding,
                    DefinitionLevelEncoding = Encoding.RLE, RepetitionLevelEncoding = Encoding.RLE,
                },
            };
        }
        alter?.Invoke(header);
        long headerStart = output.Position;
        WriteThrift(output, header);
        long headerLength = output.Position - headerStart;
        output.Write(body);
        return headerLength + header.UncompressedPageSize;
    }

    /// <summary>
    /// DELTA_BINARY_PACKED bytes of <paramref name="values"/> (Encodings.md): header (block size, miniblocks, value
    /// count, zigzag first value), then per block the zigzag minimum delta, the miniblocks' bit widths and the
    /// miniblocks, each padded to its full size. Deltas wrap around in the physical type's width (INT32 deltas are
    /// 32-bit, as the specification has it; DuckDB's 64-bit INT32 deltas are covered by its own files).
    /// </summary>
    public static byte[] EncodeDeltaBinaryPacked(IReadOnlyList<long> values, bool int32, DeltaLayout layout)
    {
        var bytes = new List<byte>();
        void Uleb(ulong v)
        {
            for (; v >= 0x80; v >>= 7) bytes.Add((byte)(v | 0x80));
            bytes.Add((byte)v);
        }
        static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));
        Uleb((ulong)layout.BlockSize);
        Uleb((ulong)layout.Miniblocks);
        Uleb((ulong)values.Count);
        Uleb(ZigZag(values.Count > 0 ? values[0] : 0));
        // A header that breaks the rules (a test of corrupt pages) is followed by blocks of 128 values in 4 miniblocks.
        bool valid = layout.BlockSize > 0 && layout.Miniblocks > 0 && layout.BlockSize % layout.Miniblocks == 0;
        int blockSize = valid ? layout.BlockSize : 128, miniblocks = valid ? layout.Miniblocks : 4;
        int miniblockSize = blockSize / miniblocks;
        for (int start = 1; start < values.Count; start += blockSize)
        {
            int count = Math.Min(blockSize, values.Count - start);
            var deltas = new long[count];
            for (int k = 0; k < count; k++)
                deltas[k] = int32 ? unchecked((int)values[start + k] - (int)values[start + k - 1]) : unchecked(values[start + k] - values[start + k - 1]);
            long min = deltas.Min();
            Uleb(ZigZag(min));
            // Packed deltas: delta − min in the type's width, as unsigned.
            var packed = deltas.Select(d => int32 ? (ulong)unchecked((uint)((int)d - (int)min)) : unchecked((ulong)(d - min))).ToArray();
            int used = (count + miniblockSize - 1) / miniblockSize;
            var widths = new int[miniblocks];
            for (int m = 0; m < miniblocks; m++)
            {
                if (m >= used) { widths[m] = layout.UnusedWidth; continue; }
                ulong max = packed.Skip(m * miniblockSize).Take(miniblockSize).Max();
                widths[m] = layout.Width ?? 64 - System.Numerics.BitOperations.LeadingZeroCount(max);
            }
            foreach (int w in widths) bytes.Add((byte)w);
            for (int m = 0; m < used; m++)
            {
                var body = new byte[(long)miniblockSize * widths[m] / 8];
                for (int i = 0; i < miniblockSize && m * miniblockSize + i < count; i++)
                    for (int b = 0; b < Math.Min(widths[m], 64); b++)
                        if ((packed[m * miniblockSize + i] >> b & 1) != 0)
                        {
                            long bit = (long)i * widths[m] + b;
                            body[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                        }
                if (widths[m] > 64) Array.Clear(body);
                bytes.AddRange(body);
            }
        }
        return bytes.Take(Math.Max(0, bytes.Count - layout.CutBytes)).ToArray();
    }

    /// <summary>
    /// Definition levels (1 = value present, 0 = null) in the RLE/bit-packed hybrid with bit width 1: at each
    /// position a coin chooses an RLE run (as long as the level repeats, at most 300) or bit-packed groups of 8
    /// (1–3 groups, zero-padded past the end).
    /// </summary>
    public static byte[] EncodeLevels(ReadOnlySpan<bool> nulls, Random random)
    {
        var bytes = new List<byte>();
        void Varint(uint v)
        {
            for (; v >= 0x80; v >>= 7) bytes.Add((byte)(v | 0x80));
            bytes.Add((byte)v);
        }
        int i = 0;
        while (i < nulls.Length)
        {
            if (random.Next(2) == 0)
            {
                int run = 1;
                while (i + run < nulls.Length && nulls[i + run] == nulls[i] && run < 300) run++;
                Varint((uint)run << 1);
                bytes.Add(nulls[i] ? (byte)0 : (byte)1);
                i += run;
            }
            else
            {
                int groups = random.Next(1, 4);
                Varint((uint)groups << 1 | 1);
                for (int g = 0; g < groups; g++)
                {
                    byte packed = 0;
                    for (int bit = 0; bit < 8; bit++, i++)
                        if (i < nulls.Length && !nulls[i]) packed |= (byte)(1 << bit);
                    bytes.Add(packed);
                }
            }
        }
        return bytes.ToArray();
    }

    /// <summary>
    /// Rewrites the footer of a Parquet file: its metadata as Parquet.Net reads it, changed by <paramref name="alter"/>,
    /// serialised again after the unchanged column chunks. How the tests make footers that lie.
    /// </summary>
    public static async Task RewriteFooter(string path, Action<FileMetaData> alter)
    {
        FileMetaData metadata;
        await using (var reader = await ParquetReader.CreateAsync(path)) metadata = reader.Metadata!;
        var bytes = File.ReadAllBytes(path);
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 8));
        alter(metadata);
        WriteFile(path, bytes.AsSpan(4, bytes.Length - 12 - footerLength), metadata);
    }

    /// <summary>Writes "PAR1", <paramref name="body"/> (the column chunks), the serialised footer, its length and "PAR1".</summary>
    public static void WriteFile(string path, ReadOnlySpan<byte> body, FileMetaData metadata)
    {
        using var output = File.Create(path);
        output.Write("PAR1"u8);
        output.Write(body);
        WriteFooter(output, metadata);
    }

    /// <summary>Ends a Parquet file: the serialised footer, its length and "PAR1".</summary>
    public static void WriteFooter(Stream output, FileMetaData metadata)
    {
        long footerStart = output.Position;
        WriteThrift(output, metadata);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, checked((int)(output.Position - footerStart)));
        output.Write(length);
        output.Write("PAR1"u8);
    }

    /// <summary>Serialises a Parquet.Meta struct with Parquet.Net's internal Thrift compact writer (test-only reflection).</summary>
    public static void WriteThrift(Stream output, object thriftStruct)
    {
        var writerType = typeof(ParquetReader).Assembly.GetType("Parquet.Meta.Proto.ThriftCompactProtocolWriter", throwOnError: true)!;
        var writer = Activator.CreateInstance(writerType, output)!;
        thriftStruct.GetType().GetMethod("Write", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [writerType])!
            .Invoke(thriftStruct, [writer]);
    }

    /// <summary>Reads a file with the direct decoder on, and again with it off (Parquet.Net only).</summary>
    internal static async Task<(Cohort Direct, ParquetDecodingCounts Counts, Cohort Reference)> ReadBothWays(string path)
    {
        var counts = new ParquetDecodingCounts();
        var direct = await ParquetCohortReader.ReadAsync(path, counts);
        var reference = await ParquetCohortReader.ReadAsync(path, new ParquetDecodingCounts { ColumnChunkFastPath = false });
        return (direct, counts, reference);
    }

    /// <summary>Column by column, value by value (bit for bit, NaN payloads included) and mask by mask.</summary>
    public static void AssertSameCohort(Cohort expected, Cohort actual)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        for (int c = 0; c < expected.Columns.Count; c++)
        {
            var (e, a) = (expected.Columns[c], actual.Columns[c]);
            Assert.Equal(e.SourceType, a.SourceType);
            switch (e)
            {
                case NumericColumn n:
                    var m = Assert.IsType<NumericColumn>(a);
                    Assert.Equal(n.Unit, m.Unit);
                    Assert.Equal(n.Values.Select(BitConverter.DoubleToInt64Bits), m.Values.Select(BitConverter.DoubleToInt64Bits));
                    Assert.Equal(n.Missing, m.Missing);
                    break;
                case CategoricalColumn k:
                    var l = Assert.IsType<CategoricalColumn>(a);
                    Assert.Equal(k.Levels, l.Levels);
                    Assert.Equal(k.Codes, l.Codes);
                    break;
            }
        }
    }

    /// <summary>The cohort holds exactly the generated values: NaN and missing where null.</summary>
    public static void AssertHolds(Cohort cohort, IReadOnlyList<TestColumn> columns)
    {
        foreach (var column in columns)
        {
            var read = Assert.IsType<NumericColumn>(cohort[column.Name]);
            Assert.Equal(column.Rows, read.Length);
            for (int i = 0; i < column.Rows; i++)
            {
                double expected = column.IsNull(i) ? double.NaN : column.Values[i];
                if (column.IsNull(i) != read.IsMissing(i) || BitConverter.DoubleToInt64Bits(expected) != BitConverter.DoubleToInt64Bits(read.Values[i]))
                    Assert.Fail($"column {column.Name} ({column.ClrType.Name}) row {i}: expected {(column.IsNull(i) ? "null" : expected.ToString("R"))}, read {read.Format(i)}");
            }
        }
    }
}
