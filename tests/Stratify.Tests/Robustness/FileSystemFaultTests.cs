using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>
/// A full or read-only file system, or a folder without write permission: exit 2, a message that blames the place,
/// the previous output untouched and no temporaries left. The full and read-only cases mount a real tmpfs.
/// </summary>
public class FileSystemFaultTests
{
    /// <summary>A study in <paramref name="dir"/> whose output folder on <paramref name="disk"/> holds a finished run.</summary>
    private static (string Spec, string Output) PreviousRun(TempFolder dir, Tmpfs disk)
    {
        var spec = LungStudy.Write(dir.Path);
        var output = Path.Combine(disk.Path, "out");
        Assert.Equal(0, CliRunner.Run("run", spec, "--out", output, "--quiet").ExitCode);
        return (spec, output);
    }

    [MountFact]
    public void A_run_on_a_full_disk_exits_2_and_leaves_the_previous_output_untouched()
    {
        using var dir = new TempFolder();
        using var disk = new Tmpfs("1024");
        var (spec, output) = PreviousRun(dir, disk);
        var before = FolderSnapshot.Of(output);
        disk.Fill();
        var result = CliRunner.Run("run", spec, "--out", output, "--quiet", "--seed", "2");
        Refusal.Assert(result, "no space left on the device", output);
        before.AssertSame(output);
        Assert.Empty(Leftovers.Beside(output));
    }

    [MountFact]
    public void A_single_file_output_on_a_full_disk_exits_2_and_leaves_no_partial_file()
    {
        using var disk = new Tmpfs("256");
        disk.Fill();
        var target = Path.Combine(disk.Path, "cohort.parquet");
        Refusal.Assert(CliRunner.Run("simulate", "--n", "20000", "--out", target), "no space left on the device");
        Assert.False(File.Exists(target));
        Assert.Empty(Leftovers.Beside(target));
    }

    [MountFact]
    public void A_report_on_a_full_disk_exits_2_and_keeps_the_previous_report()
    {
        using var dir = new TempFolder();
        using var disk = new Tmpfs("1024");
        var (_, output) = PreviousRun(dir, disk);
        var report = File.ReadAllBytes(Path.Combine(output, "report.html"));
        disk.Fill();
        Refusal.Assert(CliRunner.Run("report", Path.Combine(output, "results.json")), "no space left on the device");
        Assert.Equal(report, File.ReadAllBytes(Path.Combine(output, "report.html")));
        Assert.Empty(Leftovers.Beside(Path.Combine(output, "report.html")));
    }

    [MountFact]
    public void A_run_on_a_read_only_file_system_is_refused_before_the_analysis_and_changes_nothing()
    {
        using var dir = new TempFolder();
        using var disk = new Tmpfs("1024");
        var (spec, output) = PreviousRun(dir, disk);
        var before = FolderSnapshot.Of(output);
        disk.MakeReadOnly();
        var result = CliRunner.Run("run", spec, "--out", output);
        Refusal.Assert(result, "read-only");
        Assert.DoesNotContain("Load and validate", result.Error); // refused before the first stage began
        before.AssertSame(output);
        Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", Path.Combine(disk.Path, "c.parquet")), "read-only");
    }

    [NonRootFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_folder_without_write_permission_is_refused_with_permission_denied()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Directory.CreateDirectory(dir.File("locked"));
        File.SetUnixFileMode(dir.File("locked"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("locked/out"), "--quiet"), "permission denied");
            Refusal.Assert(CliRunner.Run("simulate", "--n", "100", "--out", dir.File("locked/c.parquet")), "permission denied");
            Assert.Empty(Directory.EnumerateFileSystemEntries(dir.File("locked")));
        }
        finally
        {
            File.SetUnixFileMode(dir.File("locked"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
