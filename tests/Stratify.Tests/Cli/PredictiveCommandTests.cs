using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Predictive;

namespace Stratify.Tests.Cli;

/// <summary>
/// `stratify tree --interaction` and `stratify stepp` on the R reference trials written as Parquet: the printed numbers
/// are R's (interaction_tree_reference.R, stepp_reference.R), and bad requests are refused with exit code 2.
/// </summary>
public class PredictiveCommandTests
{
    /// <summary>The interaction-tree reference trial as a Parquet file (arm as text: control / treated).</summary>
    private static string WriteTreeTrial(TempFolder dir)
    {
        var arm = InteractionTreeReference.Column("arm").Select(a => a == 1 ? "treated" : "control").ToArray();
        var cohort = new Cohort(
        [
            new NumericColumn("time", InteractionTreeReference.Column("time")),
            new NumericColumn("status", InteractionTreeReference.Column("status"), null, SourceType.Integer),
            CategoricalColumn.FromStrings("arm", arm),
            new NumericColumn("biomarker", InteractionTreeReference.Column("biomarker")),
            new NumericColumn("age", InteractionTreeReference.Column("age")),
            CategoricalColumn.FromStrings("grade", InteractionTreeReference.Labels("grade")),
        ], "trial");
        var path = dir.File("trial.parquet");
        ParquetCohortWriter.Write(cohort, path);
        return path;
    }

    private static string WriteSteppTrial(TempFolder dir)
    {
        var root = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("stepp_reference.json"))).RootElement.GetProperty("data");
        double[] Column(string name) => root.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var cohort = new Cohort(
        [
            new NumericColumn("time", Column("time")),
            new NumericColumn("status", Column("status"), null, SourceType.Integer),
            CategoricalColumn.FromStrings("arm", Column("arm").Select(a => a == 1 ? "treated" : "control").ToArray()),
            new NumericColumn("marker", Column("marker")),
        ], "stepp");
        var path = dir.File("stepp.parquet");
        ParquetCohortWriter.Write(cohort, path);
        return path;
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: R {expected:R}, Stratify {actual:R}");

    [Fact]
    public void Tree_interaction_prints_r_s_splits_and_each_leaf_s_coxph_hazard_ratio()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("tree", WriteTreeTrial(dir), "--time", "time", "--event", "status", "--treatment", "arm", "--reference", "arm=control",
            "--features", "biomarker,age", "--interaction", "--design", "randomised", "--min-node-size", "30", "--min-events-per-arm", "5", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var r = InteractionTreeReference.Root.Value.GetProperty("tree");
        var splits = json.GetProperty("splits").EnumerateArray().ToArray();
        var expectedSplits = r.GetProperty("splits").EnumerateArray().ToArray();
        Assert.Equal(expectedSplits.Length, splits.Length);
        for (int i = 0; i < splits.Length; i++)
        {
            Assert.Equal(expectedSplits[i].GetProperty("feature").GetString(), splits[i].GetProperty("feature").GetString());
            Assert.Equal(expectedSplits[i].GetProperty("threshold").GetDouble(), splits[i].GetProperty("threshold").GetDouble());
            Close(expectedSplits[i].GetProperty("statistic").GetDouble(), splits[i].GetProperty("statistic").GetDouble(), 1e-9, $"split {i}");
        }
        var leaves = json.GetProperty("leaves").EnumerateArray().ToArray();
        var expectedLeaves = r.GetProperty("leaves").EnumerateArray().ToArray();
        Assert.Equal(expectedLeaves.Length, leaves.Length);
        for (int l = 0; l < leaves.Length; l++)
        {
            Assert.Equal(expectedLeaves[l].GetProperty("n").GetInt32(), leaves[l].GetProperty("estimation_n").GetInt32());
            foreach (var field in new[] { "hr", "hr_lower", "hr_upper" })
                Close(expectedLeaves[l].GetProperty(field).GetDouble(), leaves[l].GetProperty(field).GetDouble(), 1e-6, $"leaf {l} {field}");
        }
        Assert.False(json.GetProperty("honest").GetBoolean());
        Assert.StartsWith("optimistic", json.GetProperty("estimates").GetString());
    }

    [Fact]
    public void Tree_interaction_as_a_table_names_the_rules_and_says_the_estimates_are_optimistic()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("tree", WriteTreeTrial(dir), "--time", "time", "--event", "status", "--treatment", "arm", "--reference", "arm=control",
            "--features", "biomarker,age,grade", "--interaction", "--design", "randomised", "--min-node-size", "30");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("biomarker <= 2.99 and age > 61", result.Out);
        Assert.Contains("Bonferroni p", result.Out);
        Assert.Contains("Optimistic: the splits were chosen on these same patients", result.Out);
    }

    [Fact]
    public void Tree_interaction_under_a_validation_split_estimates_on_the_held_out_patients()
    {
        using var dir = new TempFolder();
        var data = WriteTreeTrial(dir);
        File.WriteAllText(dir.File("trial.yaml"), """
            data: trial.parquet
            time: time
            event: status
            treatment: arm
            treatment_reference: control
            design: randomised
            subgroups:
              method: interaction_tree
              features: [biomarker, age]
            validation: split
            seed: 4
            """);
        var result = CliRunner.Run("tree", dir.File("trial.yaml"), "--interaction", "--format", "json", "--min-node-size", "30");
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.True(json.GetProperty("honest").GetBoolean());
        Assert.Equal(300, json.GetProperty("discovery_n").GetInt32());
        Assert.Equal(300, json.GetProperty("estimation_n").GetInt32());
        Assert.Equal(300, json.GetProperty("leaves").EnumerateArray().Sum(l => l.GetProperty("estimation_n").GetInt32()));
        Assert.Equal(300, json.GetProperty("leaves").EnumerateArray().Sum(l => l.GetProperty("reference_patients").GetInt32() + l.GetProperty("treated_patients").GetInt32()));
    }

    [Fact]
    public void A_tree_without_a_split_is_a_finding_exit_0_for_tree_interaction_and_for_run()
    {
        // One common HR (0.7) in a simulated trial: no split passes the Bonferroni-adjusted interaction test.
        using var dir = new TempFolder();
        Stratify.Simulation.CohortSimulator.Write(dir.File("trial.parquet"), 3000, seed: 21, Stratify.Simulation.SimulationModel.For(Stratify.Simulation.SimulationScenario.None));
        File.WriteAllText(dir.File("trial.yaml"), """
            data: trial.parquet
            id: patient_id
            time: time
            event: event
            treatment: arm
            treatment_reference: control
            design: randomised
            subgroups:
              method: interaction_tree
              features: [age, biomarker, nodes]
              min_node_size: 50
            output: out
            """);
        var tree = CliRunner.Run("tree", dir.File("trial.yaml"), "--interaction");
        Assert.True(tree.ExitCode == 0, tree.Error);
        Assert.Contains("Finding: no subgroup whose treatment effect differs was found", tree.Out);
        Assert.Contains("(alpha 0.05)", tree.Out);
        var run = CliRunner.Run("run", dir.File("trial.yaml"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("No subgroup whose treatment effect differs was found (at the stated alpha, 0.05)", run.Out);
        var results = JsonDocument.Parse(File.ReadAllText(dir.File("out/results.json"))).RootElement;
        Assert.Equal("consistent", results.GetProperty("treatment").GetProperty("bottom_line").GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, results.GetProperty("survival").GetProperty("log_rank").ValueKind);
        Assert.Contains("No subgroup whose treatment effect differs was found", File.ReadAllText(dir.File("out/report.html")));
    }

    [Fact]
    public void Tree_interaction_without_a_treatment_is_refused()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("tree", WriteTreeTrial(dir), "--time", "time", "--event", "status", "--features", "biomarker", "--interaction",
            "--out", dir.File("leaves.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no treatment is named", result.Error);
        Assert.Contains("--treatment", result.Error);
        Assert.False(File.Exists(dir.File("leaves.csv")));
    }

    [Fact]
    public void Stepp_prints_r_s_window_hazard_ratios_and_writes_the_plot()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("stepp", WriteSteppTrial(dir), "--time", "time", "--event", "status", "--treatment", "arm", "--reference", "arm=control",
            "--marker", "marker", "--window", "120", "--overlap", "80", "--permutations", "99", "--seed", "5", "--format", "json", "--plot", dir.File("stepp.svg"));
        Assert.True(result.ExitCode == 0, result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var r = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("stepp_reference.json"))).RootElement.GetProperty("cases")
            .EnumerateArray().Single(c => c.GetProperty("name").GetString() == "unstratified");
        var windows = json.GetProperty("windows").EnumerateArray().ToArray();
        var expected = r.GetProperty("windows").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, windows.Length);
        for (int w = 0; w < windows.Length; w++)
        {
            Assert.Equal(expected[w].GetProperty("lower").GetDouble(), windows[w].GetProperty("marker_lower").GetDouble());
            Close(expected[w].GetProperty("hr").GetDouble(), windows[w].GetProperty("effect").GetProperty("hr").GetDouble(), 1e-9, $"window {w + 1} HR");
        }
        Close(r.GetProperty("overall").GetProperty("hr").GetDouble(), json.GetProperty("overall").GetProperty("hr").GetDouble(), 1e-9, "overall HR");
        Assert.Equal(99, json.GetProperty("test").GetProperty("permutations").GetInt32());
        Assert.Equal(0.01, json.GetProperty("test").GetProperty("p").GetDouble(), 12); // no permutation reaches the observed trend: 1 / (1 + 99)
        var svg = File.ReadAllText(dir.File("stepp.svg"));
        Assert.StartsWith("<svg", svg);
        Assert.Contains("Overall effect", svg);
    }

    [Theory]
    [InlineData("--window", "500", "fewer than the 500 patients")]
    [InlineData("--plot-effect", "median", "unknown value for --plot-effect")]
    [InlineData("--plot", "stepp.png", "must end in .svg")]
    public void Stepp_refuses_impossible_requests_naming_the_value(string option, string value, string message)
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("stepp", WriteSteppTrial(dir), "--time", "time", "--event", "status", "--treatment", "arm", "--marker", "marker",
            "--permutations", "0", option, option == "--plot" ? dir.File(value) : value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Empty(result.Out);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.png"));
    }

    [Fact]
    public void Stepp_without_a_marker_or_treatment_is_refused_with_a_suggestion()
    {
        using var dir = new TempFolder();
        var path = WriteSteppTrial(dir);
        var noMarker = CliRunner.Run("stepp", path, "--time", "time", "--event", "status", "--treatment", "arm");
        Assert.Equal(2, noMarker.ExitCode);
        Assert.Contains("--marker", noMarker.Error);
        var noTreatment = CliRunner.Run("stepp", path, "--time", "time", "--event", "status", "--marker", "marker");
        Assert.Equal(2, noTreatment.ExitCode);
        Assert.Contains("--treatment", noTreatment.Error);
    }
}
