using System.Globalization;

namespace Stratify.Parquet;

/// <summary>
/// A Parquet file that is corrupt, hostile or beyond what Stratify reads: the footer, a page header or the decoded
/// values disagree, a size is impossible, or a limit is passed. <see cref="Exception.Message"/> is the problem in
/// one sentence; <see cref="RowGroup"/> (0-based, of <see cref="RowGroupCount"/>) and <see cref="Column"/> say where,
/// when known, so the library can name file, row group and column to the user.
/// </summary>
internal sealed class ParquetFormatException(string problem, int? rowGroup = null, int? rowGroupCount = null, string? column = null,
    string? suggestion = null) : Exception(problem)
{
    public int? RowGroup { get; } = rowGroup;
    public int? RowGroupCount { get; } = rowGroupCount;
    public string? Column { get; } = column;
    public string? Suggestion { get; } = suggestion;

    /// <summary>The problem prefixed with its row group ("row group 2 of 5: ..."), 1-based as rows are counted.</summary>
    public string Located => RowGroup is int g ? string.Create(CultureInfo.InvariantCulture, $"row group {g + 1}{(RowGroupCount is int n ? string.Create(CultureInfo.InvariantCulture, $" of {n}") : "")}: {Message}") : Message;
}
