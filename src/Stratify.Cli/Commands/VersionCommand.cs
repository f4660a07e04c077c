using System.CommandLine;
using System.Globalization;

namespace Stratify.Cli.Commands;

internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("version", "Print the Stratify version.");
        command.SetAction(_ =>
        {
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"stratify {typeof(Stratify.Data.StratifyInputException).Assembly.GetName().Version}"));
            return CliApp.ExitOk;
        });
        return command;
    }
}
