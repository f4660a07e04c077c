namespace Stratify.Reporting.Html;

/// <summary>
/// A data table for the report: a caption, column headers (the first names the row-header column) and rows whose
/// first cell is a row header. Text is plain (escaped on output); <see cref="NumericColumns"/> marks columns to
/// right-align (indexes into <see cref="ColumnHeaders"/>, 0 being the row-header column).
/// </summary>
/// <example><code>
/// var table = new HtmlTable("Subgroup sizes", ["Subgroup", "n", "Events"],
///     [new HtmlTableRow("A", ["120", "87"]), new HtmlTableRow("B", ["108", "78"])], NumericColumns: [1, 2]);
/// </code></example>
internal sealed record HtmlTable(
    string Caption,
    IReadOnlyList<string> ColumnHeaders,
    IReadOnlyList<HtmlTableRow> Rows,
    IReadOnlyList<int>? NumericColumns = null);

/// <summary>One table row: its header cell (th scope="row") and the data cells that follow.</summary>
internal sealed record HtmlTableRow(string Header, IReadOnlyList<string> Cells);
