using System.Text.Json.Serialization;

namespace Stratify.Reporting;

/// <summary>
/// results.json of `stratify run`: every number of the analysis, in one documented shape (snake_case; NA as null).
/// The report is built from this document alone (`stratify report results.json`), so anything the report shows is
/// here. Schema version <see cref="CurrentSchemaVersion"/>; the field-by-field description is in the README
/// ("results.json"). Deterministic: same data, spec and seed give byte-identical files (timings are in the manifest).
/// The file leads with what a reader needs first: the study, how far its p-values can be trusted, and the treatment's
/// bottom line and overall effect; the subgroups and the survival analyses follow.
/// </summary>
internal sealed record ResultsDocument(
    [property: JsonPropertyOrder(-4)] string SchemaVersion,
    [property: JsonPropertyOrder(-3)] StudyJson Study,
    [property: JsonPropertyOrder(-2)] InferenceJson Inference,
    IReadOnlyList<SubgroupJson> Subgroups,
    SubgroupDiscoveryJson Discovery,
    Table1Document Table1ByTreatment,
    Table1Document Table1BySubgroup,
    SurvivalBySubgroupJson Survival,
    [property: JsonPropertyOrder(-1)] TreatmentTailoringJson? Treatment,
    IReadOnlyList<CountedTextJson> Warnings)
{
    public const string CurrentSchemaVersion = "2.0";

    /// <summary>
    /// Cumulative incidence and the treatment on the competing-risks scales, right after <c>inference</c>; absent
    /// unless the event column holds competing causes (see <see cref="CompetingRisksRunJson"/>).
    /// </summary>
    [JsonPropertyOrder(-2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CompetingRisksRunJson? CompetingRisks { get; init; }
}

/// <summary>The question: study title, data files (names and SHA-256), endpoint, treatment, cohort flow.</summary>
internal sealed record StudyJson(
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
    int Seed)
{
    /// <summary>The patients and events each stage analysed (<c>stage</c>: load, subgroup_finding,
    /// survival_by_subgroup, treatment_overall, treatment_by_subgroup).</summary>
    public IReadOnlyList<StageSizeJson> AnalysedByStage { get; init; } = [];

    /// <summary>Rows each stage left out, per column (load: of the rows read; later stages: of the patients analysed).</summary>
    public IReadOnlyList<StageDroppedRowsJson> DroppedByStage { get; init; } = [];
}

/// <summary>The patients and events one stage of the run analysed.</summary>
internal sealed record StageSizeJson(string Stage, int N, int Events);

/// <summary>Rows a stage left out for lacking a value of <c>column</c>.</summary>
internal sealed record StageDroppedRowsJson(string Stage, string Column, int Rows);

/// <summary>
/// What the missing-value policy did to one subgroup feature: <c>policy</c> (impute, indicator, complete_case,
/// pairwise), patients lacking it (<c>missing</c>), values filled (<c>imputed</c>) with <c>fill</c> (the median, the
/// most frequent level or the median level), and whether a 0/1 indicator feature was added.
/// </summary>
internal sealed record FeatureMissingValuesJson(string Feature, string Policy, int Missing, int Imputed, string? Fill, bool Indicator);

internal sealed record DataFileJson(string Name, string Sha256);

/// <summary>Time and event columns, the time unit ("days"), the event coding in words, and the endpoint's name ("recurrence-free survival").</summary>
internal sealed record EndpointJson(string Time, string TimeUnit, string Event, string EventCoding, int Events, string Name);

/// <summary>The treatment column, its reference (comparator) arm and all arms in order.</summary>
internal sealed record TreatmentArmsJson(string Column, string Reference, IReadOnlyList<string> Arms);

/// <summary>
/// How honest the p-values are: <c>mode</c> "none" (subgroups found and tested on the same patients:
/// <c>exploratory</c> true) or "split" (found on <c>discovery_n</c> patients, estimated on the other
/// <c>estimation_n</c>), and a sentence saying so.
/// </summary>
internal sealed record InferenceJson(string Mode, bool Exploratory, double? Fraction, int? Seed, int DiscoveryN, int EstimationN, string Statement);

/// <summary>
/// One subgroup: <c>id</c> (its name in every table, "A", "B", … or the column's level), size and events among
/// the patients used for estimation, a plain-language <c>description</c> ("older, ECOG ≥ 2") and the rule (tree) or
/// label that defines it.
/// </summary>
internal sealed record SubgroupJson(string Id, int N, int Events, string Description, string? Rule);

/// <summary>
/// How subgroups were found: <c>method</c> (kmedoids, kmeans, gmm, hierarchical, tree, column, interaction_tree,
/// stepp), the features, and the method's own output (clustering: criteria over k, stability, profiles; tree: splits
/// and leaves; interaction_tree: splits and leaves with their effects; stepp: the windows and the permutation test).
/// <c>profiles</c>: per subgroup the standardised differences of each feature against the rest (for the heatmap).
/// </summary>
internal sealed record SubgroupDiscoveryJson(
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
    /// <summary>Per feature, what its missing-value policy did (empty for an existing column).</summary>
    public IReadOnlyList<FeatureMissingValuesJson> MissingValues { get; init; } = [];
}

/// <summary>The clustering summary: chosen k, criteria table, recommended k, silhouette, PAC, per-cluster stability;
/// on large cohorts the subsample sizes (absent otherwise).</summary>
internal sealed record DiscoveryClusteringJson(
    string Distance, int K, int RecommendedK, double Objective, double Silhouette, double Pac,
    IReadOnlyList<KCriteriaJson> Criteria, IReadOnlyList<ClusterStabilityJson> Stability)
{
    /// <summary>m of the m-out-of-n stability: the patients drawn without replacement in each replicate.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StabilitySubsample { get; init; }
    /// <summary>Patients of the random sample the gap statistic was computed on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GapSample { get; init; }
}

internal sealed record KCriteriaJson(int K, double Silhouette, double Gap, double GapSe, double Bic);

/// <summary>Bootstrap mean Jaccard of one subgroup; <c>stable</c> false below 0.6 (Hennig's rule of thumb).</summary>
internal sealed record ClusterStabilityJson(string Subgroup, double Jaccard, bool Stable);

/// <summary>A subgroup's feature profile: feature (or feature=level) → standardised difference against the rest.</summary>
internal sealed record SubgroupProfileJson(string Subgroup, IReadOnlyList<ProfileValueJson> Values);

internal sealed record ProfileValueJson(string Feature, double StandardisedDifference, double SubgroupValue, double RestValue);

/// <summary>
/// Survival by subgroup on the estimation patients: Kaplan–Meier (with landmarks and RMST), the global log-rank
/// test with Holm-adjusted pairwise comparisons, and a Cox model with subgroup as a factor adjusted for the spec's
/// covariates (its PH test and concordance inside). With one subgroup (a tree that made no split) there is nothing to
/// compare: <c>log_rank</c> and <c>cox</c> are null.
/// </summary>
internal sealed record SurvivalBySubgroupJson(KaplanMeierJson KaplanMeier, LogRankJson? LogRank, CoxModelJson? Cox);

/// <summary>
/// Treatment tailoring, in the order a reader needs it: the <c>design</c> ("randomised" | "observational"), the
/// <c>weights</c> used (null: none), the <c>bottom_line</c> (does the effect differ between subgroups?), the
/// <c>overall</c> effect, the effect per subgroup, the <c>interaction</c> test behind the bottom line, the random-effects
/// <c>shrinkage</c> behind the shrunken subgroup estimates, and the covariate <c>balance</c> between arms
/// (observational studies; null otherwise).
/// </summary>
internal sealed record TreatmentTailoringJson(
    string Column, string Reference, string Treated,
    string Design,
    int MinEventsPerArm,
    TreatmentWeightsJson? Weights,
    BottomLineJson BottomLine,
    TreatmentEffectJson Overall,
    IReadOnlyList<TreatmentEffectJson> BySubgroup,
    InteractionTestJson Interaction,
    ShrinkageJson? Shrinkage,
    IReadOnlyList<BalanceJson>? Balance)
{
    /// <summary>
    /// With competing risks, the event of interest: every hazard ratio of this section is then cause-specific (the
    /// competing causes censor follow-up) and the sentences say so; absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CauseSpecificFor { get; init; }
}

/// <summary>
/// Stabilised inverse-probability-of-treatment weights: <c>method</c> "iptw", the propensity model's covariates
/// (<c>confounders</c>), the trimming quantile (null: none) and what it clipped, the effective sample size per arm with
/// its smallest and largest weight, and the overlap of the arms' propensity scores.
/// </summary>
internal sealed record TreatmentWeightsJson(string Method, IReadOnlyList<string> Confounders, double? Trim, WeightTruncationJson? Truncation,
    IReadOnlyList<ArmEssJson> Ess, PropensityOverlapJson Overlap);

/// <summary>Kish's effective sample size (Σw)²/Σw² of one arm, and its smallest and largest weight.</summary>
internal sealed record ArmEssJson(string Arm, double Ess, double MinWeight, double MaxWeight);

/// <summary>Truncation: the lower and upper weight bounds (the trim and 1 − trim quantiles) and how many weights were clipped.</summary>
internal sealed record WeightTruncationJson(double Lower, double Upper, int Clipped);

/// <summary>
/// Overlap of the arms' propensity scores: the common support [lower, upper] (the larger minimum and the smaller
/// maximum) and per arm the quantiles of its scores and the patients outside the common support.
/// </summary>
internal sealed record PropensityOverlapJson(double CommonSupportLower, double CommonSupportUpper, IReadOnlyList<ArmPropensityJson> Arms);

/// <summary>One arm's propensity scores: quantiles at <c>probabilities</c> (0, 0.05, 0.25, 0.5, 0.75, 0.95, 1) and the patients outside the common support.</summary>
internal sealed record ArmPropensityJson(string Arm, IReadOnlyList<double> Probabilities, IReadOnlyList<double> Quantiles, int OutsideCommonSupport);

/// <summary>One covariate's standardised mean difference between arms before and after weighting.</summary>
internal sealed record BalanceJson(string Term, double SmdBefore, double SmdAfter);

/// <summary>
/// The bottom line: <c>kind</c> "consistent" (interaction p ≥ <c>interaction_alpha</c>), "differs" (below it) or
/// "not_estimable" (no interaction test possible); <c>evidence</c> "exploratory" (subgroups found and tested on the
/// same patients), "held_out" (found on other patients) or "pre_defined" (an existing column); and the sentence.
/// </summary>
internal sealed record BottomLineJson(string Kind, double InteractionP, double InteractionAlpha, string Evidence, string Sentence);

/// <summary>
/// The treatment effect in one subgroup (or overall), treated vs reference: patients and events per arm
/// (<c>arms</c>, reference first); <c>estimable</c> ("yes", "too_few_patients", "too_few_events", "model_failed");
/// the adjusted hazard ratio with 95% CI and Wald p from the Cox model of treatment + <c>adjusted_for</c> (the
/// covariates left out here, and why, in <c>not_adjusted_for</c>); the <c>unadjusted</c> hazard ratio (treatment
/// only); the <c>shrunken</c> (empirical-Bayes) hazard ratio (subgroups only); the RMST difference (treated −
/// reference) at the horizon with SE and 95% CI; the <c>verdict</c> ("benefit", "harm", "no clear difference",
/// "consistent with overall", "not estimable"); the <c>sentence</c>; Kaplan–Meier by arm. Estimates are null when
/// not estimable.
/// </summary>
internal sealed record TreatmentEffectJson(
    string Subgroup, int N, int Events,
    IReadOnlyList<ArmCountJson> Arms,
    string Estimable,
    double Hr, double HrLower, double HrUpper, double P,
    IReadOnlyList<string> AdjustedFor,
    IReadOnlyList<OmittedCovariateJson> NotAdjustedFor,
    HazardRatioJson? Unadjusted,
    ShrunkenHazardRatioJson? Shrunken,
    double RmstDifference, double RmstDifferenceSe, double RmstDifferenceLower, double RmstDifferenceUpper,
    string Verdict, string Sentence,
    KaplanMeierJson KaplanMeierByArm);

internal sealed record ArmCountJson(string Arm, int N, int Events);

internal sealed record OmittedCovariateJson(string Covariate, string Reason);

internal sealed record HazardRatioJson(double Hr, double HrLower, double HrUpper, double P);

internal sealed record ShrunkenHazardRatioJson(double Hr, double HrLower, double HrUpper);

/// <summary>
/// The subgroup × treatment test (<c>test</c> "likelihood_ratio", or "robust_wald" for weighted models; statistic, df,
/// p: null when no test was possible), the covariates
/// both models were adjusted for besides subgroup and treatment (those left out in <c>not_adjusted_for</c>), and the
/// subgroups whose patients it used (those with an estimable effect).
/// </summary>
internal sealed record InteractionTestJson(double Statistic, int Df, double P,
    IReadOnlyList<string> AdjustedFor, IReadOnlyList<OmittedCovariateJson> NotAdjustedFor, IReadOnlyList<string> Subgroups,
    string Test = "likelihood_ratio");

/// <summary>
/// The normal–normal random-effects model on the subgroups' adjusted log hazard ratios: <c>method</c> ("REML"),
/// between-subgroup variance <c>tau2</c>, and the pooled hazard ratio with its 95% CI (the centre the subgroup
/// estimates are shrunk toward).
/// </summary>
internal sealed record ShrinkageJson(string Method, double Tau2, double MeanHr, double MeanHrLower, double MeanHrUpper, IReadOnlyList<string> Subgroups);

/// <summary>A sentence whose counts are slots: <c>text</c> (small counts printed "&lt;k"), the <c>template</c> and the exact counts.</summary>
internal sealed record CountedTextJson(string Text, string Template, IReadOnlyList<TextCountJson> Counts);

/// <summary>One count of a sentence: its value, what it counts ("patients", "events", "rows", "subgroup_size", "subgroup_events") and the subgroup.</summary>
internal sealed record TextCountJson(int Value, string Of, string? Subgroup);
