// Renderers of a Table 1 and of a cohort's schema summary: a JSON document (snake_case via JsonOutput, NaN as
// null), CSV (RFC 4180 quoting, LF line ends) and Markdown (GitHub pipe tables). No terminal styling here: the
// CLI renders Table1Grid with Spectre.Console.
//
// Cell text: mean (SD) "61.2 (9.1)" and median [Q1, Q3] "63 [56, 69]" with Table1FormatOptions.Digits decimals
// (a variable whose quartiles are all whole numbers prints them without decimals); counts "138 (60.5%)", percent of the
// non-missing with one decimal; an undefined number "NA"; p-values "<0.001" below 0.001, otherwise three
// significant digits ("0.0639", "0.500", "1.00"); SMD with three decimals.
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using Stratify.Description;

namespace Stratify.Reporting;

/// <summary>How Table 1 cells are printed.</summary>
/// <param name="Digits">Decimals of means, SDs and quantiles.</param>
/// <param name="PercentDigits">Decimals of percentages.</param>
/// <param name="SmdDigits">Decimals of standardized mean differences.</param>
internal sealed record Table1FormatOptions(int Digits = 1, int PercentDigits = 1, int SmdDigits = 3)
{
    public static Table1FormatOptions Default { get; } = new();
}

/// <summary>
/// Table 1 as printed cells: a header and one row per line of the table (a statistic of a numeric variable,
/// a level of a categorical one, a missing-count line). The shape every text renderer shares; the CLI draws it
/// with Spectre.Console.
/// </summary>
/// <example><code>var grid = Table1Formats.ToGrid(table); foreach (var row in grid.Rows) Console.WriteLine(string.Join(" | ", row.Cells));</code></example>
internal sealed record Table1Grid(ImmutableArray<string> Header, ImmutableArray<Table1GridRow> Rows);

/// <summary>
/// One printed line: <see cref="Variable"/> and the test columns are filled on the first line of a variable's
/// block only (<see cref="StartsVariable"/>); <see cref="Cells"/> holds every column in header order.
/// </summary>
internal sealed record Table1GridRow(bool StartsVariable, string Variable, string Label, string Overall,
    ImmutableArray<string> ByGroup, string P, string Test, string Smd)
{
    public ImmutableArray<string> Cells => [Variable, Label, Overall, .. ByGroup, P, Test, Smd];
}

/// <summary>A header and rows of printed cells (the cohort schema summary; the CLI draws it with Spectre.Console).</summary>
internal sealed record TextGrid(ImmutableArray<string> Header, ImmutableArray<ImmutableArray<string>> Rows);

/// <summary>The JSON document of a Table 1 (see <see cref="Table1Formats.ToDocument"/>).</summary>
internal sealed record Table1Document(
    string? GroupColumn,
    int OverallN,
    int GroupMissing,
    string NumericTest,
    IReadOnlyList<Table1GroupDto> Groups,
    IReadOnlyList<Table1VariableDto> Variables);

internal sealed record Table1GroupDto(string Group, int N);

/// <summary>
/// One variable: its rows, the primary test (name, statistic, df, p), the alternative test of a numeric
/// variable, the SMD (null unless two groups) and the missing count.
/// </summary>
internal sealed record Table1VariableDto(
    string Variable,
    string Kind,
    IReadOnlyList<Table1RowDto> Rows,
    string? Test,
    double? Statistic,
    double? Df,
    double? Df2,
    double? P,
    string? AlternativeTest,
    double? AlternativeP,
    double Smd,
    int Missing);

internal sealed record Table1RowDto(string Label, Table1CellDto Overall, IReadOnlyList<Table1CellDto> ByGroup);

/// <summary>
/// A cell: its printed <see cref="Text"/> and, in the derived records, the numbers behind it (mean/sd/n,
/// median/q1/q3, or count/percent). Written as the derived type with a <c>kind</c> tag (mean_sd, quartiles, count), so results.json reads back exactly.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(MeanSdCellDto), "mean_sd")]
[JsonDerivedType(typeof(QuartilesCellDto), "quartiles")]
[JsonDerivedType(typeof(CountCellDto), "count")]
internal record Table1CellDto(string Text);

internal sealed record MeanSdCellDto(string Text, int N, double Mean, double Sd) : Table1CellDto(Text);

internal sealed record QuartilesCellDto(string Text, double Median, double Q1, double Q3) : Table1CellDto(Text);

/// <summary>A level's count and percent of the non-missing, or (percent NaN → null) a missing count.</summary>
internal sealed record CountCellDto(string Text, int Count, double Percent) : Table1CellDto(Text);

/// <summary>The JSON document of a cohort schema summary (see <see cref="Table1Formats.ToDocument(CohortSchemaSummary)"/>).</summary>
internal sealed record CohortSchemaDocument(string Source, int RowCount, IReadOnlyList<ColumnSchemaDto> Columns);

/// <summary>One column: min/max are null for text columns, top_levels empty for numeric ones.</summary>
internal sealed record ColumnSchemaDto(string Name, string SourceType, string Kind, int NMissing, double PercentMissing,
    int Distinct, double Min, double Max, IReadOnlyList<LevelCountDto> TopLevels, string? Unit);

internal sealed record LevelCountDto(string Level, int Count);

/// <summary>
/// Renders a <see cref="Table1"/> (and a <see cref="CohortSchemaSummary"/>) as JSON, CSV or Markdown, and gives
/// the printed grid the CLI draws.
/// </summary>
/// <example><code>
/// Table1 table = Table1Builder.Build(lung, options);
/// File.WriteAllText("table1.md", Table1Formats.ToMarkdown(table));
/// </code></example>
internal static class Table1Formats
{
    public const string MeanSdLabel = "Mean (SD)";
    public const string MedianIqrLabel = "Median [Q1, Q3]";
    public const string MissingLabel = "Missing";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Table1Document ToDocument(Table1 table, Table1FormatOptions? format = null)
    {
        format ??= Table1FormatOptions.Default;
        var variables = new List<Table1VariableDto>(table.Variables.Length);
        foreach (var variable in table.Variables)
        {
            var rows = new List<Table1RowDto>();
            string? alternativeTest = null;
            double? alternativeP = null;
            switch (variable)
            {
                case NumericVariableSummary numeric:
                    rows.Add(new Table1RowDto(MeanSdLabel, MeanSdCell(numeric.Overall, format), numeric.ByGroup.Select(c => MeanSdCell(c, format)).ToList()));
                    // Quartiles print without decimals when every one of the variable's is a whole number.
                    int quantileDigits = numeric.ByGroup.Append(numeric.Overall).All(QuartilesAreWhole) ? 0 : format.Digits;
                    rows.Add(new Table1RowDto(MedianIqrLabel, MedianCell(numeric.Overall, quantileDigits),
                        numeric.ByGroup.Select(c => MedianCell(c, quantileDigits)).ToList()));
                    if (numeric.MissingCount > 0)
                        rows.Add(new Table1RowDto(MissingLabel, MissingCell(numeric.Overall.Missing), numeric.ByGroup.Select(c => MissingCell(c.Missing)).ToList()));
                    alternativeTest = numeric.Alternative?.Test;
                    alternativeP = numeric.Alternative?.PValue;
                    break;
                case CategoricalVariableSummary categorical:
                    for (int level = 0; level < categorical.Levels.Length; level++)
                    {
                        int l = level;
                        rows.Add(new Table1RowDto(categorical.Levels[l], CountCell(categorical.Overall, l, format),
                            categorical.ByGroup.Select(c => CountCell(c, l, format)).ToList()));
                    }
                    if (categorical.MissingCount > 0)
                        rows.Add(new Table1RowDto(MissingLabel, MissingCell(categorical.Overall.Missing), categorical.ByGroup.Select(c => MissingCell(c.Missing)).ToList()));
                    break;
            }
            var test = variable.Primary;
            variables.Add(new Table1VariableDto(variable.Variable, variable.Kind == VariableKind.Numeric ? "numeric" : "categorical", rows,
                test?.Test, test?.Statistic, test?.DegreesOfFreedom, test?.DegreesOfFreedom2, test?.PValue,
                alternativeTest, alternativeP, variable.StandardizedMeanDifference, variable.MissingCount));
        }
        return new Table1Document(table.GroupColumn, table.OverallCount, table.GroupMissingCount,
            table.NumericTest == NumericTestPreference.Parametric ? "parametric" : "nonparametric",
            table.Groups.Select(g => new Table1GroupDto(g.Label, g.Count)).ToList(), variables);
    }

    public static string ToJson(Table1 table, Table1FormatOptions? format = null) => JsonOutput.Serialize(ToDocument(table, format));

    /// <summary>The printed grid: header "Variable, Level, Overall (n=…), one column per group, p, Test, SMD".</summary>
    public static Table1Grid ToGrid(Table1 table, Table1FormatOptions? format = null)
    {
        format ??= Table1FormatOptions.Default;
        var document = ToDocument(table, format);
        var header = ImmutableArray.CreateBuilder<string>();
        header.Add("Variable");
        header.Add("");
        header.Add(string.Create(CultureInfo.InvariantCulture, $"Overall (n={table.OverallCount})"));
        foreach (var g in table.Groups) header.Add(string.Create(CultureInfo.InvariantCulture, $"{g.Label} (n={g.Count})"));
        header.AddRange("p", "Test", "SMD");
        var rows = ImmutableArray.CreateBuilder<Table1GridRow>();
        foreach (var variable in document.Variables)
        {
            for (int r = 0; r < variable.Rows.Count; r++)
            {
                var row = variable.Rows[r];
                bool first = r == 0;
                rows.Add(new Table1GridRow(first, first ? variable.Variable : "", row.Label, row.Overall.Text,
                    row.ByGroup.Select(c => c.Text).ToImmutableArray(),
                    first ? FormatP(variable.P ?? double.NaN) : "",
                    first ? TestDisplayName(variable.Test) : "",
                    first ? FormatNumber(variable.Smd, format.SmdDigits, "") : ""));
            }
        }
        return new Table1Grid(header.ToImmutable(), rows.ToImmutable());
    }

    /// <summary>CSV of the grid; the variable name is repeated on every line so that the file filters cleanly.</summary>
    public static string ToCsv(Table1 table, Table1FormatOptions? format = null)
    {
        var grid = ToGrid(table, format);
        var header = grid.Header.ToArray();
        header[1] = "Level";
        var lines = new List<IReadOnlyList<string>> { header };
        string current = "";
        foreach (var row in grid.Rows)
        {
            if (row.StartsVariable) current = row.Variable;
            var cells = row.Cells.ToArray();
            cells[0] = current;
            lines.Add(cells);
        }
        return TabularText.Csv(lines);
    }

    public static string ToMarkdown(Table1 table, Table1FormatOptions? format = null)
    {
        var grid = ToGrid(table, format);
        return TabularText.Markdown(grid.Header, grid.Rows.Select(r => (IReadOnlyList<string>)r.Cells).ToList(),
            rightAligned: column => column >= 2 && column != grid.Header.Length - 2);
    }

    /// <summary>"welch_t" → "Welch t", the names a reader of the printed table expects.</summary>
    public static string TestDisplayName(string? test) => test switch
    {
        null => "",
        "welch_t" => "Welch t",
        "anova_f" => "ANOVA",
        "kruskal_wallis" => "Kruskal-Wallis",
        "chi_square" => "Chi-square",
        "fisher_exact" => "Fisher exact",
        _ => test,
    };

    /// <summary>"&lt;0.001" below 0.001, otherwise three significant digits; "" when undefined.</summary>
    public static string FormatP(double p)
    {
        if (double.IsNaN(p)) return "";
        if (p < 0.001) return "<0.001";
        // Round to three significant digits first, so 0.09996 prints as 0.100, not 0.1000.
        int exponent = (int)Math.Floor(Math.Log10(p));
        double rounded = Math.Round(p, Math.Max(0, 2 - exponent));
        int decimals = Math.Max(0, 2 - (int)Math.Floor(Math.Log10(rounded)));
        return rounded.ToString("F" + decimals.ToString(Invariant), Invariant);
    }

    public static CohortSchemaDocument ToDocument(CohortSchemaSummary schema) =>
        new(schema.Source, schema.RowCount, schema.Columns.Select(c => new ColumnSchemaDto(c.Name,
            System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(c.SourceType.ToString()),
            c.Kind == VariableKind.Numeric ? "numeric" : "categorical", c.Missing, c.PercentMissing, c.Distinct, c.Minimum, c.Maximum,
            c.TopLevels.Select(l => new LevelCountDto(l.Level, l.Count)).ToList(), c.Unit)).ToList());

    public static string ToJson(CohortSchemaSummary schema) => JsonOutput.Serialize(ToDocument(schema));

    /// <summary>The schema as printed cells: Column, Type, Kind, Missing, % missing, Distinct, Min, Max, Top levels.</summary>
    public static TextGrid ToGrid(CohortSchemaSummary schema)
    {
        ImmutableArray<string> header = ["Column", "Type", "Kind", "Missing", "% missing", "Distinct", "Min", "Max", "Top levels"];
        var rows = ImmutableArray.CreateBuilder<ImmutableArray<string>>(schema.Columns.Length);
        foreach (var c in schema.Columns)
        {
            string type = c.SourceType.ToString().ToLowerInvariant();
            if (c.Unit is not null) type += $" ({c.Unit})";
            rows.Add([c.Name, type, c.Kind == VariableKind.Numeric ? "numeric" : "categorical",
                c.Missing.ToString(Invariant), FormatNumber(c.PercentMissing, 1), c.Distinct.ToString(Invariant),
                FormatRange(c.Minimum), FormatRange(c.Maximum), string.Join("; ", c.TopLevels.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Level}: {l.Count}")))]);
        }
        return new TextGrid(header, rows.MoveToImmutable());
    }

    public static string ToCsv(CohortSchemaSummary schema)
    {
        var grid = ToGrid(schema);
        return TabularText.Csv(grid.Rows.Select(r => (IReadOnlyList<string>)r).Prepend(grid.Header));
    }

    public static string ToMarkdown(CohortSchemaSummary schema)
    {
        var grid = ToGrid(schema);
        return TabularText.Markdown(grid.Header, grid.Rows.Select(r => (IReadOnlyList<string>)r).ToList(),
            rightAligned: column => column >= 3 && column <= 7);
    }

    /// <summary>Min/max as R prints them: shortest round-trip form, "" when the column has no values.</summary>
    private static string FormatRange(double value) => double.IsFinite(value) ? value.ToString("R", Invariant) : "";

    private static Table1CellDto MeanSdCell(NumericCell cell, Table1FormatOptions format) =>
        new MeanSdCellDto($"{FormatNumber(cell.Summary.Mean, format.Digits)} ({FormatNumber(cell.Summary.StandardDeviation, format.Digits)})",
            cell.Summary.Count, cell.Summary.Mean, cell.Summary.StandardDeviation);

    private static bool QuartilesAreWhole(NumericCell cell) =>
        cell.Summary.Count == 0 || IsWhole(cell.Summary.Median) && IsWhole(cell.Summary.LowerQuartile) && IsWhole(cell.Summary.UpperQuartile);

    private static Table1CellDto MedianCell(NumericCell cell, int digits)
    {
        var s = cell.Summary;
        return new QuartilesCellDto($"{FormatNumber(s.Median, digits)} [{FormatNumber(s.LowerQuartile, digits)}, {FormatNumber(s.UpperQuartile, digits)}]",
            s.Median, s.LowerQuartile, s.UpperQuartile);
    }

    private static Table1CellDto CountCell(CategoricalCell cell, int level, Table1FormatOptions format)
    {
        double percent = cell.Percent(level);
        return new CountCellDto(string.Create(CultureInfo.InvariantCulture, $"{cell.Counts[level]} ({FormatNumber(percent, format.PercentDigits)}%)"), cell.Counts[level], percent);
    }

    private static Table1CellDto MissingCell(int missing) => new CountCellDto(missing.ToString(Invariant), missing, double.NaN);

    private static bool IsWhole(double value) => double.IsFinite(value) && value == Math.Floor(value);

    internal static string FormatNumber(double value, int digits, string undefined = "NA") => DisplayNumber.Fixed(value, digits, undefined);
}

/// <summary>Plain-text tables shared by the renderers: CSV with RFC 4180 quoting and Markdown pipe tables.</summary>
internal static partial class TabularText
{
    /// <summary>Lines of fields; a field holding a comma, quote, CR or LF is quoted, quotes doubled (RFC 4180); see <see cref="QuoteCsv"/>.</summary>
    public static string Csv(IEnumerable<IReadOnlyList<string>> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            for (int i = 0; i < line.Count; i++)
            {
                if (i > 0) text.Append(',');
                text.Append(QuoteCsv(line[i]));
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// One CSV field: neutralised against formula injection, then quoted when it holds a comma, quote, CR or LF.
    /// Neutralising (OWASP, "CSV Injection"): a field that begins with = + - @, a tab or a carriage return (or their
    /// full-width forms ＝ ＋ － ＠) would run as a formula in a spreadsheet, so it gets a leading single quote — unless
    /// the whole field is a plain number (-1.5, +3, -2e-05), which stays a number.
    /// </summary>
    public static string QuoteCsv(string field)
    {
        if (field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '＝' or '＋' or '－' or '＠' && !PlainNumber().IsMatch(field))
            field = "'" + field;
        return field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex PlainNumber();

    /// <summary>A GitHub-flavoured Markdown table; pipes in cells are escaped, line breaks become spaces.</summary>
    public static string Markdown(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows, Func<int, bool> rightAligned)
    {
        var text = new StringBuilder();
        AppendMarkdownRow(text, header);
        text.Append('|');
        for (int i = 0; i < header.Count; i++) text.Append(rightAligned(i) ? " ---: |" : " --- |");
        text.Append('\n');
        foreach (var row in rows) AppendMarkdownRow(text, row);
        return text.ToString();
    }

    private static void AppendMarkdownRow(StringBuilder text, IReadOnlyList<string> cells)
    {
        text.Append('|');
        foreach (var cell in cells)
            text.Append(' ').Append(cell.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ")).Append(" |");
        text.Append('\n');
    }
}
