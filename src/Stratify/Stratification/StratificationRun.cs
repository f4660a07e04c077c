using System.Diagnostics;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Description;
using Stratify.Simulation;
using Stratify.Survival;

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

/// <summary>
/// Everything `stratify run` computed, as estimator results (Reporting maps it to results.json). Estimation
/// rows are indices into <see cref="Study"/>'s analysed rows: all of them, or the held-out part of a split.
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
    LogRankResult LogRank,
    CoxModel Cox,
    ProportionalHazardsResult? ProportionalHazards,
    IReadOnlyList<TreatmentEffect>? Effects,
    TreatmentEffect? OverallEffect,
    InteractionTest? Interaction,
    double RmstHorizon,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<StageTiming> Timings);

/// <summary>
/// The product's main job, from a study spec to subgroups, survival by subgroup and treatment effect by subgroup:
/// (1) load, validate, describe (Table 1 by arm); (2) find subgroups on the discovery patients; (3) survival by
/// subgroup on the estimation patients — KM with landmarks and RMST, global and Holm-adjusted pairwise log-rank,
/// a Cox model with subgroup as a factor adjusted for the covariates, its PH test and concordance; (4) treatment
/// effect per subgroup and the interaction test; (5) with <c>validation: split</c>, discovery and estimation use
/// disjoint random parts of the cohort (seeded), otherwise the same patients and the p-values are exploratory.
/// Deterministic for the same data, spec and seed.
/// </summary>
public static class StratificationRun
{
    public static StratificationResult Execute(StudySpec spec, IRunProgress? progress = null)
    {
        var timings = new List<StageTiming>();
        var clock = Stopwatch.StartNew();
        void Done(string stage) { timings.Add(new StageTiming(stage, clock.Elapsed)); clock.Restart(); }
        var warnings = new List<string>();
        // Synchronous (System.Progress would post to the thread pool, and lines could arrive out of order).
        var detail = new ImmediateProgress(m => progress?.Detail(m));

        progress?.Stage("Load and validate");
        var subgroupSpec = spec.Subgroups ?? throw new StratifyInputException("the spec names no subgroups", spec.SourceFile,
            suggestion: "Add subgroups: with method (kmedoids, kmeans, gmm, hierarchical, tree or column) and features.");
        if (spec.Time is null || spec.Event is null)
            throw new StratifyInputException("a run needs the survival endpoint: time and event", spec.SourceFile, suggestion: "Add time: and event: to the spec.");
        // A survival tree needs complete features: bind them as covariates too (rows missing one are dropped, counted).
        var binding = subgroupSpec.BindsFeatures
            ? spec with { Covariates = [.. spec.Covariates, .. subgroupSpec.Features.Where(f => spec.Covariates.All(c => c.Column != f.Column))] }
            : spec;
        var bound = StudyBinder.Load(binding);
        if (bound.Treatment is { LevelCount: > 2 } t)
            throw new StratifyInputException($"treatment tailoring compares two arms, but the treatment column has {t.LevelCount} ({string.Join(", ", t.Levels)})",
                spec.SourceFile, t.Name, suggestion: "Recode the treatment into two arms, or run each comparison with its own spec.");
        progress?.Detail($"{bound.RowsRead:N0} rows read, {bound.RowCount:N0} analysed, {bound.EventCount:N0} events");
        Done("load");

        progress?.Stage("Describe");
        var analysed = bound.Cohort.SelectRows(bound.Rows);
        var described = spec.Covariates.Concat(subgroupSpec.Features).DistinctBy(c => c.Column)
            .Where(c => c.Column != spec.Treatment)
            .Select(c => new Table1Variable(c.Column, c.Kind == CovariateKind.Numeric ? VariableKind.Numeric : VariableKind.Categorical))
            .ToList();
        if (described.Count == 0)
        {
            // No covariates or features named: describe every other column, as `stratify describe` does.
            var roles = new HashSet<string?>([spec.Id, spec.Time, spec.Event, spec.Treatment, spec.Cluster, .. spec.Strata]);
            described = analysed.Columns.Where(c => !roles.Contains(c.Name)).Select(c => Table1Variable.For(c, 5)).ToList();
        }
        var table1ByTreatment = Table1Builder.Build(analysed, new Table1Options(described, spec.Treatment));
        Done("describe");

        progress?.Stage("Find subgroups");
        var (inDiscovery, discovery, estimation) = Split(bound, spec.Validation, spec.Seed);
        if (spec.Validation.Mode == ValidationMode.Split)
            progress?.Detail($"discovery {discovery.Length:N0} patients, estimation {estimation.Length:N0}");
        var subgroups = SubgroupFinder.Find(bound, discovery, spec.Seed, detail);
        if (subgroups.Ids.Length < 2)
            throw new StratifyInputException($"{subgroups.Warnings.FirstOrDefault() ?? "the method found a single subgroup"}; a run compares subgroups, so there is nothing to report",
                spec.SourceFile, suggestion: "This is a finding, not a fault: the overall effect is `stratify cox` with the treatment; to search further, lower min_node_size or raise max_depth.");
        warnings.AddRange(subgroups.Warnings);
        var unplaced = estimation.Count(r => subgroups.CodeOfRow[r] < 0);
        if (unplaced > 0)
        {
            warnings.Add($"{unplaced} estimation patients could not be placed in a subgroup and are left out of the subgroup analyses");
            estimation = estimation.Where(r => subgroups.CodeOfRow[r] >= 0).ToArray();
        }
        var factor = subgroups.ToFactor("subgroup", estimation);
        var sizes = factor.Counts();
        for (int g = 0; g < sizes.Length; g++)
            if (sizes[g] < spec.SmallCellThreshold)
                warnings.Add($"subgroup {factor.Levels[g]} has fewer than {spec.SmallCellThreshold} patients: the report does not describe it, " +
                    "and its size can be worked out from the totals; consider a smaller k or a larger minimum size");
        Done("subgroups");

        progress?.Stage("Survival by subgroup");
        var estimationCohort = bound.Cohort.SelectRows(RowSelection.Pick(bound.Rows, estimation));
        var withSubgroup = new Cohort([.. estimationCohort.Columns.Where(c => c.Name != "subgroup"),
            new CategoricalColumn("subgroup", factor.Codes, factor.Levels)], estimationCohort.Source);
        var table1BySubgroup = Table1Builder.Build(withSubgroup, new Table1Options(
            [.. described, .. spec.Treatment is null ? Array.Empty<Table1Variable>() : [new Table1Variable(spec.Treatment, VariableKind.Categorical)]], "subgroup"));
        var time = RowSelection.Pick(bound.Time!, estimation);
        var died = RowSelection.Pick(bound.Event!, estimation);
        var strata = bound.Strata is null ? null : RowSelection.Pick(bound.Strata.Codes, estimation);
        double horizon = spec.RmstHorizon ?? DefaultHorizon(time, factor, bound.Treatment is null ? null : RowSelection.Pick(bound.Treatment.Codes, estimation));
        var kmOptions = new KaplanMeierOptions { Times = spec.Landmarks.ToArray(), RmstHorizon = horizon };
        var data = new SurvivalData(time, died, factor.Codes, factor.Levels, strata, bound.Strata?.Levels);
        var km = KaplanMeier.Fit(new SurvivalData(time, died, factor.Codes, factor.Levels), kmOptions);
        LogRankResult logRank = LogRankTest.Compute(data, new LogRankOptions { Pairwise = factor.LevelCount > 2 ? PValueAdjustment.Holm : null });
        var terms = new List<CovariateTerm> { StudyTerms.From(factor) };
        terms.AddRange(bound.Covariates.Where(c => !subgroupSpec.BindsFeatures || spec.Covariates.Any(s => s.Column == c.Name))
            .Select(c => StudyTerms.Restrict(StudyTerms.From(c), estimation)));
        var cox = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build(terms), strata);
        warnings.AddRange(cox.Warnings.Select(w => $"Cox model by subgroup: {w}"));
        var ph = cox.Coefficients.All(c => c.Aliased) ? null : ProportionalHazardsTest.Compute(cox);
        Done("survival");

        IReadOnlyList<TreatmentEffect>? effects = null;
        TreatmentEffect? overall = null;
        InteractionTest? interaction = null;
        if (bound.Treatment is not null)
        {
            progress?.Stage("Treatment effect by subgroup");
            var effectOptions = kmOptions with { Times = [] };
            effects = Enumerable.Range(0, factor.LevelCount)
                .Select(s => TreatmentTailoring.Estimate(bound, estimation.Where((_, i) => factor.Codes[i] == s).ToArray(), factor.Levels[s], effectOptions))
                .ToArray();
            overall = TreatmentTailoring.Estimate(bound, estimation, "all patients", effectOptions);
            interaction = factor.LevelCount > 1 ? TreatmentTailoring.Interaction(bound, subgroups.ToFactor("subgroup", Enumerable.Range(0, bound.RowCount).ToArray()), estimation) : null;
            Done("treatment");
        }
        return new StratificationResult(bound, spec.Seed, inDiscovery, estimation, subgroups, factor, table1ByTreatment, table1BySubgroup,
            km, logRank, cox, ph, effects, overall, interaction, horizon, warnings, timings);
    }

    /// <summary>
    /// Discovery/estimation split: a seeded random permutation (SplitMix64 stream of the validation seed, or the
    /// run's seed) puts round(fraction × n) patients in discovery. Without a split every patient is in both.
    /// </summary>
    public static (bool[] InDiscovery, int[] Discovery, int[] Estimation) Split(BoundStudy study, ValidationSpec validation, int seed)
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
            throw new StratifyInputException($"a split of {n} patients at fraction {validation.Fraction} leaves fewer than 20 on one side", study.Spec.SourceFile,
                suggestion: "Use validation: none for a cohort this small, or change the fraction.");
        var inDiscovery = new bool[n];
        foreach (int r in order.AsSpan(0, size)) inDiscovery[r] = true;
        return (inDiscovery, all.Where(r => inDiscovery[r]).ToArray(), all.Where(r => !inDiscovery[r]).ToArray());
    }

    /// <summary>
    /// Default RMST horizon when the spec gives none: the shortest of the subgroup-by-arm groups' longest follow-up
    /// times, so the restricted mean is estimable in every group.
    /// </summary>
    public static double DefaultHorizon(double[] time, Factor subgroup, int[]? arm)
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
