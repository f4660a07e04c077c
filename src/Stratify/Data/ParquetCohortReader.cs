using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;
using Stratify.Parquet;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Data;

/// <summary>
/// Reads a cohort from Parquet: one file, or a folder of part files read as one cohort (recursively, in path
/// order), including hive-style <c>key=value/</c> sub-folders whose key becomes a column. Only the columns asked
/// for are read (<see cref="CohortReadOptions"/>): Parquet stores each column of a row group as its own chunk, and
/// the others are never touched. Every column is allocated once at its final size, and each (row group, column)
/// chunk is decoded into its slice by one of a few workers (one per core), so a one-row-group file is still read
/// column-parallel.
///
/// Checks, before and after decoding (a corrupt or hostile file is refused naming file, row group and column; it
/// never yields wrong numbers, a crash or a hang): the path must be a regular file or folder (a device or pipe is
/// refused unopened; a symbolic-link loop in a folder is refused); the file must start and end with "PAR1"; the
/// footer is decoded with bounded sizes and cross-checked (<see cref="ParquetFileLayout"/>: schema tree, repetition
/// types, row counts, each chunk's path, type, value count and byte range, no overlapping chunks); each column
/// chunk's page headers are read and checked against the footer before anything is allocated
/// (<see cref="ParquetChunkPages"/>); and the decoded values are checked against the footer's statistics (null
/// count exact, values within min/max) and the V2 page headers' null counts.
///
/// Two decoders. A flat int32, int64, float, double or (int32) date column chunk whose pages are PLAIN-encoded data
/// pages (V1 or V2), or DELTA_BINARY_PACKED for int32 and int64, uncompressed or Snappy, is decoded by
/// <see cref="ParquetColumnChunkDecoder"/> straight into the column's array (DELTA_BINARY_PACKED integers are
/// decoded here rather than by Parquet.Net because Parquet.Net 6.1 misreads them as DuckDB writes them in V2
/// files: 19,999 of 20,000 full-range random values came back wrong, silently; and it does not read DuckDB's
/// DELTA_BINARY_PACKED dates at all). Every other chunk — dictionary-encoded, another codec (gzip, zstd, lz4,
/// brotli), other DELTA encodings or BYTE_STREAM_SPLIT, decimals, timestamps, booleans, small or unsigned
/// integers, strings — is read by Parquet.Net's buffer
/// API, chunk by chunk, so a file may mix both. Both give the same values bit for bit (tests compare them on files
/// from Parquet.Net, Stratify's writers and DuckDB). Text values are dictionary-coded as they are read, so no
/// object is made per row.
///
/// Types: int8–int64 and unsigned, float, double and decimal become numeric (an unsigned 64-bit value a double
/// cannot hold exactly is refused); boolean becomes numeric 0/1; UTF-8 strings (plain or dictionary-encoded)
/// become categorical; date and timestamp (and INT96) become numeric time in days since 1970-01-01 (fractional for
/// timestamps). Nulls become missing values. A column Stratify cannot use (binary, nested list/map/struct, time of
/// day) is listed in <see cref="Cohort.Unusable"/> and refused with a clear error only if an analysis asks for it.
/// </summary>
/// <example><code>var cohort = ParquetCohortReader.Read("datasets/lung.parquet");</code></example>
public static class ParquetCohortReader
{
    public const string TimeUnit = "days since 1970-01-01";
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ParquetOptions NetOptions = new() { TreatByteArrayAsString = false };
    /// <summary>Folders nest at most this deep below a data folder (deeper is taken for a symbolic-link loop).</summary>
    private const int MaxFolderDepth = 32;

    public static Cohort Read(string path) => Read(path, CohortReadOptions.All);

    public static Cohort Read(string path, CohortReadOptions options) => ReadAsync(path, options).GetAwaiter().GetResult();

    public static Task<Cohort> ReadAsync(string path, CancellationToken cancellation = default)
        => ReadAsync(path, CohortReadOptions.All, cancellation);

    public static Task<Cohort> ReadAsync(string path, CohortReadOptions options, CancellationToken cancellation = default)
        => ReadAsync(path, options, new ParquetDecodingCounts(), cancellation);

    /// <summary>Every column; <paramref name="counts"/> chooses whether the direct decoder is tried and counts the paths taken (for tests).</summary>
    internal static Task<Cohort> ReadAsync(string path, ParquetDecodingCounts counts, CancellationToken cancellation = default)
        => ReadAsync(path, CohortReadOptions.All, counts, cancellation);

    /// <summary>As <see cref="ReadAsync(string, CohortReadOptions, CancellationToken)"/>; <paramref name="counts"/> chooses whether
    /// the direct column-chunk decoder is tried and counts which path each column chunk took (for tests).</summary>
    internal static async Task<Cohort> ReadAsync(string path, CohortReadOptions options, ParquetDecodingCounts counts, CancellationToken cancellation = default)
    {
        var files = ListFiles(path);
        var partitions = files.Select(f => PartitionValues(path, f)).ToArray();
        var partitionKeys = partitions.SelectMany(p => p.Keys).Distinct().ToList();

        var opened = new List<OpenedFile>(files.Count);
        try
        {
            // Pass 1: each file opened once, its footer read and checked; the schema from the first file.
            foreach (var file in files) opened.Add(await OpenedFile.Open(file, options.HashInputs, cancellation));
            var first = opened[0];
            var fields = new List<DataField>();
            var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
            var notRead = new List<string>();
            foreach (var field in first.Schema.Fields)
            {
                if (field is not DataField df || df.IsArray || Kind(df) is null || first.Layout.FlatLeaf(df.Name) is null) unusable[field.Name] = Describe(field);
                else if (options.Reads(df.Name)) fields.Add(df);
                else notRead.Add(df.Name);
            }
            foreach (var other in opened.Skip(1)) CheckSameSchema(path, first, fields, other);

            long total = 0;
            foreach (var file in opened)
            {
                total += file.Layout.RowCount;
                if (total > int.MaxValue)
                    throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the files hold at least {total:N0} rows, more than one cohort can hold (2,147,483,647)"), opened.Count == 1 ? file.File : path,
                        suggestion: "Analyse a sample or a part of the cohort.");
            }
            int n = (int)total;

            // One task per (row group, column); each is checked, then decoded into rows [offset, offset + rows).
            var tasks = new List<ChunkTask>();
            int offset = 0;
            for (int f = 0; f < opened.Count; f++)
            {
                int fileStart = offset;
                for (int g = 0; g < opened[f].Layout.RowGroupCount; g++)
                {
                    int rows = (int)opened[f].Layout.Metadata.RowGroups[g].NumRows;
                    for (int c = 0; c < fields.Count; c++)
                        tasks.Add(new ChunkTask(f, g, offset, rows, c, opened[f].Layout.FlatLeaf(fields[c].Name)!.Value, fileStart));
                    offset += rows;
                }
            }

            // Pass 2: every chunk's page headers against the footer, before anything is allocated.
            var pages = new ParquetChunkPages[tasks.Count];
            var headerBuffer = Array.Empty<byte>();
            try
            {
                for (int t = 0; t < tasks.Count; t++)
                {
                    var task = tasks[t];
                    var file = opened[task.File];
                    try
                    {
                        pages[t] = ParquetChunkPages.Scan(file.Source, file.Layout.Chunk(task.Group, task.Leaf), ref headerBuffer);
                    }
                    catch (ParquetFormatException e)
                    {
                        throw Refuse(file, e, task.Group, fields[task.Column].Name);
                    }
                }
            }
            finally
            {
                if (headerBuffer.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(headerBuffer);
            }

            ColumnBuilder[] builders;
            try
            {
                builders = fields.Select(f => ColumnBuilder.For(f, n)).ToArray();
            }
            catch (OutOfMemoryException)
            {
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{n:N0} rows of {fields.Count} columns do not fit in this computer's memory"), path,
                    suggestion: "Read fewer columns, or analyse a sample of the cohort.");
            }

            // Pass 3: the chunks decoded, taken in order by as many workers as there are cores. A corrupt chunk stops
            // the taking of later chunks; the earliest one that failed is reported, so the message does not depend on
            // which worker got there first (every chunk before it has been taken, and is finished first).
            int next = -1, failedAt = int.MaxValue;
            Exception? failure = null;
            async Task Decode(int t, ParquetColumnChunkDecoder decoder, Dictionary<int, (ParquetReader Reader, DataField[] Fields)> readers)
            {
                var task = tasks[t];
                var file = opened[task.File];
                var chunk = file.Layout.Chunk(task.Group, task.Leaf);
                var leaf = file.Layout.Leaves[task.Leaf];
                var builder = builders[task.Column];
                try
                {
                    // Direct path first: the chunk's bytes decoded straight into the column's slice.
                    if (counts.ColumnChunkFastPath && builder.TryDecodeDirect(decoder, file.Source, chunk, pages[t], leaf.MaxDefinitionLevel, task.Offset, task.Rows))
                        Interlocked.Increment(ref counts.DirectChunks);
                    else
                    {
                        Interlocked.Increment(ref counts.FallbackChunks);
                        if (!readers.TryGetValue(task.File, out var reader))
                        {
                            var created = await ParquetReader.CreateAsync(file.Source.OpenStream(), NetOptions, leaveStreamOpen: false, cancellation);
                            readers[task.File] = reader = (created, created.Schema.DataFields);
                        }
                        using var group = reader.Reader.OpenRowGroupReader(task.Group);
                        // Match this file's field by name (part files may order columns differently).
                        var field = reader.Fields.First(x => x.Name == fields[task.Column].Name);
                        await builder.ReadAsync(group, field, task.Offset, task.Rows, cancellation);
                    }
                    builder.Check(ParquetChunkStatistics.Of(chunk, leaf), pages[t].NullsByHeaders, task.Offset, task.Rows,
                        (problem, row, value) => Refuse(file, new ParquetFormatException(problem), task.Group, fields[task.Column].Name,
                            row is int r ? r - task.FileStart + 1 : null, value));
                }
                catch (ParquetFormatException e)
                {
                    throw Refuse(file, e, task.Group, fields[task.Column].Name);
                }
                catch (ValueNotHeldException e)
                {
                    throw new StratifyInputException("an unsigned 64-bit integer above 2^53 that a double cannot hold exactly, so distinct values would merge",
                        file.File, fields[task.Column].Name, e.Row - task.FileStart + 1, e.Value,
                        "Store identifiers as text; scale large measurements (or store them as double) before analysing them.");
                }
                catch (Exception e) when (e is not StratifyInputException and not OperationCanceledException)
                {
                    throw Refuse(file, new ParquetFormatException($"cannot decode this column ({e.Message})"), task.Group, fields[task.Column].Name);
                }
            }
            async Task Work()
            {
                var readers = new Dictionary<int, (ParquetReader Reader, DataField[] Fields)>();
                using var decoder = new ParquetColumnChunkDecoder();
                try
                {
                    while (true)
                    {
                        int t = Interlocked.Increment(ref next);
                        if (t >= tasks.Count || t > Volatile.Read(ref failedAt)) return;
                        cancellation.ThrowIfCancellationRequested();
                        try
                        {
                            await Decode(t, decoder, readers);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            lock (tasks)
                                if (t < failedAt) (failedAt, failure) = (t, e);
                            return;
                        }
                    }
                }
                finally
                {
                    foreach (var (reader, _) in readers.Values) await reader.DisposeAsync();
                    Interlocked.Add(ref counts.DirectPages, decoder.DataPages);
                }
            }
            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, Math.Min(Environment.ProcessorCount, tasks.Count))).Select(_ => Task.Run(Work, cancellation)));
            if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

            var columns = new List<Column>(fields.Count + partitionKeys.Count);
            columns.AddRange(builders.Select(b => b.Build()));
            foreach (var key in partitionKeys)
            {
                if (first.Schema.Fields.Any(c => c.Name == key))
                    throw new StratifyInputException("a partition folder key has the same name as a column in the files", path, key);
                if (options.Reads(key)) columns.Add(PartitionColumn(key, opened, partitions));
                else notRead.Add(key);
            }
            var inputs = opened.Select(f => new CohortInput(f.File, f.Source.Sha256)).ToArray();
            return new Cohort(columns, path, unusable, inputs, notRead);
        }
        finally
        {
            foreach (var file in opened) await file.DisposeAsync();
        }
    }

    /// <summary>A (row group, column) chunk to read: its file, rows [Offset, Offset + Rows) of the cohort, and where the file's rows start.</summary>
    private readonly record struct ChunkTask(int File, int Group, int Offset, int Rows, int Column, int Leaf, int FileStart);

    /// <summary>A corrupt or unreadable part of a file, as an input error naming file, row group and column.</summary>
    private static StratifyInputException Refuse(OpenedFile file, ParquetFormatException e, int? group = null, string? column = null,
        long? row = null, string? value = null)
    {
        int? g = e.RowGroup ?? group;
        string where = g is int index ? string.Create(CultureInfo.InvariantCulture, $"row group {index + 1} of {file.Layout.RowGroupCount}: ") : "";
        return new StratifyInputException(where + e.Message, file.File, e.Column ?? column, row, value, e.Suggestion);
    }

    /// <summary>One part file: its bytes, its checked footer, and Parquet.Net's reading of its schema.</summary>
    private sealed class OpenedFile : IAsyncDisposable
    {
        private OpenedFile(string file, ParquetSource source, ParquetFileLayout layout, ParquetReader reader)
        {
            File = file;
            Source = source;
            Layout = layout;
            Reader = reader;
            Schema = reader.Schema;
        }

        public string File { get; }
        public ParquetSource Source { get; }
        public ParquetFileLayout Layout { get; }
        public ParquetReader Reader { get; }
        public ParquetSchema Schema { get; }

        public static async Task<OpenedFile> Open(string file, bool hash, CancellationToken cancellation)
        {
            ParquetSource source;
            try
            {
                source = hash ? ParquetSource.ReadAndHash(file) : ParquetSource.Open(file);
            }
            catch (ParquetFormatException e)
            {
                throw NotParquet(file, e);
            }
            catch (FileNotFoundException)
            {
                throw new StratifyInputException("the file is gone: it was listed but could not be opened (deleted or moved meanwhile?)", file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new StratifyInputException($"the file cannot be read ({e.Message})", file);
            }
            try
            {
                ParquetFileLayout layout;
                try
                {
                    layout = ParquetFileLayout.Read(source);
                }
                catch (ParquetFormatException e)
                {
                    throw NotParquet(file, e);
                }
                ParquetReader reader;
                try
                {
                    reader = await ParquetReader.CreateAsync(source.OpenStream(), NetOptions, leaveStreamOpen: false, cancellation);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    throw NotParquet(file, e.Message);
                }
                return new OpenedFile(file, source, layout, reader);
            }
            catch
            {
                source.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Reader.DisposeAsync();
            Source.Dispose();
        }
    }

    private static List<string> ListFiles(string path)
    {
        if (Directory.Exists(path))
        {
            var files = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal) { RealFolder(path, path) };
            var folders = new Stack<(string Folder, int Depth)>();
            folders.Push((path, 0));
            while (folders.Count > 0)
            {
                var (folder, depth) = folders.Pop();
                IEnumerable<string> entries;
                try
                {
                    entries = Directory.EnumerateFileSystemEntries(folder).ToList();
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new StratifyInputException($"the folder cannot be read ({e.Message})", folder);
                }
                foreach (var entry in entries)
                {
                    if (IsHidden(Path.GetFileName(entry))) continue;
                    if (Directory.Exists(entry))
                    {
                        if (depth + 1 > MaxFolderDepth || !seen.Add(RealFolder(entry, path)))
                            throw new StratifyInputException("this folder is reached a second time through a symbolic link (a link loop, or two links to one folder)", entry,
                                suggestion: "Remove the link, so that each part file is read once.");
                        folders.Push((entry, depth + 1));
                    }
                    else if (IsFile(entry, path)) files.Add(entry);
                }
            }
            if (files.Count == 0)
                throw new StratifyInputException("the folder holds no Parquet part files", path,
                    suggestion: "Point --data at a .parquet file or at a folder of part files.");
            files.Sort(StringComparer.Ordinal);
            return files;
        }
        if (IsFile(path, path)) return [path];
        throw new StratifyInputException("file not found", path,
            suggestion: "Check the path; in a study spec, data paths are relative to the spec file's folder.");
    }

    /// <summary>A folder's path with its own symbolic link (if it is one) followed to the end.</summary>
    private static string RealFolder(string folder, string root)
    {
        try
        {
            var info = new DirectoryInfo(folder);
            return Path.TrimEndingDirectorySeparator((info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) ?? info).FullName);
        }
        catch (IOException e)
        {
            throw new StratifyInputException($"a symbolic link loop ({e.Message})", folder, suggestion: $"Remove the link from {root}.");
        }
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a file, or a symbolic link that leads to one; false when nothing is there.
    /// A link that leads nowhere (.NET counts it as a file) or round in a loop is refused.
    /// </summary>
    private static bool IsFile(string path, string root)
    {
        if (!File.Exists(path)) return false;
        if (new FileInfo(path).LinkTarget is null) return true;
        bool resolves;
        try
        {
            resolves = File.ResolveLinkTarget(path, returnFinalTarget: true) is { Exists: true };
        }
        catch (IOException e)
        {
            throw new StratifyInputException($"a symbolic link loop ({e.Message})", path, suggestion: $"Remove the link from {root}.");
        }
        return resolves ? true : throw new StratifyInputException("a symbolic link that leads nowhere (its target is missing)", path,
            suggestion: "Remove or repair the link.");
    }

    /// <summary>Files and folders starting with '.' or '_' (_SUCCESS, .crc) are metadata, not data, as Spark writes them.</summary>
    private static bool IsHidden(string name) => name.StartsWith('.') || name.StartsWith('_');

    /// <summary>A file refused on opening or from its footer: not Parquet at all (with how to convert a CSV), or a corrupt footer.</summary>
    private static StratifyInputException NotParquet(string file, ParquetFormatException e)
    {
        const string prefix = "not a Parquet file: ";
        if (e.Message.StartsWith(prefix, StringComparison.Ordinal)) return NotParquet(file, e.Message[prefix.Length..]);
        string where = e.RowGroup is int g ? string.Create(CultureInfo.InvariantCulture, $"row group {g + 1} of {e.RowGroupCount}: ") : "";
        return new StratifyInputException(where + e.Message, file, e.Column, suggestion: e.Suggestion);
    }

    private static StratifyInputException NotParquet(string file, string why) =>
        new($"not a Parquet file: {why}", file,
            suggestion: file.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                ? $"Convert it first: stratify import {file} --out {Path.ChangeExtension(file, ".parquet")}"
                : "Stratify reads Parquet; convert CSV exports with 'stratify import'.");

    private static void CheckSameSchema(string root, OpenedFile first, List<DataField> fields, OpenedFile other)
    {
        foreach (var field in fields)
        {
            var match = other.Schema.Fields.OfType<DataField>().FirstOrDefault(f => f.Name == field.Name);
            if (match is null)
                throw new StratifyInputException($"this part file lacks a column that {Path.GetFileName(first.File)} has", other.File, field.Name,
                    suggestion: $"All part files of {root} must share one schema.");
            if (Kind(match) != Kind(field) || match.IsArray || other.Layout.FlatLeaf(match.Name) is null)
                throw new StratifyInputException($"the column's type differs between part files ({Describe(field)} in {Path.GetFileName(first.File)}, {Describe(match)} here)", other.File, field.Name);
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
    private static Column PartitionColumn(string key, List<OpenedFile> files, Dictionary<string, string>[] partitions)
    {
        var texts = new List<string?>();
        var counts = files.Select(f => f.Layout.RowCount).ToArray();
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

    /// <summary>A stored value a double cannot hold exactly (<paramref name="Row"/> is the cohort's 0-based row).</summary>
    private sealed class ValueNotHeldException(int row, string value) : Exception("value not held exactly")
    {
        public int Row { get; } = row;
        public string Value { get; } = value;
    }

    /// <summary>Accumulates one column across row groups into one array.</summary>
    private abstract class ColumnBuilder
    {
        protected ColumnBuilder(DataField field) => Field = field;
        protected DataField Field { get; }

        /// <summary>Decodes one row group into rows [offset, offset + rows); called concurrently for disjoint slices.</summary>
        public abstract Task ReadAsync(ParquetRowGroupReader group, DataField field, int offset, int rows, CancellationToken cancellation);

        /// <summary>Decodes one column chunk without Parquet.Net when the decoder supports it; false leaves the rows untouched.</summary>
        public virtual bool TryDecodeDirect(ParquetColumnChunkDecoder decoder, ParquetSource source, ColumnChunk chunk, ParquetChunkPages pages,
            int maxDefinitionLevel, int offset, int rows) => false;

        /// <summary>
        /// Checks the decoded rows [offset, offset + rows) against what the footer's statistics and the V2 page headers
        /// say: the number of nulls, and (for plain numbers) that every value lies within [min, max]. A disagreement is
        /// reported through <paramref name="refuse"/> (problem, 0-based cohort row, value).
        /// </summary>
        public void Check(ParquetChunkStatistics statistics, long? nullsByHeaders, int offset, int rows, Func<string, int?, string?, Exception> refuse)
        {
            long nulls = CountMissing(offset, rows);
            if (statistics.Nulls is long claimed && claimed != nulls)
                throw refuse(string.Create(CultureInfo.InvariantCulture, $"the footer's statistics count {claimed:N0} nulls in the column chunk, but its pages hold {nulls:N0}"), null, null);
            if (nullsByHeaders is long counted && counted != nulls)
                throw refuse(string.Create(CultureInfo.InvariantCulture, $"the page headers count {counted:N0} nulls in the column chunk, but its definition levels hold {nulls:N0}"), null, null);
            if (statistics.Min is not null || statistics.Max is not null) CheckRange(statistics.Min ?? double.NegativeInfinity, statistics.Max ?? double.PositiveInfinity, offset, rows, refuse);
        }

        protected abstract long CountMissing(int offset, int rows);

        protected virtual void CheckRange(double min, double max, int offset, int rows, Func<string, int?, string?, Exception> refuse) { }

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
                        if (v.HasValue) _values[offset + i] = Convert(v.GetValueOrDefault(), offset + i);
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
                    for (int i = 0; i < rows; i++) _values[offset + i] = Convert(buffer[i], offset + i);
                }
                finally { System.Buffers.ArrayPool<T>.Shared.Return(buffer); }
            }
        }

        /// <summary>The value as a double; an unsigned 64-bit value a double cannot hold exactly (above 2^53) is refused.</summary>
        private double Convert(T value, int row)
        {
            if (typeof(T) == typeof(ulong))
            {
                ulong u = Unsafe.As<T, ulong>(ref value);
                double d = u;
                if (u > 1UL << 53 && !(d < 18446744073709551616.0 && (ulong)d == u)) throw new ValueNotHeldException(row, u.ToString(CultureInfo.InvariantCulture));
                return d;
            }
            return _convert(value);
        }

        public override bool TryDecodeDirect(ParquetColumnChunkDecoder decoder, ParquetSource source, ColumnChunk chunk, ParquetChunkPages pages,
            int maxDefinitionLevel, int offset, int rows)
        {
            // Only the types whose Parquet.Net conversion is a plain widening to double (no logical-type meaning), and
            // DATE, an INT32 count of days since 1970-01-01: exactly the number this builder stores for a date.
            ParquetType? physical = _type == SourceType.Date ? ParquetType.INT32
                : _unit is not null ? null
                : typeof(T) == typeof(double) ? ParquetType.DOUBLE
                : typeof(T) == typeof(float) ? ParquetType.FLOAT
                : typeof(T) == typeof(long) ? ParquetType.INT64
                : typeof(T) == typeof(int) ? ParquetType.INT32
                : null;
            return physical is { } type
                && decoder.TryDecode(source, chunk, pages, type, maxDefinitionLevel, _values.AsSpan(offset, rows), () => MissingMask().AsSpan(offset, rows));
        }

        protected override long CountMissing(int offset, int rows) => _missing is null ? 0 : _missing.AsSpan(offset, rows).Count(true);

        /// <summary>Only where the values are the stored numbers themselves (not dates, timestamps, decimals or booleans).</summary>
        protected override void CheckRange(double min, double max, int offset, int rows, Func<string, int?, string?, Exception> refuse)
        {
            if (_unit is not null || _type is not (SourceType.Integer or SourceType.Float)) return;
            var values = _values.AsSpan(offset, rows);
            for (int i = 0; i < values.Length; i++)
            {
                double v = values[i];
                if (v < min || v > max) // false for NaN: a null, or a NaN the statistics leave out
                    throw refuse($"the value lies outside the range the footer's statistics give the column chunk ({Format(min)} to {Format(max)})",
                        offset + i, Format(v));
            }
        }

        private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

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
                Share(local, offset, rows);
            }
            finally
            {
                System.Buffers.ArrayPool<ReadOnlyMemory<char>>.Shared.Return(values, clearArray: true);
                System.Buffers.ArrayPool<int>.Shared.Return(definitions);
            }
        }

        /// <summary>
        /// Decodes the chunk without Parquet.Net (PLAIN or dictionary-encoded text, ParquetColumnChunkDecoder.TryDecodeText):
        /// each value's UTF-8 bytes decoded to characters as Parquet.Net decodes them (an invalid sequence becomes U+FFFD),
        /// coded against a local dictionary looked up by span, so a string is made only once per distinct label.
        /// </summary>
        public override bool TryDecodeDirect(ParquetColumnChunkDecoder decoder, ParquetSource source, ColumnChunk chunk, ParquetChunkPages pages,
            int maxDefinitionLevel, int offset, int rows)
        {
            var local = new Dictionary<string, int>(StringComparer.Ordinal);
            var lookup = local.GetAlternateLookup<ReadOnlySpan<char>>();
            char[] characters = new char[256];
            int Code(ReadOnlySpan<byte> utf8)
            {
                int most = System.Text.Encoding.UTF8.GetMaxCharCount(utf8.Length);
                if (most > characters.Length) characters = new char[Math.Max(most, 2 * characters.Length)];
                var text = characters.AsSpan(0, System.Text.Encoding.UTF8.GetChars(utf8, characters));
                if (!lookup.TryGetValue(text, out int code)) { code = local.Count; lookup[text] = code; }
                return code;
            }
            if (!decoder.TryDecodeText(source, chunk, pages, maxDefinitionLevel, _codes.AsSpan(offset, rows), Code)) return false;
            Share(local, offset, rows);
            return true;
        }

        /// <summary>Turns the rows' local codes into codes of the column's shared dictionary (row groups decode concurrently).</summary>
        private void Share(Dictionary<string, int> local, int offset, int rows)
        {
            var map = new int[local.Count];
            lock (_index)
            {
                foreach (var (text, code) in local)
                {
                    if (!_index.TryGetValue(text, out int shared)) { shared = _index.Count; _index.Add(text, shared); }
                    map[code] = shared;
                }
            }
            var codes = _codes.AsSpan(offset, rows);
            for (int i = 0; i < codes.Length; i++) if (codes[i] >= 0) codes[i] = map[codes[i]];
        }

        protected override long CountMissing(int offset, int rows) => _codes.AsSpan(offset, rows).Count(-1);

        public override Column Build() => CategoricalColumn.FromCodes(Field.Name, _codes, _index, SourceType.String);
    }
}
