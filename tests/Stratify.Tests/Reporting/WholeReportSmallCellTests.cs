using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;
using Stratify.Tests.Stratification;

namespace Stratify.Tests.Reporting;

/// <summary>
/// The small-cell promise over a whole report: no count of 1 to threshold − 1 appears in any text node, attribute
/// or SVG label, for every bundled study, the reference trials, and a study with a subgroup of three patients.
/// A count is recognised by its context (<see cref="SmallCountScanner"/>): "n = 3", "3 patients" (events, deaths,
/// rows, missing values), "3 of 40", a cell of a count column (n, Events, Observed, Rows, a Table 1 column), a
/// Table 1 count cell "3 (1.2%)", and a number an SVG chart prints itself (risk tables, the forest plot's n).
/// </summary>
public class WholeReportSmallCellTests
{
    public static TheoryData<string> Studies => new(StudyRuns.Bundled.Concat(StudyRuns.ReferenceTrials));

    [Theory]
    [MemberData(nameof(Studies))]
    public void No_count_below_the_threshold_appears_anywhere_in_the_report(string name)
    {
        var (_, doc) = StudyRuns.Get(name);
        var html = SubgroupReport.Render(doc, null);
        Assert.Empty(SmallCountScanner.Find(html, doc.Study.SmallCellThreshold));
    }

    [Fact]
    public void Counts_in_running_text_carry_thousands_separators()
    {
        // rotterdam: 2,982 patients, 1,491 in each half; sentences and tables print counts as the progress lines do.
        var (_, doc) = StudyRuns.Get("rotterdam");
        var html = SubgroupReport.Render(doc, null);
        Assert.Contains("2,982 rows were read and 2,982 analysed", html);
        Assert.Contains("Subgroups were found on 1,491 patients", html);
        Assert.DoesNotContain("2982", html);
        Assert.DoesNotContain("1491", html);
    }

    [Fact]
    public void An_observational_report_shows_the_weighting_the_balance_and_the_overlap_and_flags_imbalance_on_the_first_screen()
    {
        var (_, doc) = StudyRuns.Get("rotterdam");
        var html = SubgroupReport.Render(doc, null);
        var first = html[..html.IndexOf("<h2 id=\"question\">", StringComparison.Ordinal)];
        Assert.Contains("was not assigned at random", first);
        Assert.Contains("<dt>Balance after weighting</dt><dd>not reached for age,", first);
        Assert.Contains("<dt>Overall hazard ratio, weighted, adjusted</dt>", first);
        Assert.Contains("<h3>Propensity weighting</h3>", html);
        Assert.Contains("Balance of the covariates between the arms: standardised mean differences before and after weighting", html);
        Assert.Contains("aria-label=\"Propensity scores of yes by treatment arm\"", html);
        Assert.Contains("robust Wald", html);
        Assert.Contains("Rosenbaum PR, Rubin DB.", html);
    }

    [Fact]
    public void A_report_with_a_subgroup_of_three_patients_and_excluded_rows_prints_no_small_count()
    {
        using var folder = new TempFolder();
        var doc = ThreePatientSubgroup(folder);
        var html = SubgroupReport.Render(doc, null);

        Assert.Empty(SmallCountScanner.Find(html, 5));
        // The pairwise log-rank table names no comparison with subgroup C.
        Assert.DoesNotMatch(new Regex(@"<th scope=""row"">(C vs|[AB] vs C)"), html);
        Assert.Contains("Pairwise comparisons with a subgroup of fewer than 5 patients are not shown.", html);
        // lung drops one row for a missing ph.ecog: "rows read" is withheld, or read − analysed would give it.
        Assert.Contains("suppressed rows were read and 227 analysed; &lt;5 rows were excluded", html);
        Assert.Contains("227 analysed of suppressed rows read", html);
        // C's treatment sentence has no estimate, only the reason.
        Assert.DoesNotContain("In subgroup C", html);
    }

    /// <summary>
    /// The predictive methods' reports (the interaction tree's leaves and splits, STEPP's windows and bands) on the
    /// colon trial, with settings that make small cells likely: leaves of 10 patients with one event per arm, and
    /// STEPP windows of 40 patients in five bands.
    /// </summary>
    [Theory]
    [InlineData("interaction_tree")]
    [InlineData("stepp")]
    public void A_predictive_report_with_small_leaves_or_windows_prints_no_small_count(string method)
    {
        var spec = StudySpecReader.Read(StudyRuns.SpecPath("colon"));
        using var folder = new TempFolder();
        var features = new[] { new CovariateSpec("age", CovariateKind.Numeric), new CovariateSpec("nodes", CovariateKind.Numeric) };
        spec = spec with
        {
            Output = folder.File("out"),
            MinEventsPerArm = 1,
            Subgroups = method == "stepp"
                ? new SubgroupSpec { Method = SubgroupMethod.Stepp, Marker = "age", Features = features[..1], WindowPatients = 40, WindowOverlap = 20, Bands = 5, Permutations = 50 }
                : new SubgroupSpec { Method = SubgroupMethod.InteractionTree, Features = features, MinNodeSize = 10, MaxDepth = 3 },
        };
        var run = StratificationRun.Execute(spec);
        var doc = ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
        var html = SubgroupReport.Render(doc, null);

        Assert.Contains(method == "stepp" ? "STEPP" : "interaction", html, StringComparison.OrdinalIgnoreCase);
        // A minimum of one event per arm is stated as such, not as "fewer than 1 events".
        Assert.Contains("fewer than 5 patients or no events.", html);
        Assert.Empty(SmallCountScanner.Find(html, doc.Study.SmallCellThreshold));
    }

    [Fact]
    public void The_scanner_finds_small_counts_in_every_context_it_claims_to_cover()
    {
        // The check above is only as good as the scanner: each context, with a small count, must be found.
        string[] leaks =
        [
            "<p>In subgroup C (n = 3; young)</p>",
            "<p>ph.karno: 1 missing values</p>",
            "<p>200 rows were read and 196 analysed; 4 rows were excluded</p>",
            "<p>3 of 40 patients</p>",
            "<table><thead><tr><th scope=\"col\">Subgroup</th><th scope=\"col\">n</th></tr></thead><tbody><tr><th scope=\"row\">C</th><td>2</td></tr></tbody></table>",
            "<table><thead><tr><th scope=\"col\">Variable</th><th scope=\"col\">Overall (n = 600)</th></tr></thead><tbody><tr><th scope=\"row\">x</th><td>3 (0.5%)</td></tr></tbody></table>",
            "<figure><svg role=\"img\" aria-label=\"n = 2\"></svg></figure>",
            "<svg role=\"img\" aria-label=\"chart\"><text x=\"1\" y=\"2\">3</text></svg>",
        ];
        foreach (var leak in leaks) Assert.NotEmpty(SmallCountScanner.Find(leak, 5));
        string[] clean =
        [
            "<p>In subgroup C (n = &lt;5; young), k = 3, df = 2, p = 0.003, grade 3</p>",
            "<table><thead><tr><th scope=\"col\">k</th><th scope=\"col\">Silhouette</th></tr></thead><tbody><tr><th scope=\"row\">3</th><td>0.31</td></tr></tbody></table>",
            "<svg role=\"img\" aria-label=\"chart\"><text transform=\"translate(10 20)\">2</text></svg>",
        ];
        foreach (var text in clean) Assert.Empty(SmallCountScanner.Find(text, 5));
    }

    /// <summary>lung with a treatment column and an existing grouping whose subgroup C has three patients.</summary>
    private static ResultsDocument ThreePatientSubgroup(TempFolder folder)
    {
        var lung = ParquetCohortReader.Read(RepoPaths.Dataset("lung.parquet"));
        var group = Enumerable.Range(0, lung.RowCount).Select(i => i < 3 ? "C" : i % 2 == 0 ? "A" : "B").ToArray();
        var arm = Enumerable.Range(0, lung.RowCount).Select(i => i % 3 == 0 ? "control" : "treated").ToArray();
        var cohort = new Cohort(lung.Columns.Append(CategoricalColumn.FromStrings("grp", group)).Append(CategoricalColumn.FromStrings("arm", arm)).ToList(), "lung");
        ParquetCohortWriter.Write(cohort, folder.File("lung.parquet"));
        var spec = StudySpecReader.Read(RepoPaths.Dataset("lung.yaml")) with
        {
            Data = [folder.File("lung.parquet")], Treatment = "arm", TreatmentReference = "control", Design = StudyDesign.Randomised,
            Subgroups = new SubgroupSpec { Method = SubgroupMethod.Column, Column = "grp", Features = [new CovariateSpec("ph.karno", CovariateKind.Numeric)] },
        };
        var run = StratificationRun.Execute(spec);
        return ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
    }
}

/// <summary>Finds counts from 1 to threshold − 1 in a rendered report, by the contexts in which reports print counts.</summary>
public static partial class SmallCountScanner
{
    public static IReadOnlyList<string> Find(string html, int threshold)
    {
        var found = new List<string>();
        bool Small(string digits) =>
            int.TryParse(digits, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out int n) && n > 0 && n < threshold;
        void Check(string text, string where)
        {
            foreach (var regex in new[] { SizePattern(), CountedNounPattern(), OfPattern() })
                foreach (Match m in regex.Matches(text))
                    for (int g = 1; g < m.Groups.Count; g++)
                        if (m.Groups[g].Success && m.Groups[g].Value.Length > 0 && char.IsDigit(m.Groups[g].Value[0]) && Small(m.Groups[g].Value))
                            found.Add($"{where}: \"{m.Value}\"");
        }

        // Every text node and every attribute value (the SVG aria-labels and titles among them).
        foreach (Match node in TextNodePattern().Matches(html)) Check(WebUtility.HtmlDecode(node.Groups[1].Value), "text");
        foreach (Match attribute in AttributePattern().Matches(html)) Check(WebUtility.HtmlDecode(attribute.Groups[1].Value), "attribute");

        // Tables: every cell of a count column, and every Table 1 count cell.
        foreach (Match table in TablePattern().Matches(html))
        {
            var headers = HeaderPattern().Matches(table.Value).Select(h => Plain(h.Groups[1].Value)).ToList();
            bool table1 = headers.Any(h => h.Contains("(n = ", StringComparison.Ordinal)); // Table 1: its group columns hold counts
            foreach (Match row in RowPattern().Matches(table.Value))
            {
                var cells = CellPattern().Matches(row.Value).Select(c => Plain(c.Groups[1].Value)).ToList();
                for (int c = 0; c < cells.Count && c < headers.Count; c++)
                {
                    bool countColumn = headers[c] is "n" or "Events" or "Observed" or "Rows" || table1 && headers[c].Contains("(n = ", StringComparison.Ordinal);
                    var cell = Table1CountPattern().Match(cells[c]);
                    if (countColumn && cell.Success && Small(cell.Groups[1].Value)) found.Add($"table \"{headers[c]}\": \"{cells[c]}\"");
                }
            }
        }

        // Numbers an SVG chart prints itself (ScottPlot's axis ticks are placed by transform and are not counts).
        foreach (Match svg in SvgPattern().Matches(html))
            foreach (var text in new SvgInspection(svg.Value).Texts())
                if (!text.FromScottPlot && WholeNumberPattern().IsMatch(text.Content) && Small(text.Content)) found.Add($"svg: \"{text.Content}\"");
        return found;
    }

    private static string Plain(string html) => WebUtility.HtmlDecode(TagPattern().Replace(html, "")).Trim();

    [GeneratedRegex(@"\bn\s*=\s*(\d[\d,]*)")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"(?<![\d.,])(\d[\d,]*)\s+(?:patients?|events?|deaths?|rows?|missing values?|treated|excluded)\b")]
    private static partial Regex CountedNounPattern();

    [GeneratedRegex(@"(?<![\d.,])(\d[\d,]*)\s+of\s+(\d[\d,]*)(?![\d.])")]
    private static partial Regex OfPattern();

    [GeneratedRegex(@">([^<]+)<")]
    private static partial Regex TextNodePattern();

    [GeneratedRegex(@"\s[\w:-]+=""([^""]*)""")]
    private static partial Regex AttributePattern();

    [GeneratedRegex(@"<table>.*?</table>", RegexOptions.Singleline)]
    private static partial Regex TablePattern();

    [GeneratedRegex(@"<th scope=""col"">(.*?)</th>", RegexOptions.Singleline)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"<tr>(?!<th scope=""col"">).*?</tr>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex(@"<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex CellPattern();

    [GeneratedRegex(@"^(\d[\d,]*)(?:\s*\([\d.]+%\))?$")]
    private static partial Regex Table1CountPattern();

    [GeneratedRegex(@"<svg .*?</svg>", RegexOptions.Singleline)]
    private static partial Regex SvgPattern();

    [GeneratedRegex(@"^\d[\d,]*$")]
    private static partial Regex WholeNumberPattern();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex TagPattern();
}
