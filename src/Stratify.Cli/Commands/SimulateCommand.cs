using System.CommandLine;
using System.Diagnostics;
using Stratify.Simulation;
using System.Globalization;

namespace Stratify.Cli.Commands;

/// <summary>
/// `stratify simulate --n N --seed S --out cohort.parquet [--scenario aligned|biomarker|none]`: a synthetic cohort
/// with planted subgroups and a planted treatment-effect structure.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var n = new Option<long>("--n") { Description = "Number of patients.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed (same n and seed give the same file).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Parquet file to write.", Required = true };
        var rowGroup = new Option<int>("--row-group-size") { Description = "Rows per row group.", DefaultValueFactory = _ => CohortSimulator.DefaultRowGroupSize };
        var scenario = new Option<string>("--scenario")
        {
            Description = "Planted treatment effect: aligned (HR 0.5/1.0/1.5 in the latent subgroups; default), biomarker (HR 0.5 above a " +
                "biomarker threshold unrelated to the subgroups, 1.0 below) or none (HR 0.7 for everyone).",
            DefaultValueFactory = _ => "aligned",
        };
        var command = new Command("simulate", "Write a synthetic cohort with latent subgroups, a planted treatment effect and censoring.")
            { n, seed, output, rowGroup, scenario };
        command.SetAction(parse =>
        {
            var clock = Stopwatch.StartNew();
            var target = Data.OutputPath.CheckFile(parse.GetValue(output), "--out", []);
            long total = parse.GetValue(n);
            if (parse.GetValue(rowGroup) < 1) throw new Data.StratifyInputException("--row-group-size must be at least 1");
            var progress = new Progress<long>(done => { if (context.Interactive) context.Progress.Write(string.Create(CultureInfo.InvariantCulture, $"\rwritten {done:N0} of {total:N0} patients")); });
            var model = SimulationModel.For(ParseScenario(parse.GetValue(scenario)));
            CohortSimulator.Write(target, total, parse.GetValue(seed), model, parse.GetValue(rowGroup), progress);
            if (context.Interactive) context.Progress.WriteLine();
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {target}: {total:N0} patients, scenario {model.Scenario.ToString().ToLowerInvariant()} ") +
                string.Create(CultureInfo.InvariantCulture, $"(benefit group: {model.BenefitGroup}) in {clock.Elapsed.TotalSeconds:F1} s ") +
                string.Create(CultureInfo.InvariantCulture, $"(peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB)"));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static SimulationScenario ParseScenario(string? text) => (text ?? "aligned").Trim().ToLowerInvariant() switch
    {
        "aligned" => SimulationScenario.Aligned,
        "biomarker" => SimulationScenario.Biomarker,
        "none" => SimulationScenario.None,
        _ => throw new Data.StratifyInputException("unknown scenario", "--scenario", value: text, suggestion: "Use aligned, biomarker or none."),
    };
}
