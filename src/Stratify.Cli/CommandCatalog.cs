using System.CommandLine;
using Stratify.Cli.Commands;

namespace Stratify.Cli;

/// <summary>Every verb of the CLI, one file each under Commands/.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Create(CliContext context)
    {
        yield return DescribeCommand.Create(context);
        yield return KaplanMeierCommand.Create(context);
        yield return CumulativeIncidenceCommand.Create(context);
        yield return LogRankCommand.Create(context);
        yield return CoxCommand.Create(context);
        yield return ClusterCommand.Create(context);
        yield return TreeCommand.Create(context);
        yield return SteppCommand.Create(context);
        yield return RunCommand.Create(context);
        yield return AssignCommand.Create(context);
        yield return ReportCommand.Create(context);
        yield return ImportCommand.Create(context);
        yield return SimulateCommand.Create(context);
        yield return VersionCommand.Create(context);
    }
}
