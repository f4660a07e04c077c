// Treatment tailoring: the treatment effect overall and in each subgroup, whether it differs between subgroups, and
// what may be said about it. The rules follow the guidance on subgroup analyses (Wang, Lagakos, Ware, Hunter &
// Drazen, NEJM 2007;357:2189–2194; Rothwell, Lancet 2005;365:176–186; EMA Guideline on the investigation of
// subgroups in confirmatory clinical trials, EMA/CHMP/539146/2013, 2019):
//   - one model family for every number: the hazard ratio of treated vs reference from a Cox model (Efron ties,
//     the study's strata) adjusted for the declared covariates, overall and within each subgroup, with the
//     unadjusted hazard ratio (treatment only) beside it. Within a subgroup a covariate that takes one value there
//     (or a categorical level absent there) cannot be estimated: the constant covariate is left out and a level
//     that does not occur is dropped from the factor (as R's droplevels); a covariate whose design column is still
//     aliased (collinear with treatment or the other terms there: Cholesky pivot below R's toler.chol) is left out
//     and the model refitted, until no column is aliased. The record says which covariates each number is
//     adjusted for and which were left out, and why.
//   - no estimate from too few: when either arm of a set of patients has fewer than the small-cell threshold of
//     patients, or fewer than min_events_per_arm events, it gets no hazard ratio, p, RMST difference or verdict.
//   - heterogeneity from the interaction, not from comparing subgroup p-values: a likelihood-ratio test of the
//     subgroup × treatment product terms (df = estimable product columns) in the Cox model with subgroup,
//     treatment and the covariates, on the patients of the subgroups whose effect is estimable. Per-subgroup
//     verdicts (benefit / harm / no clear difference, from the adjusted 95% CI) are given only when its p is below
//     interaction_alpha; otherwise every subgroup is "consistent with the overall effect", whose estimate is the
//     best guide for each of them (Wang et al. 2007).
//   - shrunken subgroup estimates: a normal–normal random-effects model on the subgroups' adjusted log hazard
//     ratios (τ² by REML) gives each subgroup's empirical-Bayes estimate and interval (RandomEffectsShrinkage).
//   - the RMST difference (treated − reference) to τ from the arms' Kaplan–Meier curves, SE √(se₁² + se₀²)
//     (Royston & Parmar 2013).
//   - observational designs (design: observational, weights: iptw, the default there): a logistic propensity model
//     of treatment on the declared covariates over every estimation patient gives stabilised inverse-probability-of-
//     treatment weights (PropensityWeighting; optional truncation), and every estimate but the unadjusted one is
//     weighted: the adjusted hazard ratios from weighted Cox models with robust (sandwich) variance (R's
//     coxph(weights = w, robust = TRUE)), Kaplan–Meier by arm and the RMST difference from weighted curves (survfit
//     (weights = w), infinitesimal-jackknife variance), the shrinkage on the weighted estimates and their robust SEs,
//     and the interaction by a robust Wald test of the product terms (a weighted partial likelihood is not a
//     likelihood, so no likelihood-ratio test). The unadjusted hazard ratio stays crude (unweighted, treatment only),
//     so that the reader sees how much the adjustment moved it. Covariate balance (standardised mean differences
//     before and after weighting) and the arms' effective sample sizes say how well the weights did their job.
using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>What may be said about the treatment in one set of patients.</summary>
public enum TreatmentVerdict
{
    /// <summary>The interaction test supports heterogeneity and the subgroup's adjusted 95% CI lies below 1.</summary>
    Benefit,
    /// <summary>The interaction test supports heterogeneity and the subgroup's adjusted 95% CI includes 1.</summary>
    NoClearDifference,
    /// <summary>The interaction test supports heterogeneity and the subgroup's adjusted 95% CI lies above 1.</summary>
    Harm,
    /// <summary>No evidence that the effect differs between subgroups: the overall estimate is the best guide here.</summary>
    ConsistentWithOverall,
    /// <summary>Too few patients or events in an arm, or the model could not estimate the effect.</summary>
    NotEstimable,
}

/// <summary>Whether a treatment effect could be estimated, and if not, why.</summary>
public enum EffectEstimability
{
    Estimable,
    /// <summary>An arm has fewer patients than the small-cell threshold.</summary>
    TooFewPatients,
    /// <summary>An arm has fewer events than <see cref="StudySpec.MinEventsPerArm"/>.</summary>
    TooFewEvents,
    /// <summary>The Cox model did not converge, or the treatment coefficient is aliased or heading to infinity.</summary>
    ModelFailed,
}

/// <summary>A treatment hazard ratio with its Wald 95% CI and p, and the log hazard ratio with its standard error.</summary>
public sealed record HazardRatioEstimate(double HazardRatio, double Lower, double Upper, double PValue, double LogHazardRatio, double StandardError)
{
    internal static HazardRatioEstimate From(CoxCoefficient c) =>
        new(c.HazardRatio, c.HazardRatioLower, c.HazardRatioUpper, c.PValue, c.Coefficient, c.RobustStandardError is > 0 ? c.RobustStandardError : c.StandardError);
}

/// <summary>An empirical-Bayes (shrunken) hazard ratio with its 95% interval.</summary>
public sealed record ShrunkenHazardRatio(double HazardRatio, double Lower, double Upper);

/// <summary>A declared covariate a model left out, and why ("takes one value in these patients", "collinear ...").</summary>
public sealed record OmittedCovariate(string Covariate, string Reason);

/// <summary>Patients and events in one treatment arm.</summary>
public sealed record ArmCount(string Arm, int N, int Events);

/// <summary>
/// The treatment effect in one set of patients (a subgroup, or all patients): counts per arm; whether it could be
/// estimated; the adjusted hazard ratio (Cox: treatment + <see cref="AdjustedFor"/>) and the unadjusted one
/// (treatment only), both within the study's strata; the covariates left out; the RMST difference (treated −
/// reference) with its SE; Kaplan–Meier by arm; the shrunken estimate (subgroups only); and the verdict.
/// Estimates are null (and the RMST difference NaN) when <see cref="Estimability"/> is not Estimable.
/// </summary>
public sealed record TreatmentEffect(
    string Subgroup, int N, int Events,
    IReadOnlyList<ArmCount> Arms,
    EffectEstimability Estimability,
    HazardRatioEstimate? Adjusted,
    IReadOnlyList<string> AdjustedFor,
    IReadOnlyList<OmittedCovariate> NotAdjustedFor,
    HazardRatioEstimate? Unadjusted,
    double RmstDifference, double RmstDifferenceSe,
    KaplanMeierEstimate ByArm,
    ShrunkenHazardRatio? Shrunken = null,
    TreatmentVerdict Verdict = TreatmentVerdict.NotEstimable)
{
    public bool IsEstimable => Estimability == EffectEstimability.Estimable;
}

/// <summary>How the interaction was tested.</summary>
public enum InteractionTestKind
{
    /// <summary>Likelihood-ratio test of the product terms (unweighted models).</summary>
    LikelihoodRatio,
    /// <summary>Wald test of the product terms with the robust (sandwich) variance (weighted models).</summary>
    RobustWald,
}

/// <summary>
/// The subgroup × treatment interaction: statistic, df and p, how it was tested, the covariates both models were
/// adjusted for (besides subgroup and treatment), those left out, and the subgroups whose patients entered the test
/// (those with an estimable effect).
/// </summary>
public sealed record InteractionTest(
    double Statistic, int DegreesOfFreedom, double PValue,
    IReadOnlyList<string> AdjustedFor,
    IReadOnlyList<OmittedCovariate> NotAdjustedFor,
    IReadOnlyList<string> Subgroups,
    InteractionTestKind Kind = InteractionTestKind.LikelihoodRatio);

/// <summary>
/// The propensity weighting of an observational analysis: the propensity model and weights (with effective sample
/// sizes, truncation and overlap) over the estimation patients, the covariates of the propensity model (the
/// confounders), and the covariate balance before and after weighting.
/// </summary>
public sealed record TreatmentWeighting(PropensityWeights Propensity, IReadOnlyList<string> Confounders, IReadOnlyList<CovariateBalanceRow> Balance);

/// <summary>How strongly the data may speak about subgroup differences.</summary>
public enum SubgroupEvidence
{
    /// <summary>Subgroups found and tested on the same patients: p-values overstate certainty (exploratory).</summary>
    Exploratory,
    /// <summary>
    /// Subgroups found on one part of the patients and tested on the other: the test is not inflated by the search,
    /// but the subgroups were not pre-specified, so a difference is supportive, not confirmatory.
    /// </summary>
    HeldOut,
    /// <summary>
    /// Subgroups defined by an existing column (not searched for in the data): confirmatory only if that subgrouping
    /// and its test were pre-specified in the protocol, which Stratify cannot know.
    /// </summary>
    PreDefined,
}

/// <summary>The bottom line on heterogeneity.</summary>
public enum BottomLineKind
{
    /// <summary>The interaction p is at or above interaction_alpha: no evidence that the effect differs.</summary>
    Consistent,
    /// <summary>The interaction p is below interaction_alpha.</summary>
    Differs,
    /// <summary>No interaction test was possible (fewer than two subgroups with an estimable effect).</summary>
    NotEstimable,
}

/// <summary>
/// Everything treatment tailoring concluded: the design, the overall effect, the effect per subgroup (with shrunken
/// estimates and verdicts), the interaction test, the random-effects fit behind the shrinkage, and the bottom line.
/// </summary>
public sealed record TreatmentTailoringResult(
    StudyDesign Design,
    TreatmentEffect Overall,
    IReadOnlyList<TreatmentEffect> BySubgroup,
    InteractionTest? Interaction,
    RandomEffectsFit? Shrinkage,
    BottomLineKind BottomLine,
    double InteractionAlpha,
    SubgroupEvidence Evidence,
    TreatmentWeighting? Weighting = null);

/// <summary>The settings of one tailoring analysis (from the study spec).</summary>
internal sealed record TreatmentTailoringOptions(
    StudyDesign Design,
    IReadOnlyList<BoundCovariate> Covariates,
    KaplanMeierOptions KaplanMeier,
    int SmallCellThreshold,
    int MinEventsPerArm,
    double InteractionAlpha,
    SubgroupEvidence Evidence,
    TreatmentWeightingSpec? Weighting = null);

/// <summary>Estimates the treatment effect overall and within subgroups, tests their heterogeneity, and concludes.</summary>
/// <example><code>
/// var result = TreatmentTailoring.Analyse(study, subgroupFactor, estimationRows, options);
/// if (result.BottomLine == BottomLineKind.Consistent) Console.WriteLine(result.Overall.Adjusted!.HazardRatio);
/// </code></example>
internal static class TreatmentTailoring
{
    /// <summary>
    /// The whole analysis: the overall effect on <paramref name="overallRows"/> (every estimation patient, with or
    /// without a subgroup), the subgroup effects and the interaction test on <paramref name="rows"/> (those with a
    /// subgroup), whose codes <paramref name="subgroups"/> holds (entry i belongs to <paramref name="rows"/>[i]); rows
    /// are indices into the bound study's analysed rows.
    /// </summary>
    public static TreatmentTailoringResult Analyse(BoundStudy study, Factor subgroups, int[] rows, int[] overallRows, TreatmentTailoringOptions options)
    {
        var (weighting, weightOfRow) = options.Weighting is { Method: TreatmentWeightingMethod.Iptw } iptw
            ? Weigh(study, overallRows, options.Covariates, iptw)
            : (null, null);
        var weighted = new Weights(study.Weights, weightOfRow);
        var overall = Estimate(study, overallRows, "all patients", options, weighted);
        var members = new List<int>[subgroups.LevelCount];
        for (int s = 0; s < members.Length; s++) members[s] = [];
        for (int i = 0; i < rows.Length; i++) members[subgroups.Codes[i]].Add(rows[i]);
        var effects = new TreatmentEffect[subgroups.LevelCount];
        for (int s = 0; s < effects.Length; s++) effects[s] = Estimate(study, members[s].ToArray(), subgroups.Levels[s], options, weighted);

        var estimable = Enumerable.Range(0, effects.Length).Where(s => effects[s].IsEstimable).ToArray();
        InteractionTest? interaction = null;
        RandomEffectsFit? shrinkage = null;
        if (estimable.Length >= 2)
        {
            interaction = Interaction(study, subgroups, rows, estimable, options.Covariates, weighted);
            shrinkage = RandomEffectsShrinkage.Fit(
                estimable.Select(s => effects[s].Adjusted!.LogHazardRatio).ToArray(),
                estimable.Select(s => effects[s].Adjusted!.StandardError * effects[s].Adjusted!.StandardError).ToArray());
            for (int j = 0; j < estimable.Length; j++)
                effects[estimable[j]] = effects[estimable[j]] with
                {
                    Shrunken = new ShrunkenHazardRatio(Math.Exp(shrinkage.Shrunken[j]), Math.Exp(shrinkage.ShrunkenLower[j]), Math.Exp(shrinkage.ShrunkenUpper[j])),
                };
        }

        var bottomLine = interaction is null || double.IsNaN(interaction.PValue) || !overall.IsEstimable ? BottomLineKind.NotEstimable
            : interaction.PValue < options.InteractionAlpha ? BottomLineKind.Differs
            : BottomLineKind.Consistent;
        for (int s = 0; s < effects.Length; s++)
            effects[s] = effects[s] with
            {
                Verdict = !effects[s].IsEstimable ? TreatmentVerdict.NotEstimable
                    : bottomLine == BottomLineKind.Differs ? FromInterval(effects[s].Adjusted!)
                    : TreatmentVerdict.ConsistentWithOverall,
            };
        overall = overall with { Verdict = overall.IsEstimable ? FromInterval(overall.Adjusted!) : TreatmentVerdict.NotEstimable };
        return new TreatmentTailoringResult(options.Design, overall, effects, interaction, shrinkage, bottomLine, options.InteractionAlpha, options.Evidence, weighting);
    }

    /// <summary>
    /// The weights of the treatment models: the study's case weights (spec key <c>weight:</c>) or the propensity
    /// weights, per analysed row (null: unweighted). Propensity-weighted fits use the robust variance, as R's
    /// <c>coxph(weights = w, robust = TRUE)</c>; case weights keep R's default.
    /// </summary>
    private sealed record Weights(double[]? CaseWeights, double[]? Propensity)
    {
        public double[]? Of(int[] rows) => Propensity is not null ? RowSelection.Pick(Propensity, rows)
            : CaseWeights is not null ? RowSelection.Pick(CaseWeights, rows) : null;

        public CoxOptions Cox(int[] rows) => new() { Weights = Of(rows), Robust = Propensity is not null ? true : null };

        /// <summary>The crude model's options: the case weights only, never the propensity weights.</summary>
        public CoxOptions Crude(int[] rows) => new() { Weights = CaseWeights is null ? null : RowSelection.Pick(CaseWeights, rows) };

        public bool PropensityWeighted => Propensity is not null;
    }

    /// <summary>
    /// Stabilised inverse-probability-of-treatment weights over <paramref name="rows"/> (every estimation patient)
    /// from a logistic model of treatment on the covariates, and the covariate balance they achieve.
    /// </summary>
    private static (TreatmentWeighting, double[]) Weigh(BoundStudy study, int[] rows, IReadOnlyList<BoundCovariate> covariates, TreatmentWeightingSpec spec)
    {
        if (study.Weights is not null)
            throw new StratifyInputException("case weights (weight:) and propensity weights (weights: iptw) cannot be combined", study.Spec.SourceFile,
                suggestion: "Drop the weight: column, or set weights: none.");
        if (covariates.Count == 0)
            throw new StratifyInputException("propensity weighting needs the confounders, but the spec declares no covariates", study.Spec.SourceFile,
                suggestion: "List the confounders under covariates:, or set weights: none (the estimates are then unadjusted associations).");
        var treatment = study.Treatment!;
        var treated = PropensityWeighting.TreatedRows(new Factor(treatment.Name, RowSelection.Pick(treatment.Codes, rows), treatment.Levels, treatment.Reference));
        var terms = covariates.Select(c => StudyTerms.Restrict(StudyTerms.From(c), rows)).ToArray();
        var propensity = PropensityWeighting.Fit(treated, DesignMatrix.Build(terms), new PropensityWeightingOptions { Trim = spec.Trim },
            treatment.Levels[1 - treatment.Reference], treatment.Levels[treatment.Reference]);
        var weightOfRow = new double[study.RowCount];
        Array.Fill(weightOfRow, double.NaN);
        for (int i = 0; i < rows.Length; i++) weightOfRow[rows[i]] = propensity.Weights[i];
        return (new TreatmentWeighting(propensity, covariates.Select(c => c.Name).ToArray(), CovariateBalance.Compute(treated, terms, propensity.Weights)), weightOfRow);
    }

    private static TreatmentVerdict FromInterval(HazardRatioEstimate estimate) =>
        estimate.Upper < 1 ? TreatmentVerdict.Benefit : estimate.Lower > 1 ? TreatmentVerdict.Harm : TreatmentVerdict.NoClearDifference;

    /// <summary>
    /// The effect among <paramref name="rows"/> (indices into the bound study's analysed rows); no verdict yet
    /// (<see cref="Analyse"/> gives it, since it depends on the interaction test).
    /// </summary>
    private static TreatmentEffect Estimate(BoundStudy study, int[] rows, string subgroup, TreatmentTailoringOptions options, Weights weights)
    {
        var treatment = study.Treatment!;
        var time = RowSelection.Pick(study.Time!, rows);
        var died = RowSelection.Pick(study.Event!, rows);
        var arm = RowSelection.Pick(treatment.Codes, rows);
        int events = 0;
        var countByArm = new int[2];
        var eventsByArm = new int[2];
        for (int i = 0; i < rows.Length; i++)
        {
            countByArm[arm[i]]++;
            if (died[i]) { eventsByArm[arm[i]]++; events++; }
        }
        int reference = treatment.Reference, treated = 1 - reference;
        var arms = new[]
        {
            new ArmCount(treatment.Levels[reference], countByArm[reference], eventsByArm[reference]),
            new ArmCount(treatment.Levels[treated], countByArm[treated], eventsByArm[treated]),
        };
        // Kaplan–Meier by arm, reference arm first as in the treatment factor's level order.
        var byArm = ProductLimit.Fit(new SurvivalData(time, died, arm, treatment.Levels, weights: weights.Of(rows)), options.KaplanMeier);
        var none = new TreatmentEffect(subgroup, rows.Length, events, arms, EffectEstimability.Estimable, null, [], [], null, double.NaN, double.NaN, byArm);

        int fewestPatients = Math.Max(1, options.SmallCellThreshold);
        if (countByArm[0] < fewestPatients || countByArm[1] < fewestPatients) return none with { Estimability = EffectEstimability.TooFewPatients };
        if (eventsByArm[0] < options.MinEventsPerArm || eventsByArm[1] < options.MinEventsPerArm || eventsByArm[0] == 0 || eventsByArm[1] == 0)
            return none with { Estimability = EffectEstimability.TooFewEvents };

        var strata = study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows);
        var armTerm = StudyTerms.From(new Factor(treatment.Name, arm, treatment.Levels, reference));
        // Each model's estimate is taken as soon as it is fitted, so that one model's design and risk sets are let go
        // before the next is fitted (a few hundred bytes per patient at most).
        var (adjustedModel, adjustedFor, omitted) = FitAdjusted(time, died, [armTerm], options.Covariates, rows, strata, weights.Cox(rows));
        if (!Usable(adjustedModel)) return none with { Estimability = EffectEstimability.ModelFailed };
        var adjusted = HazardRatioEstimate.From(adjustedModel.Coefficients[0]);
        adjustedModel = null!;
        var unadjustedModel = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build([armTerm]), strata, weights.Crude(rows));
        if (!Usable(unadjustedModel)) return none with { Estimability = EffectEstimability.ModelFailed };

        double difference = double.NaN, se = double.NaN;
        var curves = byArm.Curves;
        var referenceCurve = curves.FirstOrDefault(c => c.Group == treatment.Levels[reference]);
        var treatedCurve = curves.FirstOrDefault(c => c.Group == treatment.Levels[treated]);
        if (referenceCurve?.Rmst is { } r0 && treatedCurve?.Rmst is { } r1)
        {
            difference = r1.Mean - r0.Mean;
            se = Math.Sqrt(r1.StandardError * r1.StandardError + r0.StandardError * r0.StandardError);
        }
        return none with
        {
            Adjusted = adjusted,
            AdjustedFor = adjustedFor,
            NotAdjustedFor = omitted,
            Unadjusted = HazardRatioEstimate.From(unadjustedModel.Coefficients[0]),
            RmstDifference = difference,
            RmstDifferenceSe = se,
        };
    }

    /// <summary>
    /// The treatment's log hazard ratio and its standard error among <paramref name="rows"/> (indices into the analysed
    /// rows) from the model that gives every adjusted hazard ratio of the treatment layer: treatment + the covariates
    /// estimable in these rows (constant ones left out, absent levels dropped, aliased ones left out), the study's
    /// strata and case weights, Efron ties. NaN when the treatment effect cannot be estimated there. STEPP's windows
    /// use it, so that they are adjusted as every other treatment estimate.
    /// </summary>
    public static (double LogHazardRatio, double StandardError) AdjustedLogHazardRatio(BoundStudy study, int[] rows, IReadOnlyList<BoundCovariate> covariates)
    {
        var treatment = study.Treatment!;
        var arm = RowSelection.Pick(treatment.Codes, rows);
        var armTerm = StudyTerms.From(new Factor(treatment.Name, arm, treatment.Levels, treatment.Reference));
        var strata = study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, rows);
        var (model, _, _) = FitAdjusted(RowSelection.Pick(study.Time!, rows), RowSelection.Pick(study.Event!, rows), [armTerm], covariates, rows, strata,
            new Weights(study.Weights, null).Cox(rows));
        if (!Usable(model)) return (double.NaN, double.NaN);
        var c = model.Coefficients[0];
        return (c.Coefficient, c.StandardError);
    }

    /// <summary>The treatment coefficient (the first column) is estimated, finite, and the fit converged.</summary>
    private static bool Usable(CoxModel model)
    {
        var c = model.Coefficients[0];
        if (c.Aliased || !model.Converged || !double.IsFinite(c.HazardRatio) || !double.IsFinite(c.HazardRatioLower) || !double.IsFinite(c.HazardRatioUpper))
            return false;
        // R's monotone-likelihood warning names the column ("variable 1 (hormon=yes)"): the treatment effect is infinite.
        string column = $"1 ({model.Design.ColumnNames[0]})";
        return !model.Warnings.Any(w => w.StartsWith("Loglik converged before variable", StringComparison.Ordinal) && w.Contains(column, StringComparison.Ordinal));
    }

    /// <summary>
    /// A Cox model of <paramref name="leading"/> terms (treatment first, so that it is never the aliased column) plus
    /// every covariate that can be estimated in these rows: constant covariates are left out, absent levels of a
    /// factor dropped, and covariates with an aliased column left out until none is aliased.
    /// </summary>
    private static (CoxModel Model, IReadOnlyList<string> AdjustedFor, IReadOnlyList<OmittedCovariate> Omitted) FitAdjusted(
        double[] time, bool[] died, IReadOnlyList<CovariateTerm> leading, IReadOnlyList<BoundCovariate> covariates, int[] rows, int[]? strata,
        CoxOptions options)
    {
        string collinear = leading.Count > 1
            ? "collinear with the subgroups, treatment or the other covariates in these patients"
            : "collinear with treatment or the other covariates in these patients";
        var omitted = new List<OmittedCovariate>();
        var kept = new List<(string Name, CovariateTerm Term)>();
        foreach (var covariate in covariates)
        {
            var term = Restricted(covariate, rows);
            if (term is null) omitted.Add(new OmittedCovariate(covariate.Name, "takes a single value in these patients"));
            else kept.Add((covariate.Name, term));
        }
        while (true)
        {
            var model = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build([.. leading, .. kept.Select(k => k.Term)]), strata, options);
            var aliasedTerms = new HashSet<string>(StringComparer.Ordinal);
            for (int j = 0; j < model.Coefficients.Count; j++)
            {
                int term = model.Design.TermOfColumn[j] - leading.Count;
                if (model.Coefficients[j].Aliased && term >= 0) aliasedTerms.Add(kept[term].Name);
            }
            if (aliasedTerms.Count == 0) return (model, kept.Select(k => k.Name).ToArray(), omitted);
            foreach (var name in aliasedTerms) omitted.Add(new OmittedCovariate(name, collinear));
            kept.RemoveAll(k => aliasedTerms.Contains(k.Name));
        }
    }

    /// <summary>
    /// The covariate's term on <paramref name="rows"/>, or null when it takes a single value there. A factor keeps
    /// only the levels that occur (R's droplevels); its reference stays the declared one when it occurs, otherwise
    /// the first occurring level in the factor's order becomes the reference (the treatment hazard ratio does not
    /// depend on that choice).
    /// </summary>
    internal static CovariateTerm? Restricted(BoundCovariate covariate, int[] rows)
    {
        var full = StudyTerms.From(covariate);
        var term = StudyTerms.Restrict(full, rows);
        switch (term)
        {
            case NumericTerm numeric:
                var values = numeric.Values;
                for (int i = 1; i < values.Length; i++) if (values[i] != values[0]) return term;
                return null;
            case CategoricalTerm categorical:
                var present = new bool[categorical.Levels.Length];
                foreach (int code in categorical.Codes) present[code] = true;
                int levels = present.Count(p => p);
                if (levels < 2) return null;
                if (levels == categorical.Levels.Length) return term;
                var newCode = new int[present.Length];
                var kept = new List<string>();
                for (int l = 0; l < present.Length; l++)
                {
                    newCode[l] = present[l] ? kept.Count : -1;
                    if (present[l]) kept.Add(categorical.Levels[l]);
                }
                var codes = new int[categorical.Codes.Length];
                for (int i = 0; i < codes.Length; i++) codes[i] = newCode[categorical.Codes[i]];
                string declared = categorical.ReferenceLevel;
                string reference = kept.Contains(declared) ? declared : kept.OrderBy(l => l, Comparer<string>.Create(LevelOrder.Compare)).First();
                return CovariateTerm.Categorical(categorical.Name, codes, [.. kept], reference);
            default:
                throw new ArgumentException($"unknown term type {term.GetType().Name}");
        }
    }

    /// <summary>
    /// The test of heterogeneity on the patients of the subgroups <paramref name="included"/> (codes of
    /// <paramref name="subgroups"/>): the Cox model with subgroup + treatment + the estimable covariates, and the same
    /// model plus the subgroup × treatment product columns. Unweighted: likelihood-ratio test of the two; propensity
    /// weighted: robust Wald test of the product coefficients in the larger model. df = the product columns the data
    /// can estimate.
    /// </summary>
    private static InteractionTest Interaction(BoundStudy study, Factor subgroups, int[] rows, int[] included, IReadOnlyList<BoundCovariate> covariates,
        Weights weights)
    {
        var newCode = Enumerable.Repeat(-1, subgroups.LevelCount).ToArray();
        for (int j = 0; j < included.Length; j++) newCode[included[j]] = j;
        var kept = new List<int>();
        var codes = new List<int>();
        for (int i = 0; i < rows.Length; i++)
        {
            int code = newCode[subgroups.Codes[i]];
            if (code < 0) continue;
            kept.Add(rows[i]);
            codes.Add(code);
        }
        var subset = kept.ToArray();
        var levels = included.Select(s => subgroups.Levels[s]).ToArray();
        var subgroup = new Factor(subgroups.Name, codes.ToArray(), levels, 0);
        var time = RowSelection.Pick(study.Time!, subset);
        var died = RowSelection.Pick(study.Event!, subset);
        var treatment = study.Treatment!;
        var arm = new Factor(treatment.Name, RowSelection.Pick(treatment.Codes, subset), treatment.Levels, treatment.Reference);
        var strata = study.Strata is null ? null : RowSelection.Pick(study.Strata.Codes, subset);
        var options = weights.Cox(subset);

        var leading = new List<CovariateTerm> { StudyTerms.From(subgroup), StudyTerms.From(arm) };
        var (reduced, adjustedFor, omitted) = FitAdjusted(time, died, leading, covariates, subset, strata, options);
        // Only the reduced model's log-likelihood and rank are needed: its design, risk sets and linear predictors (about
        // a hundred bytes per patient) are let go before the larger model is fitted.
        (double reducedLogLik, int reducedRank) = (reduced.LogLik, reduced.Coefficients.Count(c => !c.Aliased));
        reduced = null!;
        var main = new List<CovariateTerm>(leading);
        var byName = covariates.ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var name in adjustedFor) main.Add(Restricted(byName[name], subset)!);

        var products = new List<CovariateTerm>();
        int treatedLevel = 1 - treatment.Reference;
        for (int s = 1; s < levels.Length; s++)
        {
            var values = new double[subset.Length];
            for (int i = 0; i < subset.Length; i++) values[i] = subgroup.Codes[i] == s && arm.Codes[i] == treatedLevel ? 1 : 0;
            products.Add(CovariateTerm.Numeric($"{subgroup.Name}={levels[s]}:{arm.Name}={arm.Levels[treatedLevel]}", values));
        }
        var full = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build([.. main, .. products]), strata, options);
        if (weights.PropensityWeighted)
        {
            var (wald, waldDf) = RobustWald(full, full.Coefficients.Count - products.Count);
            return new InteractionTest(wald, waldDf, TailProbability.ChiSquarePValue(wald, waldDf),
                adjustedFor, omitted, levels, InteractionTestKind.RobustWald);
        }
        int df = full.Coefficients.Count(c => !c.Aliased) - reducedRank;
        double statistic = Math.Max(0, 2 * (full.LogLik - reducedLogLik));
        double p = TailProbability.ChiSquarePValue(statistic, df);
        return new InteractionTest(statistic, df, p, adjustedFor, omitted, levels);
    }

    /// <summary>
    /// The Wald statistic b'V⁻¹b of the non-aliased coefficients from column <paramref name="first"/> on, with V their
    /// block of the model's (robust) variance, and its df.
    /// </summary>
    private static (double Statistic, int Df) RobustWald(CoxModel model, int first)
    {
        int p = model.Coefficients.Count;
        var columns = Enumerable.Range(first, p - first).Where(j => !model.Coefficients[j].Aliased).ToArray();
        if (columns.Length == 0) return (double.NaN, 0);
        var v = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(columns.Length, columns.Length,
            (r, c) => model.Variance[columns[r] * p + columns[c]]);
        var b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(columns.Length, k => model.Coefficients[columns[k]].Coefficient);
        return (b.DotProduct(v.Cholesky().Solve(b)), columns.Length);
    }
}
