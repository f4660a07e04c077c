using System.Text.Json.Serialization;

namespace Stratify.Reporting;

/// <summary>
/// results.json of `stratify run`: every number of the analysis, in one documented shape (snake_case; NA as null).
/// The report is built from this document alone (`stratify report results.json`), so anything the report shows is
/// here. Schema version <see cref="CurrentSchemaVersion"/>; the field-by-field description is in the README
/// ("results.json"). Deterministic: same data, spec and seed give byte-identical files (timings are in the manifest).
/// </summary>
public sealed record ResultsDocument(
    string SchemaVersion,
    StudyJson Study,
    InferenceJson Inference,
    IReadOnlyList<SubgroupJson> Subgroups,
    SubgroupDiscoveryJson Discovery,
    Table1Document Table1ByTreatment,
    Table1Document Table1BySubgroup,
    SurvivalBySubgroupJson Survival,
    TreatmentTailoringJson? Treatment,
    IReadOnlyList<string> Warnings)
{
    public const string CurrentSchemaVersion = "1.0";
}

/// <summary>The question: study title, data files (names and SHA-256), endpoint, treatment, cohort flow.</summary>
public sealed record StudyJson(
    string Title,
    IReadOnlyList<DataFileJson> DataFiles,
    EndpointJson Endpoint,
    TreatmentArmsJson? Treatment,
    IReadOnlyList<string> Covariates,
    int RowsRead,
    int RowsAnalysed,
    IReadOnlyList<DroppedRowsDto> Dropped,
    IReadOnlyList<double> Landmarks,
    double RmstHorizon,
    int SmallCellThreshold,
    int Seed);

public sealed record DataFileJson(string Name, string Sha256);

/// <summary>Time and event columns, the time unit ("days"), and the event coding in words.</summary>
public sealed record EndpointJson(string Time, string TimeUnit, string Event, string EventCoding, int Events);

/// <summary>The treatment column, its reference (comparator) arm and all arms in order.</summary>
public sealed record TreatmentArmsJson(string Column, string Reference, IReadOnlyList<string> Arms);

/// <summary>
/// How honest the p-values are: <c>mode</c> "none" (subgroups found and tested on the same patients:
/// <c>exploratory</c> true) or "split" (found on <c>discovery_n</c> patients, estimated on the other
/// <c>estimation_n</c>), and a sentence saying so.
/// </summary>
public sealed record InferenceJson(string Mode, bool Exploratory, double? Fraction, int? Seed, int DiscoveryN, int EstimationN, string Statement);

/// <summary>
/// One subgroup: <c>id</c> (its name in every table, "A", "B", … or the column's level), size and events among
/// the patients used for estimation, a plain-language <c>description</c> ("older, ECOG ≥ 2") and the rule (tree) or
/// label that defines it.
/// </summary>
public sealed record SubgroupJson(string Id, int N, int Events, string Description, string? Rule);

/// <summary>
/// How subgroups were found: <c>method</c> (kmedoids, kmeans, gmm, hierarchical, tree, column, interaction_tree,
/// stepp), the features, and the method's own output (clustering: criteria over k, stability, profiles; tree: splits
/// and leaves; interaction_tree: splits and leaves with their effects; stepp: the windows and the permutation test).
/// <c>profiles</c>: per subgroup the standardised differences of each feature against the rest (for the heatmap).
/// </summary>
public sealed record SubgroupDiscoveryJson(
    string Method,
    IReadOnlyList<string> Features,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DiscoveryClusteringJson? Clustering,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SurvivalTreeJson? Tree,
    IReadOnlyList<SubgroupProfileJson> Profiles)
{
    /// <summary>The interaction tree (method interaction_tree): splits with their interaction tests, leaves with their effects.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public InteractionTreeJson? InteractionTree { get; init; }
    /// <summary>The STEPP analysis of the marker on the discovery patients (method stepp).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SteppJson? Stepp { get; init; }
}

/// <summary>The clustering summary: chosen k, criteria table, recommended k, silhouette, PAC, per-cluster stability.</summary>
public sealed record DiscoveryClusteringJson(
    string Distance, int K, int RecommendedK, double Objective, double Silhouette, double Pac,
    IReadOnlyList<KCriteriaJson> Criteria, IReadOnlyList<ClusterStabilityJson> Stability);

public sealed record KCriteriaJson(int K, double Silhouette, double Gap, double GapSe, double Bic);

/// <summary>Bootstrap mean Jaccard of one subgroup; <c>stable</c> false below 0.6 (Hennig's rule of thumb).</summary>
public sealed record ClusterStabilityJson(string Subgroup, double Jaccard, bool Stable);

/// <summary>A subgroup's feature profile: feature (or feature=level) → standardised difference against the rest.</summary>
public sealed record SubgroupProfileJson(string Subgroup, IReadOnlyList<ProfileValueJson> Values);

public sealed record ProfileValueJson(string Feature, double StandardisedDifference, double SubgroupValue, double RestValue);

/// <summary>
/// Survival by subgroup on the estimation patients: Kaplan–Meier (with landmarks and RMST), the global log-rank
/// test with Holm-adjusted pairwise comparisons, and a Cox model with subgroup as a factor adjusted for the spec's
/// covariates (its PH test and concordance inside).
/// </summary>
public sealed record SurvivalBySubgroupJson(KaplanMeierJson KaplanMeier, LogRankJson LogRank, CoxModelJson Cox);

/// <summary>
/// Treatment tailoring: per subgroup the treatment hazard ratio, KM by arm, the RMST difference, and the verdict;
/// and the subgroup × treatment interaction (likelihood-ratio test).
/// </summary>
public sealed record TreatmentTailoringJson(
    string Column, string Reference, string Treated,
    IReadOnlyList<TreatmentEffectJson> BySubgroup,
    InteractionTestJson Interaction,
    TreatmentEffectJson Overall);

/// <summary>
/// The treatment effect in one subgroup (or overall): HR of <c>treated</c> vs <c>reference</c> with 95% CI and
/// Wald p from a Cox model of the subgroup's patients; RMST difference (treated − reference) at the horizon with
/// its SE and 95% CI; <c>verdict</c> "benefit" (CI of HR below 1), "harm" (above 1) or "no clear difference";
/// <c>sentence</c> says it in words; KM by arm. HR fields are null when not estimable (an arm without events).
/// </summary>
public sealed record TreatmentEffectJson(
    string Subgroup, int N, int Events,
    double Hr, double HrLower, double HrUpper, double P,
    double RmstDifference, double RmstDifferenceSe, double RmstDifferenceLower, double RmstDifferenceUpper,
    string Verdict, string Sentence,
    KaplanMeierJson KaplanMeierByArm);

public sealed record InteractionTestJson(double Statistic, int Df, double P);
