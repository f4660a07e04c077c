namespace Stratify.Data;

/// <summary>
/// A categorical variable bound for analysis: every row has a level (rows missing it were dropped), levels in
/// their analysis order, and the reference level's index (treatment coding contrasts against it).
/// </summary>
public sealed record Factor(string Name, int[] Codes, string[] Levels, int Reference = 0)
{
    public int LevelCount => Levels.Length;

    public int[] Counts()
    {
        var counts = new int[Levels.Length];
        foreach (int c in Codes) counts[c]++;
        return counts;
    }

    public string LevelOf(int row) => Levels[Codes[row]];
}

/// <summary>
/// A covariate bound for analysis: <see cref="Values"/> for a numeric one, <see cref="Factor"/> for a categorical
/// or ordinal one (an ordinal's codes are its ranks in the declared order).
/// </summary>
public sealed record BoundCovariate(CovariateSpec Spec, double[]? Values, Factor? Factor)
{
    public string Name => Spec.Column;
    public CovariateKind Kind => Spec.Kind;
}

/// <summary>How many analysed rows a column's missing values removed.</summary>
public sealed record DroppedRows(string Column, int Rows);

/// <summary>
/// A cohort bound to a study spec and validated: the rows kept for analysis (complete in every used column) and,
/// as contiguous arrays over those rows, the survival time, event indicator, treatment, grouping, strata and
/// covariates. Clustering features keep their missing values (the clustering layer drops or imputes and says so).
/// </summary>
public sealed class BoundStudy
{
    public required StudySpec Spec { get; init; }
    public required Cohort Cohort { get; init; }
    /// <summary>Indices (0-based) into the cohort of the rows kept for analysis, in file order.</summary>
    public required int[] Rows { get; init; }
    public int RowsRead => Cohort.RowCount;
    public int RowCount => Rows.Length;
    public double[]? Time { get; init; }
    public bool[]? Event { get; init; }
    /// <summary>The event coding as applied, in words ("0 = censored, 1 = event").</summary>
    public string? EventCodingText { get; init; }
    /// <summary>
    /// Competing risks (the spec names an event of interest): the cause of every analysed row; then
    /// <see cref="Event"/> is true for the event of interest only. Null for an ordinary two-state event column.
    /// </summary>
    public CompetingCauses? Causes { get; init; }
    public Factor? Treatment { get; init; }
    public Factor? Group { get; init; }
    /// <summary>The existing column whose levels are the subgroups (subgroups: method: column).</summary>
    public Factor? SubgroupColumn { get; init; }
    /// <summary>All strata columns combined into one factor ("inst=3, sex=1").</summary>
    public Factor? Strata { get; init; }
    public IReadOnlyList<BoundCovariate> Covariates { get; init; } = [];
    /// <summary>Cluster id per analysed row (0-based codes), for robust variances; null when none is named.</summary>
    public int[]? Cluster { get; init; }
    public IReadOnlyList<Column> Features { get; init; } = [];
    public Column? IdColumn { get; init; }
    /// <summary>Rows dropped for a missing value, per column (a row missing two columns counts in both).</summary>
    public IReadOnlyList<DroppedRows> Dropped { get; init; } = [];
    public int RowsDropped => RowsRead - RowCount;

    /// <summary>The patient id of an analysed row (its row number in the file when the spec names no id).</summary>
    public string PatientId(int row) => IdColumn?.Format(Rows[row]) ?? (Rows[row] + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int EventCount
    {
        get
        {
            if (Event is null) return 0;
            int e = 0;
            foreach (bool b in Event) if (b) e++;
            return e;
        }
    }
}
