using Microsoft.Data.Analysis;
using Stratify.Data;
using static Stratify.Tests.Predictive.InteractionTreeReference;

namespace Stratify.Tests.Fitters;

/// <summary>
/// The InteractionTree fitter on a DataFrame: the same tree as R's brute-force interaction tree of
/// tests/reference/interaction_tree_reference.R (splits, χ² within 1e-9, Bonferroni p, leaves and their arms' counts),
/// Predict on the training rows giving each row's leaf, and bad input refused by name.
/// </summary>
public class InteractionTreeFitterTests
{
    private static DataFrame Trial() => new(
        new DoubleDataFrameColumn("time", Column("time")),
        new DoubleDataFrameColumn("status", Column("status")),
        new StringDataFrameColumn("arm", Column("arm").Select(a => a == 1 ? "treated" : "control")),
        new DoubleDataFrameColumn("biomarker", Column("biomarker")),
        new DoubleDataFrameColumn("age", Column("age")));

    private static InteractionTreeFit Fit(DataFrame data)
    {
        var r = Root.Value.GetProperty("tree");
        var options = new InteractionTreeOptions
        {
            MinNodeSize = r.GetProperty("min_node_size").GetInt32(),
            MinEventsPerArm = r.GetProperty("min_events_per_arm").GetInt32(),
            MaxDepth = r.GetProperty("max_depth").GetInt32(),
            Alpha = r.GetProperty("alpha").GetDouble(),
        };
        return new InteractionTree(options).Fit(data, time: "time", @event: "status", treatment: "arm", reference: "control", features: ["biomarker", "age"]);
    }

    [Fact]
    public void A_categorical_split_names_the_levels_that_go_left_as_R_s_best_grouping()
    {
        // grade alone, every split allowed: the root splits on R's best grouping of grade's four levels (grade_root).
        var data = Trial();
        data.Columns.Add(new StringDataFrameColumn("grade", Labels("grade")));
        var tree = new InteractionTree(new InteractionTreeOptions { MinNodeSize = 1, MinEventsPerArm = 1, MaxDepth = 1, Alpha = 1 })
            .Fit(data, time: "time", @event: "status", treatment: "arm", reference: "control", features: ["grade"]);
        var best = Root.Value.GetProperty("scans").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "grade_root")
            .GetProperty("groupings").EnumerateArray().MaxBy(g => g.GetProperty("statistic").GetDouble());
        var split = Assert.Single(tree.Splits);
        Assert.Equal(best.GetProperty("left_levels").EnumerateArray().Select(l => l.GetString()!).ToArray(), split.LeftLevels);
        Assert.True(double.IsNaN(split.Threshold));
        double statistic = best.GetProperty("statistic").GetDouble();
        Assert.True(Math.Abs(split.Statistic - statistic) <= 1e-9 * statistic, $"R {statistic:R}, Stratify {split.Statistic:R}");
    }

    [Fact]
    public void Fitting_a_data_frame_grows_the_tree_r_grows()
    {
        var tree = Fit(Trial());
        var r = Root.Value.GetProperty("tree");
        Assert.Equal(("control", "treated"), (tree.ReferenceArm, tree.TreatedArm));
        var expected = r.GetProperty("splits").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, tree.Splits.Count);
        Assert.NotEmpty(tree.Splits);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].GetProperty("feature").GetString(), tree.Splits[i].Feature);
            Assert.Equal(expected[i].GetProperty("candidates").GetInt32(), tree.Splits[i].Candidates);
            Assert.Equal(expected[i].GetProperty("threshold").GetDouble(), tree.Splits[i].Threshold);
            Assert.Empty(tree.Splits[i].LeftLevels);
            double statistic = expected[i].GetProperty("statistic").GetDouble();
            Assert.True(Math.Abs(tree.Splits[i].Statistic - statistic) <= 1e-9 * Math.Abs(statistic), $"split {i}: R {statistic:R}, Stratify {tree.Splits[i].Statistic:R}");
            double adjusted = expected[i].GetProperty("adjusted_p").GetDouble();
            Assert.True(Math.Abs(tree.Splits[i].AdjustedPValue - adjusted) <= 1e-6 * adjusted, $"split {i} adjusted p");
        }
        var leaves = r.GetProperty("leaves").EnumerateArray().ToArray();
        Assert.Equal(leaves.Length, tree.Leaves.Count);
        for (int l = 0; l < leaves.Length; l++)
        {
            Assert.Equal(leaves[l].GetProperty("n").GetInt32(), tree.Leaves[l].ReferencePatients + tree.Leaves[l].TreatedPatients);
            Assert.Equal(leaves[l].GetProperty("reference_events").GetInt32(), tree.Leaves[l].ReferenceEvents);
            Assert.Equal(leaves[l].GetProperty("treated_events").GetInt32(), tree.Leaves[l].TreatedEvents);
            foreach (var row in leaves[l].GetProperty("rows").EnumerateArray().Select(v => v.GetInt32())) Assert.Equal(l, tree.Labels[row]);
        }
        var summary = tree.Summary();
        Assert.Equal(leaves.Length, summary.Rows.Count);
        Assert.Equal(tree.Leaves[0].Rule, summary.Columns["rule"][0]);
    }

    [Fact]
    public void Predict_places_the_training_rows_in_their_own_leaves_without_the_treatment_column()
    {
        var data = Trial();
        var tree = Fit(data);
        var features = new DataFrame(data.Columns["biomarker"].Clone(), data.Columns["age"].Clone());
        Assert.Equal(tree.Labels, tree.Predict(features));
    }

    [Fact]
    public void A_treatment_with_three_arms_and_a_missing_feature_column_are_refused_by_name()
    {
        var data = Trial();
        var arms = (StringDataFrameColumn)data.Columns["arm"];
        arms[3] = "other";
        var three = Assert.Throws<StratifyInputException>(() => Fit(data));
        Assert.Contains("compares two arms", three.Message);
        var missing = Assert.Throws<StratifyInputException>(() =>
            new InteractionTree().Fit(Trial(), "time", "status", "arm", "control", ["biomarkr"]));
        Assert.Contains("biomarkr", missing.Message);
    }
}
