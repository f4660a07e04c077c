using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Cli;

public class TreeCommandTests
{
    [Fact]
    public void Tree_leaves_partition_the_patients_and_the_assignment_file_names_each_patients_leaf()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("tree", RepoPaths.Dataset("veteran.yaml"), "--features", "karno,celltype,age", "--min-node-size", "15",
            "--format", "json", "--out", dir.File("leaves.parquet"));
        Assert.True(result.ExitCode == 0, result.Error);
        var leaves = JsonDocument.Parse(result.Out).RootElement.GetProperty("leaves").EnumerateArray().ToArray();
        Assert.True(leaves.Length >= 2);
        Assert.Equal(137, leaves.Sum(l => l.GetProperty("n").GetInt32()));
        Assert.Equal(128, leaves.Sum(l => l.GetProperty("events").GetInt32())); // R: sum(veteran$status) = 128
        Assert.All(leaves, l => Assert.True(l.GetProperty("n").GetInt32() >= 15));
        var assignments = ParquetCohortReader.Read(dir.File("leaves.parquet"));
        var subgroup = (CategoricalColumn)assignments["subgroup"];
        var counts = subgroup.LevelCounts();
        foreach (var leaf in leaves)
            Assert.Equal(leaf.GetProperty("n").GetInt32(), counts[Array.IndexOf(subgroup.Levels, leaf.GetProperty("rule").GetString())]);
    }

    [Fact]
    public void Tree_without_features_is_refused_with_a_suggestion()
    {
        var result = CliRunner.Run("tree", RepoPaths.Dataset("veteran.parquet"), "--time", "time", "--event", "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no features given", result.Error);
        Assert.Contains("--features", result.Error);
    }

    [Fact]
    public void An_assignment_file_with_an_unknown_extension_is_refused()
    {
        var result = CliRunner.Run("tree", RepoPaths.Dataset("veteran.yaml"), "--features", "karno", "--out", "/tmp/leaves.xlsx");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("must end in .parquet or .csv", result.Error);
    }
}
