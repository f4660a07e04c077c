using System.Net;
using System.Text.RegularExpressions;
using Stratify.Reporting;
using Stratify.Reporting.Html;

namespace Stratify.Tests.Reporting;

/// <summary>The subgroup report rendered from the GBSG fixture (see <see cref="SubgroupReportFixture"/>).</summary>
public class SubgroupReportTests
{
    private const string Hostile = ReportSamples.Script + ReportSamples.Quotes;

    private static string Render(string mark = "") => SubgroupReport.Render(SubgroupReportFixture.Results(mark), SubgroupReportFixture.Manifest(mark));

    /// <summary>Everything before the first chart: what a reader sees on opening the report.</summary>
    private static string FirstScreen(string html) => html[..html.IndexOf("<h2 id=\"survival\">", StringComparison.Ordinal)];

    [Fact]
    public void First_screen_states_the_question_the_inference_statement_and_each_treatment_sentence()
    {
        var results = SubgroupReportFixture.Results();
        var first = FirstScreen(SubgroupReport.Render(results, null));

        Assert.Contains(HtmlText.Escape(results.Study.Title), first);
        Assert.Contains("686 analysed of 686 rows read", first);
        Assert.Contains("rfstime (days)", first);
        Assert.Contains("tamoxifen compared with none (column hormon)", first);
        Assert.Contains($"<p class=\"warning\" role=\"note\">Exploratory results. {HtmlText.Escape(SubgroupReportFixture.Statement)}</p>", first);
        foreach (var effect in results.Treatment!.BySubgroup.Take(2))
            Assert.Contains($"<p>{HtmlText.Escape(effect.Sentence)}</p>", first);
        Assert.Contains("<th scope=\"row\">B</th><td class=\"num\">310</td>", first);
        Assert.Contains("&gt; 3 positive nodes", first);
    }

    [Fact]
    public void First_screen_gives_each_subgroup_its_median_with_confidence_limits_from_its_own_curve()
    {
        var results = SubgroupReportFixture.Results();
        var b = results.Survival.KaplanMeier.Groups.Single(g => g.Group == "B");
        var first = FirstScreen(SubgroupReport.Render(results, null));

        Assert.Contains($"{b.Median:0} ({b.MedianLower:0}–{b.MedianUpper:0})", first);
    }

    [Fact]
    public void Validated_results_say_so_as_a_note_with_the_split_sizes()
    {
        var results = SubgroupReportFixture.Results();
        results = results with { Inference = new InferenceJson("split", false, 0.5, 7, 343, 343, "Subgroups were found on half of the patients and estimated on the other half.") };
        var first = FirstScreen(SubgroupReport.Render(results, null));

        Assert.Contains("<p class=\"note\">Validated on held-out patients (found on 343, estimated on 343). Subgroups were found on half", first);
        Assert.DoesNotContain("Exploratory", first);
    }

    [Fact]
    public void Without_a_treatment_the_report_says_no_comparison_was_specified_and_draws_no_forest_plot()
    {
        var results = SubgroupReportFixture.Results();
        results = results with { Treatment = null, Study = results.Study with { Treatment = null } };
        var html = SubgroupReport.Render(results, null);

        Assert.Contains("No treatment comparison was specified.", FirstScreen(html));
        Assert.DoesNotContain("Interaction (subgroup × treatment)", html);
        Assert.Equal(3, Regex.Matches(html, "<svg ").Count); // KM by subgroup, heatmap, criteria
    }

    [Fact]
    public void Report_has_every_chart_kaplan_meier_by_subgroup_and_by_arm_forest_heatmap_and_criteria()
    {
        var html = Render();

        // KM by subgroup, KM by arm in A and B (C is below the threshold), forest plot, heatmap, criteria chart.
        Assert.Equal(6, Regex.Matches(html, "<svg [^>]*role=\"img\"").Count);
        Assert.Contains("Interaction (subgroup × treatment) likelihood-ratio test: χ² = 0.35, df = 2, p = 0.840", html);
    }

    [Fact]
    public void No_positive_count_below_five_is_printed_in_subgroup_survival_event_or_table_1_cells()
    {
        var results = SubgroupReportFixture.Results();
        Assert.Equal(SubgroupReportFixture.SmallSubgroupSize, results.Subgroups.Single(s => s.Id == "C").N);
        var html = SubgroupReport.Render(results, SubgroupReportFixture.Manifest());

        string[] countTables = ["Subgroups:", "Survival summaries", "Treatment effect (", "Patient characteristics", "Observed and expected"];
        int checkedTables = 0;
        foreach (Match table in Regex.Matches(html, "<table>.*?</table>", RegexOptions.Singleline))
        {
            var caption = WebUtility.HtmlDecode(Regex.Match(table.Value, "<caption>(.*?)</caption>").Groups[1].Value);
            if (!countTables.Any(caption.Contains)) continue;
            checkedTables++;
            // Count columns are the right-aligned ones (the Characteristic column holds level labels such as "1").
            foreach (Match cell in Regex.Matches(table.Value, "<td class=\"num\">(.*?)</td>"))
            {
                var text = WebUtility.HtmlDecode(cell.Groups[1].Value);
                Assert.False(IsSmallCount(text), $"'{text}' printed in table '{caption}'");
            }
            foreach (Match header in Regex.Matches(table.Value, "<th scope=\"col\">(.*?)</th>"))
                Assert.DoesNotMatch(@"n = [1-4]\)", WebUtility.HtmlDecode(header.Groups[1].Value));
        }
        Assert.Equal(6, checkedTables);
        Assert.Contains("<th scope=\"row\">C</th><td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td>", html);
        Assert.Contains("<th scope=\"col\">C (n = &lt;5)</th>", html);
        // The pipeline's sentence "In subgroup C (n = 3; …)" is printed with the count masked.
        Assert.DoesNotMatch(@"\bn\s*=\s*[1-4]\b", WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " ")));
        Assert.Contains("In subgroup C (n &lt;5; age under 26)", html);
    }

    [Fact]
    public void Risk_tables_under_the_curves_print_small_counts_as_below_five()
    {
        var html = Render();
        int riskCells = 0, masked = 0;
        foreach (Match svg in Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline))
        {
            var texts = new SvgInspection(svg.Value).Texts();
            var title = texts.FirstOrDefault(t => t.Content == "Number at risk");
            if (title is null) continue;
            foreach (var text in texts.Where(t => t.Y > title.Y && !t.FromScottPlot))
            {
                Assert.False(IsSmallCount(text.Content), $"risk table prints '{text.Content}'");
                riskCells++;
                if (text.Content == "<5") masked++;
            }
        }
        Assert.True(riskCells > 30, $"only {riskCells} risk-table texts found");
        Assert.True(masked > 0, "the fixture's risk tables have small counts near the end of follow-up; none was masked");
    }

    [Fact]
    public void Hostile_text_in_title_ids_descriptions_features_and_arms_is_escaped_everywhere()
    {
        var clean = Render();
        var html = Render(Hostile);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&#39;&lt;b&gt;", html);
        // The hostile strings changed no structure: same numbers of elements as the clean report.
        foreach (var element in new[] { "<svg ", "<table>", "<figure>", "<h2", "<h3", "<p>", "<pre", "<td" })
            Assert.Equal(Regex.Matches(clean, element).Count, Regex.Matches(html, element).Count);
    }

    [Fact]
    public void A_results_document_read_back_from_json_renders_the_identical_report()
    {
        var results = SubgroupReportFixture.Results();
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        File.WriteAllText(path, JsonOutput.Serialize(results));

        var back = SubgroupReportFiles.ReadResults(path);

        Assert.Equal(SubgroupReport.Render(results, SubgroupReportFixture.Manifest()), SubgroupReport.Render(back, SubgroupReportFixture.Manifest()));
    }

    [Fact]
    public void Diagnostics_flag_the_unstable_subgroup_and_the_proportional_hazards_test_in_words()
    {
        var html = Render();

        Assert.Contains("Unstable: subgroup C did not reappear reliably", html);
        Assert.Contains("Proportional hazards may not hold (p &lt; 0.05 for subgroup)", html);
        Assert.Contains("concordance C = 0.624 (SE 0.014)", html);
        Assert.Contains("Pairwise log-rank tests (Holm-adjusted p)", html);
    }

    [Fact]
    public void Methods_cite_the_clustering_references_and_not_the_survival_tree()
    {
        var html = Render();

        Assert.Contains("Schubert E, Rousseeuw PJ. Fast and eager k-medoids clustering", html);
        Assert.Contains("Gower JC.", html);
        Assert.Contains("Tibshirani R, Walther G, Hastie T.", html);
        Assert.Contains("Hennig C.", html);
        Assert.Contains("Efron B.", html);
        Assert.DoesNotContain("LeBlanc", html);
    }

    [Fact]
    public void A_tree_discovery_lists_its_leaves_with_rules_and_cites_survival_trees_not_clustering()
    {
        var results = SubgroupReportFixture.Results();
        var tree = new SurvivalTreeJson(0,
            [new SurvivalTreeSplitJson(0, "all patients", "nodes", 3, [], 70.6, 1e-16, 1e-15, 7)],
            [new SurvivalTreeLeafJson("nodes ≤ 3", 376, 118, double.NaN), new SurvivalTreeLeafJson("nodes > 3", 310, 181, 983)]);
        results = results with { Discovery = results.Discovery with { Method = "tree", Clustering = null, Tree = tree } };
        var html = SubgroupReport.Render(results, null);

        Assert.Contains("<th scope=\"row\">nodes &gt; 3</th><td class=\"num\">310</td><td class=\"num\">181</td><td class=\"num\">983</td>", html);
        Assert.Contains("LeBlanc M, Crowley J. Survival trees by goodness of split.", html);
        Assert.DoesNotContain("Schubert", html);
        Assert.DoesNotContain("silhouette", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Manifest_section_lists_files_with_checksums_seed_versions_and_the_spec_in_a_pre_block()
    {
        var html = Render();

        Assert.Contains("<th scope=\"row\">gbsg.parquet</th><td>3f5d0a1c9b7e2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f</td>", html);
        Assert.Contains("<dt>Seed</dt><dd>20240611</dd>", html);
        Assert.Contains("<th scope=\"row\">ScottPlot</th><td>5.0.55</td>", html);
        Assert.Matches("<pre [^>]*>data: gbsg.parquet\ntime: rfstime\n", html);
        Assert.DoesNotContain("preformatted-", html);
    }

    [Fact]
    public void Without_a_manifest_the_report_says_what_is_missing_and_still_lists_the_data_files()
    {
        var html = SubgroupReport.Render(SubgroupReportFixture.Results(), null);

        Assert.Contains("No manifest.json was supplied", html);
        Assert.Contains("<th scope=\"row\">gbsg.parquet</th>", html);
        Assert.DoesNotContain("<pre", html);
    }

    [Fact]
    public void Excluded_rows_are_counted_by_column_with_small_counts_masked()
    {
        var results = SubgroupReportFixture.Results();
        results = results with { Study = results.Study with { RowsRead = 700, Dropped = [new DroppedRowsDto("nodes", 3), new DroppedRowsDto("pgr", 12)] } };
        var html = SubgroupReport.Render(results, null);

        Assert.Contains("700 rows were read and 686 analysed; 14 rows were excluded", html);
        Assert.Contains("<th scope=\"row\">nodes</th><td class=\"num\">&lt;5</td>", html);
        Assert.Contains("<th scope=\"row\">pgr</th><td class=\"num\">12</td>", html);
    }

    [Fact]
    public void The_heatmap_leaves_out_the_subgroup_below_the_small_cell_threshold()
    {
        var html = Render();
        var heatmap = Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => new SvgInspection(m.Value))
            .Single(svg => svg.TextContents().Contains("Standardised mean (SD):"));

        Assert.Contains("Subgroup A", heatmap.TextContents());
        Assert.Contains("Subgroup B", heatmap.TextContents());
        Assert.DoesNotContain("Subgroup C", heatmap.TextContents());
    }

    /// <summary>A count cell ("3", "3 (1.2%)") of 1–4 patients.</summary>
    private static bool IsSmallCount(string text)
    {
        var match = Regex.Match(text.Trim(), @"^(\d+)(\s*\([\d.]+%\))?$");
        return match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is > 0 and < 5;
    }
}
