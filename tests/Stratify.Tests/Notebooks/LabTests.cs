using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Stratify.Tests.Notebooks;

/// <summary>
/// The labs in notebooks/ as students meet them: each runs with a fresh <c>dotnet run notebooks/&lt;lab&gt;.cs</c>
/// from the repository root, prints numbers that agree with R (notebooks/r/&lt;lab&gt;.R wrote them to
/// notebooks/r/&lt;lab&gt;.json) to every digit printed, writes the charts it announces, and its notebook copy holds
/// its current code and output. The solutions run too.
/// </summary>
[Collection("labs")]
public sealed partial class LabTests(LabRuns runs)
{
    [Theory]
    [MemberData(nameof(LabRuns.Labs), MemberType = typeof(LabRuns))]
    public void Lab_runs_with_dotnet_run_and_writes_its_charts(string lab)
    {
        var run = Succeeded("notebooks/" + lab);
        var charts = ChartLine().Matches(run.Output).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(charts);
        foreach (var chart in charts)
        {
            var svg = File.ReadAllText(Path.Combine(RepoPaths.Root, chart));
            Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg);
            Assert.EndsWith("</svg>\n", svg);
        }
    }

    [Theory]
    [MemberData(nameof(LabRuns.Labs), MemberType = typeof(LabRuns))]
    public void Printed_numbers_agree_with_R_to_every_printed_digit(string lab)
    {
        var tables = new PrintedTables(Succeeded("notebooks/" + lab).Output);
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(LabRuns.Folder, "r", Path.ChangeExtension(lab, ".json"))));
        var checks = reference.RootElement.GetProperty("checks").EnumerateArray().ToArray();
        Assert.True(checks.Length >= 10, $"{lab}: only {checks.Length} numbers are cross-checked with R");
        var disagreements = new List<string>();
        foreach (var check in checks)
        {
            string table = check.GetProperty("table").GetString()!, row = check.GetProperty("row").GetString()!, column = check.GetProperty("column").GetString()!;
            double expected = check.GetProperty("value").GetDouble();
            string printed = tables.Cell(table, row, column);
            double actual = double.Parse(printed, CultureInfo.InvariantCulture);
            // Correct rounding puts the printed number within half a unit in its last place of R's value; the
            // library agrees with R to ~1e-12 relative, far inside that.
            if (!(Math.Abs(actual - expected) <= PrintedTables.Resolution(printed) * (1 + 1e-9)))
                disagreements.Add($"'{table}' / {row} / {column}: printed {printed}, R {expected.ToString("R", CultureInfo.InvariantCulture)}");
        }
        Assert.True(disagreements.Count == 0, $"{lab}: {disagreements.Count} of {checks.Length} numbers disagree with R:\n" + string.Join("\n", disagreements));
    }

    [Theory]
    [MemberData(nameof(LabRuns.Labs), MemberType = typeof(LabRuns))]
    public void Notebook_copy_holds_the_labs_current_code_and_output(string lab)
    {
        const string regenerate = "regenerate the notebooks: dotnet run notebooks/tools/make-notebooks.cs";
        var path = Path.Combine(LabRuns.Folder, Path.ChangeExtension(lab, ".ipynb"));
        Assert.True(File.Exists(path), $"{Path.GetFileName(path)} is missing; {regenerate}");
        using var notebook = JsonDocument.Parse(File.ReadAllText(path));
        Assert.Equal(4, notebook.RootElement.GetProperty("nbformat").GetInt32());
        var cells = notebook.RootElement.GetProperty("cells").EnumerateArray().ToArray();
        var code = cells.Where(c => c.GetProperty("cell_type").GetString() == "code").ToArray();
        Assert.True(cells.Any(c => c.GetProperty("cell_type").GetString() == "markdown"), $"{lab}: the notebook has no prose");

        // The code: every line of the lab that is not a comment or blank, in order.
        static IEnumerable<string> Code(IEnumerable<string> lines) => lines.Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        var notebookCode = code.SelectMany(c => Text(c.GetProperty("source")).Split('\n'));
        Assert.True(Code(File.ReadAllLines(Path.Combine(LabRuns.Folder, lab))).SequenceEqual(Code(notebookCode)), $"{lab}: the notebook's code is not the lab's; {regenerate}");

        // The output: the saved text of all cells, in order, is what the lab prints now; each chart is embedded.
        var outputs = code.SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToArray();
        var saved = string.Concat(outputs.Where(o => o.GetProperty("output_type").GetString() == "stream").Select(o => Text(o.GetProperty("text"))));
        Assert.True(saved == Succeeded("notebooks/" + lab).Output, $"{lab}: the notebook's saved output is not what the lab prints; {regenerate}");
        var svgs = outputs.Where(o => o.GetProperty("output_type").GetString() == "display_data")
            .Select(o => Text(o.GetProperty("data").GetProperty("image/svg+xml"))).ToArray();
        Assert.Equal(ChartLine().Matches(saved).Count, svgs.Length);
        Assert.All(svgs, svg => Assert.StartsWith("<svg ", svg));
    }

    [Theory]
    [MemberData(nameof(LabRuns.Solutions), MemberType = typeof(LabRuns))]
    public void Solutions_run_with_dotnet_run_and_print_their_answers(string solutions)
    {
        var run = Succeeded("notebooks/solutions/" + solutions);
        Assert.True(new PrintedTables(run.Output).Count > 0, $"{solutions} printed no table:\n{run.Output}");
    }

    private LabRun Succeeded(string relativePath)
    {
        var run = runs.Run(relativePath);
        Assert.True(run.ExitCode == 0, $"dotnet run {relativePath} exited with {run.ExitCode} after {run.Elapsed.TotalSeconds:F0} s:\n{run.Output}\n{run.Error}");
        return run;
    }

    private static string Text(JsonElement lines) =>
        lines.ValueKind == JsonValueKind.Array ? string.Concat(lines.EnumerateArray().Select(l => l.GetString())) : lines.GetString()!;

    [GeneratedRegex(@"^Chart: (notebooks/output/[\w.-]+\.svg)$", RegexOptions.Multiline)]
    private static partial Regex ChartLine();
}
