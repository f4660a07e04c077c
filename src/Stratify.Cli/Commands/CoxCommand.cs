using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Cli.Commands;

/// <summary>
/// `stratify cox`: Cox proportional hazards with Efron or Breslow ties, strata, robust SE, PH check; on competing-risks
/// data the cause-specific Cox model (the other causes censored, and said so), or with --model fine-gray the Fine–Gray
/// subdistribution hazards model.
/// </summary>
internal static class CoxCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var ties = new Option<string?>("--ties") { Description = "Tie handling: efron (default, as R) or breslow (Fine–Gray: always breslow, as crr)." };
        var modelKind = new Option<string>("--model") { Description = "cox (default; on competing-risks data the cause-specific hazards) or fine-gray (subdistribution hazards, as cmprsk's crr).", DefaultValueFactory = _ => "cox" };
        var robust = new Option<bool>("--robust") { Description = "Robust (sandwich) standard errors." };
        var checkPh = new Option<bool>("--check-ph") { Description = "Test proportional hazards on scaled Schoenfeld residuals (as R's cox.zph, KM transform)." };
        var confLevel = KaplanMeierCommand.ConfidenceLevelOption("Confidence level of the hazard-ratio intervals and of predicted survival (R's conf.int).");
        var profiles = new Option<string[]>("--predict") { Description = "Predicted survival for a covariate profile, e.g. \"age=60,sex=female\" (repeatable); \"baseline\" for the mean profile." };
        var command = new Command("cox", "Cox proportional hazards regression on --covariates (categorical via --categorical, --reference col=level).")
            { format, ties, robust, checkPh, confLevel, profiles, modelKind };
        study.AddWithWeightsTo(command);
        command.SetAction(parse =>
        {
            var output = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            var spec = study.ToSpec(parse);
            double level = KaplanMeierCommand.ParseLevel(parse.GetValue(confLevel));
            if (spec.Covariates.Count == 0)
                throw new StratifyInputException("a Cox model needs covariates", spec.SourceFile ?? "command line",
                    suggestion: "Pass --covariates age,sex (and --categorical sex), or list covariates in the spec.");
            bool fineGray = (parse.GetValue(modelKind) ?? "cox").ToLowerInvariant() switch
            {
                "cox" => false,
                "fine-gray" or "finegray" or "fine_gray" => true,
                var other => throw new StratifyInputException("unknown model", "--model", value: other, suggestion: "Use cox or fine-gray."),
            };
            if (fineGray)
                return FineGrayAction(context, spec, output, parse.GetValue(ties), parse.GetValue(checkPh), parse.GetValue(profiles) ?? []);
            var bound = StudyBinder.Load(spec);
            StudyBinder.RequirePositiveWeights(bound, "a Cox model");
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
                ConfidenceLevel = level,
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
                JsonOutput.Write(CoxModelJson.From(model, ph, spec.Weight) with
                {
                    Predictions = predictions.Length == 0 ? null : predictions,
                    CompetingRisks = bound.Causes is { } c ? CauseSpecific(c) : null,
                    CountingProcess = counting,
                }, context.Out);
                OutputFormats.NoteDropped(context, bound);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            var header = new List<string> { "Term", "coef", "HR", $"{Text.Percent(level)}% CI", "SE", "z", "p" };
            if (model.Robust) header.Insert(5, "robust SE");
            string form = counting is null ? "" : $", {counting.Describe()}{(counting.Id is not null && bound.Cluster is null ? ", robust SE by patient" : "")}";
            string title = bound.Causes is { } causes ? $"Cause-specific Cox model for {causes.EventOfInterest}" : "Cox model";
            console.Write(OutputFormats.Grid(string.Create(CultureInfo.InvariantCulture, $"{title}: n = {model.N}{(spec.Start is null ? "" : " rows")}, events = {model.Events}, {model.Ties.ToString().ToLowerInvariant()} ties{(bound.Strata is null ? "" : $", strata {bound.Strata.Name}")}{(model.Weighted ? $", weighted by {spec.Weight}" : "")}{form}"), header,
                model.Coefficients.Select(c =>
                {
                    var row = new List<string> { c.Term, Text.Number(c.Coefficient), Text.Number(c.HazardRatio, 3), $"{Text.Number(c.HazardRatioLower, 3)}–{Text.Number(c.HazardRatioUpper, 3)}", Text.Number(c.StandardError), Text.Number(c.Z, 3), Text.P(c.PValue) };
                    if (model.Robust) row.Insert(5, Text.Number(c.RobustStandardError));
                    return (IEnumerable<string>)row;
                })));
            if (bound.Causes is { } competingCauses) console.WriteLine(CauseSpecific(competingCauses).Interpretation);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Log-likelihood: null {Text.Number(model.LogLikNull, 6)}, model {Text.Number(model.LogLik, 6)}; {model.Iterations} iterations{(model.Converged ? "" : " (NOT converged)")}"));
            foreach (var (name, test) in new[] { ("Likelihood ratio", model.LikelihoodRatio), ("Wald", model.Wald), ("Score (log-rank)", model.Score) })
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} test = {Text.Number(test.Statistic)} on {test.DegreesOfFreedom} df, {Text.PClause(test.PValue)}"));
            if (model.RobustScore is { } robustScore)
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Robust score test = {Text.Number(robustScore.Statistic)} on {robustScore.DegreesOfFreedom} df, {Text.PClause(robustScore.PValue)}"));
            console.WriteLine($"Concordance = {Text.Number(model.Concordance.C, 3)} (SE = {Text.Number(model.Concordance.StandardError, 3)})");
            if (ph is not null)
                console.Write(OutputFormats.Grid("Proportional hazards test (scaled Schoenfeld residuals, KM transform)", ["Term", "Chi-square", "df", "p"],
                    ph.Terms.Append(ph.Global).Select(t => (IEnumerable<string>)[t.Term, Text.Number(t.Statistic), t.DegreesOfFreedom.ToString(CultureInfo.InvariantCulture), Text.P(t.PValue)])));
            foreach (var warning in model.Warnings) console.WriteLine($"warning: {warning}");
            foreach (var prediction in predictions)
                foreach (var curve in prediction.Curves)
                    console.WriteLine($"Predicted survival for {prediction.Profile}{(bound.Strata is null ? "" : string.Create(CultureInfo.InvariantCulture, $" (stratum {curve.Stratum})"))}: " +
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
        if (IsBaseline(text))
            return new CoxPredictionJson("baseline", model.BaselineSurvival().Select(CoxPredictionJson.Curve).ToArray());
        return new CoxPredictionJson(text, model.PredictSurvival(ProfileRow(model.Design, text)).Select(CoxPredictionJson.Curve).ToArray());
    }

    private static bool IsBaseline(string text) => text.Trim().Equals("baseline", StringComparison.OrdinalIgnoreCase);

    /// <summary>The design row of a profile "age=60,sex=female".</summary>
    private static double[] ProfileRow(DesignMatrix design, string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in StudyOptions.SplitList(text))
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0) throw new StratifyInputException("a profile needs column=value pairs", "--predict", value: pair, suggestion: "For example --predict \"age=60,sex=female\".");
            values[pair[..eq]] = pair[(eq + 1)..];
        }
        return design.ProfileRow(values);
    }

    /// <summary>What a Cox model on competing-risks data estimates, for the JSON block and the table's note.</summary>
    private static CompetingRisksModelJson CauseSpecific(CompetingCauses causes)
    {
        string competing = causes.CauseCount > 1 ? string.Join(", ", causes.Competing) : "none";
        return new CompetingRisksModelJson("cause-specific", causes.EventOfInterest, causes.Competing, causes.CompetingCount, causes.CensoredCount,
            $"Cause-specific hazards: patients with a competing event ({competing}) are censored at its time, so the hazard ratios compare the rate of " +
            $"{causes.EventOfInterest} among patients still free of every event; they do not translate into its cumulative incidence " +
            "(for that: stratify cuminc, or stratify cox --model fine-gray).");
    }

    /// <summary>`stratify cox --model fine-gray`: the Fine–Gray model of the event of interest, in the cox output shape.</summary>
    private static int FineGrayAction(CliContext context, StudySpec spec, OutputFormat output, string? ties, bool checkPh, string[] profiles)
    {
        string source = spec.SourceFile ?? "command line";
        if (spec.EventOfInterest is null)
            throw new StratifyInputException("a Fine–Gray model needs competing risks: the event of interest among the event column's causes", source, spec.Event,
                suggestion: "Declare event_of_interest and competing (--event-of-interest relapse --competing death), and censored_value if it is not 0.");
        if (ties is not null && !ties.Equals("breslow", StringComparison.OrdinalIgnoreCase))
            throw new StratifyInputException("a Fine–Gray model uses Breslow ties (as cmprsk's crr)", "--ties", value: ties, suggestion: "Leave out --ties, or give breslow.");
        if (spec.Strata.Count > 0)
            throw new StratifyInputException("a Fine–Gray model has no strata here (cmprsk's crr has none)", source, string.Join(", ", spec.Strata),
                suggestion: "Remove --strata (or strata: from the spec for this command), or adjust for the column as a covariate.");
        if (spec.Cluster is not null)
            throw new StratifyInputException("a Fine–Gray model takes no cluster column: its sandwich variance treats patients as independent (as crr)", source, spec.Cluster,
                suggestion: "Remove --cluster.");
        if (spec.Weight is not null)
            throw new StratifyInputException("a Fine–Gray model takes no case weights here (cmprsk's crr has none, and its censoring weights would have to be combined with them)",
                source, spec.Weight, suggestion: "Remove --weights (or weight: from the spec for this command).");
        if (checkPh)
            throw new StratifyInputException("--check-ph tests the proportional hazards of a Cox model, not of a Fine–Gray model", "--check-ph",
                suggestion: "Check proportional subdistribution hazards by comparing stratify cuminc curves, or run --check-ph on the cause-specific model.");
        var bound = StudyBinder.Load(spec);
        var causes = bound.Causes!;
        var design = StudyTerms.Design(bound);
        Stratify.Diagnostics.StageTimings.Mark("design");
        var model = FineGrayRegression.Fit(bound.Time!, causes.Codes, design);
        Stratify.Diagnostics.StageTimings.Mark("fit");

        // Predictions, with each other cause's own model fitted once for the check that the causes add up to at most 1.
        var predictions = new List<CumulativeIncidencePredictionJson>();
        var warnings = model.Warnings.ToList();
        if (profiles.Length > 0)
        {
            var others = Enumerable.Range(2, causes.CauseCount - 1).Where(k => causes.Count(k) > 0).Select(k => FineGrayRegression.Fit(bound.Time!, causes.Codes, design, k)).ToArray();
            foreach (var text in profiles)
            {
                var row = IsBaseline(text) ? model.Means : ProfileRow(design, text);
                var own = model.PredictCumulativeIncidence(row);
                var total = CauseTotal.Of([own, .. others.Select(m => m.PredictCumulativeIncidence(row))]);
                predictions.Add(new CumulativeIncidencePredictionJson(IsBaseline(text) ? "baseline" : text, own.Time, own.CumulativeIncidence, total.Maximum, total.FirstTimeAboveOne));
                if (total.ExceedsOne)
                    warnings.Add($"For the profile {(IsBaseline(text) ? "baseline" : text)}, the causes' own Fine–Gray models predict cumulative incidences that add up to " +
                        $"{Text.Number(total.Maximum, 3)} (above 1 from time {Text.Number(total.FirstTimeAboveOne)}): proportional subdistribution hazards cannot hold for every cause at once, so read these predictions with care.");
            }
        }
        string competing = causes.CauseCount > 1 ? string.Join(", ", causes.Competing) : "none";
        var block = new CompetingRisksModelJson("fine-gray", causes.EventOfInterest, causes.Competing, causes.CompetingCount, causes.CensoredCount,
            $"Subdistribution hazard ratios (Fine & Gray 1999): patients with a competing event ({competing}) stay in the risk set, weighted by the chance of " +
            $"remaining uncensored, so a ratio above 1 means a higher cumulative incidence of {causes.EventOfInterest}; it is not a ratio of event rates among patients still at risk.",
            "crr sandwich (Fine & Gray 1999), with the term for the estimated censoring distribution",
            predictions.Count == 0 ? null : predictions);
        var json = CompetingRisksJson.FineGray(model, block) with { Warnings = warnings };
        if (output == OutputFormat.Json)
        {
            JsonOutput.Write(json, context.Out);
            OutputFormats.NoteDropped(context, bound);
            return CliApp.ExitOk;
        }
        var console = OutputFormats.Console(context);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fine–Gray model for {causes.EventOfInterest}: n = {model.N}, events = {model.Events}, competing events ({competing}) = {model.CompetingEvents}, censored = {model.Censored}; breslow ties"));
        console.Write(OutputFormats.Grid(
            "Subdistribution hazard ratios",
            ["Term", "coef", "sHR", "95% CI", "SE (crr)", "z", "p"],
            model.Coefficients.Select(c => (IEnumerable<string>)
                [c.Term, Text.Number(c.Coefficient), Text.Number(c.HazardRatio, 3), $"{Text.Number(c.HazardRatioLower, 3)}–{Text.Number(c.HazardRatioUpper, 3)}", Text.Number(c.StandardError), Text.Number(c.Z, 3), Text.P(c.PValue)])));
        console.WriteLine(block.Interpretation);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Pseudo log-likelihood: null {Text.Number(model.LogLikNull, 6)}, model {Text.Number(model.LogLik, 6)}; {model.Iterations} iterations{(model.Converged ? "" : " (NOT converged)")}"));
        foreach (var (name, test) in new[] { ("Pseudo likelihood ratio", model.LikelihoodRatio), ("Wald (sandwich)", model.Wald), ("Score", model.Score) })
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} test = {Text.Number(test.Statistic)} on {test.DegreesOfFreedom} df, {Text.PClause(test.PValue)}"));
        foreach (var prediction in predictions)
        {
            var times = spec.Landmarks.Count > 0 ? spec.Landmarks.ToArray() : Quartiles(prediction.Time);
            var curve = new PredictedCumulativeIncidence(1, prediction.Time, prediction.Cuminc);
            console.WriteLine($"Predicted cumulative incidence of {causes.EventOfInterest} for {prediction.Profile}: " +
                string.Join(", ", times.Select(t => $"F({Text.Number(t)}) = {Text.Number(curve.ValueAt(t), 3)}")));
        }
        foreach (var warning in warnings) console.WriteLine($"warning: {warning}");
        OutputFormats.WriteDropped(console, bound);
        return CliApp.ExitOk;
    }

    private static double[] Quartiles(double[] time) => time.Length == 0 ? [] : [time[time.Length / 4], time[time.Length / 2], time[3 * time.Length / 4]];

    private static double SurvivalAtTime(CoxPredictedCurveJson curve, double t)
    {
        int at = Array.FindLastIndex(curve.Time, x => x <= t);
        return at < 0 ? 1 : curve.Survival[at];
    }
}
