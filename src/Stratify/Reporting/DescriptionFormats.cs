using System.Globalization;
using System.Text;
using Stratify.Data;
using Stratify.Description;

namespace Stratify.Reporting;

/// <summary>The JSON document of `stratify describe --format json`.</summary>
internal sealed record CohortDescriptionDocument(
    string Source,
    int RowsRead,
    int RowsAnalysed,
    IReadOnlyList<DroppedRowsDto> Dropped,
    CohortSchemaDocument Schema,
    Table1Document Table1);

internal sealed record DroppedRowsDto(string Column, int Rows);

/// <summary>Renders a <see cref="CohortDescription"/> as JSON, CSV (Table 1 only) or Markdown.</summary>
internal static class DescriptionFormats
{
    public static CohortDescriptionDocument ToDocument(CohortDescription d) => new(
        d.Source, d.RowsRead, d.RowsAnalysed, d.Dropped.Select(x => new DroppedRowsDto(x.Column, x.Rows)).ToArray(),
        Table1Formats.ToDocument(d.Schema), Table1Formats.ToDocument(d.Table1));

    public static string ToJson(CohortDescription d) => JsonOutput.Serialize(ToDocument(d));

    public static string ToCsv(CohortDescription d) => Table1Formats.ToCsv(d.Table1);

    public static string DroppedSentence(CohortDescription d) => d.Dropped.Count == 0
        ? string.Create(CultureInfo.InvariantCulture, $"{d.RowsRead:N0} rows read; all analysed.")
        : string.Create(CultureInfo.InvariantCulture, $"{d.RowsRead:N0} rows read; {d.RowsAnalysed:N0} analysed; rows dropped for a missing value: ")
          + string.Join(", ", d.Dropped.Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Column} {x.Rows:N0}"))) + ".";

    public static string ToMarkdown(CohortDescription d)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## Cohort: {d.Source}").AppendLine();
        text.AppendLine(DroppedSentence(d)).AppendLine();
        text.AppendLine("### Columns").AppendLine();
        text.AppendLine(Table1Formats.ToMarkdown(d.Schema)).AppendLine();
        text.AppendLine("### Table 1").AppendLine();
        text.Append(Table1Formats.ToMarkdown(d.Table1));
        return text.ToString();
    }
}
