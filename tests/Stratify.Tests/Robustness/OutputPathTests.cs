using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>Output paths that cannot be written get exit 2 and a message that blames the path, never "internal error".</summary>
public class OutputPathTests
{
    [Fact]
    public void A_file_where_the_run_folder_should_be_is_refused_and_kept()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        File.WriteAllText(dir.File("results"), "a file");
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("results"), "--quiet"), "is a file", dir.File("results"));
        Assert.Equal("a file", File.ReadAllText(dir.File("results")));
    }

    [Fact]
    public void A_folder_under_a_file_is_refused_naming_the_file()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        File.WriteAllText(dir.File("results"), "a file");
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("results/sub"), "--quiet"), $"'{dir.File("results")}' is a file");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_output_path_is_refused(string path)
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", LungStudy.Write(dir.Path), "--out", path, "--quiet"), "--out", "empty path");
    }

    [Fact]
    public void The_root_folder_is_refused()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", LungStudy.Write(dir.Path), "--out", "/", "--quiet"), "root folder");
    }

    [Theory]
    [InlineData("/proc/stratify-out")]
    [InlineData("/sys/stratify-out")]
    [InlineData("/dev/stratify-out")]
    public void System_folders_are_refused_for_a_run(string path)
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", LungStudy.Write(dir.Path), "--out", path, "--quiet"), "system folder");
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void The_proc_folder_itself_is_refused()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("run", LungStudy.Write(dir.Path), "--out", "/proc", "--quiet"), "system folder /proc");
    }

    [Fact]
    public void Dev_full_as_a_single_file_output_is_refused_and_stays_a_device()
    {
        using var dir = new TempFolder();
        Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", "/dev/full"), "/dev/full", "system folder");
        Refusal.Assert(CliRunner.Run("report", RepoPaths.ReferenceFile("run_reference.json"), "--out", "/dev/full"), "system folder");
        Assert.Equal(0, new FileInfo("/dev/full").Length);
        Assert.Empty(Directory.EnumerateFileSystemEntries("/dev", ".full.*"));
    }

    [Fact]
    public void A_folder_where_a_file_is_expected_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("cohort.parquet"));
        Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", dir.File("cohort.parquet")), "is a folder");
        Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", dir.Path + "/"), "is a folder");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.File("cohort.parquet")));
    }

    [Fact]
    public void Simulate_under_a_file_is_refused_naming_the_file()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("plain"), "x");
        Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", dir.File("plain/cohort.parquet")), $"'{dir.File("plain")}' is a file");
    }

    [Fact]
    public void An_assignments_file_of_another_type_is_refused_before_the_analysis()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status", "--features", "age",
            "--k", "2", "--out", dir.File("assignments.xlsx"));
        Refusal.Assert(result, ".parquet or .csv");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void A_missing_parent_folder_is_created_and_removed_again_when_the_run_is_refused()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        File.WriteAllText(spec, LungStudy.Fast.Replace("time: time", "time: nope") + "\n");
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("a/b/c/out"), "--quiet"), "nope");
        Assert.False(Directory.Exists(dir.File("a")));
    }
}
