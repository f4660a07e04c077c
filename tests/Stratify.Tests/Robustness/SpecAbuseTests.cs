using System.Diagnostics;
using Stratify.Data;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>Hostile or absurd study specs and sizes are refused at once with the limit and the reason.</summary>
public class SpecAbuseTests
{
    private static string Spec(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("spec.yaml"), yaml);
        return dir.File("spec.yaml");
    }

    [Fact]
    public void Deeply_nested_yaml_is_refused_instead_of_overflowing_the_stack()
    {
        using var dir = new TempFolder();
        var spec = Spec(dir, "data: lung.parquet\ntitle: " + new string('[', 100_000) + new string(']', 100_000) + "\n");
        Refusal.Assert(CliRunner.Run("describe", spec), "spec.yaml", "line 2", $"nested more than {StudySpecReader.MaxDepth} levels");
    }

    [Fact]
    public void Deeply_nested_block_yaml_is_refused_too()
    {
        using var dir = new TempFolder();
        var lines = string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', 2 * (i + 1)) + $"k{i}:\n"));
        Refusal.Assert(CliRunner.Run("describe", Spec(dir, "data: lung.parquet\nsubgroups:\n" + lines)), "nested more than");
    }

    [Fact]
    public void Aliases_that_expand_without_bound_are_refused_fast()
    {
        using var dir = new TempFolder();
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
            + string.Concat(Enumerable.Range(1, 12).Select(i => $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n"))
            + "data: lung.parquet\ncovariates: *a12\n";
        var clock = Stopwatch.StartNew();
        Refusal.Assert(CliRunner.Run("describe", Spec(dir, yaml)), $"more than {StudySpecReader.MaxNodes:N0} values once its aliases");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30)); // a bound on a hang, not a speed claim
    }

    [Fact]
    public void A_few_aliases_in_a_normal_spec_are_accepted()
    {
        using var dir = new TempFolder();
        File.Copy(RepoPaths.Dataset("lung.parquet"), dir.File("lung.parquet"));
        var yaml = "data: lung.parquet\ntime: time\nevent: status\nevent_coding: 1/2\ngroup: &g sex\nstrata: [*g]\n";
        var result = CliRunner.Run("logrank", Spec(dir, yaml), "--group", "ph.ecog");
        Assert.True(result.ExitCode == 0, result.Error);
    }

    [Fact]
    public void A_device_as_spec_is_refused_without_reading_it()
    {
        Refusal.Assert(CliRunner.Run("run", "/dev/zero"), "/dev/zero", "is empty, or not a regular file (a device, a pipe or a socket), so not a study spec");
        Refusal.Assert(CliRunner.Run("describe", "/dev/zero.yaml"), "not found");
    }

    [Fact]
    public void A_fifo_as_spec_is_refused_without_waiting_for_a_writer()
    {
        using var dir = new TempFolder();
        using (var mkfifo = Process.Start("mkfifo", dir.File("spec.yaml"))) mkfifo.WaitForExit();
        Refusal.Assert(CliRunner.Run("run", dir.File("spec.yaml")), "not a regular file (a device, a pipe or a socket)");
    }

    [Fact]
    public void A_folder_as_spec_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("spec.yaml"));
        Refusal.Assert(CliRunner.Run("run", dir.File("spec.yaml")), "is a folder, not a study spec");
    }

    [Fact]
    public void An_empty_spec_is_refused()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", Spec(dir, "")), "spec.yaml: is empty");
    }

    [Fact]
    public void A_spec_over_one_megabyte_is_refused()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", Spec(dir, "title: " + new string('x', StudySpecReader.MaxBytes) + "\n")), "more than the 1,048,576 a spec may have");
    }

    [Fact]
    public void A_hundred_million_bootstrap_replicates_are_refused_with_the_limit()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path, LungStudy.Slow.Replace("bootstrap: 1000", "bootstrap: 100000000"));
        Refusal.Assert(CliRunner.Run("run", spec), "line 11", "'bootstrap' is at most 1,000", "100000000");
    }

    [Fact]
    public void Cluster_bootstrap_and_gap_flags_are_bounded()
    {
        Refusal.Assert(CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--features", "age", "--bootstrap", "100000000"), "--bootstrap", "from 0 to 1,000");
        Refusal.Assert(CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--features", "age", "--gap", "5000"), "--gap", "from 0 to 1,000");
    }

    [Fact]
    public void A_k_range_beyond_the_limit_is_refused()
    {
        Refusal.Assert(CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--features", "age", "--k", "2..500"), "at most 50");
    }

    [Fact]
    public void A_k_above_the_number_of_patients_is_refused()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("five.csv"), "time,status,x\n10,1,0.5\n20,0,0.1\n30,1,0.9\n40,1,0.3\n50,0,0.7\n");
        Assert.Equal(0, CliRunner.Run("import", dir.File("five.csv"), "--out", dir.File("five.parquet")).ExitCode);
        Refusal.Assert(CliRunner.Run("cluster", dir.File("five.parquet"), "--features", "x", "--k", "7", "--quiet"), "k must satisfy 2 ≤ k ≤ 4");
    }

    private static string ManyGroups(TempFolder dir, int groups)
    {
        var rows = Enumerable.Range(0, groups * 3).Select(i => $"{1 + i % 97},{i % 2},g{i % groups}");
        File.WriteAllText(dir.File("many.csv"), "time,status,g\n" + string.Join("\n", rows) + "\n");
        Assert.Equal(0, CliRunner.Run("import", dir.File("many.csv"), "--out", dir.File("many.parquet")).ExitCode);
        return dir.File("many.parquet");
    }

    [Fact]
    public void Log_rank_across_a_thousand_groups_is_refused_with_the_limit()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("logrank", ManyGroups(dir, 1000), "--time", "time", "--event", "status", "--group", "g"),
            "1,000 groups", "at most 100");
    }

    [Fact]
    public void Pairwise_log_rank_across_forty_groups_is_refused_with_the_number_of_tests()
    {
        using var dir = new TempFolder();
        var data = ManyGroups(dir, 40);
        Refusal.Assert(CliRunner.Run("logrank", data, "--time", "time", "--event", "status", "--group", "g", "--pairwise", "holm"),
            "780 tests", "at most 30 groups");
        Assert.Equal(0, CliRunner.Run("logrank", data, "--time", "time", "--event", "status", "--group", "g").ExitCode);
    }

    [Fact]
    public void A_categorical_covariate_with_a_thousand_levels_is_refused_before_the_fit()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("cox", ManyGroups(dir, 1000), "--time", "time", "--event", "status", "--covariates", "g", "--categorical", "g"),
            "column 'g'", "1,000 levels", "at most 100");
    }

    [Fact]
    public void Subgroups_from_a_column_with_hundreds_of_levels_are_refused()
    {
        using var dir = new TempFolder();
        var data = ManyGroups(dir, 200);
        File.WriteAllText(dir.File("spec.yaml"), $"data: {data}\ntime: time\nevent: status\nsubgroups:\n  method: column\n  column: g\noutput: out\n");
        Refusal.Assert(CliRunner.Run("run", dir.File("spec.yaml"), "--quiet"), "column 'g'", "200 distinct values", "at most 50");
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Simulate_refuses_more_patients_than_a_cohort_can_hold()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("simulate", "--n", "3000000000", "--out", dir.File("c.parquet")), "--n", "2,147,483,647");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
