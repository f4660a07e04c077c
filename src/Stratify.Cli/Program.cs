using System.Runtime.InteropServices;
using System.Text;
using Stratify.Cli;
using Stratify.Data;

// SIGTERM, SIGINT (Ctrl+C) and SIGHUP: remove this process's temporary files (the staging folders of its outputs;
// a commit in progress is finished first, so an output is never left half-replaced), say so, and exit with
// 128 + the signal number as a shell does. SIGKILL cannot be caught: its leftovers are recovered by the next write.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

// Large arrays in 2 MiB pages where Linux leaves that to the program (HugePages: fewer page faults, same results).
HugePages.AdviseGcHeap();

// Redirected output (a file, a pipe, a script reading JSON) is written through one buffered UTF-8 writer, flushed at
// exit; a terminal gets Console.Out, whose width the tables use.
bool interactive = !Console.IsOutputRedirected;
int exit;
if (interactive) exit = CliApp.Run(args, Console.Out, Console.Error, interactive);
else
{
    using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
    exit = CliApp.Run(args, stdout, Console.Error, interactive);
    stdout.Flush();
}
// A signal arrived while the command was finishing: its handler is ending the process with its own message.
if (OutputStaging.Abandoned) Thread.Sleep(Timeout.Infinite);
return exit;

static void Stop(PosixSignalContext signal)
{
    signal.Cancel = true; // the handler ends the process itself, after cleaning up
    var name = signal.Signal switch { PosixSignal.SIGINT => "SIGINT", PosixSignal.SIGHUP => "SIGHUP", _ => "SIGTERM" };
    int number = signal.Signal switch { PosixSignal.SIGINT => 2, PosixSignal.SIGHUP => 1, _ => 15 };
    var abandoned = OutputStaging.AbandonAll();
    var left = abandoned.Count == 0 ? "" : $"; removed its temporary files, and left {string.Join(", ", abandoned.Select(t => $"'{Stratify.Reporting.PrintableText.Escape(t)}'"))} as it was";
    Console.Error.WriteLine($"stratify: stopped by {name}{left}.");
    Environment.Exit(128 + number);
}
