using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;
using Stratify.Parquet;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Data;

/// <summary>
/// Reads a cohort from Parquet: one file, or a folder of part files read as one cohort (recursively, in path
/// order), including hive-style <c>key=value/</c> sub-folders whose key becomes a column. Every column is
/// allocated once at its final size, and each (row group, column) chunk is decoded into its slice by one of a
/// few workers (one per core), so a one-row-group file is still read column-parallel.
///
/// Two decoders. A flat int32, int64, float or double column chunk whose pages are PLAIN-encoded data pages
/// (V1 or V2), or DELTA_BINARY_PACKED for int32 and int64, uncompressed or Snappy, is decoded by
/// <see cref="ParquetColumnChunkDecoder"/>: the chunk's bytes are read once into a reused buffer and each page is
/// decompressed straight into the column's array (a required double column) or into a reused scratch buffer and
/// widened to double in one pass, nulls becoming NaN and a missing-mask entry. DELTA_BINARY_PACKED integers are
/// decoded here rather than by Parquet.Net because Parquet.Net 6.1 misreads them as DuckDB writes them in V2
/// files (INT32 deltas packed 33 bits wide when neighbouring values differ by more than 2^31): 19,999 of 20,000
/// full-range random values came back wrong, silently. Every other chunk — dictionary-encoded, another codec
/// (gzip, zstd, lz4, brotli), other DELTA encodings or BYTE_STREAM_SPLIT, decimals, dates, timestamps, booleans, small or unsigned
/// integers, strings, encrypted, or with a page header the direct decoder cannot parse — is read by
/// Parquet.Net's buffer API exactly as before, chunk by chunk, so a file may mix both. Both give the same
/// values bit for bit (tests compare them on files from Parquet.Net, Stratify's writers and DuckDB). Text values
/// are dictionary-coded as they are read, so no object is made per row.
///
/// Types: int8–int64 and unsigned, float, double and decimal become numeric; boolean becomes numeric 0/1;
/// UTF-8 strings (plain or dictionary-encoded) become categorical; date and timestamp become numeric time in
/// days since 1970-01-01 (fractional for timestamps). Nulls become missing values. A column Stratify cannot
/// use (binary, nested list/map/struct, time of day) is listed in <see cref="Cohort.Unusable"/> and refused with a
/// clear error only if an analysis asks for it.
/// </summary>
/// <example><code>var cohort = ParquetCohortReader.Read("datasets/lung.parquet");</code></example>
public static class ParquetCohortReader
{
    public const string TimeUnit = "days since 1970-01-01";
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    public static Cohort Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    public static Task<Cohort> ReadAsync(string path, CancellationToken cancellation = default)
        => ReadAsync(path, new ParquetDecodingCounts(), cancellation);

    /// <summary>As <see cref="ReadAsync(string, CancellationToken)"/>; <paramref name="counts"/> chooses whether
    /// the direct column-chunk decoder is tried and counts which path each column chunk took (for tests).</summary>
    internal static async Task<Cohort> ReadAsync(string path, ParquetDecodingCounts counts, CancellationToken cancellation = default)
    {
        var files = ListFiles(path);
        var partitions = files.Select(f => PartitionValues(path, f)).ToArray();
        var partitionKeys = partitions.SelectMany(p => p.Keys).Distinct().ToList();

        // Pass 1: schema and row counts, so each column is allocated once at its final size.
        var readers = new List<(string File, ParquetReader Reader)>(files.Count);
        try
        {
            foreach (var file in files) readers.Add((file, await Open(file, cancellation)));
            var schema = readers[0].Reader.Schema;
            var fields = new List<DataField>();
            var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in schema.Fields)
            {
                if (field is DataField df && !df.IsArray && Kind(df) is not null) fields.Add(df);
                else unusable[field.Name] = Describe(field);
            }
            foreach (var (file, reader) in readers.Skip(1)) CheckSameSchema(path, readers[0].File, fields, file, reader.Schema);

            long total = 0;
            foreach (var (_, reader) in readers)
                for (int g = 0; g < reader.RowGroupCount; g++) total += reader.RowGroups[g].RowCount;
            if (total > int.MaxValue) throw new StratifyInputException($"{total:N0} rows is more than one cohort can hold (2,147,483,647)", path);
            int n = (int)total;

            // Pass 2: row groups are decoded in parallel (one reader per worker and file), each into its own slice.
            var builders = fields.Select(f => ColumnBuilder.For(f, n)).ToArray();
            var plan = new List<(int File, int Group, int Offset, int Rows)>();
            int offset = 0;
            for (int f = 0; f < readers.Count; f++)
                for (int g = 0; g < readers[f].Reader.RowGroupCount; g++)
                {
                    int rows = checked((int)readers[f].Reader.RowGroups[g].RowCount);
                    plan.Add((f, g, offset, rows));
                    offset += rows;
                }
            // One task per (row group, column), taken in order by as many workers as there are cores; each worker
            // keeps its own reader per file. A one-row-group file is thus still read column-parallel.
            // Where each usable column's chunk sits in each file's row groups, and its maximum definition level.
            var layouts = readers.Select(r => fields.Select(f => FlatChunkLayout.Find(r.Reader.Metadata, f.Name)).ToArray()).ToArray();
            var tasks = plan.SelectMany(p => Enumerable.Range(0, fields.Count).Select(c => (p.File, p.Group, p.Offset, p.Rows, Column: c))).ToArray();
            int next = -1;
            async Task Work()
            {
                var open = new Dictionary<int, ParquetReader>();
                var handles = new Dictionary<int, SafeFileHandle>();
                using var decoder = new ParquetColumnChunkDecoder();
                try
                {
                    while (true)
                    {
                        int t = Interlocked.Increment(ref next);
                        if (t >= tasks.Length) return;
                        cancellation.ThrowIfCancellationRequested();
                        var (f, g, at, rows, c) = tasks[t];
                        var file = readers[f].File;
                        try
                        {
                            // Direct path first: the chunk's bytes decoded straight into the column's slice.
                            if (counts.ColumnChunkFastPath && layouts[f][c] is { } layout && layout.Chunk(readers[f].Reader.Metadata!, g) is { } chunk)
                            {
                                if (!handles.TryGetValue(f, out var handle))
                                    handles[f] = handle = File.OpenHandle(file, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
                                if (builders[c].TryDecodeDirect(decoder, handle, chunk, layout.MaxDefinitionLevel, at, rows))
                                {
                                    Interlocked.Increment(ref counts.DirectChunks);
                                    continue;
                                }
                            }
                            Interlocked.Increment(ref counts.FallbackChunks);
                            if (!open.TryGetValue(f, out var reader))
                                open[f] = reader = await ParquetReader.CreateAsync(File.OpenRead(file), new ParquetOptions { TreatByteArrayAsString = false }, leaveStreamOpen: false, cancellation);
                            using var group = reader.OpenRowGroupReader(g);
                            // Match this file's field by name (part files may order columns differently).
                            var field = reader.Schema.DataFields.First(x => x.Name == fields[c].Name);
                            await builders[c].ReadAsync(group, field, at, rows, cancellation);
                        }
                        catch (Exception e) when (e is not StratifyInputException and not OperationCanceledException)
                        {
                            throw new StratifyInputException($"cannot decode this column ({e.Message})", file, fields[c].Name);
                        }
                    }
                }
                finally
                {
                    foreach (var reader in open.Values) await reader.DisposeAsync();
                    foreach (var handle in handles.Values) handle.Dispose();
                    Interlocked.Add(ref counts.DirectPages, decoder.DataPages);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Math.Min(Environment.ProcessorCount, tasks.Length))).Select(_ => Task.Run(Work, cancellation)));

            var columns = new List<Column>(fields.Count + partitionKeys.Count);
            columns.AddRange(builders.Select(b => b.Build()));
            foreach (var key in partitionKeys)
            {
                if (columns.Any(c => c.Name == key))
                    throw new StratifyInputException("a partition folder key has the same name as a column in the files", path, key);
                columns.Add(PartitionColumn(key, readers, partitions));
            }
            return new Cohort(columns, path, unusable);
        }
        finally
        {
            foreach (var (_, reader) in readers) await reader.DisposeAsync();
        }
    }

    private static List<string> ListFiles(string path)
    {
        if (File.Exists(path)) return [path];
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => !IsHidden(Path.GetRelativePath(path, f)))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new StratifyInputException("the folder holds no Parquet part files", path,
                    suggestion: "Point --data at a .parquet file or at a folder of part files.");
            return files;
        }
        throw new StratifyInputException("file not found", path,
            suggestion: "Check the path; in a study spec, data paths are relative to the spec file's folder.");
    }

    /// <summary>Files and folders starting with '.' or '_' (_SUCCESS, .crc) are metadata, not data, as Spark writes them.</summary>
    private static bool IsHidden(string relative) =>
        relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.') || part.StartsWith('_'));

    private static async Task<ParquetReader> Open(string file, CancellationToken cancellation)
    {
        var stream = File.OpenRead(file);
        try
        {
            if (stream.Length < 12) throw NotParquet(file, "the file is too short");
            var head = new byte[4];
            var tail = new byte[4];
            stream.ReadExactly(head);
            stream.Seek(-4, SeekOrigin.End);
            stream.ReadExactly(tail);
            stream.Seek(0, SeekOrigin.Begin);
            if (!head.AsSpan().SequenceEqual(Magic) || !tail.AsSpan().SequenceEqual(Magic))
                throw NotParquet(file, "it does not start and end with the Parquet marker PAR1");
            return await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = false }, leaveStreamOpen: false, cancellation);
        }
        catch (StratifyInputException)
        {
            stream.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stream.Dispose();
            throw NotParquet(file, e.Message);
        }
    }

    private static StratifyInputException NotParquet(string file, string why) =>
        new($"not a Parquet file: {why}", file,
            suggestion: file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? $"Convert it first: stratify import {file} --out {Path.ChangeExtension(file, ".parquet")}"
                : "Stratify reads Parquet; convert CSV exports with 'stratify import'.");

    private static void CheckSameSchema(string root, string firstFile, List<DataField> fields, string file, ParquetSchema schema)
    {
        foreach (var field in fields)
        {
            var other = schema.Fields.OfType<DataField>().FirstOrDefault(f => f.Name == field.Name);
            if (other is null)
                throw new StratifyInputException($"this part file lacks a column that {Path.GetFileName(firstFile)} has", file, field.Name,
                    suggestion: $"All part files of {root} must share one schema.");
            if (Kind(other) != Kind(field))
                throw new StratifyInputException($"the column's type differs between part files ({Describe(field)} in {Path.GetFileName(firstFile)}, {Describe(other)} here)", file, field.Name);
        }
    }

    internal enum ValueKind { Integer, Float, Decimal, Boolean, String, Date, Timestamp }

    internal static ValueKind? Kind(DataField field)
    {
        var t = field.ClrType;
        if (t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(sbyte) || t == typeof(byte)
            || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong)) return ValueKind.Integer;
        if (t == typeof(float) || t == typeof(double)) return ValueKind.Float;
        if (t == typeof(decimal)) return ValueKind.Decimal;
        if (t == typeof(bool)) return ValueKind.Boolean;
        if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>)) return ValueKind.String;
        if (t == typeof(DateOnly)) return ValueKind.Date;
        if (t == typeof(DateTime)) return field is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date } ? ValueKind.Date : ValueKind.Timestamp;
        return null;
    }

    private static string Describe(Field field) => field switch
    {
        DataField { IsArray: true } df => $"a repeated {df.ClrType.Name} field",
        DataField df => $"Parquet type {df.ClrType.Name}",
        _ => $"a nested {field.SchemaType.ToString().ToLowerInvariant()} field",
    };

    private static Dictionary<string, string> PartitionValues(string root, string file)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root)) return values;
        var relative = Path.GetRelativePath(root, Path.GetDirectoryName(file)!);
        if (relative == ".") return values;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            int eq = part.IndexOf('=');
            if (eq > 0) values[part[..eq]] = Uri.UnescapeDataString(part[(eq + 1)..]);
        }
        return values;
    }

    /// <summary>A hive partition key as a column: numeric when every value is a number, else categorical.</summary>
    private static Column PartitionColumn(string key, List<(string File, ParquetReader Reader)> readers, Dictionary<string, string>[] partitions)
    {
        var texts = new List<string?>();
        var counts = readers.Select(r => Enumerable.Range(0, r.Reader.RowGroupCount).Sum(g => r.Reader.RowGroups[g].RowCount)).ToArray();
        var perFile = partitions.Select(p => p.TryGetValue(key, out var v) && v != "__HIVE_DEFAULT_PARTITION__" ? v : null).ToArray();
        int n = (int)counts.Sum();
        bool numeric = perFile.All(v => v is null || double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        if (numeric)
        {
            var values = new double[n];
            var missing = new bool[n];
            int at = 0;
            for (int f = 0; f < perFile.Length; f++)
            {
                double v = perFile[f] is { } s ? double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture) : double.NaN;
                values.AsSpan(at, (int)counts[f]).Fill(v);
                if (perFile[f] is null) missing.AsSpan(at, (int)counts[f]).Fill(true);
                at += (int)counts[f];
            }
            bool integer = perFile.All(v => v is null || long.TryParse(v, out _));
            return new NumericColumn(key, values, missing, integer ? SourceType.Integer : SourceType.Float);
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[n];
        int pos = 0;
        for (int f = 0; f < perFile.Length; f++)
        {
            int code = -1;
            if (perFile[f] is { } s && !index.TryGetValue(s, out code)) { code = index.Count; index.Add(s, code); }
            codes.AsSpan(pos, (int)counts[f]).Fill(code);
            pos += (int)counts[f];
        }
        return CategoricalColumn.FromCodes(key, codes, index, SourceType.String);
    }

    /// <summary>Accumulates one column across row groups into one array.</summary>
    private abstract class ColumnBuilder
    {
        protected ColumnBuilder(DataField field) => Field = field;
        protected DataField Field { get; }

        /// <summary>Decodes one row group into rows [offset, offset + rows); called concurrently for disjoint slices.</summary>
        public abstract Task ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int rows, CancellationToken cancellation);

        /// <summary>Decodes one column chunk without Parquet.Net when the decoder supports it; false leaves the rows untouched.</summary>
        public virtual bool TryDecodeDirect(ParquetColumnChunkDecoder decoder, SafeFileHandle file, ColumnChunk chunk, int maxDefinitionLevel, int offset, int rows) => false;

        public abstract Column Build();

        public static ColumnBuilder For(DataField field, int n) => Kind(field) switch
        {
            ValueKind.String => new TextBuilder(field, n),
            ValueKind.Integer when field.ClrType == typeof(int) => new NumericBuilder<int>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(long) => new NumericBuilder<long>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(short) => new NumericBuilder<short>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(sbyte) => new NumericBuilder<sbyte>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(byte) => new NumericBuilder<byte>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(ushort) => new NumericBuilder<ushort>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer when field.ClrType == typeof(uint) => new NumericBuilder<uint>(field, n, SourceType.Integer, v => v),
            ValueKind.Integer => new NumericBuilder<ulong>(field, n, SourceType.Integer, v => v),
            ValueKind.Float when field.ClrType == typeof(float) => new NumericBuilder<float>(field, n, SourceType.Float, v => v),
            ValueKind.Float => new NumericBuilder<double>(field, n, SourceType.Float, v => v),
            ValueKind.Decimal => new NumericBuilder<decimal>(field, n, SourceType.Decimal, v => (double)v),
            ValueKind.Boolean => new NumericBuilder<bool>(field, n, SourceType.Boolean, v => v ? 1 : 0),
            ValueKind.Date when field.ClrType == typeof(DateOnly) => new NumericBuilder<DateOnly>(field, n, SourceType.Date, v => v.DayNumber - DateOnly.FromDateTime(Epoch).DayNumber, TimeUnit),
            ValueKind.Date => new NumericBuilder<DateTime>(field, n, SourceType.Date, v => (v.Date - Epoch).TotalDays, TimeUnit),
            ValueKind.Timestamp => new NumericBuilder<DateTime>(field, n, SourceType.Timestamp, v => (v.ToUniversalTime() - Epoch).TotalDays, TimeUnit),
            _ => throw new InvalidOperationException("unsupported kind"),
        };
    }

    private sealed class NumericBuilder<T> : ColumnBuilder where T : struct
    {
        private readonly double[] _values;
        private bool[]? _missing; // allocated only once a nullable part is read: a required column has no missing values
        private readonly SourceType _type;
        private readonly Func<T, double> _convert;
        private readonly string? _unit;

        public NumericBuilder(DataField field, int n, SourceType type, Func<T, double> convert, string? unit = null) : base(field)
        {
            _values = new double[n];
            _missing = field.IsNullable ? new bool[n] : null;
            _type = type;
            _convert = convert;
            _unit = unit;
        }

        public override async Task ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int rows, CancellationToken cancellation)
        {
            if (field.IsNullable)
            {
                var buffer = System.Buffers.ArrayPool<T?>.Shared.Rent(rows);
                try
                {
                    await group.ReadAsync<T>(field, buffer.AsMemory(0, rows), null, cancellation);
                    for (int i = 0; i < rows; i++)
                    {
                        var v = buffer[i];
                        if (v.HasValue) _values[offset + i] = _convert(v.GetValueOrDefault());
                        else
                        {
                            _values[offset + i] = double.NaN;
                            MissingMask()[offset + i] = true;
                        }
                    }
                }
                finally { System.Buffers.ArrayPool<T?>.Shared.Return(buffer); }
            }
            else if (typeof(T) == typeof(double))
            {
                await group.ReadAsync<double>(field, _values.AsMemory(offset, rows), null, cancellation);
            }
            else
            {
                var buffer = System.Buffers.ArrayPool<T>.Shared.Rent(rows);
                try
                {
                    await group.ReadAsync<T>(field, buffer.AsMemory(0, rows), null, cancellation);
                    for (int i = 0; i < rows; i++) _values[offset + i] = _convert(buffer[i]);
                }
                finally { System.Buffers.ArrayPool<T>.Shared.Return(buffer); }
            }
        }

        public override bool TryDecodeDirect(ParquetColumnChunkDecoder decoder, SafeFileHandle file, ColumnChunk chunk, int maxDefinitionLevel, int offset, int rows)
        {
            // Only the types whose Parquet.Net conversion is a plain widening to double (no logical-type meaning).
            ParquetType? physical = typeof(T) == typeof(double) ? ParquetType.DOUBLE
                : typeof(T) == typeof(float) ? ParquetType.FLOAT
                : typeof(T) == typeof(long) ? ParquetType.INT64
                : typeof(T) == typeof(int) ? ParquetType.INT32
                : null;
            return physical is { } type && _unit is null
                && decoder.TryDecode(file, chunk, type, maxDefinitionLevel, _values.AsSpan(offset, rows), () => MissingMask().AsSpan(offset, rows));
        }

        // Part files may differ in nullability; the mask appears with the first null, shared by all workers.
        private bool[] MissingMask() => _missing ?? Interlocked.CompareExchange(ref _missing, new bool[_values.Length], null) ?? _missing!;

        public override Column Build() => new NumericColumn(Field.Name, _values, _missing, _type, _unit);
    }

    private sealed class TextBuilder : ColumnBuilder
    {
        private readonly int[] _codes;
        private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

        public TextBuilder(DataField field, int n) : base(field) => _codes = new int[n];

        public override async Task ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int rows, CancellationToken cancellation)
        {
            // Raw read: the non-null values as character slices of the decoded page (no string per row) and a
            // definition level per row (0 = null for a nullable column). Slices are coded against a local dictionary
            // looked up by span, so a string is made only once per distinct label.
            var values = System.Buffers.ArrayPool<ReadOnlyMemory<char>>.Shared.Rent(rows);
            var definitions = System.Buffers.ArrayPool<int>.Shared.Rent(rows);
            try
            {
                await group.ReadRawAsync<ReadOnlyMemory<char>>(field, values.AsMemory(0, rows), definitions.AsMemory(0, rows), null, cancellation);
                var local = new Dictionary<string, int>(StringComparer.Ordinal);
                var lookup = local.GetAlternateLookup<ReadOnlySpan<char>>();
                int next = 0;
                for (int i = 0; i < rows; i++)
                {
                    if (field.IsNullable && definitions[i] == 0) { _codes[offset + i] = -1; continue; }
                    var text = values[next++].Span;
                    if (!lookup.TryGetValue(text, out int code)) { code = local.Count; lookup[text] = code; }
                    _codes[offset + i] = code;
                }
                var map = new int[local.Count];
                lock (_index)
                {
                    foreach (var (text, code) in local)
                    {
                        if (!_index.TryGetValue(text, out int shared)) { shared = _index.Count; _index.Add(text, shared); }
                        map[code] = shared;
                    }
                }
                for (int i = 0; i < rows; i++) if (_codes[offset + i] >= 0) _codes[offset + i] = map[_codes[offset + i]];
            }
            finally
            {
                System.Buffers.ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
                System.Buffers.ArrayPool<int>.Shared.Return(definitions);
            }
        }

        public override Column Build() => CategoricalColumn.FromCodes(Field.Name, _codes, _index, SourceType.String);
    }
}
