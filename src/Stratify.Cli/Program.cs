using System.Text;
using Stratify.Cli;

// Redirected output (a file, a pipe, a script reading JSON) is written through one buffered UTF-8 writer, flushed at
// exit; a terminal gets Console.Out, whose width and colours the tables use.
bool interactive = !Console.IsOutputRedirected;
if (interactive) return CliApp.Run(args, Console.Out, Console.Error, interactive);
using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
int exit = CliApp.Run(args, stdout, Console.Error, interactive);
stdout.Flush();
return exit;
