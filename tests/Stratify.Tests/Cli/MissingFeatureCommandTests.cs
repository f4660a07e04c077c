using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Stratification;

namespace Stratify.Tests.Cli;

/// <summary>
/// The verbs that find subgroups (`run`, `tree`, `cluster`) take features from the one binder, apply the missing-value
/// policy, and say what it did: counts per stage and column on the console, never a silent drop.
/// </summary>
public class MissingFeatureCommandTests
{
    private static readonly JsonElement R = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("pbc_reference.json"))).RootElement;

    [Fact]
    public void Run_prints_the_patients_of_every_stage_and_the_rows_each_left_out()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("run", MissingFeatureTests.PbcSpec(folder, "complete_case"), "--out", folder.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        int complete = R.GetProperty("complete_n").GetInt32(), events = R.GetProperty("complete_events").GetInt32();
        Assert.Contains($"  patients analysed: at load 312 (125 events); finding subgroups {complete} ({events} events); survival by subgroup {complete} ({events} events); " +
            $"treatment effect overall 312 (125 events); treatment effect by subgroup {complete} ({events} events)", result.Out);
        // copper (2) and platelet (4) are below the small-cell threshold of 5.
        Assert.Contains("  rows left out for a missing value: finding subgroups, chol 28, copper <5, trig 30, platelet <5; survival by subgroup, chol 28,", result.Out);
        Assert.Contains($"{312 - complete} patients have no subgroup (missing chol 28, copper 2, trig 30, platelet 4); they stay in the overall analyses", result.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(folder.File("out/results.json")));
        Assert.Equal(12, json.RootElement.GetProperty("study").GetProperty("dropped_by_stage").GetArrayLength());
    }

    [Fact]
    public void Tree_imputes_missing_features_by_default_and_keeps_every_patient_in_a_leaf()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("tree", MissingFeatureTests.PbcSpec(folder, "impute"), "--format", "json", "--out", folder.File("leaves.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(312, root.GetProperty("leaves").EnumerateArray().Sum(l => l.GetProperty("n").GetInt32()));
        Assert.Equal(0, root.GetProperty("dropped_rows").GetInt32());
        Assert.Contains("note: chol: 28 missing values imputed (309.5).", result.Error); // R: median(pbc$chol, na.rm = TRUE) on the 312
        Assert.DoesNotContain("unassigned", File.ReadAllText(folder.File("leaves.csv")));
    }

    [Fact]
    public void Tree_with_complete_cases_counts_the_patients_left_without_a_leaf()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("tree", MissingFeatureTests.PbcSpec(folder, "impute"), "--missing", "complete_case", "--format", "json",
            "--out", folder.File("leaves.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        int complete = R.GetProperty("complete_n").GetInt32();
        var root = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(complete, root.GetProperty("leaves").EnumerateArray().Sum(l => l.GetProperty("n").GetInt32()));
        Assert.Equal(312 - complete, root.GetProperty("dropped_rows").GetInt32());
        Assert.Contains($"note: {312 - complete} of 312 patients lack a complete-case feature and have no subgroup: chol 28, copper 2, trig 30, platelet 4.", result.Error);
        Assert.Equal(312 - complete, File.ReadAllLines(folder.File("leaves.csv")).Count(l => l.EndsWith(",unassigned", StringComparison.Ordinal)));
    }

    [Fact]
    public void Tree_refuses_pairwise_missing_values()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("tree", MissingFeatureTests.PbcSpec(folder, "impute"), "--missing", "pairwise");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot be left pairwise", result.Error);
    }

    [Fact]
    public void Cluster_takes_the_features_from_the_binder_with_an_ordinal_flag_and_a_missing_policy()
    {
        // lung: wt.loss lacks 14 values and ph.karno 1 (R: colSums(is.na(lung))); complete cases keep 228 − 15 = 213.
        using var folder = new TempFolder();
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status",
            "--features", "age,wt.loss,ph.karno,ph.ecog", "--ordinal", "ph.ecog", "--missing", "complete_case", "--k", "2", "--bootstrap", "0",
            "--gap", "0", "--format", "json", "--out", folder.File("clusters.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var root = JsonDocument.Parse(result.Out).RootElement;
        var lung = CsvCohortReader.Read(RepoPaths.Dataset("lung.csv"));
        int complete = Enumerable.Range(0, lung.RowCount).Count(i => new[] { "age", "wt.loss", "ph.karno", "ph.ecog" }.All(c => !lung[c].IsMissing(i)));
        Assert.Equal(complete, root.GetProperty("n").GetInt32());
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString() == $"{lung.RowCount - complete} of {lung.RowCount} patients left out for a missing complete-case feature");
        Assert.Equal(lung.RowCount - complete, File.ReadAllLines(folder.File("clusters.csv")).Count(l => l.EndsWith(",unassigned", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("tree")]
    public void An_infinite_feature_value_exits_2_naming_file_column_row_and_value(string verb)
    {
        using var folder = new TempFolder();
        var marker = Enumerable.Range(0, 40).Select(i => i == 2 ? double.PositiveInfinity : i % 7).ToArray();
        ParquetCohortWriter.Write(new Cohort([
            new NumericColumn("time", Enumerable.Range(1, 40).Select(i => (double)i).ToArray()),
            new NumericColumn("status", Enumerable.Range(0, 40).Select(i => (double)(i % 2)).ToArray()),
            new NumericColumn("marker", marker),
        ], "constructed"), folder.File("inf.parquet"));
        var result = CliRunner.Run(verb, folder.File("inf.parquet"), "--time", "time", "--event", "status", "--features", "marker");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{folder.File("inf.parquet")}, column 'marker', row 3: feature value is not a finite number (value: 'Infinity')", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void Cluster_refuses_pairwise_for_k_means_naming_the_feature()
    {
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status",
            "--features", "age,wt.loss", "--method", "kmeans", "--missing", "pairwise");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pairwise missing values are for Gower methods", result.Error);
    }
}
