namespace Stratify.Data;

/// <summary>
/// What to read of a cohort's Parquet files: the columns an analysis uses (null = every column, as `describe`
/// reads), and whether to hash the bytes read (for a run's manifest). Columns not asked for are skipped entirely:
/// their column chunks are neither read nor decoded.
/// </summary>
/// <example><code>var cohort = ParquetCohortReader.Read("datasets/lung.parquet", CohortReadOptions.Only(spec.UsedColumns()));</code></example>
public sealed record CohortReadOptions
{
    /// <summary>Every column, no hashing.</summary>
    public static CohortReadOptions All { get; } = new();

    /// <summary>The columns to read; null reads every column.</summary>
    public IReadOnlySet<string>? Columns { get; init; }

    /// <summary>
    /// Read each file into memory once, record the SHA-256 of those bytes in <see cref="Cohort.Inputs"/>, and decode
    /// from the same bytes, so the hash is of exactly what was analysed even if the file is replaced meanwhile.
    /// </summary>
    public bool HashInputs { get; init; }

    public static CohortReadOptions Only(IEnumerable<string> columns) => new() { Columns = columns.ToHashSet(StringComparer.Ordinal) };

    /// <summary>These options, reading <paramref name="more"/> columns as well (no change when every column is read).</summary>
    public CohortReadOptions With(params IEnumerable<string> more) =>
        Columns is null ? this : this with { Columns = Columns.Concat(more).ToHashSet(StringComparer.Ordinal) };

    public bool Reads(string column) => Columns is null || Columns.Contains(column);
}

/// <summary>One file a cohort was read from, with the SHA-256 of the bytes decoded (null when they were not hashed).</summary>
public sealed record CohortInput(string File, string? Sha256);
