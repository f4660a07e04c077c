namespace Stratify.Parquet;

/// <summary>
/// Which path each column chunk took in <c>Stratify.Data.ParquetCohortReader</c>: decoded directly by
/// <see cref="ParquetColumnChunkDecoder"/>, or by Parquet.Net (every chunk the direct decoder does not support,
/// and every chunk when <see cref="ColumnChunkFastPath"/> is off). Lets tests compare both paths on one file.
/// </summary>
internal sealed class ParquetDecodingCounts
{
    /// <summary>Whether the direct decoder is tried at all (on by default; tests turn it off to read the reference).</summary>
    public bool ColumnChunkFastPath { get; init; } = true;

    /// <summary>Column chunks decoded directly (incremented concurrently).</summary>
    public int DirectChunks;

    /// <summary>Data pages in the directly decoded chunks (added by each worker when it finishes).</summary>
    public int DirectPages;

    /// <summary>Column chunks read by Parquet.Net (incremented concurrently).</summary>
    public int FallbackChunks;
}
