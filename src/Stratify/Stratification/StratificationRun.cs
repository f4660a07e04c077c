using System.Diagnostics;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Description;
using Stratify.Reporting;
using Stratify.Simulation;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Stratification;

/// <summary>Where a run reports progress: a stage starting, and counts within it.</summary>
public interface IRunProgress
{
    void Stage(string name);
    void Detail(string message);
}

/// <summary>Reports on the calling thread, in order.</summary>
internal sealed class ImmediateProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}

/// <summary>How long one stage took (kept out of results.json, which must not depend on the clock).</summary>
public sealed record StageTiming(string Stage, TimeSpan Elapsed);

/// <summary>The stages of a run at which patients can be left out, and whose patient count every output states.</summary>
public enum AnalysisStage
{
    /// <summary>Reading and binding: rows missing a value in a used column (time, event, treatment, covariates, strata…).</summary>
    Load,
    /// <summary>Finding subgroups on the discovery patients: those lacking a complete-case feature take no part.</summary>
    SubgroupFinding,
    /// <summary>Kaplan–Meier, log-rank and Cox by subgroup on the estimation patients that have a subgroup.</summary>
    SurvivalBySubgroup,
    /// <summary>The treatment effect among all estimation patients, with or without a subgroup.</summary>
    TreatmentOverall,
    /// <summary>The treatment effect per subgroup and the interaction test, on the estimation patients that have a subgroup.</summary>
    TreatmentBySubgroup,
}

/// <summary>The patients (and events) one stage of a run analysed.</summary>
public sealed record StageSize(AnalysisStage Stage, int N, int Events);

/// <summary>
/// Rows a stage left out for lacking a value of one column: at <see cref="AnalysisStage.Load"/> out of the rows read,
/// at later stages out of the patients analysed (a row lacking two columns counts under both).
/// </summary>
public sealed record StageDroppedRows(AnalysisStage Stage, string Column, int Rows);

/// <summary>
/// Everything `stratify run` computed, as estimator results (Reporting maps it to results.json). Estimation
/// rows are indices into <see cref="Study"/>'s analysed rows: all of them, or the held-out part of a split.
/// When the method finds a single subgroup (a tree that makes no split) there is nothing to compare:
/// <see cref="LogRank"/> and <see cref="Cox"/> are null, and so is the treatment's interaction test.
/// </summary>
public sealed record StratificationResult(
    BoundStudy Study,
    int Seed,
    bool[] InDiscovery,
    int[] EstimationRows,
    SubgroupAssignment Subgroups,
    Factor SubgroupFactor,
    Table1 Table1ByTreatment,
    Table1 Table1BySubgroup,
    KaplanMeierEstimate KaplanMeier,
    LogRankResult? LogRank,
    CoxModel? Cox,
    ProportionalHazardsResult? ProportionalHazards,
    TreatmentTailoringResult? Treatment,
    double RmstHorizon,
    IReadOnlyList<CountedText> Warnings,
    IReadOnlyList<StageTiming> Timings)
{
    /// <summary>
    /// The estimation patients that have a subgroup (indices into the analysed rows): the patients of every subgroup
    /// analysis (<see cref="SubgroupFactor"/> codes them). <see cref="EstimationRows"/> holds them all, for the overall
    /// analyses.
    /// </summary>
    public int[] SubgroupRows { get; init; } = EstimationRows;

    /// <summary>The patients and events each stage analysed.</summary>
    public IReadOnlyList<StageSize> StageSizes { get; init; } = [];

    /// <summary>Rows left out per stage and column (none left out at a stage: no entry).</summary>
    public IReadOnlyList<StageDroppedRows> DroppedByStage { get; init; } = [];

    /// <summary>Cumulative incidence and the competing-risks treatment effects; null unless the event column holds competing causes.</summary>
    internal CompetingRisksRunResult? CompetingRisks { get; init; }
}

/// <summary>
/// The product's main job, from a study spec to subgroups, survival by subgroup and treatment effect by subgroup:
/// (1) load, validate, describe (Table 1 by arm); (2) find subgroups on the discovery patients; (3) survival by
/// subgroup on the estimation patients — KM with landmarks and RMST, global and Holm-adjusted pairwise log-rank,
/// a Cox model with subgroup as a factor adjusted for the covariates, its PH test and concordance; (4) treatment
/// effect per subgroup and the interaction test; (5) with <c>validation: split</c>, discovery and estimation use
/// disjoint random parts of the cohort (seeded), otherwise the same patients and the p-values are exploratory;
/// (6) with competing risks (event_of_interest), cumulative incidence by subgroup and arm and the treatment on the
/// subdistribution and cause-specific hazard scales (<see cref="CompetingRisksAnalysis"/>), the Kaplan–Meier and Cox
/// analyses above being cause-specific. Deterministic for the same data, spec and seed.
/// </summary>
public static class StratificationRun
{
    public static StratificationResult Execute(StudySpec spec, IRunProgress? progress = null)
    {
        var timings = new List<StageTiming>();
        var clock = Stopwatch.StartNew();
        // STRATIFY_TIMINGS: each stage's own work (kernels with marks of their own, such as the Cox fit, book theirs).
        void Begin(string stage, string name) { progress?.Stage(stage); Diagnostics.StageTimings.Begin(name); }
        void Done(string stage) { timings.Add(new StageTiming(stage, clock.Elapsed)); clock.Restart(); Diagnostics.StageTimings.MarkOuter(); }
        var warnings = new List<CountedText>();
        var sizes = new List<StageSize>();
        var dropped = new List<StageDroppedRows>();
        // Synchronous (System.Progress would post to the thread pool, and lines could arrive out of order).
        var detail = new ImmediateProgress(m => progress?.Detail(m));

        Begin("Load and validate", "load");
        var subgroupSpec = spec.Subgroups ?? throw new StratifyInputException("the spec names no subgroups", spec.SourceFile,
            suggestion: "Add subgroups: with method (kmedoids, kmeans, gmm, hierarchical, tree or column) and features.");
        if (spec.Time is null || spec.Event is null)
            throw new StratifyInputException("a run needs the survival endpoint: time and event", spec.SourceFile, suggestion: "Add time: and event: to the spec.");
        if (spec.Entry is not null || spec.Start is not null)
            throw new StratifyInputException(
                $"stratify run does not take {(spec.Start is null ? "delayed entry (entry:)" : "start/stop rows (start:, stop:)")} yet: its subgroups, treatment effects and report assume one row per patient followed from time 0",
                spec.SourceFile, spec.Start ?? spec.Entry,
                suggestion: "Analyse counting-process data with stratify km, logrank and cox (--entry, or --start and --stop with --id).");
        // One binding for the whole run: covariates, treatment, strata and the subgroup features (whose missing values
        // are kept: a feature never removes a patient from the analyses).
        // Only the columns the spec uses are read, unless Table 1 is to describe every column (no covariates or
        // features named); the bytes read are hashed for the manifest.
        bool describesAll = !spec.Covariates.Concat(subgroupSpec.Features).Any(c => c.Column != spec.Treatment);
        var read = (describesAll ? CohortReadOptions.All : CohortReadOptions.Only(spec.UsedColumns())) with { HashInputs = true };
        var bound = StudyBinder.Load(spec, read);
        if (bound.Treatment is { LevelCount: > 2 } t)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"treatment tailoring compares two arms, but the treatment column has {t.LevelCount} ({string.Join(", ", t.Levels)})"),
                spec.SourceFile, t.Name, suggestion: "Recode the treatment into two arms, or run each comparison with its own spec.");
        if (bound.Treatment is not null && spec.Design is null)
            throw new StratifyInputException("the spec declares a treatment but not how it was assigned: add 'design: randomised' or 'design: observational'",
                spec.SourceFile, spec.Treatment, suggestion: StudySpecReader.DesignExplanation);
        if (bound.Causes is not null) RefuseUnsupportedCompetingRisks(spec, bound);
        sizes.Add(new StageSize(AnalysisStage.Load, bound.RowCount, bound.EventCount));
        dropped.AddRange(bound.Dropped.Select(d => new StageDroppedRows(AnalysisStage.Load, d.Column, d.Rows)));
        // Progress lines follow the small-cell rule of the report: a small count prints "<k", and the rows read are not
        // printed when the rows dropped are a small count (read minus analysed would give it).
        var masked = RunSentences.MaskedCounts(spec.SmallCellThreshold);
        bool dropsHidden = bound.RowsDropped > 0 && bound.RowsDropped < spec.SmallCellThreshold;
        progress?.Detail((dropsHidden
            ? CountedText.Format($"{TextCount.Patients(bound.RowCount)} analysed, {TextCount.Patients(bound.EventCount)} events")
            : CountedText.Format($"{TextCount.Rows(bound.RowsRead)} rows read, {TextCount.Patients(bound.RowCount)} analysed, {TextCount.Patients(bound.EventCount)} events")).Render(masked));
        if (bound.RowsDropped > 0)
        {
            progress?.Detail(CountedText.Format($"{TextCount.Rows(bound.RowsDropped)} rows dropped for a missing value: ")
                .Append(RowsPerColumn(bound.Dropped.Select(d => (d.Column, d.Rows)))).Render(masked));
        }
        // The survival data of every analysed patient: times validated by the binder, sorted (with timefix) once; every
        // analysis below takes a subset, whose order is a filter of this one.
        var survival = SurvivalData.From(bound);
        Diagnostics.StageTimings.Mark("time order");
        Done("load");

        Begin("Describe", "describe");
        // Table 1 from the bound variables: covariates, then features not already covariates (the binder's levels).
        var described = bound.Covariates.Concat(bound.Features).DistinctBy(c => c.Name).Where(c => c.Name != spec.Treatment).ToList();
        if (described.Count == 0)
            described.AddRange(StudyBinder.BindUndeclared(bound, 5, [spec.Treatment, spec.Cluster, .. spec.Strata]));
        var table1ByTreatment = Table1Builder.Build(described, bound.Treatment);
        Done("describe");

        Begin("Find subgroups", "subgroups");
        var (inDiscovery, discovery, estimation) = Split(bound, spec.Validation, spec.Seed);
        if (spec.Validation.Mode == ValidationMode.Split)
            progress?.Detail(string.Create(CultureInfo.InvariantCulture, $"discovery {discovery.Length:N0} patients, estimation {estimation.Length:N0}"));
        var subgroups = SubgroupFinder.Find(bound, discovery, spec.Seed, detail, survival);
        warnings.AddRange(subgroups.Warnings);
        var completeCase = bound.Features.Where(f => subgroupSpec.Method != SubgroupMethod.Column && subgroupSpec.MissingFor(f.Name) == MissingPolicy.CompleteCase).ToArray();
        var found = discovery.Where(r => subgroups.CodeOfRow[r] >= 0).ToArray();
        sizes.Add(new StageSize(AnalysisStage.SubgroupFinding, found.Length, Events(bound, found)));
        dropped.AddRange(MissingIn(completeCase, discovery, AnalysisStage.SubgroupFinding));
        foreach (var f in subgroups.Missing?.Features ?? [])
            if (f.Imputed > 0) progress?.Detail(CountedText.Format($"{f.Feature}: {TextCount.Rows(f.Imputed)} missing values imputed ({f.Fill}){(f.IndicatorAdded ? ", with an indicator" : "")}").Render(masked));
        var placed = estimation.Where(r => subgroups.CodeOfRow[r] >= 0).ToArray();
        if (placed.Length < estimation.Length)
        {
            var missing = MissingIn(completeCase, estimation, AnalysisStage.SurvivalBySubgroup);
            var lacking = CountedText.Format($"{TextCount.Patients(estimation.Length - placed.Length)} patients lack a complete-case feature (")
                .Append(RowsPerColumn(missing.Select(d => (d.Column, d.Rows))));
            warnings.Add(lacking.Append("): they have no subgroup, so they are left out of the subgroup analyses, but they count in the overall analyses"));
            progress?.Detail(lacking.Append("); they stay in the overall analyses").Render(masked));
        }
        var factor = subgroups.ToFactor("subgroup", placed);
        var subgroupSizes = factor.Counts();
        for (int g = 0; g < subgroupSizes.Length; g++)
            if (subgroupSizes[g] < spec.SmallCellThreshold)
                warnings.Add(CountedText.Format($"subgroup {factor.Levels[g]} has fewer than {spec.SmallCellThreshold} patients: the report does not describe it; consider a smaller k or a larger minimum size"));
        Done("subgroups");

        Begin("Survival by subgroup", "survival");
        // Table 1 by subgroup over every estimation patient: one without a subgroup counts in the overall column only.
        var bySubgroup = subgroups.ToFactor("subgroup", estimation);
        var table1Variables = described.Select(v => v.Select(estimation)).ToList();
        if (bound.Treatment is { } arm) table1Variables.Add(new BoundCovariate(new CovariateSpec(arm.Name, CovariateKind.Categorical), null, arm.Select(estimation)));
        var table1BySubgroup = Table1Builder.Build(table1Variables, bySubgroup);
        sizes.Add(new StageSize(AnalysisStage.SurvivalBySubgroup, placed.Length, Events(bound, placed)));
        dropped.AddRange(MissingIn(completeCase, estimation, AnalysisStage.SurvivalBySubgroup));
        var data = survival.Subset(placed).WithGroups(factor.Codes, factor.Levels);
        // With competing risks no restricted mean is computed: from a Kaplan–Meier curve that censors the competing
        // causes it would describe a world without them (see CompetingRisksAnalysis).
        double horizon = bound.Causes is not null ? double.NaN
            : spec.RmstHorizon ?? DefaultHorizon(data.Time, factor, bound.Treatment is null ? null : RowSelection.Pick(bound.Treatment.Codes, placed));
        var kmOptions = new KaplanMeierOptions { Times = spec.Landmarks.ToArray(), RmstHorizon = double.IsNaN(horizon) ? null : horizon };
        // Kaplan–Meier, log-rank and Cox share the data's time order and timefix (Kaplan–Meier ignores the strata).
        var km = ProductLimit.Fit(data, kmOptions);
        // One subgroup (a tree without a split) leaves nothing to compare: no log-rank test, no Cox model by subgroup.
        bool compares = factor.LevelCount > 1;
        LogRankResult? logRank = compares ? LogRankTest.Compute(data, new LogRankOptions { Pairwise = factor.LevelCount > 2 ? PValueAdjustment.Holm : null }) : null;
        CoxModel? cox = null;
        ProportionalHazardsResult? ph = null;
        if (compares)
        {
            var terms = new List<CovariateTerm> { StudyTerms.From(factor) };
            terms.AddRange(bound.Covariates.Select(c => StudyTerms.Restrict(StudyTerms.From(c), placed)));
            cox = CoxProportionalHazards.Fit(data, DesignMatrix.Build(terms));
            warnings.AddRange(cox.Warnings.Select(w => CountedText.Plain($"Cox model by subgroup: {w}")));
            ph = cox.Coefficients.All(c => c.Aliased) ? null : ProportionalHazardsTest.Compute(cox);
        }
        Done("survival");

        TreatmentTailoringResult? treatment = null;
        TreatmentTailoringOptions? tailoring = null;
        if (bound.Treatment is not null)
        {
            Begin("Treatment effect by subgroup", "treatment");
            // The overall effect on every estimation patient, with or without a subgroup (a missing feature removes
            // nobody from it); the subgroup effects and the interaction test on the patients that have a subgroup.
            tailoring = TailoringOptions(spec, bound, kmOptions with { Times = [] });
            treatment = TreatmentTailoring.Analyse(bound, factor, placed, estimation, tailoring);
            // An interaction tree without a split is the search's answer on heterogeneity: no split's treatment × split
            // interaction passed the Bonferroni-adjusted test at interaction_alpha, so the effect is taken as common.
            if (!compares && subgroupSpec.Method == SubgroupMethod.InteractionTree && treatment.Overall.IsEstimable)
                treatment = treatment with
                {
                    BottomLine = BottomLineKind.Consistent,
                    BySubgroup = treatment.BySubgroup.Select(e => e with { Verdict = e.IsEstimable ? TreatmentVerdict.ConsistentWithOverall : TreatmentVerdict.NotEstimable }).ToArray(),
                };
            sizes.Add(new StageSize(AnalysisStage.TreatmentOverall, estimation.Length, Events(bound, estimation)));
            sizes.Add(new StageSize(AnalysisStage.TreatmentBySubgroup, placed.Length, Events(bound, placed)));
            dropped.AddRange(MissingIn(completeCase, estimation, AnalysisStage.TreatmentBySubgroup));
            Done("treatment");
        }
        CompetingRisksRunResult? competingRisks = null;
        if (bound.Causes is not null)
        {
            progress?.Stage("Cumulative incidence (competing risks)");
            competingRisks = CompetingRisksAnalysis.Analyse(bound, factor, placed, estimation, spec.Landmarks, treatment, tailoring?.Covariates ?? []);
            Done("competing risks");
        }
        return new StratificationResult(bound, spec.Seed, inDiscovery, estimation, subgroups, factor, table1ByTreatment, table1BySubgroup,
            km, logRank, cox, ph, treatment, horizon, warnings, timings)
        {
            SubgroupRows = placed,
            StageSizes = sizes,
            DroppedByStage = dropped,
            CompetingRisks = competingRisks,
        };
    }

    /// <summary>
    /// What a competing-risks run cannot do, refused before any work: weights (the cumulative incidence curves and
    /// the Fine–Gray model take none, as cmprsk's cuminc and crr, and weighting the cause-specific hazard ratio alone
    /// would put numbers from different populations side by side) and strata (crr has none).
    /// </summary>
    private static void RefuseUnsupportedCompetingRisks(StudySpec spec, BoundStudy bound)
    {
        const string why = "the cumulative incidence curves and the Fine–Gray model of a competing-risks run take no weights (as cmprsk's cuminc and crr), "
            + "and weighting the cause-specific hazard ratio alone would put estimates for different populations side by side";
        if (bound.Weights is not null)
            throw new StratifyInputException($"stratify run cannot use case weights (weight: {spec.Weight}) with competing risks: {why}", spec.SourceFile, spec.Weight,
                suggestion: "Drop weight: to analyse the patients unweighted; stratify cox --weights fits a weighted cause-specific Cox model on its own.");
        if (bound.Treatment is not null && spec.Design == StudyDesign.Observational
            && (spec.TreatmentWeighting?.Method ?? TreatmentWeightingMethod.Iptw) == TreatmentWeightingMethod.Iptw)
            throw new StratifyInputException($"stratify run cannot weight an observational treatment by propensity scores with competing risks: {why}",
                spec.SourceFile, spec.Treatment,
                suggestion: "Set weights: none and list the confounders under covariates: every hazard ratio is then adjusted for them (the curves stay unadjusted), "
                    + "and the report still says that the treatment was not randomised.");
        if (bound.Strata is not null)
            throw new StratifyInputException($"stratify run cannot stratify a competing-risks analysis (strata: {string.Join(", ", spec.Strata)}): the Fine–Gray model, as cmprsk's crr, has no strata",
                spec.SourceFile, string.Join(", ", spec.Strata),
                suggestion: "Move the strata column to covariates: categorical: (both hazard ratios are then adjusted for it), or use stratify cox --strata for the cause-specific model alone.");
    }

    private static int Events(BoundStudy study, int[] rows)
    {
        int events = 0;
        foreach (int r in rows) if (study.Event![r]) events++;
        return events;
    }

    /// <summary>Per complete-case feature, the rows among <paramref name="rows"/> lacking it (features none lacks: no entry).</summary>
    private static List<StageDroppedRows> MissingIn(IEnumerable<BoundCovariate> features, int[] rows, AnalysisStage stage)
    {
        var result = new List<StageDroppedRows>();
        foreach (var f in features)
        {
            int count = 0;
            foreach (int r in rows) if (f.IsMissing(r)) count++;
            if (count > 0) result.Add(new StageDroppedRows(stage, f.Name, count));
        }
        return result;
    }

    /// <summary>
    /// The treatment analysis's settings: adjusted for the covariates the spec declares (never the treatment itself,
    /// nor a subgroup-finding feature bound only for the tree), how much the subgroup test may claim (found and tested
    /// on the same patients, on held-out patients, or given by an existing column), the spec's thresholds, and the
    /// weighting (default: propensity weights for an observational design, none for a randomised one).
    /// </summary>
    internal static TreatmentTailoringOptions TailoringOptions(StudySpec spec, BoundStudy bound, KaplanMeierOptions km)
    {
        var covariates = TreatmentCovariates(spec, bound);
        var evidence = spec.Subgroups!.Method == SubgroupMethod.Column ? SubgroupEvidence.PreDefined
            : spec.Validation.Mode == ValidationMode.Split ? SubgroupEvidence.HeldOut
            : SubgroupEvidence.Exploratory;
        var design = spec.Design!.Value;
        var weighting = spec.TreatmentWeighting ?? new TreatmentWeightingSpec(design == StudyDesign.Observational ? TreatmentWeightingMethod.Iptw : TreatmentWeightingMethod.None);
        if (design == StudyDesign.Randomised && weighting.Method == TreatmentWeightingMethod.Iptw)
            throw new StratifyInputException("propensity weights (weights: iptw) are for observational designs, but the spec declares design: randomised",
                spec.SourceFile, suggestion: "Randomisation balances the arms: drop weights:, or declare design: observational if the treatment was not randomised.");
        return new TreatmentTailoringOptions(design, covariates, km, spec.SmallCellThreshold, spec.MinEventsPerArm, spec.InteractionAlpha, evidence, weighting);
    }

    /// <summary>The covariates every treatment estimate is adjusted for: those the spec declares, never the treatment itself.</summary>
    internal static BoundCovariate[] TreatmentCovariates(StudySpec spec, BoundStudy bound)
    {
        var declared = spec.Covariates.Select(c => c.Column).ToHashSet(StringComparer.Ordinal);
        return bound.Covariates.Where(c => declared.Contains(c.Name) && c.Name != bound.Treatment!.Name).ToArray();
    }

    /// <summary>"column n, column n, …" with each n a row-count slot (masked when small, as every count).</summary>
    private static CountedText RowsPerColumn(IEnumerable<(string Column, int Rows)> columns)
    {
        var text = CountedText.Plain("");
        foreach (var (column, rows) in columns)
            text = text.Append(CountedText.Format($"{(text.Template.Length > 0 ? ", " : "")}{column} {TextCount.Rows(rows)}"));
        return text;
    }

    /// <summary>
    /// Discovery/estimation split: a seeded random permutation (SplitMix64 stream of the validation seed, or the
    /// run's seed) puts round(fraction × n) patients in discovery. Without a split every patient is in both.
    /// </summary>
    internal static (bool[] InDiscovery, int[] Discovery, int[] Estimation) Split(BoundStudy study, ValidationSpec validation, int seed)
    {
        int n = study.RowCount;
        var all = Enumerable.Range(0, n).ToArray();
        if (validation.Mode == ValidationMode.None) return (Enumerable.Repeat(true, n).ToArray(), all, all);
        var random = SplitMix64.ForStream(validation.Seed ?? seed, 7);
        var order = (int[])all.Clone();
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)(random.NextUInt64() % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }
        int size = (int)Math.Round(validation.Fraction * n);
        if (size < 20 || n - size < 20)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"a split of {n} patients at fraction {validation.Fraction} leaves fewer than 20 on one side"), study.Spec.SourceFile,
                suggestion: "Use validation: none for a cohort this small, or change the fraction.");
        var inDiscovery = new bool[n];
        foreach (int r in order.AsSpan(0, size)) inDiscovery[r] = true;
        return (inDiscovery, all.Where(r => inDiscovery[r]).ToArray(), all.Where(r => !inDiscovery[r]).ToArray());
    }

    /// <summary>
    /// Default RMST horizon when the spec gives none: the shortest of the subgroup-by-arm groups' longest follow-up
    /// times, so the restricted mean is estimable in every group.
    /// </summary>
    internal static double DefaultHorizon(double[] time, Factor subgroup, int[]? arm)
    {
        var longest = new Dictionary<(int, int), double>();
        for (int i = 0; i < time.Length; i++)
        {
            var key = (subgroup.Codes[i], arm?[i] ?? 0);
            longest[key] = Math.Max(longest.GetValueOrDefault(key), time[i]);
        }
        return longest.Values.Min();
    }
}
