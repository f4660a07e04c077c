using System.Globalization;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Statistics;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>Maps a run's estimator results to results.json (<see cref="ResultsDocument"/>).</summary>
internal static class ResultsMapping
{
    public static ResultsDocument ToDocument(StratificationResult run, IReadOnlyList<DataFileJson> dataFiles)
    {
        var study = run.Study;
        var spec = study.Spec;
        var subgroups = run.SubgroupFactor;
        var counts = subgroups.Counts();
        var events = new int[subgroups.LevelCount];
        for (int i = 0; i < run.SubgroupRows.Length; i++) if (study.Event![run.SubgroupRows[i]]) events[subgroups.Codes[i]]++;
        int threshold = spec.SmallCellThreshold;

        var subgroupJson = subgroups.Levels.Select((id, s) => new SubgroupJson(id, counts[s], events[s], run.Subgroups.Descriptions[s], run.Subgroups.Rules[s])).ToArray();
        var treatment = study.Treatment;
        string endpoint = spec.Endpoint ?? "survival";

        var studyJson = new StudyJson(
            spec.Title ?? Path.GetFileNameWithoutExtension(spec.SourceFile ?? "study"),
            dataFiles,
            new EndpointJson(spec.Time!, spec.TimeUnit.ToString().ToLowerInvariant(), spec.Event!, study.EventCodingText ?? "", study.EventCount, endpoint),
            treatment is null ? null : new TreatmentArmsJson(treatment.Name, treatment.Levels[treatment.Reference], treatment.Levels),
            spec.Covariates.Select(x => x.Column).ToArray(),
            study.RowsRead, study.RowCount,
            study.Dropped.Select(d => new DroppedRowsDto(d.Column, d.Rows)).ToArray(),
            spec.Landmarks, run.RmstHorizon, threshold, spec.Seed)
        {
            AnalysedByStage = run.StageSizes.Select(x => new StageSizeJson(StageName(x.Stage), x.N, x.Events)).ToArray(),
            DroppedByStage = run.DroppedByStage.Select(d => new StageDroppedRowsJson(StageName(d.Stage), d.Column, d.Rows)).ToArray(),
        };
        var tailoring = run.Treatment is { } t && treatment is not null
            ? Tailoring(t, treatment, studyJson, run.Subgroups.Descriptions, spec.MinEventsPerArm, study.Causes?.EventOfInterest, MethodName(run.Subgroups.Method))
            : null;

        var discovery = run.Subgroups;
        DiscoveryClusteringJson? clustering = discovery.Clustering is { } c
            ? new DiscoveryClusteringJson(c.Distance, c.K, c.K, c.Objective, c.Silhouette, c.Pac,
                c.Criteria.Select(k => new KCriteriaJson(k.K, k.Silhouette, k.Gap, k.GapStandardError, k.Bic)).ToArray(),
                c.Clusters.OrderBy(x => x.Cluster).Select((x, i) => new ClusterStabilityJson(subgroups.Levels[i], x.Stability, !(x.Stability < 0.6))).ToArray())
            {
                StabilitySubsample = c.StabilitySubsample,
                GapSample = c.GapSample,
            }
            : null;
        var profiles = discovery.Profiles.Select((p, s) => new SubgroupProfileJson(subgroups.Levels[s],
            p.Entries.Select(e => new ProfileValueJson(e.Level is null ? e.Feature : $"{e.Feature}={e.Level}", e.StandardisedDifference, e.ClusterValue, e.RestValue)).ToArray())).ToArray();

        bool split = spec.Validation.Mode == ValidationMode.Split;
        int discoveryN = run.InDiscovery.Count(d => d);
        var inference = split
            ? new InferenceJson("split", false, spec.Validation.Fraction, spec.Validation.Seed ?? spec.Seed, discoveryN, run.EstimationRows.Length, "")
            : new InferenceJson("none", true, null, null, study.RowCount, run.EstimationRows.Length, "");
        inference = inference with { Statement = RunSentences.Inference(inference, MethodName(discovery.Method)).Render(RunSentences.MaskedCounts(threshold)) };

        var warnings = run.Warnings.ToList();
        if (!split)
            warnings.Insert(0, CountedText.Plain(discovery.Method == SubgroupMethod.Column
                ? "p-values are exploratory unless this subgroup analysis was specified before the data were seen"
                : "p-values are exploratory: subgroups were found and tested on the same patients"));

        return new ResultsDocument(
            ResultsDocument.CurrentSchemaVersion,
            studyJson,
            inference,
            subgroupJson,
            new SubgroupDiscoveryJson(MethodName(discovery.Method), discovery.Features, clustering,
                discovery.Tree is null ? null : SurvivalJson.From(discovery.Tree), profiles)
            {
                MissingValues = (discovery.Missing?.Features ?? []).Select(f =>
                    new FeatureMissingValuesJson(f.Feature, StudySpecWriter.MissingName(f.Policy), f.Missing, f.Imputed, f.Fill, f.IndicatorAdded)).ToArray(),
                InteractionTree = discovery.InteractionTree is { } tree && treatment is not null
                    ? PredictiveJson.From(tree, treatment.Name, PredictiveSubgroups.ArmNames(treatment), split, discoveryN, run.EstimationRows.Length,
                        study.RowsDropped, run.Treatment?.BySubgroup.Cast<TreatmentEffect?>().ToArray() ?? new TreatmentEffect?[tree.Leaves.Count])
                    : null,
                Stepp = discovery.Stepp is { } stepp && treatment is not null
                    ? PredictiveJson.From(stepp, treatment.Name, PredictiveSubgroups.ArmNames(treatment))
                    : null,
            },
            Table1Formats.ToDocument(run.Table1ByTreatment),
            Table1Formats.ToDocument(run.Table1BySubgroup),
            new SurvivalBySubgroupJson(SurvivalJson.From(run.KaplanMeier) with { Weights = SurvivalJson.Weights(run.KaplanMeier, spec.Weight) },
                run.LogRank is null ? null : SurvivalJson.From(run.LogRank, spec.Weight),
                run.Cox is null ? null : CoxModelJson.From(run.Cox, run.ProportionalHazards, spec.Weight)),
            tailoring,
            warnings.Select(w => ToJson(w, threshold)).ToArray())
        {
            CompetingRisks = run.CompetingRisks is { } cr ? CompetingRisksRunMapping.From(cr, run.EstimationRows, studyJson, tailoring) : null,
        };
    }

    /// <summary>A stage's name in results.json.</summary>
    public static string StageName(AnalysisStage stage) => stage switch
    {
        AnalysisStage.Load => "load",
        AnalysisStage.SubgroupFinding => "subgroup_finding",
        AnalysisStage.SurvivalBySubgroup => "survival_by_subgroup",
        AnalysisStage.TreatmentOverall => "treatment_overall",
        _ => "treatment_by_subgroup",
    };

    public static string MethodName(SubgroupMethod method) => StudySpecWriter.MethodKey(method);

    /// <summary>Counts below the small-cell threshold are written "&lt;N" in sentences.</summary>
    public static string Count(int n, int threshold) => RunSentences.MaskedCounts(threshold)(TextCount.Patients(n));

    /// <summary>A sentence with its counts as slots, and its text with small counts masked.</summary>
    public static CountedTextJson ToJson(CountedText text, int threshold) => new(text.Render(RunSentences.MaskedCounts(threshold)), text.Template,
        text.Counts.Select(c => new TextCountJson(c.Value, CountOfName(c.Of), c.Subgroup)).ToArray());

    public static string CountOfName(CountOf of) => of switch
    {
        CountOf.Events => "events",
        CountOf.Rows => "rows",
        CountOf.SubgroupSize => "subgroup_size",
        CountOf.SubgroupEvents => "subgroup_events",
        _ => "patients",
    };

    public static CountOf ParseCountOf(string of) => of switch
    {
        "events" => CountOf.Events,
        "rows" => CountOf.Rows,
        "subgroup_size" => CountOf.SubgroupSize,
        "subgroup_events" => CountOf.SubgroupEvents,
        _ => CountOf.Patients,
    };

    /// <summary>The sentence a <see cref="CountedTextJson"/> holds, with its counts as slots again.</summary>
    public static CountedText FromJson(CountedTextJson text) =>
        new(text.Template, text.Counts.Select(c => new TextCount(c.Value, ParseCountOf(c.Of), c.Subgroup)).ToArray());

    private static TreatmentTailoringJson Tailoring(TreatmentTailoringResult t, Factor treatment, StudyJson study, IReadOnlyList<string> descriptions, int minEventsPerArm,
        string? causeSpecificFor, string method)
    {
        string reference = treatment.Levels[treatment.Reference];
        string treated = treatment.Levels[1 - treatment.Reference];
        var interaction = t.Interaction is { } x
            ? new InteractionTestJson(x.Statistic, x.DegreesOfFreedom, x.PValue, x.AdjustedFor, Omitted(x.NotAdjustedFor), x.Subgroups,
                x.Kind == InteractionTestKind.RobustWald ? "robust_wald" : "likelihood_ratio")
            : new InteractionTestJson(double.NaN, 0, double.NaN, [], [], []);
        ShrinkageJson? shrinkage = null;
        if (t.Shrinkage is { } fit)
        {
            double z = Statistics.TailProbability.NormalCriticalValue(0.95);
            shrinkage = new ShrinkageJson(fit.Estimator == HeterogeneityEstimator.RestrictedMaximumLikelihood ? "REML" : "DerSimonian-Laird", fit.Tau2,
                Math.Exp(fit.Mean), Math.Exp(fit.Mean - z * fit.MeanStandardError), Math.Exp(fit.Mean + z * fit.MeanStandardError),
                t.BySubgroup.Where(e => e.Shrunken is not null).Select(e => e.Subgroup).ToArray());
        }
        var json = new TreatmentTailoringJson(treatment.Name, reference, treated,
            t.Design == StudyDesign.Observational ? "observational" : "randomised",
            minEventsPerArm,
            t.Weighting is { } w ? Weights(w) : null,
            new BottomLineJson(t.BottomLine switch
                {
                    BottomLineKind.Consistent => "consistent",
                    BottomLineKind.Differs => "differs",
                    _ => "not_estimable",
                }, t.Interaction?.PValue ?? double.NaN, t.InteractionAlpha,
                t.Evidence switch
                {
                    SubgroupEvidence.HeldOut => "held_out",
                    SubgroupEvidence.PreDefined => "pre_defined",
                    _ => "exploratory",
                }, ""),
            Effect(t.Overall), t.BySubgroup.Select(Effect).ToArray(), interaction, shrinkage,
            t.Weighting?.Balance.Select(b => new BalanceJson(b.Term, b.Before, b.After)).ToArray()) { CauseSpecificFor = causeSpecificFor };
        int threshold = study.SmallCellThreshold;
        var render = RunSentences.MaskedCounts(threshold);
        return json with
        {
            BottomLine = json.BottomLine with { Sentence = RunSentences.BottomLine(json, method) },
            Overall = json.Overall with { Sentence = RunSentences.Effect(study, json, json.Overall, null).Render(render) },
            BySubgroup = json.BySubgroup.Select((e, s) => e with { Sentence = RunSentences.Effect(study, json, e, descriptions[s]).Render(render) }).ToArray(),
        };
    }

    private static TreatmentWeightsJson Weights(TreatmentWeighting weighting)
    {
        var confounders = weighting.Confounders;
        var p = weighting.Propensity;
        ArmPropensityJson Arm(ArmOverlap a) => new(a.Arm, a.Probabilities, a.Quantiles, a.OutsideCommonSupport);
        return new TreatmentWeightsJson("iptw", confounders, p.Truncation?.Trim,
            p.Truncation is { } t ? new WeightTruncationJson(t.Lower, t.Upper, t.Clipped) : null,
            [new ArmEssJson(p.Reference.Arm, p.Reference.EffectiveSampleSize, p.Reference.Minimum, p.Reference.Maximum),
             new ArmEssJson(p.Treated.Arm, p.Treated.EffectiveSampleSize, p.Treated.Minimum, p.Treated.Maximum)],
            new PropensityOverlapJson(p.Overlap.CommonSupportLower, p.Overlap.CommonSupportUpper, [Arm(p.Overlap.Reference), Arm(p.Overlap.Treated)]));
    }

    private static IReadOnlyList<OmittedCovariateJson> Omitted(IReadOnlyList<OmittedCovariate> omitted) =>
        omitted.Select(o => new OmittedCovariateJson(o.Covariate, o.Reason)).ToArray();

    private static TreatmentEffectJson Effect(TreatmentEffect e)
    {
        double z = Statistics.TailProbability.NormalCriticalValue(0.95);
        var adjusted = e.Adjusted;
        return new TreatmentEffectJson(e.Subgroup, e.N, e.Events,
            e.Arms.Select(a => new ArmCountJson(a.Arm, a.N, a.Events)).ToArray(),
            e.Estimability switch
            {
                EffectEstimability.Estimable => "yes",
                EffectEstimability.TooFewPatients => "too_few_patients",
                EffectEstimability.TooFewEvents => "too_few_events",
                _ => "model_failed",
            },
            adjusted?.HazardRatio ?? double.NaN, adjusted?.Lower ?? double.NaN, adjusted?.Upper ?? double.NaN, adjusted?.PValue ?? double.NaN,
            e.AdjustedFor, Omitted(e.NotAdjustedFor),
            e.Unadjusted is { } u ? new HazardRatioJson(u.HazardRatio, u.Lower, u.Upper, u.PValue) : null,
            e.Shrunken is { } sh ? new ShrunkenHazardRatioJson(sh.HazardRatio, sh.Lower, sh.Upper) : null,
            e.RmstDifference, e.RmstDifferenceSe, e.RmstDifference - z * e.RmstDifferenceSe, e.RmstDifference + z * e.RmstDifferenceSe,
            VerdictName(e.Verdict), "", SurvivalJson.From(e.ByArm));
    }

    public static string VerdictName(TreatmentVerdict verdict) => verdict switch
    {
        TreatmentVerdict.Benefit => "benefit",
        TreatmentVerdict.Harm => "harm",
        TreatmentVerdict.NoClearDifference => "no clear difference",
        TreatmentVerdict.ConsistentWithOverall => "consistent with overall",
        _ => "not estimable",
    };
}
