using System.CommandLine;
using Stratify.Data;

namespace Stratify.Cli;

/// <summary>
/// Where a command writes: stdout for results, stderr for progress and errors (both show control characters as
/// visible escapes, see <see cref="PrintableTextWriter"/>). <see cref="Progress"/> is stderr as it is, for Stratify's
/// own progress counters that rewrite their line with a carriage return.
/// </summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive)
{
    public TextWriter Progress { get; init; } = Error;
}

/// <summary>
/// The `stratify` command line: a thin shell that parses arguments, calls the library and prints. Exit codes:
/// 0 success, 2 input refused (message names file, column, row and value), 1 an internal fault.
/// </summary>
internal static class CliApp
{
    public const int ExitOk = 0;
    public const int ExitInternal = 1;
    public const int ExitInput = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false)
    {
        var progress = stderr;
        stdout = new PrintableTextWriter(stdout);
        stderr = new PrintableTextWriter(stderr);
        var context = new CliContext(stdout, stderr, interactive) { Progress = progress };
        var root = new RootCommand("Stratify: patient stratification from clinical survival data.");
        foreach (var command in CommandCatalog.Create(context)) root.Subcommands.Add(command);

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"error: {error.Message}");
            stderr.WriteLine("Run 'stratify --help' or 'stratify <command> --help' for usage.");
            return ExitInput;
        }
        try
        {
            int exit = parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            Stratify.Diagnostics.StageTimings.Mark("output");
            if (Stratify.Diagnostics.StageTimings.Summary() is { } timings) stderr.WriteLine($"{timings}; huge pages: {HugePages.Describe()}");
            return exit;
        }
        catch (StratifyInputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitInput;
        }
        catch (Exception) when (OutputStaging.Abandoned)
        {
            // A signal handler removed this process's temporary files and is ending it: its message says so.
            return ExitInternal;
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("STRATIFY_DEBUG") is null)
        {
            stderr.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            stderr.WriteLine("This is a fault in Stratify, not in your data; set STRATIFY_DEBUG=1 for details and report it.");
            return ExitInternal;
        }
    }
}
