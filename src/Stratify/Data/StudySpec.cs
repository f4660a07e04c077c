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
    public TimeUnit TimeUnit { get; init; } = TimeUnit.Days;
    public string? Event { get; init; }
    public EventCoding EventCoding { get; init; } = EventCoding.Auto;
    /// <summary>Values of the event column that mean "event" (declared coding).</summary>
    public IReadOnlyList<string> EventValues { get; init; } = [];
    /// <summary>Values of the event column that mean "censored" (declared coding; optional when one other value exists).</summary>
    public IReadOnlyList<string> CensoredValues { get; init; } = [];
    public string? Treatment { get; init; }
    public string? TreatmentReference { get; init; }
    public IReadOnlyList<CovariateSpec> Covariates { get; init; } = [];
    public IReadOnlyList<string> Strata { get; init; } = [];
    /// <summary>Cluster column for robust (sandwich) variances: patients of one cluster are not independent.</summary>
    public string? Cluster { get; init; }
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
    /// <summary>Interaction tree: fewest events in each arm of each child of a split.</summary>
    public int MinEventsPerArm { get; init; } = 5;
    /// <summary>STEPP: the continuous marker (bound as a numeric feature).</summary>
    public string? Marker { get; init; }
    /// <summary>STEPP: patients per window (n2); null = a fifth of the patients.</summary>
    public int? WindowPatients { get; init; }
    /// <summary>STEPP: the most patients consecutive windows share (n1); null = two thirds of a window.</summary>
    public int? WindowOverlap { get; init; }
    /// <summary>STEPP in a run: the subgroups are this many bands of the marker of about equal size.</summary>
    public int Bands { get; init; } = 3;
    /// <summary>STEPP: permutations of the heterogeneity test.</summary>
    public int Permutations { get; init; } = 1000;

    /// <summary>Trees and STEPP use complete feature values, so their features are bound as covariates (rows missing one are dropped, counted).</summary>
    public bool BindsFeatures => Method is SubgroupMethod.SurvivalTree or SubgroupMethod.InteractionTree or SubgroupMethod.Stepp;
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
