using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>`stratify cox`: Cox proportional hazards with Efron or Breslow ties, strata, robust SE, PH check.</summary>
internal static class CoxCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var ties = new Option<string>("--ties") { Description = "Tie handling: efron (default, as R) or breslow.", DefaultValueFactory = _ => "efron" };
        var robust = new Option<bool>("--robust") { Description = "Robust (sandwich) standard errors." };
        var checkPh = new Option<bool>("--check-ph") { Description = "Test proportional hazards on scaled Schoenfeld residuals (as R's cox.zph, KM transform)." };
        var profiles = new Option<string[]>("--predict") { Description = "Predicted survival for a covariate profile, e.g. \"age=60,sex=female\" (repeatable); \"baseline\" for the mean profile." };
        var command = new Command("cox", "Cox proportional hazards regression on --covariates (categorical via --categorical, --reference col=level).")
            { format, ties, robust, checkPh, profiles };
        study.AddWithWeightsTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            if (spec.Covariates.Count == 0)
                throw new StratifyInputException("a Cox model needs covariates", spec.SourceFile ?? "command line",
                    suggestion: "Pass --covariates age,sex (and --categorical sex), or list covariates in the spec.");
            var bound = StudyBinder.Load(spec);
            StudyBinder.RequirePositiveWeights(bound, "a Cox model");
            if (bound.Weights is not null && parse.GetValue(checkPh))
                throw new StratifyInputException("--check-ph is not available with --weights: Stratify's cox.zph has no weighted form checked against R yet",
                    spec.SourceFile ?? "command line", spec.Weight, suggestion: "Check proportional hazards on the unweighted model (drop --weights).");
            var options = new CoxOptions
            {
                Ties = (parse.GetValue(ties) ?? "efron").ToLowerInvariant() switch
                {
                    "efron" => CoxTies.Efron,
                    "breslow" => CoxTies.Breslow,
                    var other => throw new StratifyInputException("unknown tie method", "--ties", value: other, suggestion: "Use efron or breslow."),
                },
                // null = R's default: robust with a cluster or a fractional case weight.
                Robust = parse.GetValue(robust) ? true : null,
                Cluster = bound.Cluster,
                Weights = bound.Weights,
            };
            var design = StudyTerms.Design(bound);
            Stratify.Diagnostics.StageTimings.Mark("design");
            // Counting-process rows fit through the survival data, which carry the entries (and the patients, the default
            // cluster of start/stop rows: R's cluster = id).
            var model = bound.Entry is null
                ? CoxProportionalHazards.Fit(bound.Time!, bound.Event!, design, bound.Strata?.Codes, options)
                : CoxProportionalHazards.Fit(SurvivalData.From(bound), design, options with { Weights = null });
            Stratify.Diagnostics.StageTimings.Mark("fit");
            var ph = parse.GetValue(checkPh) ? ProportionalHazardsTest.Compute(model) : null;
            var predictions = (parse.GetValue(profiles) ?? []).Select(text => Predict(model, text)).ToArray();
            var counting = CountingProcessJson.From(bound);
            if (output == OutputFormat.Json)
            {
                JsonOutput.Write(CoxModelJson.From(model, ph, spec.Weight) with { Predictions = predictions.Length == 0 ? null : predictions, CountingProcess = counting }, context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            var header = new List<string> { "Term", "coef", "HR", "95% CI", "SE", "z", "p" };
            if (model.Robust) header.Insert(5, "robust SE");
            string form = counting is null ? "" : $", {counting.Describe()}{(counting.Id is not null && bound.Cluster is null ? ", robust SE by patient" : "")}";
            console.Write(OutputFormats.Grid($"Cox model: n = {model.N}{(spec.Start is null ? "" : " rows")}, events = {model.Events}, {model.Ties.ToString().ToLowerInvariant()} ties{(bound.Strata is null ? "" : $", strata {bound.Strata.Name}")}{(model.Weighted ? $", weighted by {spec.Weight}" : "")}{form}", header,
                model.Coefficients.Select(c =>
                {
                    var row = new List<string> { c.Term, Text.Number(c.Coefficient), Text.Number(c.HazardRatio, 3), $"{Text.Number(c.HazardRatioLower, 3)}–{Text.Number(c.HazardRatioUpper, 3)}", Text.Number(c.Se), Text.Number(c.Z, 3), Text.P(c.P) };
                    if (model.Robust) row.Insert(5, Text.Number(c.RobustSe));
                    return (IEnumerable<string>)row;
                })));
            console.WriteLine($"Log-likelihood: null {Text.Number(model.LogLikNull, 6)}, model {Text.Number(model.LogLik, 6)}; {model.Iterations} iterations{(model.Converged ? "" : " (NOT converged)")}");
            foreach (var (name, test) in new[] { ("Likelihood ratio", model.LikelihoodRatio), ("Wald", model.Wald), ("Score (log-rank)", model.Score) })
                console.WriteLine($"{name} test = {Text.Number(test.Statistic)} on {test.Df} df, {Text.PClause(test.P)}");
            if (model.RobustScore is { } robustScore)
                console.WriteLine($"Robust score test = {Text.Number(robustScore.Statistic)} on {robustScore.Df} df, {Text.PClause(robustScore.P)}");
            console.WriteLine($"Concordance = {Text.Number(model.Concordance.C, 3)} (SE = {Text.Number(model.Concordance.Se, 3)})");
            if (ph is not null)
                console.Write(OutputFormats.Grid("Proportional hazards test (scaled Schoenfeld residuals, KM transform)", ["Term", "Chi-square", "df", "p"],
                    ph.Terms.Append(ph.Global).Select(t => (IEnumerable<string>)[t.Term, Text.Number(t.ChiSquare), t.Df.ToString(CultureInfo.InvariantCulture), Text.P(t.P)])));
            foreach (var warning in model.Warnings) console.WriteLine($"warning: {warning}");
            foreach (var prediction in predictions)
                foreach (var curve in prediction.Curves)
                    console.WriteLine($"Predicted survival for {prediction.Profile}{(bound.Strata is null ? "" : $" (stratum {curve.Stratum})")}: " +
                        string.Join(", ", (parse.GetValue(profiles) is { Length: > 0 } && spec.Landmarks.Count > 0 ? spec.Landmarks : Quartiles(curve.Time))
                            .Select(t => $"S({Text.Number(t)}) = {Text.Number(SurvivalAtTime(curve, t), 3)}")));
            OutputFormats.WriteDropped(console, bound);
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>A profile "age=60,sex=female" (or "baseline" for the model's mean profile) and its predicted curves.</summary>
    private static CoxPredictionJson Predict(CoxModel model, string text)
    {
        if (text.Trim().Equals("baseline", StringComparison.OrdinalIgnoreCase))
            return new CoxPredictionJson("baseline", model.BaselineSurvival().Select(CoxPredictionJson.Curve).ToArray());
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in StudyOptions.SplitList(text))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new StratifyInputException("a profile needs column=value pairs", "--predict", value: pair, suggestion: "For example --predict \"age=60,sex=female\".");
            values[pair[..eq]] = pair[(eq + 1)..];
        }
        var row = model.Design.ProfileRow(values);
        return new CoxPredictionJson(text, model.PredictSurvival(row).Select(CoxPredictionJson.Curve).ToArray());
    }

    private static double[] Quartiles(double[] time) => time.Length == 0 ? [] : [time[time.Length / 4], time[time.Length / 2], time[3 * time.Length / 4]];

    private static double SurvivalAtTime(CoxPredictedCurveJson curve, double t)
    {
        int at = Array.FindLastIndex(curve.Time, x => x <= t);
        return at < 0 ? 1 : curve.Survival[at];
    }
}
