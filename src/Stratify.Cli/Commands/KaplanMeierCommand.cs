using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>`stratify km`: Kaplan–Meier curves, medians, survival at times and RMST, overall or per --group.</summary>
internal static class KaplanMeierCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var confType = new Option<string>("--conf-type") { Description = "Confidence interval type: log (default, as R), log-log or plain.", DefaultValueFactory = _ => "log" };
        var confLevel = ConfidenceLevelOption("Confidence level of the pointwise limits and of the median's interval.");
        var at = new Option<string?>("--at") { Description = "Times at which to report survival, comma separated." };
        var rmst = new Option<double?>("--rmst") { Description = "Horizon tau of the restricted mean survival time." };
        var quantiles = new Option<string?>("--quantiles") { Description = "Survival quantiles to report besides the median, e.g. 0.25,0.75." };
        var cumhaz = new Option<bool>("--cumhaz") { Description = "Also report the Nelson–Aalen cumulative hazard." };
        var command = new Command("km", "Kaplan–Meier survival curves with Greenwood confidence limits, medians, landmarks and RMST.")
            { format, confType, confLevel, at, rmst, quantiles, cumhaz };
        study.AddWithWeightsTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            // A stratum does not change a Kaplan–Meier curve: refuse the flag rather than ignore it.
            if (parse.GetValue(study.Strata) is { } strata)
                throw new StratifyInputException("km estimates one curve per --group level and has no use for strata (they stratify the log-rank test and Cox)",
                    "--strata", value: strata, suggestion: "Draw curves by that column with --group, or use --strata with logrank or cox.");
            var options = new KaplanMeierOptions
            {
                ConfidenceType = ParseConfType(parse.GetValue(confType)),
                ConfidenceLevel = ParseLevel(parse.GetValue(confLevel)),
                Times = (parse.GetValue(at) is { } times ? ParseNumbers(times, "--at") : spec.Landmarks.ToArray()),
                RmstHorizon = ParsePositive(parse.GetValue(rmst), "--rmst") ?? spec.RmstHorizon,
            };
            var probabilities = parse.GetValue(quantiles) is { } q ? ParseNumbers(q, "--quantiles") : [];
            if (probabilities.Any(p => p <= 0 || p >= 1))
                throw new StratifyInputException("quantiles must lie strictly between 0 and 1", "--quantiles", value: parse.GetValue(quantiles));
            var bound = BindRefusingCompetingRisks(spec);
            var data = SurvivalData.From(bound, bound.Group);
            var estimate = ProductLimit.Fit(data, options);
            var nelsonAalen = parse.GetValue(cumhaz) ? NelsonAalen.Fit(data) : null;
            Stratify.Diagnostics.StageTimings.Mark("fit");
            var counting = CountingProcessJson.From(bound);
            if (output == OutputFormat.Json)
            {
                JsonOutput.Write(SurvivalJson.KaplanMeierDocument(estimate, probabilities, nelsonAalen, spec.Weight) with { CountingProcess = counting }, context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            string level = Text.Percent(options.ConfidenceLevel);
            var header = new List<string> { "Group", spec.Start is null ? "n" : "Rows", estimate.Weighted ? "Events (weighted)" : "Events", $"Median ({level}% CI)" };
            header.AddRange(probabilities.Select(p => $"{Text.Number(p)} quantile"));
            if (options.RmstHorizon is double tau) header.Add($"RMST to {Text.Number(tau)} (SE)");
            var rows = new List<IEnumerable<string>>();
            foreach (var c in estimate.Curves)
            {
                var events = estimate.Weighted ? Text.Number(c.WeightedEvents) : c.Events.ToString(CultureInfo.InvariantCulture);
                var row = new List<string> { c.Group, c.N.ToString(CultureInfo.InvariantCulture), events, Text.WithInterval(c.Median.Time, c.Median.Lower, c.Median.Upper) };
                foreach (double p in probabilities)
                {
                    var quantile = c.Quantile(p);
                    row.Add(Text.WithInterval(quantile.Time, quantile.Lower, quantile.Upper));
                }
                if (c.Rmst is { } r) row.Add($"{Text.Number(r.Mean)} ({Text.Number(r.StandardError)})");
                rows.Add(row);
            }
            string weighting = estimate.Weighted
                ? $"weighted by {spec.Weight}, {(estimate.Variance == KaplanMeierVariance.InfinitesimalJackknife ? "robust (infinitesimal jackknife)" : "Greenwood")} SE; "
                : "";
            string form = counting is null ? "" : $"{counting.Describe()}; ";
            console.Write(OutputFormats.Grid($"Kaplan–Meier ({form}{weighting}{SurvivalJson.ConfTypeName(options.ConfidenceType)} {level}% limits; time in {spec.TimeUnit.ToString().ToLowerInvariant()})", header, rows));
            if (options.Times.Count > 0)
                console.Write(OutputFormats.Grid("Survival at requested times", ["Group", "Time", $"Survival ({level}% CI)", estimate.Weighted ? "At risk (weighted)" : "At risk"],
                    estimate.Curves.SelectMany(c => c.At.Select(a => (IEnumerable<string>)new[]
                    {
                        c.Group, Text.Number(a.Time), Text.WithInterval(a.Survival, a.Lower, a.Upper, 3),
                        estimate.Weighted ? $"{a.NRisk.ToString(CultureInfo.InvariantCulture)} ({Text.Number(a.WeightedNRisk)})" : a.NRisk.ToString(CultureInfo.InvariantCulture),
                    }))));
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>
    /// Reads and binds the study, but refuses competing-risks data: an event column with declared competing causes,
    /// or an undeclared one with more than two values. 1 − Kaplan–Meier is not the risk of the event there.
    /// </summary>
    private static BoundStudy BindRefusingCompetingRisks(StudySpec spec)
    {
        static string Why(string eventName) =>
            $"Kaplan–Meier counts a patient who had a competing event as censored, as if they could still have {eventName} later; " +
            $"they cannot, so 1 − Kaplan–Meier estimates the risk in a world without the competing causes and overstates the actual risk of {eventName}";
        string source = spec.SourceFile ?? "command line";
        if (spec.EventOfInterest is not null || spec.Competing.Count > 0)
            throw new StratifyInputException(
                $"the event column holds competing risks ({spec.EventOfInterest ?? "event of interest"} vs {(spec.Competing.Count > 0 ? string.Join(", ", spec.Competing) : "the other causes")}). {Why(spec.EventOfInterest ?? "the event")}",
                source, spec.Event, suggestion: "Use `stratify cuminc` for the cumulative incidence (Aalen–Johansen), or `stratify cox` for cause-specific hazards.");
        var cohort = StudyBinder.Read(spec);
        if (spec.Event is not null && spec.EventValues.Count == 0 && spec.EventCoding == EventCoding.Auto && StudyBinder.EventValues(cohort, spec) is { Length: > 2 } values)
            throw new StratifyInputException(
                string.Create(CultureInfo.InvariantCulture, $"the event column holds {values.Length} values ({string.Join(", ", values.Take(6))}{(values.Length > 6 ? ", ..." : "")}), more than censored and event. ") +
                $"If they are competing causes (say relapse and death before relapse): {Why("the event")}",
                cohort.Source, spec.Event,
                suggestion: "Use `stratify cuminc` with event_of_interest, competing and censored_value (--event-of-interest, --competing, --censored-value); " +
                    "for a two-state analysis declare event_value and censored_value.");
        var bound = StudyBinder.Bind(cohort, spec);
        Stratify.Diagnostics.StageTimings.Mark("bind");
        return bound;
    }

    public static SurvivalConfidenceType ParseConfType(string? text) => (text ?? "log").ToLowerInvariant() switch
    {
        "log" => SurvivalConfidenceType.Log,
        "log-log" or "loglog" => SurvivalConfidenceType.LogLog,
        "plain" => SurvivalConfidenceType.Plain,
        _ => throw new StratifyInputException("unknown confidence interval type", "--conf-type", value: text, suggestion: "Use log, log-log or plain."),
    };

    /// <summary>--conf-level, the same option on every verb that prints an interval (km, cox).</summary>
    public static Option<double> ConfidenceLevelOption(string description) =>
        new("--conf-level") { Description = description + " Strictly between 0 and 1; default 0.95.", DefaultValueFactory = _ => 0.95 };

    public static double ParseLevel(double level) => level is > 0 and < 1
        ? level
        : throw new StratifyInputException("the confidence level must lie strictly between 0 and 1", "--conf-level", value: level.ToString(CultureInfo.InvariantCulture));

    public static double? ParsePositive(double? value, string option) => value is null or > 0
        ? value
        : throw new StratifyInputException("must be a positive time", option, value: value.Value.ToString(CultureInfo.InvariantCulture));

    public static double[] ParseNumbers(string text, string option) =>
        StudyOptions.SplitList(text).Select(t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v >= 0
            ? v
            : throw new StratifyInputException("expected non-negative numbers separated by commas", option, value: t)).ToArray();
}

/// <summary>How the CLI prints numbers: NA for R's NA, up to 4 significant digits otherwise (whole numbers from 1e5, scientific from 1e15).</summary>
internal static class Text
{
    public static string Number(double x, int digits = 4) =>
        !double.IsFinite(x) ? "NA"
        : Reporting.DisplayNumber.IsHuge(x) ? Reporting.DisplayNumber.Scientific(x)
        : Math.Abs(x) >= 1e5 ? x.ToString("0", CultureInfo.InvariantCulture) : x.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string WithInterval(double x, double lower, double upper, int digits = 4) =>
        $"{Number(x, digits)} ({Number(lower, digits)}–{Number(upper, digits)})";

    /// <summary>A confidence level as a percentage for headers: 0.95 → "95", 0.975 → "97.5".</summary>
    public static string Percent(double level) => (level * 100).ToString("0.##", CultureInfo.InvariantCulture);

    public static string P(double p) => double.IsFinite(p) ? Reporting.Table1Formats.FormatP(p) : "NA";

    /// <summary>"p = 0.0114" or "p < 0.001".</summary>
    public static string PClause(double p) => double.IsFinite(p) && p < 0.001 ? "p < 0.001" : $"p = {P(p)}";
}
