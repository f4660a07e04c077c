using Stratify.Data;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>
/// Signals, killed processes and concurrent runs: Stratify's temporaries are removed (at once on SIGTERM/SIGINT, by
/// the next write after SIGKILL), an output is never half-replaced, and two runs never mix their files.
/// </summary>
public class InterruptionTests
{
    private static string[] Staging(string target) => Leftovers.Beside(target).Where(p => p.EndsWith(".tmp", StringComparison.Ordinal)).ToArray();

    [Theory]
    [InlineData("TERM", 143, "SIGTERM")]
    [InlineData("INT", 130, "SIGINT")]
    public void A_signal_during_a_run_removes_its_temporaries_and_leaves_the_previous_output_as_it_was(string signal, int exitCode, string name)
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        var before = FolderSnapshot.Of(dir.File("out"));
        File.WriteAllText(spec, LungStudy.Slow + "\n");
        using var child = new ChildCli(dir.Path, "run", spec);
        Assert.True(child.WaitUntil(() => Staging(dir.File("out")).Length > 0), "the run never created its staging folder");
        child.Signal(signal);
        var (exit, _, error) = child.Finish();
        Assert.Equal(exitCode, exit);
        Assert.Contains($"stratify: stopped by {name}; removed its temporary files, and left '{dir.File("out")}' as it was.", error);
        Assert.DoesNotContain("   at ", error);
        before.AssertSame(dir.File("out"));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void Simulate_leaves_no_temporary_file_on_SIGTERM()
    {
        using var dir = new TempFolder();
        var target = dir.File("cohort.parquet");
        using var child = new ChildCli(dir.Path, "simulate", "--n", "20000000", "--out", target);
        Assert.True(child.WaitUntil(() => Staging(target).Length > 0), "simulate never created its staging folder");
        child.Signal("TERM");
        var (exit, _, error) = child.Finish();
        Assert.Equal(143, exit);
        Assert.Contains("stopped by SIGTERM", error);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Temporaries_left_by_SIGKILL_are_removed_by_the_next_run_into_the_same_folder()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path, LungStudy.Slow);
        using (var child = new ChildCli(dir.Path, "run", spec))
        {
            Assert.True(child.WaitUntil(() => Staging(dir.File("out")).Any(s => File.Exists(Path.Combine(s, OutputStaging.MarkerName)))),
                "the run never created its staging folder");
            child.Signal("KILL");
            Assert.Equal(137, child.Finish().ExitCode);
        }
        var stale = Staging(dir.File("out"));
        Assert.Single(stale);
        Assert.True(File.Exists(Path.Combine(stale[0], OutputStaging.MarkerName)));
        File.WriteAllText(spec, LungStudy.Fast + "\n");
        var result = CliRunner.Run("run", spec, "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Empty(Leftovers.Beside(dir.File("out")));
        Assert.True(File.Exists(dir.File("out/results.json")));
    }

    [Fact]
    public void A_swap_cut_between_its_two_renames_is_rolled_back_with_the_users_files()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        File.WriteAllText(dir.File("out/mine.txt"), "mine");
        var before = FolderSnapshot.Of(dir.File("out"));
        // The state a SIGKILL leaves right after the first rename: the old output inside the staging folder, no target.
        var staging = OutputStaging.ForFolder(dir.File("out"));
        Directory.Move(dir.File("out"), Path.Combine(staging.Folder, OutputStaging.PreviousName));
        staging.Desert();
        Assert.False(Directory.Exists(dir.File("out")));

        // The next write to the folder recovers it before anything else: the old output goes back in place.
        using (var recovered = OutputStaging.ForFolder(dir.File("out"))) { }
        before.AssertSame(dir.File("out"));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void A_swap_cut_after_the_new_output_was_in_place_is_finished_keeping_the_users_files()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        File.WriteAllText(dir.File("out/mine.txt"), "mine");
        File.WriteAllText(dir.File("out/tables/mine.csv"), "x");
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet", "--out", dir.File("new")).ExitCode);
        var fresh = FolderSnapshot.Of(dir.File("new"));
        // The state a SIGKILL leaves after the second rename: the new output in place, the old one (with the user's
        // files) still inside the staging folder.
        var staging = OutputStaging.ForFolder(dir.File("out"));
        Directory.Move(dir.File("out"), Path.Combine(staging.Folder, OutputStaging.PreviousName));
        Directory.Move(dir.File("new"), dir.File("out"));
        staging.Desert();

        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        Assert.Equal("mine", File.ReadAllText(dir.File("out/mine.txt")));
        Assert.Equal("x", File.ReadAllText(dir.File("out/tables/mine.csv")));
        Assert.Equal(fresh.Files.Count + 2, FolderSnapshot.Of(dir.File("out")).Files.Count);
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void A_live_writers_staging_folder_is_never_removed_by_another_write()
    {
        using var dir = new TempFolder();
        var target = dir.File("cohort.parquet");
        using var live = OutputStaging.ForFile(target);
        File.WriteAllText(live.WritePath, "being written");
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "100", "--out", target).ExitCode);
        Assert.Equal("being written", File.ReadAllText(live.WritePath));
    }

    [Fact]
    public void A_staging_folder_killed_before_its_marker_was_written_is_removed()
    {
        using var dir = new TempFolder();
        var empty = dir.File(".cohort.parquet.stratify-0000000000000001-00000001.tmp");
        var lockOnly = dir.File(".cohort.parquet.stratify-0000000000000002-00000002.tmp");
        var halfMarked = dir.File(".cohort.parquet.stratify-0000000000000003-00000003.tmp");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(lockOnly);
        File.WriteAllText(Path.Combine(lockOnly, OutputStaging.LockName), "");
        Directory.CreateDirectory(halfMarked);
        File.WriteAllText(Path.Combine(halfMarked, OutputStaging.LockName), "");
        File.WriteAllText(Path.Combine(halfMarked, OutputStaging.MarkerName + ".new"), "Stratify stag");
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "100", "--out", dir.File("cohort.parquet")).ExitCode);
        Assert.Equal(["cohort.parquet"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Folders_without_the_marker_are_never_taken_for_Stratify_temporaries()
    {
        using var dir = new TempFolder();
        var lookalike = dir.File(".cohort.parquet.stratify-0000000000000001-00000001.tmp");
        Directory.CreateDirectory(lookalike);
        File.WriteAllText(Path.Combine(lookalike, "precious.txt"), "not Stratify's");
        Assert.Equal(0, CliRunner.Run("simulate", "--n", "100", "--out", dir.File("cohort.parquet")).ExitCode);
        Assert.Equal("not Stratify's", File.ReadAllText(Path.Combine(lookalike, "precious.txt")));
    }

    [Fact]
    public void A_second_run_into_a_folder_being_written_is_refused_at_once()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        using (var first = OutputStaging.ForFolder(dir.File("out")))
        {
            var result = CliRunner.Run("run", spec, "--quiet");
            Refusal.Assert(result, "another Stratify run", $"process {Environment.ProcessId}", "is writing this folder");
            Assert.False(Directory.Exists(dir.File("out")));
        }
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
    }

    [Fact]
    public void Two_processes_running_into_one_folder_give_one_whole_output()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path, LungStudy.Slow);
        using var first = new ChildCli(dir.Path, "run", spec, "--quiet");
        Assert.True(first.WaitUntil(() => Staging(dir.File("out")).Length > 0), "the first run never created its staging folder");
        using var second = new ChildCli(dir.Path, "run", spec, "--quiet", "--seed", "5");
        var (secondExit, _, secondError) = second.Finish();
        var (firstExit, _, firstError) = first.Finish();
        Assert.True(firstExit == 0, firstError);
        Assert.Equal(2, secondExit);
        Assert.Contains("another Stratify run", secondError);
        Assert.Equal(1, System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("out/manifest.json"))).RootElement.GetProperty("seed").GetInt32());
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }
}
