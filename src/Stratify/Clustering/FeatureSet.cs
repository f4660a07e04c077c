using Stratify.Data;

namespace Stratify.Clustering;

/// <summary>How a feature enters a dissimilarity or a coordinate matrix.</summary>
public enum FeatureRole
{
    /// <summary>Interval scaled: Gower |x−y|/range; coordinates: the value, scaled.</summary>
    Numeric,
    /// <summary>Nominal: Gower 0 when equal, 1 otherwise; coordinates: one 0/1 column per level.</summary>
    Categorical,
    /// <summary>Ordered levels: coded by rank 1..L in level order; Gower range-normalised rank difference (as daisy's "O").</summary>
    Ordinal,
}

/// <summary>What to do with a patient who lacks a value of some feature.</summary>
public enum MissingPolicy
{
    /// <summary>Keep the patient; Gower drops the feature from that pair's weighted average (as daisy). Coordinate methods refuse it.</summary>
    Pairwise,
    /// <summary>Drop every patient with a missing value in any feature (complete cases).</summary>
    DropRows,
    /// <summary>Replace a missing numeric value by the median and a missing level by the mode (ordinal: median rank),
    /// and add a 0/1 indicator feature "name (missing)" for each feature that had missing values.</summary>
    Impute,
}

/// <summary>How numeric columns are scaled for coordinate methods (k-means, mixtures, Ward).</summary>
public enum FeatureScaling
{
    None,
    /// <summary>(x − mean) / SD (SD with n − 1).</summary>
    Standardise,
    /// <summary>(x − median) / IQR (type-7 quartiles, as R's IQR); an IQR of 0 falls back to the SD, then to 1.</summary>
    Robust,
}

/// <summary>One feature requested from a cohort column.</summary>
/// <param name="Column">The cohort column name.</param>
/// <param name="Role">Numeric, categorical or ordinal.</param>
/// <param name="Weight">Weight in the Gower average (daisy's <c>weights</c>); for coordinates the column is multiplied by √weight,
/// so the weight multiplies its share of the squared Euclidean distance.</param>
/// <param name="LevelOrder">For an ordinal: the levels from lowest to highest (text as the file shows it). Default: the
/// column's level order (numbers by value).</param>
public sealed record FeatureSpec(string Column, FeatureRole Role, double Weight = 1.0, IReadOnlyList<string>? LevelOrder = null);

/// <summary>One feature of a <see cref="FeatureSet"/>: values per retained patient (NaN = missing).
/// Categorical and ordinal features hold the 1-based level code as a double (R's <c>data.matrix</c> codes).</summary>
public sealed record Feature(string Name, FeatureRole Role, double Weight, double[] Values, string[]? Levels, bool IsMissingIndicator = false)
{
    public bool HasMissing
    {
        get
        {
            foreach (double v in Values) if (double.IsNaN(v)) return true;
            return false;
        }
    }
}

/// <summary>What the missing-value policy did: rows dropped, values imputed per feature, indicator features added.</summary>
public sealed record MissingValueReport(MissingPolicy Policy, int RowsInCohort, int RowsDropped, IReadOnlyDictionary<string, int> MissingPerFeature,
    IReadOnlyDictionary<string, int> ImputedPerFeature)
{
    /// <summary>Under <see cref="MissingPolicy.Impute"/>: the value put in place of a missing one, per imputed feature (a level code for a categorical or ordinal feature).</summary>
    public IReadOnlyDictionary<string, double> Fill { get; init; } = new Dictionary<string, double>();
}

/// <summary>
/// How one coordinate column is made from a feature (<see cref="FeatureSet.ToCoordinates"/>): a numeric or ordinal
/// feature as (x − <paramref name="Center"/>) / <paramref name="Scale"/> × <paramref name="Root"/>; a categorical one
/// as one column per level, <paramref name="Root"/> where the level code equals <paramref name="Level"/> (1-based) and 0
/// elsewhere. <paramref name="Root"/> is √weight. <paramref name="Feature"/> indexes the feature set's features.
/// </summary>
public sealed record CoordinateColumn(int Feature, int Level, double Center, double Scale, double Root)
{
    /// <summary>The column's value for a feature value (a number, or a 1-based level code).</summary>
    public double Value(double x) => Level > 0 ? (x == Level ? Root : 0) : (x - Center) / Scale * Root;
}

/// <summary>Coordinates for Euclidean methods: row-major n × p.</summary>
public sealed record CoordinateMatrix(double[] Data, int Rows, int Columns, string[] ColumnNames)
{
    /// <summary>How each column was made from the features (set by <see cref="FeatureSet.ToCoordinates"/>), so that a new patient can be placed in the same space.</summary>
    public IReadOnlyList<CoordinateColumn>? Definitions { get; init; }

    public ReadOnlySpan<double> Row(int i) => new(Data, i * Columns, Columns);
    public double this[int i, int j] => Data[i * Columns + j];
}

/// <summary>
/// The features a clustering uses, bound from cohort columns with a role and weight each, after the missing-value
/// policy. <see cref="SourceRows"/> maps each retained patient back to its cohort row.
/// <example><code>
/// var cohort = CsvCohortReader.Read("datasets/lung.csv");
/// var features = FeatureSet.FromCohort(cohort, [
///     new("age", FeatureRole.Numeric), new("sex", FeatureRole.Categorical),
///     new("ph.ecog", FeatureRole.Ordinal), new("wt.loss", FeatureRole.Numeric)]);
/// var gower = GowerDissimilarity.Compute(features);
/// </code></example>
/// </summary>
public sealed class FeatureSet
{
    public FeatureSet(IReadOnlyList<Feature> features, int[] sourceRows, MissingValueReport missing)
    {
        if (features.Count == 0) throw new StratifyInputException("a clustering needs at least one feature");
        foreach (var f in features)
            if (f.Values.Length != sourceRows.Length) throw new ArgumentException($"feature {f.Name} has {f.Values.Length} values, expected {sourceRows.Length}");
        Features = features;
        SourceRows = sourceRows;
        Missing = missing;
    }

    public IReadOnlyList<Feature> Features { get; }
    public int[] SourceRows { get; }
    public int RowCount => SourceRows.Length;
    public MissingValueReport Missing { get; }

    /// <summary>Builds features from cohort columns, applying <paramref name="missing"/>.</summary>
    public static FeatureSet FromCohort(Cohort cohort, IReadOnlyList<FeatureSpec> specs, MissingPolicy missing = MissingPolicy.Pairwise)
    {
        if (specs.Count == 0) throw new StratifyInputException("a clustering needs at least one feature", cohort.Source);
        int n = cohort.RowCount;
        var raw = new List<Feature>(specs.Count);
        foreach (var spec in specs)
        {
            if (!(spec.Weight >= 0) || double.IsInfinity(spec.Weight))
                throw new StratifyInputException("a feature weight must be a finite number ≥ 0", cohort.Source, spec.Column, value: spec.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture));
            raw.Add(Bind(cohort, spec));
        }
        var missingCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in raw) missingCounts[f.Name] = CountMissing(f.Values);
        var imputed = new Dictionary<string, int>(StringComparer.Ordinal);

        switch (missing)
        {
            case MissingPolicy.Pairwise:
                return new FeatureSet(raw, Enumerable.Range(0, n).ToArray(), new(missing, n, 0, missingCounts, imputed));
            case MissingPolicy.DropRows:
            {
                var keep = new List<int>(n);
                for (int i = 0; i < n; i++)
                {
                    bool complete = true;
                    foreach (var f in raw) if (double.IsNaN(f.Values[i])) { complete = false; break; }
                    if (complete) keep.Add(i);
                }
                if (keep.Count == 0) throw new StratifyInputException("no patient has all the clustering features", cohort.Source);
                var rows = keep.ToArray();
                var kept = raw.Select(f => f with { Values = RowSelection.Pick(f.Values, rows) }).ToList();
                return new FeatureSet(kept, rows, new(missing, n, n - rows.Length, missingCounts, imputed));
            }
            default:
            {
                var result = new List<Feature>(raw.Count * 2);
                var indicators = new List<Feature>();
                var fills = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var f in raw)
                {
                    int count = missingCounts[f.Name];
                    if (count == 0) { result.Add(f); continue; }
                    if (count == n) throw new StratifyInputException("every value is missing: nothing to impute from", cohort.Source, f.Name);
                    double fill = f.Role == FeatureRole.Categorical ? Mode(f.Values) : Quantiles.Median(f.Values);
                    if (f.Role == FeatureRole.Ordinal) fill = Math.Round(fill, MidpointRounding.ToEven);
                    var values = (double[])f.Values.Clone();
                    var indicator = new double[n];
                    for (int i = 0; i < n; i++)
                        if (double.IsNaN(values[i])) { values[i] = fill; indicator[i] = 1; }
                    result.Add(f with { Values = values });
                    indicators.Add(new Feature(f.Name + " (missing)", FeatureRole.Categorical, f.Weight, Recode01(indicator), ["0", "1"], IsMissingIndicator: true));
                    imputed[f.Name] = count;
                    fills[f.Name] = fill;
                }
                result.AddRange(indicators);
                return new FeatureSet(result, Enumerable.Range(0, n).ToArray(), new(missing, n, 0, missingCounts, imputed) { Fill = fills });
            }
        }
    }

    /// <summary>
    /// Coordinates for Euclidean methods: numeric and ordinal (rank code) columns scaled by <paramref name="scaling"/>,
    /// categorical features one-hot (one 0/1 column per level, not scaled), each column multiplied by √weight.
    /// Refuses missing values: build the set with <see cref="MissingPolicy.DropRows"/> or <see cref="MissingPolicy.Impute"/>.
    /// </summary>
    public CoordinateMatrix ToCoordinates(FeatureScaling scaling = FeatureScaling.Standardise)
    {
        var columns = new List<double[]>();
        var names = new List<string>();
        var definitions = new List<CoordinateColumn>();
        int n = RowCount;
        for (int index = 0; index < Features.Count; index++)
        {
            var f = Features[index];
            if (f.HasMissing)
                throw new StratifyInputException("coordinate methods need complete data: use the drop-rows or impute missing-value policy", column: f.Name);
            double root = Math.Sqrt(f.Weight);
            if (f.Role == FeatureRole.Categorical)
            {
                for (int level = 1; level <= f.Levels!.Length; level++)
                {
                    var definition = new CoordinateColumn(index, level, 0, 1, root);
                    var column = new double[n];
                    for (int i = 0; i < n; i++) column[i] = definition.Value(f.Values[i]);
                    columns.Add(column);
                    names.Add($"{f.Name}={f.Levels[level - 1]}");
                    definitions.Add(definition);
                }
                continue;
            }
            var (center, scale) = Scaling(f.Values, scaling);
            var numeric = new CoordinateColumn(index, 0, center, scale, root);
            var scaled = new double[n];
            for (int i = 0; i < n; i++) scaled[i] = numeric.Value(f.Values[i]);
            columns.Add(scaled);
            names.Add(f.Name);
            definitions.Add(numeric);
        }
        int p = columns.Count;
        var data = new double[n * p];
        for (int j = 0; j < p; j++)
        {
            var column = columns[j];
            for (int i = 0; i < n; i++) data[i * p + j] = column[i];
        }
        return new CoordinateMatrix(data, n, p, names.ToArray()) { Definitions = definitions };
    }

    private static (double Center, double Scale) Scaling(double[] values, FeatureScaling scaling)
    {
        switch (scaling)
        {
            case FeatureScaling.None: return (0, 1);
            case FeatureScaling.Standardise:
            {
                double mean = 0;
                foreach (double v in values) mean += v;
                mean /= values.Length;
                double ss = 0;
                foreach (double v in values) ss += (v - mean) * (v - mean);
                double sd = values.Length > 1 ? Math.Sqrt(ss / (values.Length - 1)) : 0;
                return (mean, sd > 0 ? sd : 1);
            }
            default:
            {
                double median = Quantiles.Median(values);
                double iqr = Quantiles.Type7(values, 0.75) - Quantiles.Type7(values, 0.25);
                if (iqr > 0) return (median, iqr);
                var (_, sd) = Scaling(values, FeatureScaling.Standardise);
                return (median, sd);
            }
        }
    }

    private static Feature Bind(Cohort cohort, FeatureSpec spec)
    {
        var column = cohort[spec.Column];
        int n = column.Length;
        var values = new double[n];
        switch (spec.Role)
        {
            case FeatureRole.Numeric:
                if (column is not NumericColumn numeric)
                    throw new StratifyInputException("a numeric feature needs a numeric column; declare it categorical or ordinal", cohort.Source, spec.Column);
                for (int i = 0; i < n; i++) values[i] = numeric.IsMissing(i) ? double.NaN : numeric.Values[i];
                return new Feature(spec.Column, spec.Role, spec.Weight, values, null);
            default:
            {
                string[] labels = new string[n];
                for (int i = 0; i < n; i++) labels[i] = column.IsMissing(i) ? "" : column.Format(i);
                string[] levels;
                if (spec.LevelOrder is { Count: > 0 } order) levels = order.ToArray();
                else
                {
                    var distinct = new SortedSet<string>(Comparer<string>.Create(LevelOrder.Compare));
                    for (int i = 0; i < n; i++) if (!column.IsMissing(i)) distinct.Add(labels[i]);
                    levels = distinct.ToArray();
                }
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int l = 0; l < levels.Length; l++) index[levels[l]] = l + 1;
                for (int i = 0; i < n; i++)
                {
                    if (column.IsMissing(i)) { values[i] = double.NaN; continue; }
                    if (!index.TryGetValue(labels[i], out int code))
                        throw new StratifyInputException("value is not one of the declared levels", cohort.Source, spec.Column, i + 1, labels[i],
                            suggestion: "Declared levels: " + string.Join(", ", levels));
                    values[i] = code;
                }
                return new Feature(spec.Column, spec.Role, spec.Weight, values, levels);
            }
        }
    }

    private static int CountMissing(double[] values)
    {
        int count = 0;
        foreach (double v in values) if (double.IsNaN(v)) count++;
        return count;
    }

    private static double[] Recode01(double[] indicator)
    {
        for (int i = 0; i < indicator.Length; i++) indicator[i] += 1; // level codes are 1-based: "0" → 1, "1" → 2
        return indicator;
    }

    /// <summary>The most frequent code (the lowest on ties).</summary>
    private static double Mode(double[] codes)
    {
        var counts = new Dictionary<double, int>();
        foreach (double v in codes) if (!double.IsNaN(v)) counts[v] = counts.GetValueOrDefault(v) + 1;
        double best = double.NaN;
        int bestCount = -1;
        foreach (var (value, count) in counts.OrderBy(kv => kv.Key))
            if (count > bestCount) { best = value; bestCount = count; }
        return best;
    }
}

/// <summary>Sample quantiles ignoring NaN (R's default type 7).</summary>
internal static class Quantiles
{
    public static double Median(double[] values) => Type7(values, 0.5);

    public static double Type7(double[] values, double p)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        if (sorted.Length == 0) return double.NaN;
        Array.Sort(sorted);
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
