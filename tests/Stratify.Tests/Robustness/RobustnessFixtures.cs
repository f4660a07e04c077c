using System.Diagnostics;

namespace Stratify.Tests.Robustness;

/// <summary>Small studies on the bundled lung data, written into a test's folder.</summary>
public static class LungStudy
{
    /// <summary>Roles of the lung columns, shared by the specs below (each ends with its subgroups and output: out).</summary>
    private const string Roles = "data: lung.parquet\ntime: time\nevent: status\nevent_coding: 1/2\n";

    /// <summary>Subgroups by sex: the quickest full run (about a second).</summary>
    public const string Fast = Roles + "subgroups:\n  method: column\n  column: sex\noutput: out";

    /// <summary>k-medoids for k = 2..3 without bootstrap: writes k_criteria.csv, in a few seconds.</summary>
    public const string Clustered = Roles + "subgroups:\n  method: kmedoids\n  features:\n    numeric: [age, ph.karno]\n  k: 2..3\n  bootstrap: 0\noutput: out";

    /// <summary>k-medoids with 1,000 bootstrap replicates: several seconds, long enough to be interrupted.</summary>
    public const string Slow = Roles + "subgroups:\n  method: kmedoids\n  features:\n    numeric: [age, ph.karno, wt.loss]\n    categorical: [sex]\n"
        + "  k: 2..8\n  bootstrap: 1000\noutput: out";

    /// <summary>Copies lung.parquet into <paramref name="folder"/> and writes the spec there; returns the spec's path.</summary>
    public static string Write(string folder, string spec = Fast, string name = "study.yaml")
    {
        Directory.CreateDirectory(folder);
        File.Copy(RepoPaths.Dataset("lung.parquet"), Path.Combine(folder, "lung.parquet"), overwrite: true);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, spec + "\n");
        return path;
    }
}

/// <summary>Every file under a folder with its bytes, to assert that a folder was left exactly as it was.</summary>
public sealed record FolderSnapshot(IReadOnlyDictionary<string, string> Files)
{
    public static FolderSnapshot Of(string folder) => new(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))));

    public void AssertSame(string folder)
    {
        var now = Of(folder);
        Assert.Equal(Files.Keys.Order(), now.Files.Keys.Order());
        foreach (var (file, hash) in Files) Assert.True(now.Files[file] == hash, $"{file} changed");
    }
}

/// <summary>Hidden entries Stratify leaves beside an output while writing it (staging folders, lock files).</summary>
public static class Leftovers
{
    public static string[] Beside(string target) =>
        Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(Path.GetFullPath(target))!, $".{Path.GetFileName(target)}.*").ToArray();
}

/// <summary>The `stratify` program (as built beside the tests) run as a child process, for signals and concurrency.</summary>
public sealed class ChildCli : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _out, _error;

    public ChildCli(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "stratify.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        _process = Process.Start(start)!;
        _out = _process.StandardOutput.ReadToEndAsync();
        _error = _process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <summary>Sends a signal with kill(1): TERM, INT, HUP or KILL.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{name} {_process.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Waits (up to two minutes) for the process to end; returns its exit code and what it printed.</summary>
    public (int ExitCode, string Out, string Error) Finish()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException("stratify did not finish within two minutes");
        }
        return (_process.ExitCode, _out.Result, _error.Result);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polling every 10 ms, up to a minute); false if the process ended first.</summary>
    public bool WaitUntil(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (condition()) return true;
            if (_process.HasExited) return condition();
            Thread.Sleep(10);
        }
        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

/// <summary>What the machine running the tests allows: mounting a file system needs root with CAP_SYS_ADMIN.</summary>
public static class Machine
{
    public static bool IsRoot { get; } = StatusField("Uid:")?.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";

    public static bool CanMount { get; } = IsRoot && ulong.TryParse(StatusField("CapEff:")?.Trim(), System.Globalization.NumberStyles.HexNumber, null, out var caps)
        && (caps & (1UL << 21)) != 0 && File.Exists("/bin/mount");

    private static string? StatusField(string name)
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        return line?[name.Length..];
    }
}

/// <summary>A fact that mounts a small tmpfs: runs as root with CAP_SYS_ADMIN (as in CI's container), skipped elsewhere.</summary>
public sealed class MountFactAttribute : FactAttribute
{
    public MountFactAttribute()
    {
        if (!Machine.CanMount) Skip = "needs root with CAP_SYS_ADMIN to mount a small tmpfs (a full or read-only file system on demand)";
    }
}

/// <summary>A fact about file permissions: root ignores them, so it runs only as another user.</summary>
public sealed class NonRootFactAttribute : FactAttribute
{
    public NonRootFactAttribute()
    {
        if (Machine.IsRoot) Skip = "root may write to a folder without write permission; the read-only mount test covers this case as root";
    }
}

/// <summary>A tmpfs of a given size mounted on a fresh folder for one test, unmounted at the end.</summary>
public sealed class Tmpfs : IDisposable
{
    public Tmpfs(string sizeKb)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stratify-tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Run("mount", "-t", "tmpfs", "-o", $"size={sizeKb}k", "tmpfs", Path);
    }

    public string Path { get; }

    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Path);

    /// <summary>Fills the file system to the last byte with one file.</summary>
    public void Fill()
    {
        using var stream = new FileStream(System.IO.Path.Combine(Path, "filler"), FileMode.Create);
        var block = new byte[4096];
        try { while (true) stream.Write(block); }
        catch (IOException) { }
        try { stream.Flush(); } catch (IOException) { }
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path); } catch (IOException) { }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {error}");
    }
}

/// <summary>Asserts the shape every refusal must have: exit 2, a message naming what it should, no stack trace.</summary>
public static class Refusal
{
    public static void Assert(Stratify.Tests.Cli.CliRunner.Result result, params string[] mentions)
    {
        Xunit.Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}; stderr: {result.Error}; stdout: {result.Out}");
        Xunit.Assert.StartsWith("error: ", result.Error);
        Xunit.Assert.DoesNotContain("   at ", result.Error);
        Xunit.Assert.DoesNotContain("internal error", result.Error);
        foreach (var mention in mentions) Xunit.Assert.Contains(mention, result.Error);
    }
}
