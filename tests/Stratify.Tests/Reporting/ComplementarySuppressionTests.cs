using System.Net;
using System.Text.RegularExpressions;
using Stratify.Reporting;

namespace Stratify.Tests.Reporting;

/// <summary>
/// Complementary suppression (SubgroupReportSmallCells.cs): no set of printed counts with a printed total may hold
/// exactly one masked count. The expected disclosures are worked by hand from the rule: when exactly one member is
/// masked, the smallest remaining positive member is suppressed too.
/// </summary>
public class ComplementarySuppressionTests
{
    private static readonly SmallCellPolicy Policy = new(5);
    private const CountDisclosure Shown = CountDisclosure.Shown, Below = CountDisclosure.BelowThreshold, Suppressed = CountDisclosure.Suppressed;

    [Fact]
    public void One_small_subgroup_makes_the_next_smallest_suppressed_and_leaves_the_others()
    {
        // Sizes A = 120, B = 3, C = 80 of 203: B = 203 − 120 − 80 unless C is hidden too.
        Assert.Equal([Shown, Below, Suppressed], Policy.Disclose([120, 3, 80]));
        Assert.Equal(["120", "<5", "suppressed"], new[] { 120, 3, 80 }.Zip(Policy.Disclose([120, 3, 80]), Policy.Count));
    }

    [Fact]
    public void Two_small_subgroups_need_no_further_suppression()
    {
        // 3 + 2 = 203 − 120 − 78 is known, neither 3 nor 2 is.
        Assert.Equal([Shown, Below, Below, Shown], Policy.Disclose([120, 3, 2, 78]));
    }

    [Fact]
    public void A_set_without_small_counts_is_printed_whole()
    {
        Assert.Equal([Shown, Shown, Shown], Policy.Disclose([120, 5, 80]));
    }

    [Fact]
    public void A_zero_is_never_chosen_as_the_complement_because_it_hides_nothing()
    {
        Assert.Equal([Shown, Below, Shown, Suppressed], Policy.Disclose([0, 3, 50, 40]));
    }

    [Fact]
    public void The_first_of_two_equally_small_counts_is_chosen_so_repeated_tables_agree()
    {
        Assert.Equal([Below, Suppressed, Shown], Policy.Disclose([3, 50, 50]));
    }

    [Fact]
    public void A_count_withheld_for_another_table_counts_as_the_masked_one_of_its_set()
    {
        // The subgroup list withholds 80; the log-rank table's set then needs one more masked count.
        Assert.Equal([Shown, Suppressed, Suppressed], Policy.Disclose([120, 80, 60], [false, true, false]));
    }

    [Fact]
    public void A_cross_table_is_suppressed_until_no_row_or_column_has_exactly_one_masked_cell()
    {
        // Grade by arm: overall (200) = X (103) + Y (97); grades 1–3 with X = 3, 40, 60 and Y = 10, 47, 40.
        // Row grade 1: X's 3 is small → Y's 10 suppressed. Column X: → its smallest, 40 (grade 2). Column Y (10
        // masked) takes 47, grade 2, whose row needs a complement too (one cell mends both) rather than the smaller 40.
        // Every row and column then holds two masked cells or none; the overall column keeps every number.
        int[,] counts = { { 13, 3, 10 }, { 87, 40, 47 }, { 100, 60, 40 } };
        var disclosure = Policy.DiscloseCrossTable(counts, [false, false, false], columnsAddUp: true);

        Assert.Equal(new[,] { { Shown, Below, Suppressed }, { Shown, Suppressed, Suppressed }, { Shown, Shown, Shown } }, disclosure);
    }

    [Fact]
    public void A_hidden_column_counts_as_masked_in_every_row_of_a_cross_table()
    {
        // Y is a group not described: in each row overall − X would give Y's count, so X's cell is suppressed in
        // every row (the group's cell before the overall count); X's column then holds two masked cells.
        int[,] counts = { { 13, 10, 3 }, { 87, 86, 1 } };
        var disclosure = Policy.DiscloseCrossTable(counts, [false, false, true], columnsAddUp: true);

        Assert.Equal(new[,] { { Shown, Suppressed, Below }, { Shown, Suppressed, Below } }, disclosure);
    }

    [Fact]
    public void A_small_count_of_the_patients_without_a_group_cannot_be_had_from_a_row_either()
    {
        // Overall 13 = X 6 + Y 5 + 2 without a group (never printed): 13 − 6 − 5 would give the 2, so Y's 5 goes.
        // Row 2: 60 = 30 + 30 + 0; the unprinted 0 discloses nobody and the row stays whole.
        int[,] counts = { { 13, 6, 5, 2 }, { 60, 30, 30, 0 } };
        var disclosure = Policy.DiscloseCrossTable(counts, [false, false, false, false], columnsAddUp: false, unprintedColumn: 3);

        Assert.Equal(new[,] { { Shown, Shown, Suppressed, Below }, { Shown, Shown, Shown, Shown } }, disclosure);
    }

    [Fact]
    public void Table_1_variable_with_one_small_level_suppresses_the_second_smallest_level_of_that_column_and_its_percentage()
    {
        // The brief's example: in the column n = 103, grade 1 = 3, grade 2 = 40, grade 3 = 60 gives grade 1 = 3 by subtraction.
        var results = SubgroupReportFixture.Results();
        var table = new Table1Document("arm", 200, 0, "parametric", [new Table1GroupDto("X", 103), new Table1GroupDto("Y", 97)],
        [
            new Table1VariableDto("grade", "categorical",
            [
                Row("1", (13, 6.5), (3, 2.9), (10, 10.3)),
                Row("2", (87, 43.5), (40, 38.8), (47, 48.5)),
                Row("3", (100, 50.0), (60, 58.3), (40, 41.2)),
            ], "chisq", 6.1, 2, null, 0.047, null, null, double.NaN, 0),
        ]);
        var html = SubgroupReport.Render(results with { Table1ByTreatment = table }, null);
        var rows = TableRows(html, "Patient characteristics by treatment arm");

        Assert.Equal(["grade", "1", "13 (6.5%)", "<5", "suppressed", "0.0470"], rows[0]);
        Assert.Equal(["", "2", "87 (43.5%)", "suppressed", "suppressed", ""], rows[1]);
        Assert.Equal(["", "3", "100 (50.0%)", "60 (58.3%)", "40 (41.2%)", ""], rows[2]);
        Assert.DoesNotContain("38.8%", html);
        Assert.Contains("\"suppressed\" marks a count that is not small", WebUtility.HtmlDecode(html));
    }

    [Fact]
    public void A_masked_missing_count_takes_the_percentages_of_its_column_with_it()
    {
        // Percentages are of the non-missing: 59 (59.6%) gives 99 non-missing, and n = 103 − 99 = 4 missing.
        var results = SubgroupReportFixture.Results();
        var table = new Table1Document("arm", 206, 0, "parametric", [new Table1GroupDto("X", 103), new Table1GroupDto("Y", 103)],
        [
            new Table1VariableDto("meno", "categorical",
            [
                Row("pre", (90, 44.6), (40, 40.4), (50, 48.5)),
                Row("post", (112, 55.4), (59, 59.6), (53, 51.5)),
                new Table1RowDto(Table1Formats.MissingLabel, new CountCellDto("4", 4, double.NaN),
                    [new CountCellDto("4", 4, double.NaN), new CountCellDto("0", 0, double.NaN)]),
            ], "chisq", 1.1, 1, null, 0.29, null, null, double.NaN, 4),
        ]);
        var rows = TableRows(SubgroupReport.Render(results with { Table1ByTreatment = table }, null), "Patient characteristics by treatment arm");

        // Missing: overall 4 and X 4 are small (the row holds two masked cells). Column X: pre (40, its smallest
        // level) is suppressed and post loses its percentage; the overall column likewise (pre 90 suppressed). The
        // pre row then holds two masked cells, so Y keeps its numbers.
        Assert.Equal(["suppressed", "112", "<5"], rows.Select(r => r[2]));
        Assert.Equal(["suppressed", "59", "<5"], rows.Select(r => r[3]));
        Assert.Equal(["50 (48.5%)", "53 (51.5%)", "0"], rows.Select(r => r[4]));
    }

    private static Table1RowDto Row(string label, (int Count, double Percent) overall, params (int Count, double Percent)[] groups) =>
        new(label, Cell(overall), groups.Select(Cell).ToList());

    private static Table1CellDto Cell((int Count, double Percent) c) =>
        new CountCellDto($"{c.Count} ({c.Percent.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}%)", c.Count, c.Percent);

    /// <summary>The body rows of the table with this caption, each as its decoded cell texts (row header first).</summary>
    internal static List<string[]> TableRows(string html, string captionStart)
    {
        foreach (Match table in Regex.Matches(html, "<table>.*?</table>", RegexOptions.Singleline))
        {
            var caption = WebUtility.HtmlDecode(Regex.Match(table.Value, @"<caption>Table \d+\. (.*?)</caption>").Groups[1].Value);
            if (!caption.StartsWith(captionStart, StringComparison.Ordinal)) continue;
            return Regex.Matches(table.Value, "<tr><th scope=\"row\">.*?</tr>", RegexOptions.Singleline)
                .Select(row => Regex.Matches(row.Value, "<t[hd][^>]*>(.*?)</t[hd]>").Select(c => WebUtility.HtmlDecode(c.Groups[1].Value)).ToArray())
                .ToList();
        }
        throw new InvalidOperationException($"no table '{captionStart}'");
    }
}
