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

    /// <summary>Progress on stderr as `run` prints it: stage lines, one line per k, replicate counters (every fifth of
    /// the way on a pipe), and where a stage is long the share done and the time left or a still-working line; stdout
    /// stays one JSON document; --quiet prints none. PBC with complete cases: copper (2) and platelet (4) leave patients
    /// out, counts below the small-cell threshold, and no progress line names them.</summary>
    [Fact]
    public void Cluster_prints_progress_lines_on_stderr_that_carry_no_patient_counts()
    {
        using var folder = new TempFolder();
        string spec = Stratify.Tests.Stratification.MissingFeatureTests.PbcSpec(folder, "complete_case");
        var result = CliRunner.Run("cluster", spec, "--method", "kmedoids", "--k", "2..3", "--bootstrap", "10", "--gap", "0", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonDocument.Parse(result.Out).Dispose(); // stdout is the JSON alone
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stages = lines.Where(l => l.StartsWith('[')).ToArray();
        Assert.All(stages, l => Assert.Matches(@"^\[ *\d+\.\ds\] [A-Z][a-z ]+$", l));
        Assert.Equal(["Load and validate", "Find subgroups"], stages.Select(l => l[(l.IndexOf(']') + 2)..]));
        var details = lines.Where(l => l.StartsWith("          ", StringComparison.Ordinal)).Select(l => l.Trim()).ToArray();
        Assert.Equal(["k = 2 tried of 2..3", "k = 3 tried of 2..3"], details.Where(l => l.Contains(" tried of ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(':')]));
        Assert.Equal(["bootstrap replicate 2 of 10", "bootstrap replicate 4 of 10", "bootstrap replicate 6 of 10", "bootstrap replicate 8 of 10", "bootstrap replicate 10 of 10"],
            details.Where(l => l.StartsWith("bootstrap replicate ", StringComparison.Ordinal)));
        // Every detail line has one of the forms of the progress display, none a column or a count of patients.
        Assert.All(details, l => Assert.Matches(@"^(k = \d tried of 2\.\.3: average silhouette \d\.\d{3}|bootstrap replicate \d+ of 10|" +
            @"(k = 2\.\.3|bootstrap replicates): \d+ of \d+ \(\d+%\), about .+ left|Find subgroups: still working, .+ so far)$", l));
        Assert.All(lines.Where(l => l.StartsWith('[') || l.StartsWith(' ')), l =>
        {
            Assert.DoesNotContain("copper", l);
            Assert.DoesNotContain("platelet", l);
            Assert.DoesNotContain("patients", l);
        });

        var quiet = CliRunner.Run("cluster", spec, "--method", "kmedoids", "--k", "2..3", "--bootstrap", "10", "--gap", "0", "--format", "json", "--quiet");
        Assert.Equal(result.Out, quiet.Out);
        Assert.DoesNotContain(quiet.Error.Split('\n'), l => l.StartsWith('[') || l.StartsWith("          ", StringComparison.Ordinal));
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
