namespace Stratify.Data;

/// <summary>
/// A categorical variable bound for analysis: a level code per row, levels in their analysis order, and the
/// reference level's index (treatment coding contrasts against it). Roles that need every row complete (treatment,
/// covariates, strata) have no missing rows; a subgroup feature or a subgroup assignment may have the code −1 (missing,
/// or no subgroup).
/// </summary>
public sealed record Factor(string Name, int[] Codes, string[] Levels, int Reference = 0)
{
    public int LevelCount => Levels.Length;

    /// <summary>Rows per level (rows with the code −1 not counted).</summary>
    public int[] Counts()
    {
        var counts = new int[Levels.Length];
        foreach (int c in Codes) if (c >= 0) counts[c]++;
        return counts;
    }

    public string LevelOf(int row) => Levels[Codes[row]];

    /// <summary>The same factor on a subset (or reordering) of its rows.</summary>
    public Factor Select(int[] rows) => this with { Codes = RowSelection.Pick(Codes, rows) };
}

/// <summary>
/// A variable bound for analysis (a covariate, a subgroup feature, a column a Table 1 describes): <see cref="Values"/>
/// for a numeric one, <see cref="Factor"/> for a categorical or ordinal one (an ordinal's codes are its ranks in the
/// declared order). A covariate has no missing value; a feature keeps its missing values as NaN (numeric) or the
/// code −1 (factor).
/// </summary>
public sealed record BoundCovariate(CovariateSpec Spec, double[]? Values, Factor? Factor)
{
    public string Name => Spec.Column;
    public CovariateKind Kind => Spec.Kind;
    public int Length => Values?.Length ?? Factor!.Codes.Length;

    /// <summary>Whether row <paramref name="row"/> lacks a value.</summary>
    public bool IsMissing(int row) => Values is not null ? double.IsNaN(Values[row]) : Factor!.Codes[row] < 0;

    /// <summary>How many rows lack a value.</summary>
    public int MissingCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Length; i++) if (IsMissing(i)) count++;
            return count;
        }
    }

    /// <summary>The same variable on a subset (or reordering) of its rows.</summary>
    public BoundCovariate Select(int[] rows) =>
        Values is not null ? this with { Values = RowSelection.Pick(Values, rows) } : this with { Factor = Factor!.Select(rows) };
}

/// <summary>How many analysed rows a column's missing values removed.</summary>
public sealed record DroppedRows(string Column, int Rows);

/// <summary>
/// A cohort bound to a study spec and validated: the rows kept for analysis (complete in every used column) and,
/// as contiguous arrays over those rows, the survival time, event indicator, treatment, grouping, strata and
/// covariates; and the subgroup features over the same rows, their missing values kept (a feature never removes a
/// patient: the subgroup finder applies the spec's <c>missing:</c> policy and says what it did).
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
    /// <summary>
    /// Case weight per analysed row (finite, ≥ 0; the spec's <see cref="StudySpec.Weight"/> column), for weighted
    /// Kaplan–Meier, log-rank and Cox; null when the spec names no weight column.
    /// </summary>
    public double[]? Weights { get; init; }
    /// <summary>The subgroup features (spec order) over the analysed rows, missing values kept.</summary>
    public IReadOnlyList<BoundCovariate> Features { get; init; } = [];
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
