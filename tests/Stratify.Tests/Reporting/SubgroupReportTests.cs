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
        Assert.Contains("<p class=\"warning\" role=\"note\">Exploratory results. Subgroups were found and tested on the same 686 patients, "
            + "so p-values and confidence intervals overstate certainty.", first);
        var effects = results.Treatment!.BySubgroup;
        string overall = "the overall estimate (adjusted HR 0.69, 95% CI 0.54–0.89; p = 0.00340) is the best guide for these patients.";
        Assert.Contains($"<p>In subgroup A (n = 373; ≤ 3 positive nodes), the treatment effect is consistent with that over all patients: {overall}</p>", first);
        // C (n = 3) is the one small subgroup, so B (310, the next smallest) has its size suppressed, in its sentence too.
        Assert.Contains($"<p>In subgroup B (n = suppressed; &gt; 3 positive nodes), the treatment effect is consistent with that over all patients: {overall}</p>", first);
        Assert.Contains("<th scope=\"row\">B</th><td class=\"num\">suppressed</td>", first);
        Assert.Equal(373, effects[0].N);
    }

    [Fact]
    public void The_bottom_line_comes_first_with_the_overall_effect_and_the_interaction_test_in_words()
    {
        var html = SubgroupReport.Render(SubgroupReportFixture.Results(), null);
        int bottom = html.IndexOf("<h2 id=\"bottom-line\">", StringComparison.Ordinal);
        Assert.True(bottom > 0 && bottom < html.IndexOf("<h2 id=\"question\">", StringComparison.Ordinal));
        var first = html[bottom..html.IndexOf("<h2 id=\"question\">", StringComparison.Ordinal)];
        Assert.Contains("<dt>Overall hazard ratio, adjusted</dt><dd>HR 0.69 (95% CI 0.54–0.89), p = 0.00340 (tamoxifen vs none; adjusted for age, grade)</dd>", first);
        Assert.Contains("<dt>Unadjusted (crude)</dt><dd>HR 0.72 (95% CI 0.56–0.92), p = 0.00810</dd>", first);
        Assert.Contains("+112.5 (+45.5 to +179.5) days", first);
        Assert.Contains("No evidence that it does: test of interaction p = 0.840 (threshold 0.05)", first);
        Assert.Contains("The overall estimate is the best guide for every subgroup", first);
        Assert.Contains("patients given hormon = tamoxifen had longer recurrence-free survival than those given hormon = none", first);
        // A randomised study carries no observational banner.
        Assert.DoesNotContain("not randomised", first);
    }

    [Fact]
    public void An_observational_study_says_on_the_first_screen_that_the_treatment_was_not_randomised_and_claims_no_effect()
    {
        var results = SubgroupReportFixture.Results();
        results = results with { Treatment = results.Treatment! with { Design = "observational" } };
        var html = SubgroupReport.Render(results, null);
        var first = html[..html.IndexOf("<h2 id=\"question\">", StringComparison.Ordinal)];

        Assert.Contains("<p class=\"warning\" role=\"note\">The treatment (hormon = tamoxifen vs hormon = none) was not assigned at random", first);
        Assert.Contains("hormon = tamoxifen was associated with longer recurrence-free survival than hormon = none", first);
        Assert.DoesNotContain("patients given", html);
        Assert.Contains("no unmeasured confounding", html);
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
        results = results with { Inference = new InferenceJson("split", false, 0.5, 7, 343, 343, "") };
        var first = FirstScreen(SubgroupReport.Render(results, null));

        Assert.Contains("<p class=\"note\">Validated on held-out patients (found on 343, estimated on 343). Subgroups were found on 343 patients "
            + "and every survival and treatment estimate comes from the other 343", first);
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
        Assert.Contains("Interaction (subgroup × treatment): χ² = 0.35, df = 1, p = 0.840", html);
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
        // No sentence gives a small count ("n = 3"); the pipeline's sentence about C is replaced, not printed masked.
        Assert.DoesNotMatch(@"\bn\s*=\s*[1-4]\b", WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]+>", " ")));
        Assert.Contains("Subgroup C has fewer than 5 patients; its treatment effect is not described.", html);
    }

    [Fact]
    public void No_masked_count_can_be_recovered_by_subtracting_printed_counts_from_a_printed_total()
    {
        // Every set of counts whose total the report prints holds no masked count or at least two: a masked count
        // alone in its set is the total minus the others. The fixture's one small subgroup is C (n = 3).
        var html = Render();
        int sets = 0;
        void Check(IReadOnlyList<string> set, string where)
        {
            sets++;
            // One masked count beside zeros only is the whole total, which is then below the threshold and masked too.
            bool othersAllZero = set.Where(t => !IsMasked(t)).All(t => t == "0");
            Assert.True(set.Count(IsMasked) != 1 || othersAllZero, $"{where}: exactly one masked count in [{string.Join(", ", set)}]");
        }

        // Subgroup sizes and events, against the 686 patients analysed and the events on the first screen.
        Assert.Contains("686 analysed of 686 rows read", html);
        foreach (var caption in new[] { "Subgroups:", "Survival summaries", "Observed and expected", "Treatment effect (" })
        {
            var rows = ComplementarySuppressionTests.TableRows(html, caption).Where(r => r[0] != "All patients").ToList();
            Check(rows.Select(r => r[1]).ToList(), caption + " n");
            Check(rows.Select(r => r[2]).ToList(), caption + " events");
        }

        // Table 1: group sizes against the overall n; per variable, each column (levels and missing against the
        // column's n, categorical variables) and each row (the groups against the overall count).
        foreach (var caption in new[] { "Patient characteristics by subgroup", "Patient characteristics by treatment arm" })
        {
            var table = Regex.Match(html, $"<caption>Table \\d+\\. {caption}.*?</table>", RegexOptions.Singleline).Value;
            var header = Regex.Matches(table, "<th scope=\"col\">(.*?)</th>").Select(h => WebUtility.HtmlDecode(h.Groups[1].Value)).ToList();
            int columns = header.Count - 3; // Overall and the groups, between Characteristic and p
            Check(header.Skip(3).Take(columns - 1).Select(h => Regex.Match(h, @"\(n = (.*)\)$").Groups[1].Value).ToList(), caption + " sizes");
            var rows = ComplementarySuppressionTests.TableRows(html, caption);
            for (int start = 0; start < rows.Count;)
            {
                int end = start + 1;
                while (end < rows.Count && rows[end][0] == "") end++;
                var block = rows.GetRange(start, end - start);
                var countRows = block.Where(r => r.Skip(2).Take(columns).All(IsCountText)).ToList();
                foreach (var row in countRows) Check(row.Skip(2).Take(columns).ToList(), $"{caption} {block[0][0]} row {row[1]}");
                if (countRows.Count == block.Count)
                {
                    for (int c = 2; c < 2 + columns; c++)
                    {
                        var column = block.Select(r => r[c]).ToList();
                        if (column.All(t => t == "not shown")) continue;
                        Check(column, $"{caption} {block[0][0]} column {header[c + 1]}");
                        // A masked missing count takes the column's percentages with it (they give the non-missing count).
                        if (IsMasked(block[^1][c]) && block[^1][1] == "Missing")
                            Assert.DoesNotContain(column, t => t.Contains('%'));
                    }
                }
                start = end;
            }
        }

        // Kaplan–Meier charts: legend sizes against the subgroup's (or cohort's) size; the numbers at risk at time 0
        // by subgroup, and at every tick by arm (they add up to the subgroup's count under the first chart).
        var charts = Regex.Matches(html, "<svg .*?</svg>", RegexOptions.Singleline).Select(m => new SvgInspection(m.Value))
            .Where(svg => svg.TextContents().Contains("Number at risk")).ToList();
        Assert.Equal(3, charts.Count);
        for (int k = 0; k < charts.Count; k++)
        {
            var texts = charts[k].Texts();
            var legend = texts.Select(t => Regex.Match(t.Content, @"\((n = \d+|n suppressed|not shown: n < 5)\)$")).Where(m => m.Success)
                .Select(m => m.Groups[1].Value.StartsWith("n = ", StringComparison.Ordinal) ? m.Groups[1].Value[4..] : "suppressed").ToList();
            Check(legend, $"chart {k} legend");
            int hiddenCurves = texts.Count(t => t.Content.EndsWith("(not shown: n < 5)", StringComparison.Ordinal));
            var title = texts.First(t => t.Content == "Number at risk");
            var columns = texts.Where(t => t.Y > title.Y && !t.FromScottPlot && IsCountText(t.Content))
                .GroupBy(t => Math.Round(t.X, 1)).OrderBy(g => g.Key).ToList();
            foreach (var column in k == 0 ? columns.Take(1) : columns)
                Check(column.Select(t => t.Content).Concat(Enumerable.Repeat("not shown", hiddenCurves)).ToList(), $"chart {k} at-risk column x = {column.Key}");
        }

        // B's size (310) is nowhere printed as a size: not in a sentence, a legend or the forest plot.
        var text = WebUtility.HtmlDecode(html);
        Assert.DoesNotContain("n = 310", text);
        Assert.DoesNotContain("(n = 310)", text);
        Assert.True(sets >= 30, $"only {sets} sets checked");
    }

    private static bool IsMasked(string text) => text is "<5" or "suppressed" || text.StartsWith("not shown", StringComparison.Ordinal);

    private static bool IsCountText(string text) => IsMasked(text) || Regex.IsMatch(text, @"^\d+( \([\d.]+%\))?$");

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
    public void The_treatment_effect_of_the_subgroup_below_the_small_cell_threshold_is_not_described()
    {
        var results = SubgroupReportFixture.Results();
        var html = SubgroupReport.Render(results, null);
        var small = results.Treatment!.BySubgroup.Single(e => e.N == SubgroupReportFixture.SmallSubgroupSize);

        Assert.DoesNotContain($"In subgroup {small.Subgroup} (n", html);
        Assert.Contains($"<p>Subgroup {small.Subgroup} has fewer than 5 patients; its treatment effect is not described.</p>", html);
        var table = Regex.Matches(html, "<table>.*?</table>", RegexOptions.Singleline).Select(m => m.Value)
            .Single(t => Regex.IsMatch(t, "<caption>[^<]*Treatment effect \\("));
        var treatmentRow = Regex.Match(table, $"<tr><th scope=\"row\">{small.Subgroup}</th>(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;
        // n, events, then HR, p, unadjusted, shrunken, RMST difference and verdict: nothing but "not shown".
        var cells = Regex.Matches(treatmentRow, "<td[^>]*>(.*?)</td>").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(["&lt;5", "not shown (n &lt;5)", "", "", "", "", "not shown (n &lt;5)"], cells.Skip(1));
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
