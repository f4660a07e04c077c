using System.Globalization;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>Maps a run's estimator results to results.json (<see cref="ResultsDocument"/>).</summary>
public static class ResultsMapping
{
    public static ResultsDocument ToDocument(StratificationResult run, IReadOnlyList<DataFileJson> dataFiles)
    {
        var study = run.Study;
        var spec = study.Spec;
        var subgroups = run.SubgroupFactor;
        var counts = subgroups.Counts();
        var events = new int[subgroups.LevelCount];
        for (int i = 0; i < run.EstimationRows.Length; i++) if (study.Event![run.EstimationRows[i]]) events[subgroups.Codes[i]]++;
        int threshold = spec.SmallCellThreshold;

        var subgroupJson = subgroups.Levels.Select((id, s) => new SubgroupJson(id, counts[s], events[s], run.Subgroups.Descriptions[s], run.Subgroups.Rules[s])).ToArray();
        var treatment = study.Treatment;
        string endpoint = spec.Endpoint ?? "survival";

        TreatmentTailoringJson? tailoring = null;
        if (treatment is not null && run.Effects is not null)
        {
            string reference = treatment.Levels[treatment.Reference];
            string treated = treatment.Levels[treatment.Reference == 0 ? 1 : 0];
            TreatmentEffectJson Effect(TreatmentEffect e, string? description) => ToJson(e, description, treatment.Name, treated, reference, endpoint, threshold);
            tailoring = new TreatmentTailoringJson(treatment.Name, reference, treated,
                run.Effects.Select((e, s) => Effect(e, run.Subgroups.Descriptions[s])).ToArray(),
                run.Interaction is { } x ? new InteractionTestJson(x.Statistic, x.Df, x.P) : new InteractionTestJson(double.NaN, 0, double.NaN),
                Effect(run.OverallEffect!, null));
        }

        var discovery = run.Subgroups;
        DiscoveryClusteringJson? clustering = discovery.Clustering is { } c
            ? new DiscoveryClusteringJson(c.Distance, c.K, c.K, c.Objective, c.Silhouette, c.Pac,
                c.Criteria.Select(k => new KCriteriaJson(k.K, k.Silhouette, k.Gap, k.GapSe, k.Bic)).ToArray(),
                c.Clusters.OrderBy(x => x.Cluster).Select((x, i) => new ClusterStabilityJson(subgroups.Levels[i], x.Stability, !(x.Stability < 0.6))).ToArray())
            : null;
        var profiles = discovery.Profiles.Select((p, s) => new SubgroupProfileJson(subgroups.Levels[s],
            p.Entries.Select(e => new ProfileValueJson(e.Level is null ? e.Feature : $"{e.Feature}={e.Level}", e.StandardisedDifference, e.ClusterValue, e.RestValue)).ToArray())).ToArray();

        bool split = spec.Validation.Mode == ValidationMode.Split;
        int discoveryN = run.InDiscovery.Count(d => d);
        var inference = split
            ? new InferenceJson("split", false, spec.Validation.Fraction, spec.Validation.Seed ?? spec.Seed, discoveryN, run.EstimationRows.Length,
                $"Subgroups were found on {discoveryN:N0} patients and every survival and treatment estimate comes from the other {run.EstimationRows.Length:N0}, whose outcomes played no part in finding them.")
            : new InferenceJson("none", true, null, null, study.RowCount, run.EstimationRows.Length,
                $"Subgroups were found and tested on the same {study.RowCount:N0} patients, so p-values and confidence intervals overstate certainty. Confirm in independent data (or rerun with validation: split).");

        var warnings = run.Warnings.ToList();
        if (!split) warnings.Insert(0, "p-values are exploratory: subgroups were found and tested on the same patients");

        return new ResultsDocument(
            ResultsDocument.CurrentSchemaVersion,
            new StudyJson(
                spec.Title ?? Path.GetFileNameWithoutExtension(spec.SourceFile ?? "study"),
                dataFiles,
                new EndpointJson(spec.Time!, spec.TimeUnit.ToString().ToLowerInvariant(), spec.Event!, study.EventCodingText ?? "", study.EventCount),
                treatment is null ? null : new TreatmentArmsJson(treatment.Name, treatment.Levels[treatment.Reference], treatment.Levels),
                spec.Covariates.Select(x => x.Column).ToArray(),
                study.RowsRead, study.RowCount,
                study.Dropped.Select(d => new DroppedRowsDto(d.Column, d.Rows)).ToArray(),
                spec.Landmarks, run.RmstHorizon, threshold, spec.Seed),
            inference,
            subgroupJson,
            new SubgroupDiscoveryJson(MethodName(discovery.Method), discovery.Features, clustering,
                discovery.Tree is null ? null : SurvivalJson.From(discovery.Tree), profiles) with
            {
                InteractionTree = discovery.InteractionTree is { } tree && treatment is not null
                    ? PredictiveJson.From(tree, treatment.Name, PredictiveSubgroups.ArmNames(treatment), split, discoveryN, run.EstimationRows.Length,
                        study.RowsDropped, run.Effects?.Cast<TreatmentEffect?>().ToArray() ?? new TreatmentEffect?[tree.Leaves.Count])
                    : null,
                Stepp = discovery.Stepp is { } stepp && treatment is not null
                    ? PredictiveJson.From(stepp, treatment.Name, PredictiveSubgroups.ArmNames(treatment))
                    : null,
            },
            Table1Formats.ToDocument(run.Table1ByTreatment),
            Table1Formats.ToDocument(run.Table1BySubgroup),
            new SurvivalBySubgroupJson(SurvivalJson.From(run.KaplanMeier), SurvivalJson.From(run.LogRank), CoxModelJson.From(run.Cox, run.ProportionalHazards)),
            tailoring,
            warnings);
    }

    public static string MethodName(SubgroupMethod method) => method switch
    {
        SubgroupMethod.KMedoids => "kmedoids",
        SubgroupMethod.KMeans => "kmeans",
        SubgroupMethod.GaussianMixture => "gmm",
        SubgroupMethod.Hierarchical => "hierarchical",
        SubgroupMethod.SurvivalTree => "tree",
        SubgroupMethod.InteractionTree => "interaction_tree",
        SubgroupMethod.Stepp => "stepp",
        _ => "column",
    };

    /// <summary>Counts below the small-cell threshold are written "&lt;N" in sentences.</summary>
    public static string Count(int n, int threshold) => n > 0 && n < threshold ? $"<{threshold}" : n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"n = 113", or "n &lt;5" for a small group (as the report's small-cell rule writes it).</summary>
    private static string SizeClause(int n, int threshold) => n > 0 && n < threshold ? $"n <{threshold}" : $"n = {Count(n, threshold)}";

    private static TreatmentEffectJson ToJson(TreatmentEffect e, string? description, string column, string treated, string reference,
        string endpoint, int threshold)
    {
        string who = description is null
            ? $"Across all patients ({SizeClause(e.N, threshold)})"
            : $"In subgroup {e.Subgroup} ({SizeClause(e.N, threshold)}; {description})";
        string arms = $"{column} = {treated}";
        string hr = double.IsNaN(e.HazardRatio) ? "" : $" (HR {F(e.HazardRatio)}, 95% CI {F(e.Lower)}–{F(e.Upper)})";
        string sentence = e.Verdict switch
        {
            TreatmentVerdict.Benefit => $"{who} {arms} was associated with longer {endpoint} than {column} = {reference}{hr}.",
            TreatmentVerdict.Harm => $"{who} {arms} was associated with shorter {endpoint} than {column} = {reference}{hr}.",
            TreatmentVerdict.NoClearDifference => $"{who} the data show no clear difference in {endpoint} between {arms} and {column} = {reference}{hr}.",
            _ => $"{who} the treatment effect could not be estimated (an arm has no patients or no events).",
        };
        double z = 1.959963984540054;
        return new TreatmentEffectJson(e.Subgroup, e.N, e.Events, e.HazardRatio, e.Lower, e.Upper, e.P,
            e.RmstDifference, e.RmstDifferenceSe, e.RmstDifference - z * e.RmstDifferenceSe, e.RmstDifference + z * e.RmstDifferenceSe,
            e.Verdict switch
            {
                TreatmentVerdict.Benefit => "benefit",
                TreatmentVerdict.Harm => "harm",
                TreatmentVerdict.NoClearDifference => "no clear difference",
                _ => "not estimable",
            },
            sentence, SurvivalJson.From(e.ByArm));
    }

    private static string F(double x) => x.ToString(x < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
}
