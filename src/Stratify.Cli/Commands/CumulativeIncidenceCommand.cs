using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>`stratify cuminc`: cumulative incidence under competing risks (Aalen–Johansen) per --group, with Gray's test.</summary>
internal static class CumulativeIncidenceCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var confType = new Option<string>("--conf-type") { Description = "Confidence interval type: log (default, as R's survfit), log-log or plain.", DefaultValueFactory = _ => "log" };
        var confLevel = new Option<double>("--conf-level") { Description = "Confidence level.", DefaultValueFactory = _ => 0.95 };
        var variance = new Option<string>("--variance") { Description = "Variance: jackknife (default; infinitesimal jackknife, as R's survfit) or aalen (as cmprsk's cuminc).", DefaultValueFactory = _ => "jackknife" };
        var at = new Option<string?>("--at") { Description = "Times at which to report the cumulative incidence, comma separated." };
        var rho = new Option<double>("--rho") { Description = "Gray's test weight (1 - F(t-))^rho; 0 (default) as cuminc.", DefaultValueFactory = _ => 0 };
        var command = new Command("cuminc", "Cumulative incidence of the event of interest under competing risks (Aalen–Johansen), per --group, with Gray's test.")
            { format, confType, confLevel, variance, at, rho };
        study.AddTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            if (spec.EventOfInterest is null)
                throw new StratifyInputException("cumulative incidence needs the event of interest among the event column's causes", spec.SourceFile ?? "command line",
                    spec.Event, suggestion: "Declare event_of_interest and competing (--event-of-interest relapse --competing death), and censored_value if it is not 0.");
            var options = new CumulativeIncidenceOptions
            {
                ConfidenceType = KaplanMeierCommand.ParseConfType(parse.GetValue(confType)),
                ConfidenceLevel = KaplanMeierCommand.ParseLevel(parse.GetValue(confLevel)),
                Variance = ParseVariance(parse.GetValue(variance)),
                Times = parse.GetValue(at) is { } times ? KaplanMeierCommand.ParseNumbers(times, "--at") : spec.Landmarks.ToArray(),
            };
            double weight = parse.GetValue(rho);
            if (!double.IsFinite(weight)) throw new StratifyInputException("rho must be a finite number", "--rho", value: weight.ToString(CultureInfo.InvariantCulture));
            if (spec.Weight is not null)
                throw new StratifyInputException("cumulative incidence takes no case weights here (neither cmprsk's cuminc nor Stratify's Aalen–Johansen estimator is weighted)",
                    spec.SourceFile ?? "command line", spec.Weight, suggestion: "Remove weight: from the spec for this command.");
            var bound = StudyBinder.Load(spec);
            var data = CompetingRisksData.From(bound, bound.Group);
            var estimate = AalenJohansen.Fit(data, options);
            var gray = data.Group is not null && estimate.Of(1).Count > 1 ? GrayTest.Compute(data, 1, weight) : null;
            Stratify.Diagnostics.StageTimings.Mark("fit");
            if (output == OutputFormat.Json)
            {
                JsonOutput.Write(CompetingRisksJson.From(estimate, gray), context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            var causes = bound.Causes!;
            string level = (options.ConfidenceLevel * 100).ToString("0.##", CultureInfo.InvariantCulture);
            string competing = causes.CauseCount > 1 ? string.Join(", ", causes.Competing) : "none";
            console.WriteLine($"Aalen–Johansen; competing: {competing}; {SurvivalJson.ConfTypeName(options.ConfidenceType)} {level}% limits, {CompetingRisksJson.VarianceName(options.Variance)} variance; time in {spec.TimeUnit.ToString().ToLowerInvariant()}");
            console.Write(OutputFormats.Grid(
                $"Cumulative incidence of {causes.EventOfInterest}",
                ["Group", "n", "Events", "Competing events", $"At last follow-up ({level}% CI)"],
                estimate.Of(1).Select(c => (IEnumerable<string>)
                [
                    c.Group, c.N.ToString(CultureInfo.InvariantCulture), c.Events.ToString(CultureInfo.InvariantCulture), c.CompetingEvents.ToString(CultureInfo.InvariantCulture),
                    $"{Text.WithInterval(c.CumulativeIncidence[^1], c.Lower[^1], c.Upper[^1], 3)} at {Text.Number(c.Time[^1])}",
                ])));
            if (options.Times.Length > 0)
                console.Write(OutputFormats.Grid("Cumulative incidence at requested times", ["Group", "Time", $"Cumulative incidence ({level}% CI)", "SE", "At risk"],
                    estimate.Of(1).SelectMany(c => c.At.Select(a => (IEnumerable<string>)
                    [
                        c.Group, Text.Number(a.Time), Text.WithInterval(a.CumulativeIncidence, a.Lower, a.Upper, 3), Text.Number(a.StandardError, 3), a.NRisk.ToString(CultureInfo.InvariantCulture),
                    ]))));
            if (gray is not null)
                console.WriteLine($"Gray's test ({causes.EventOfInterest}{(gray.Stratified ? $", stratified by {bound.Strata!.Name}" : "")}{(weight != 0 ? $", rho = {Text.Number(weight)}" : "")}): " +
                    string.Create(CultureInfo.InvariantCulture, $"chi-square = {Text.Number(gray.Statistic)} on {gray.DegreesOfFreedom} df, {Text.PClause(gray.PValue)}"));
            if (causes.CauseCount > 1)
                console.WriteLine($"Competing events ({competing}) are not censored: this is the probability of {causes.EventOfInterest} by time t " +
                    $"when {competing} can come first (1 − Kaplan–Meier would overstate it).");
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }

    public static CumulativeIncidenceVariance ParseVariance(string? text) => (text ?? "jackknife").ToLowerInvariant() switch
    {
        "jackknife" or "infinitesimal-jackknife" or "ij" or "survfit" => CumulativeIncidenceVariance.InfinitesimalJackknife,
        "aalen" or "cmprsk" => CumulativeIncidenceVariance.Aalen,
        _ => throw new StratifyInputException("unknown variance", "--variance", value: text, suggestion: "Use jackknife (as R's survfit) or aalen (as cmprsk's cuminc)."),
    };
}
