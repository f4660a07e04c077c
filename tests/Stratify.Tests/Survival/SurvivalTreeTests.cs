using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// The survival tree: its root split is the brute-force maximal log-rank split computed by R (survdiff over every
/// candidate split; tests/reference/km_logrank_reference.R, section "tree"), and its leaves partition the patients
/// exactly as their rules state.
/// </summary>
public class SurvivalTreeTests
{
    public static TheoryData<string> Cases => Names("tree");

    private static (JsonElement Reference, Cohort Cohort, SurvivalTreeModel Model) GrowCase(string name)
    {
        var c = Case("tree", name);
        var cohort = CsvCohortReader.Read(Path.Combine(RepoPaths.Root, c.GetProperty("file").GetString()!));
        var features = c.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var options = new SurvivalTreeOptions { MinNodeSize = c.GetProperty("min_node_size").GetInt32(), MaxDepth = 3 };
        var model = LogRankTree.Grow(cohort, c.GetProperty("time").GetString()!, c.GetProperty("status").GetString()!, features, options);
        return (c, cohort, model);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Root_split_is_the_maximal_log_rank_split_found_by_brute_force_in_r(string name)
    {
        var (r, _, model) = GrowCase(name);
        var best = r.GetProperty("best");
        var split = model.Root.Split;
        Assert.NotNull(split);
        Assert.Equal(best.GetProperty("feature").GetString(), split!.Feature);
        if (split.IsNumeric) Assert.Equal(best.GetProperty("threshold").GetDouble(), split.Threshold);
        else Assert.Equal(best.GetProperty("left_levels").EnumerateArray().Select(l => l.GetString()), split.LeftLevels);
        AssertClose(best.GetProperty("statistic").GetDouble(), split.Statistic, StatisticTolerance, "root chisq");
        Assert.Equal(best.GetProperty("candidates").GetInt32(), split.Candidates);
        AssertClose(best.GetProperty("adjusted_p").GetDouble(), split.AdjustedPValue, PValueTolerance, "Bonferroni p");
        Assert.Equal(Number(best.GetProperty("left_median")), model.Root.Left!.Median);
        Assert.Equal(Number(best.GetProperty("right_median")), model.Root.Right!.Median);
        Assert.Equal(r.GetProperty("n").GetInt32(), model.Root.N);
        Assert.Equal(r.GetProperty("events").GetInt32(), model.Root.Events);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Leaf_sizes_and_events_add_up_to_the_root(string name)
    {
        var (_, _, model) = GrowCase(name);
        Assert.Equal(model.Root.N, model.Leaves.Sum(l => l.N));
        Assert.Equal(model.Root.Events, model.Leaves.Sum(l => l.Events));
        for (int leaf = 0; leaf < model.Leaves.Count; leaf++)
            Assert.Equal(model.Leaves[leaf].N, model.LeafOfPatient.Count(x => x == leaf));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_leaf_rule_selects_exactly_the_patients_of_that_leaf(string name)
    {
        var (r, cohort, model) = GrowCase(name);
        var features = r.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray();
        string time = r.GetProperty("time").GetString()!, status = r.GetProperty("status").GetString()!;
        // complete cases, in file order, as the tree numbers its patients
        var rows = Enumerable.Range(0, cohort.RowCount)
            .Where(i => !cohort[time].IsMissing(i) && !cohort[status].IsMissing(i) && features.All(f => !cohort[f].IsMissing(i)))
            .ToArray();
        for (int leaf = 0; leaf < model.Leaves.Count; leaf++)
        {
            var conditions = model.Leaves[leaf].Conditions;
            for (int p = 0; p < rows.Length; p++)
            {
                bool satisfies = conditions.All(c => Holds(c, cohort[c.Feature], rows[p]));
                Assert.True(satisfies == (model.LeafOfPatient[p] == leaf),
                    $"row {rows[p] + 1}: rule '{model.Leaves[leaf].Rule}' says {satisfies}, tree put it in leaf {model.LeafOfPatient[p]}");
            }
        }
    }

    [Fact]
    public void Rules_read_as_conditions_on_the_named_features()
    {
        var (_, _, model) = GrowCase("veteran");
        // R brute force: the root split is karno <= 40
        Assert.StartsWith("karno <= 40", model.Root.Left!.Rule);
        Assert.StartsWith("karno > 40", model.Root.Right!.Rule);
    }

    [Fact]
    public void A_tree_without_a_significant_split_is_a_single_leaf()
    {
        var cohort = CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv"));
        // alpha tiny: even karno's Bonferroni p (1.4e-9 in R) is not below it
        var model = LogRankTree.Grow(cohort, "time", "status", ["karno", "age"], new SurvivalTreeOptions { MinNodeSize = 15, Alpha = 1e-12 });
        Assert.True(model.Root.IsLeaf);
        Assert.Single(model.Leaves);
        Assert.Equal("all patients", model.Root.Rule);
    }

    private static bool Holds(SplitCondition condition, Column column, int row)
    {
        if (condition.IsNumeric)
        {
            double v = ((NumericColumn)column).Values[row];
            return condition.Above ? v > condition.Threshold : v <= condition.Threshold;
        }
        return condition.LevelsIn.Contains(column.Format(row));
    }
}
