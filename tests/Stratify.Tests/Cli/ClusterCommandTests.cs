using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Cli;

public class ClusterCommandTests
{
    [Fact]
    public void Cluster_json_has_the_documented_fields_and_is_identical_for_the_same_seed()
    {
        string[] args = ["cluster", RepoPaths.Dataset("lung.yaml"), "--k", "2..4", "--bootstrap", "5", "--seed", "7", "--format", "json"];
        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(first.Out, second.Out);
        var root = JsonDocument.Parse(first.Out).RootElement;
        foreach (var field in new[] { "method", "distance", "k", "n", "objective", "silhouette", "criteria", "clusters", "warnings" })
            Assert.True(root.TryGetProperty(field, out _), field);
        Assert.Equal(3, root.GetProperty("criteria").GetArrayLength());
        var clusters = root.GetProperty("clusters").EnumerateArray().ToArray();
        Assert.Equal(root.GetProperty("k").GetInt32(), clusters.Length);
        Assert.Equal(root.GetProperty("n").GetInt32(), clusters.Sum(c => c.GetProperty("size").GetInt32()));
        Assert.All(clusters, c => Assert.True(c.TryGetProperty("medoid", out _) && c.TryGetProperty("stability", out _) && c.TryGetProperty("label", out _)));
    }

    [Fact]
    public void Cluster_writes_patient_assignments_by_id()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("gbsg.yaml"), "--k", "3", "--bootstrap", "0", "--out", dir.File("a.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var lines = File.ReadAllLines(dir.File("a.csv"));
        Assert.Equal("pid,subgroup", lines[0]);
        Assert.Equal(687, lines.Length);
        Assert.All(lines.Skip(1), l => Assert.Matches("^[0-9]+,[ABC]$", l));
    }

    [Theory]
    [InlineData("--method", "dbscan", "unknown clustering method")]
    [InlineData("--k", "1", "k must be a whole number ≥ 2")]
    [InlineData("--scaling", "minmax", "unknown value for --scaling")]
    [InlineData("--features", "agee", "column 'agee': column not found. Did you mean 'age'?")]
    public void Bad_cluster_options_exit_2_with_a_message(string option, string value, string message)
    {
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("gbsg.yaml"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void Kmeans_with_missing_values_imputes_and_says_so()
    {
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--features", "age,wt.loss,ph.karno", "--method", "kmeans", "--k", "2", "--bootstrap", "0", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        var warnings = JsonDocument.Parse(result.Out).RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()).ToArray();
        Assert.Contains(warnings, w => w!.Contains("wt.loss"));
    }

    [Fact]
    public void On_a_simulated_cohort_the_adjusted_rand_index_against_the_planted_subgroups_is_reported()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "2000", "--seed", "8", "--out", dir.File("sim.parquet")).ExitCode);
        var result = CliRunner.Run("cluster", dir.File("sim.parquet"), "--features", "age,biomarker,nodes,histology,ecog", "--ordinal", "ecog",
            "--k", "3", "--bootstrap", "0", "--truth", "true_subgroup", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        // Floor 0.5, as in the pipeline test: the planted subgroups overlap by design (10% cross-histology, Poisson nodes).
        Assert.True(JsonDocument.Parse(result.Out).RootElement.GetProperty("adjusted_rand_index").GetDouble() > 0.5);
    }
}
