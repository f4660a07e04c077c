namespace Stratify.Data;

/// <summary>The unit a survival time is measured in; reports print it ("median 310 days").</summary>
public enum TimeUnit
{
    Days,
    Weeks,
    Months,
    Years,
}

/// <summary>
/// How the event column is coded. <see cref="Auto"/> recognises booleans (true = event), 0/1 (1 = event) and
/// R's 1/2 (1 = censored, 2 = event); anything else must be declared with explicit event and censored values.
/// </summary>
public enum EventCoding
{
    Auto,
    ZeroOne,
    /// <summary>R's Surv(time, status) convention for 1/2 status: 1 = censored, 2 = event.</summary>
    OneTwo,
    Boolean,
    Declared,
}

/// <summary>A covariate's role: a number, a category with a reference level, or ordered levels.</summary>
public enum CovariateKind
{
    Numeric,
    Categorical,
    Ordinal,
}

/// <summary>
/// One covariate of the study: its column, kind, and for a categorical the reference level (null = first level in
/// sorted order, as R's factor does), for an ordinal the level order (null = sorted order).
/// </summary>
public sealed record CovariateSpec(string Column, CovariateKind Kind, string? Reference = null, IReadOnlyList<string>? Levels = null);

/// <summary>
/// The roles of a cohort's columns for an analysis, from a YAML study spec or the CLI's flags (one binding serves
/// both). Paths in <see cref="Data"/> are absolute once read (relative ones are taken from the spec's folder).
/// </summary>
public sealed record StudySpec
{
    public string? Title { get; init; }
    /// <summary>The endpoint in words for reports, e.g. "recurrence-free survival" (default "survival").</summary>
    public string? Endpoint { get; init; }
    public IReadOnlyList<string> Data { get; init; } = [];
    public string? Id { get; init; }
    public string? Time { get; init; }
    /// <summary>
    /// Delayed entry (left truncation): the column of the time each patient came under observation (numeric, finite,
    /// ≥ 0, before <see cref="Time"/>); the patient is at risk from entry to time only, as R's <c>Surv(entry, time,
    /// event)</c>. One row per patient. Null = at risk from time 0.
    /// </summary>
    public string? Entry { get; init; }
    /// <summary>
    /// Long-format data with time-varying covariates: the column of each row's interval start, with <see cref="Time"/>
    /// the interval's stop (spec key <c>stop:</c>) and <see cref="Id"/> the patient (several rows per patient), as
    /// R's <c>Surv(start, stop, event)</c> with <c>cluster = id</c>. Null = one row per patient.
    /// </summary>
    public string? Start { get; init; }
    public TimeUnit TimeUnit { get; init; } = TimeUnit.Days;
    public string? Event { get; init; }
    public EventCoding EventCoding { get; init; } = EventCoding.Auto;
    /// <summary>Values of the event column that mean "event" (declared coding).</summary>
    public IReadOnlyList<string> EventValues { get; init; } = [];
    /// <summary>Values of the event column that mean "censored" (declared coding; optional when one other value exists).</summary>
    public IReadOnlyList<string> CensoredValues { get; init; } = [];
    /// <summary>
    /// Competing risks: the value of the event column that is the event of interest (e.g. "relapse"). With it the
    /// event column holds causes: <see cref="CensoredValues"/> (default "0") mean censored, <see cref="Competing"/>
    /// the competing causes; null = an ordinary two-state event column.
    /// </summary>
    public string? EventOfInterest { get; init; }
    /// <summary>Competing risks: the values of the competing causes (e.g. "death"); empty = every value that is neither censored nor the event of interest.</summary>
    public IReadOnlyList<string> Competing { get; init; } = [];
    public string? Treatment { get; init; }
    public string? TreatmentReference { get; init; }
    public IReadOnlyList<CovariateSpec> Covariates { get; init; } = [];
    public IReadOnlyList<string> Strata { get; init; } = [];
    /// <summary>Cluster column for robust (sandwich) variances: patients of one cluster are not independent.</summary>
    public string? Cluster { get; init; }
    /// <summary>
    /// Case-weight column (numeric, finite, ≥ 0) for Kaplan–Meier, log-rank and Cox, as R's <c>weights =</c>
    /// argument; null = every patient weighs 1.
    /// </summary>
    public string? Weight { get; init; }
    /// <summary>An existing grouping column (describe's Table 1 columns, km and log-rank groups).</summary>
    public string? Group { get; init; }
    /// <summary>How subgroups are found (stratify run); null = the spec names no subgroup route.</summary>
    public SubgroupSpec? Subgroups { get; init; }
    /// <summary>Times at which survival is reported (km --at, the run's landmark table).</summary>
    public IReadOnlyList<double> Landmarks { get; init; } = [];
    /// <summary>Horizon τ of the restricted mean survival time (and of the RMST difference between arms).</summary>
    public double? RmstHorizon { get; init; }
    public ValidationSpec Validation { get; init; } = new();
    public string? Output { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Counts below this are shown as "&lt;N" and no curve is drawn for smaller groups.</summary>
    public int SmallCellThreshold { get; init; } = 5;
    /// <summary>The spec file this came from, for messages (null when built from CLI flags).</summary>
    public string? SourceFile { get; init; }

    /// <summary>
    /// Every column the spec gives a role: id, time (the stop of start/stop rows), entry or start, event, treatment,
    /// group, strata, cluster, weight, covariates, and the subgroups' features or column. The one place that says which columns an analysis reads: the reader skips
    /// all others (a new role must be added here).
    /// </summary>
    public IReadOnlySet<string> UsedColumns()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        void Use(string? column) { if (column is not null) used.Add(column); }
        Use(Id); Use(Time); Use(Event); Use(Treatment); Use(Group); Use(Cluster); Use(Weight);
        Use(Entry); Use(Start);
        foreach (var s in Strata) Use(s);
        foreach (var c in Covariates) Use(c.Column);
        Use(Subgroups?.Column);
        foreach (var f in Subgroups?.Features ?? []) Use(f.Column);
        return used;
    }
    /// <summary>How the treatment was assigned (required by `stratify run` when a treatment is declared).</summary>
    public StudyDesign? Design { get; init; }
    /// <summary>
    /// Significance level of the subgroup × treatment interaction test: per-subgroup verdicts are given only when its
    /// p is below this (default 0.05).
    /// </summary>
    public double InteractionAlpha { get; init; } = 0.05;
    /// <summary>Fewest events in each arm for a treatment estimate in a subgroup (default 5).</summary>
    public int MinEventsPerArm { get; init; } = 5;
    /// <summary>
    /// Propensity weighting of the treatment estimates (spec key <c>weights:</c>); null = the design's default:
    /// inverse-probability-of-treatment weights for an observational design, none for a randomised one.
    /// </summary>
    public TreatmentWeightingSpec? TreatmentWeighting { get; init; }
}

/// <summary>How treatment estimates are weighted: not at all, or by stabilised inverse-probability-of-treatment weights.</summary>
public enum TreatmentWeightingMethod
{
    None,
    /// <summary>Stabilised inverse-probability-of-treatment weights from a logistic propensity model on the covariates.</summary>
    Iptw,
}

/// <summary>The <c>weights:</c> key: the method and, for IPTW, the optional truncation quantile (0.01: weights clipped to their 1st–99th percentiles).</summary>
public sealed record TreatmentWeightingSpec(TreatmentWeightingMethod Method, double? Trim = null);

/// <summary>
/// How the treatment was assigned. <see cref="Randomised"/>: by chance, in a randomised trial, so the arms differ only
/// by chance and a difference in outcome can be read as an effect of the treatment. <see cref="Observational"/>: by
/// clinicians or patients (a registry, a tumour bank, a cohort), so treated and untreated patients may differ in ways
/// that also affect outcome, and a difference is an association, not a proof of effect.
/// </summary>
public enum StudyDesign
{
    Randomised,
    Observational,
}

/// <summary>The route to subgroups: a clustering method, a survival tree, or an existing grouping column.</summary>
public enum SubgroupMethod
{
    KMedoids,
    KMeans,
    GaussianMixture,
    Hierarchical,
    SurvivalTree,
    Column,
    /// <summary>An interaction tree: leaves differ in the treatment's effect (Su et al. 2008).</summary>
    InteractionTree,
    /// <summary>Bands of a continuous marker, with the STEPP analysis of the effect along it (Bonetti &amp; Gelber 2004).</summary>
    Stepp,
}

/// <summary>
/// How `stratify run` finds subgroups: the method, the clustering features (with their kinds), k fixed
/// (KMin = KMax) or chosen over a range, bootstrap replicates for stability (0 = none), tree limits, or the
/// existing column whose levels are the subgroups.
/// </summary>
public sealed record SubgroupSpec
{
    public SubgroupMethod Method { get; init; } = SubgroupMethod.KMedoids;
    public string? Column { get; init; }
    public IReadOnlyList<CovariateSpec> Features { get; init; } = [];
    public int KMin { get; init; } = 2;
    public int KMax { get; init; } = 6;
    public int Bootstrap { get; init; } = 50;
    public int MinNodeSize { get; init; } = 30;
    public int MaxDepth { get; init; } = 3;
    /// <summary>STEPP: the continuous marker (read as a numeric feature; a patient without it gets no band).</summary>
    public string? Marker { get; init; }
    /// <summary>STEPP: patients per window (n2); null = a fifth of the patients.</summary>
    public int? WindowPatients { get; init; }
    /// <summary>STEPP: the most patients consecutive windows share (n1); null = two thirds of a window.</summary>
    public int? WindowOverlap { get; init; }
    /// <summary>STEPP in a run: the subgroups are this many bands of the marker of about equal size.</summary>
    public int Bands { get; init; } = 3;
    /// <summary>STEPP: permutations of the heterogeneity test.</summary>
    public int Permutations { get; init; } = 1000;
    /// <summary>How a missing feature value is handled when finding subgroups (<c>missing:</c>; default impute).</summary>
    public MissingPolicy Missing { get; init; } = MissingPolicy.Impute;
    /// <summary>Per-feature overrides of <see cref="Missing"/> (column → policy).</summary>
    public IReadOnlyDictionary<string, MissingPolicy> MissingByFeature { get; init; } = new Dictionary<string, MissingPolicy>();

    /// <summary>The policy for one feature: its override, else <see cref="Missing"/>; STEPP's marker is always complete-case.</summary>
    public MissingPolicy MissingFor(string column) =>
        Method == SubgroupMethod.Stepp && column == Marker ? MissingPolicy.CompleteCase
        : MissingByFeature.TryGetValue(column, out var policy) ? policy : Missing;
}

/// <summary>
/// What to do with a patient who lacks a value of a subgroup feature. A missing feature never removes a patient from
/// the overall analyses (Table 1 by arm, the overall treatment effect): the policy decides only how subgroups are
/// found and who gets one, and every output states the counts.
/// </summary>
public enum MissingPolicy
{
    /// <summary>Fill the value: the median of the observed values (numeric), the most frequent level (categorical; the
    /// lowest on ties) or the median rank rounded half to even (ordinal), computed on the patients that find the
    /// subgroups. The default.</summary>
    Impute,
    /// <summary>Fill as <see cref="Impute"/> and add a 0/1 feature "name (missing)" (the missing-indicator method), so
    /// that lacking the value can itself set patients apart.</summary>
    Indicator,
    /// <summary>Patients lacking the feature get no subgroup (they are counted, and stay in the overall analyses).</summary>
    CompleteCase,
    /// <summary>Keep the gap: Gower's dissimilarity leaves the feature out of that pair's average, as <c>cluster::daisy</c>
    /// does. Only for k-medoids (Gower); coordinate methods and the survival tree need a value.</summary>
    Pairwise,
}

/// <summary>Discovery and estimation on the same patients (none: p-values exploratory) or on a random split.</summary>
public enum ValidationMode
{
    None,
    Split,
}

/// <summary>validation: split discovers subgroups on a fraction of patients and estimates effects on the rest.</summary>
public sealed record ValidationSpec
{
    public ValidationMode Mode { get; init; } = ValidationMode.None;
    /// <summary>Fraction of patients used for discovery.</summary>
    public double Fraction { get; init; } = 0.5;
    public int? Seed { get; init; }
}
