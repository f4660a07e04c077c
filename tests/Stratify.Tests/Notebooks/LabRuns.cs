using System.Collections.Concurrent;
using System.Diagnostics;

namespace Stratify.Tests.Notebooks;

/// <summary>The labs run one at a time, after the parallel tests: they share the library's Debug build.</summary>
[CollectionDefinition("labs", DisableParallelization = true)]
public sealed class LabCollection : ICollectionFixture<LabRuns>;

/// <summary>What `dotnet run` of a lab printed, and how long it took (compilation included).</summary>
public sealed record LabRun(string File, int ExitCode, string Output, string Error, TimeSpan Elapsed);

/// <summary>
/// Runs each lab exactly as a student does — <c>dotnet run notebooks/01-survival-basics.cs</c> from the repository
/// root, compiling the file-based program and the library it references — once per test run, and keeps what it
/// printed for the tests that read it.
/// </summary>
public sealed class LabRuns
{
    private readonly ConcurrentDictionary<string, Lazy<LabRun>> _runs = new();

    public static string Folder => Path.Combine(RepoPaths.Root, "notebooks");

    /// <summary>The labs, notebooks/0*.cs, by file name.</summary>
    public static TheoryData<string> Labs() => Files(Folder, "0*.cs");

    /// <summary>The solutions, notebooks/solutions/*.solutions.cs, by file name.</summary>
    public static TheoryData<string> Solutions() => Files(Path.Combine(Folder, "solutions"), "*.solutions.cs");

    private static TheoryData<string> Files(string folder, string pattern)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    /// <param name="relativePath">The lab's path from the repository root, e.g. notebooks/01-survival-basics.cs.</param>
    public LabRun Run(string relativePath) => _runs.GetOrAdd(relativePath, path => new Lazy<LabRun>(() => Start(path))).Value;

    private static LabRun Start(string relativePath)
    {
        var start = new ProcessStartInfo("dotnet", ["run", relativePath])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet run {relativePath} took over 10 minutes");
        }
        return new LabRun(relativePath, process.ExitCode, output.Result, error.Result, clock.Elapsed);
    }
}
