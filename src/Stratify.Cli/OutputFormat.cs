using System.CommandLine;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using System.Globalization;

namespace Stratify.Cli;

/// <summary>The --format choices of the analysis verbs: a readable table by default, or machine formats.</summary>
internal enum OutputFormat
{
    Table,
    Json,
    Csv,
    Markdown,
}

internal static class OutputFormats
{
    public static Option<string> Option(params OutputFormat[] allowed)
    {
        var names = allowed.Select(f => f.ToString().ToLowerInvariant()).ToArray();
        return new Option<string>("--format")
        {
            Description = $"Output format: {string.Join(", ", names)}.",
            DefaultValueFactory = _ => "table",
        };
    }

    public static OutputFormat Parse(string? text, params OutputFormat[] allowed)
    {
        var names = allowed.Select(f => f.ToString().ToLowerInvariant()).ToArray();
        int at = Array.IndexOf(names, (text ?? "table").ToLowerInvariant());
        if (at < 0)
            throw new StratifyInputException("unknown output format", "--format", value: text,
                suggestion: $"Use one of: {string.Join(", ", names)}.");
        return allowed[at];
    }

    /// <summary>A Spectre.Console console writing to the command's stdout (no colour codes: plain box-drawn tables).</summary>
    public static IAnsiConsole Console(CliContext context)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            // No escape sequences of its own either: stdout shows every control character as a visible escape.
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = context.Interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Redirected output (files, pipes, tests) has no terminal width; use a wide page so cells do not wrap.
        if (!context.Interactive) console.Profile.Width = 200;
        return console;
    }

    /// <summary>Says how many rows a missing value removed, per column; nothing when none was removed.</summary>
    public static void WriteDropped(IAnsiConsole console, BoundStudy bound)
    {
        if (bound.RowsDropped > 0)
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bound.RowsDropped} of {bound.RowsRead} rows dropped for missing values: {string.Join(", ", bound.Dropped.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Column} {d.Rows}")))}."));
    }

    /// <summary>
    /// On stderr, what the missing-value policy did to the features: values imputed per feature, and patients left
    /// without a subgroup (complete case); nothing when no feature had a missing value.
    /// </summary>
    public static void NoteMissingFeatures(CliContext context, Clustering.MissingValueReport report)
    {
        foreach (var f in report.Features.Where(f => f.Imputed > 0))
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {f.Feature}: {f.Imputed} missing values imputed ({f.Fill}){(f.IndicatorAdded ? ", indicator feature added" : "")}."));
        if (report.RowsDropped > 0)
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {report.RowsDropped} of {report.RowsInCohort} patients lack a complete-case feature and have no subgroup: ") +
                string.Join(", ", report.Features.Where(f => f.Policy == MissingPolicy.CompleteCase && f.Missing > 0).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Feature} {f.Missing}"))) + ".");
    }

    /// <summary>With JSON on stdout, the rows-dropped note goes to stderr (so no row is ever dropped silently).</summary>
    public static void NoteDropped(CliContext context, BoundStudy bound)
    {
        if (bound.RowsDropped > 0)
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {bound.RowsDropped} of {bound.RowsRead} rows dropped for missing values: {string.Join(", ", bound.Dropped.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Column} {d.Rows}")))}."));
    }

    /// <summary>
    /// Draws a header and rows of cells as a Spectre table. Cells are escaped: data text is never markup, and a control
    /// character is shown as its escape before the table measures the cell (so the columns stay aligned).
    /// </summary>
    public static Table Grid(string? title, IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows)
    {
        static string Cell(string text) => Markup.Escape(PrintableText.Escape(text));
        var table = new Table { Border = TableBorder.Rounded };
        if (title is not null) table.Title = new TableTitle(Cell(title));
        foreach (var h in header) table.AddColumn(new TableColumn(Cell(h)));
        foreach (var row in rows) table.AddRow(row.Select(c => new Markup(Cell(c))).ToArray());
        return table;
    }
}
