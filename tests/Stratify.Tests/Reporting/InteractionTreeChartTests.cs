using Stratify.Reporting.Charts;

namespace Stratify.Tests.Reporting;

public class InteractionTreeChartTests
{
    // Root split on biomarker; its right child split on grade; three leaves left to right.
    private static InteractionTreeChartInput Sample() => new(
        [new InteractionTreeChartSplit("", "biomarker <= 3.2", "biomarker > 3.2", "interaction χ² 24.1, Bonferroni p = 0.0002"),
         new InteractionTreeChartSplit("R", "grade in {1, 2}", "grade not in {1, 2}", "interaction χ² 9.3, Bonferroni p = 0.04")],
        [new InteractionTreeChartLeaf("A", ["n 700, events 500", "HR 0.98 (95% CI 0.80–1.19)"]),
         new InteractionTreeChartLeaf("B", ["n <5, events <5", "too few to estimate"]),
         new InteractionTreeChartLeaf("C", ["n 790, events 400", "HR 0.52 (95% CI 0.43–0.63)"])],
        "Interaction tree for arm");

    [Fact]
    public void Draws_each_split_with_its_test_and_branches_and_each_leaf_with_its_lines()
    {
        var svg = new SvgInspection(InteractionTreeChart.Render(Sample()));
        var texts = svg.TextContents().ToHashSet();
        Assert.Contains("biomarker ≤ 3.2?", texts);
        Assert.Contains("yes: biomarker <= 3.2", texts);
        Assert.Contains("no: biomarker > 3.2", texts);
        Assert.Contains("interaction χ² 9.3, Bonferroni p = 0.04", texts);
        Assert.Contains("Subgroup B", texts);
        Assert.Contains("n <5, events <5", texts);
        // Leaves left to right in the order given, and the second split (under the root's "no" branch) right of the root.
        var x = svg.Texts().ToDictionary(t => t.Content, t => t.X);
        Assert.True(x["Subgroup A"] < x["Subgroup B"] && x["Subgroup B"] < x["Subgroup C"]);
        Assert.Equal((x["Subgroup B"] + x["Subgroup C"]) / 2, x["grade in {1, 2}?"], 6);
        Assert.True(x["grade in {1, 2}?"] > x["biomarker ≤ 3.2?"]);
    }

    [Fact]
    public void A_tree_whose_leaves_do_not_match_its_splits_is_refused()
    {
        var input = Sample() with { Leaves = Sample().Leaves.Take(2).ToArray() };
        var error = Assert.Throws<ArgumentException>(() => InteractionTreeChart.Render(input));
        Assert.Contains("2 splits has 3 leaves", error.Message);
    }
}
