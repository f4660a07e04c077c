using Stratify.Data;
using System.Globalization;

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

/// <summary>One feature requested from a cohort column.</summary>
/// <param name="Column">The cohort column name.</param>
/// <param name="Role">Numeric, categorical or ordinal.</param>
/// <param name="Weight">Weight in the Gower average (daisy's <c>weights</c>); for coordinates the column is multiplied by √weight,
/// so the weight multiplies its share of the squared Euclidean distance.</param>
/// <param name="LevelOrder">For an ordinal: the levels from lowest to highest (text as the file shows it). Default: the
/// column's level order (numbers by value).</param>
internal sealed record FeatureSpec(string Column, FeatureRole Role, double Weight = 1.0, IReadOnlyList<string>? LevelOrder = null);

/// <summary>One feature of a <see cref="FeatureSet"/>: values per retained patient (NaN = missing).
/// Categorical and ordinal features hold the 1-based level code as a double (R's <c>data.matrix</c> codes).</summary>
internal sealed record Feature(string Name, FeatureRole Role, double Weight, double[] Values, string[]? Levels, bool IsMissingIndicator = false)
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

/// <summary>What the missing-value policy did to one feature.</summary>
/// <param name="Feature">The feature's column.</param>
/// <param name="Role">How it enters (a numeric feature is filled with its median, a categorical one with its most frequent
/// level, an ordinal one with its median level).</param>
/// <param name="Policy">The policy applied to it.</param>
/// <param name="Missing">Patients lacking it, among those the set was built from.</param>
/// <param name="Imputed">Values filled (impute, indicator), among the patients kept.</param>
/// <param name="Fill">The value filled in, as a level or a number ("7", "1"); null when nothing was filled.</param>
/// <param name="IndicatorAdded">Whether a 0/1 feature "name (missing)" was added.</param>
public sealed record FeatureMissingValues(string Feature, FeatureRole Role, MissingPolicy Policy, int Missing, int Imputed, string? Fill, bool IndicatorAdded);

/// <summary>
/// What the missing-value policies did: per feature (<see cref="Features"/>), and the patients left without a subgroup
/// because they lack a complete-case feature (<see cref="RowsDropped"/> of <see cref="RowsInCohort"/>).
/// </summary>
public sealed record MissingValueReport(int RowsInCohort, int RowsDropped, IReadOnlyList<FeatureMissingValues> Features)
{
    /// <summary>Missing values per feature (every feature, 0 included).</summary>
    public IReadOnlyDictionary<string, int> MissingPerFeature => Features.ToDictionary(f => f.Feature, f => f.Missing, StringComparer.Ordinal);

    /// <summary>Values filled per feature (only features with a fill).</summary>
    public IReadOnlyDictionary<string, int> ImputedPerFeature =>
        Features.Where(f => f.Imputed > 0).ToDictionary(f => f.Feature, f => f.Imputed, StringComparer.Ordinal);

    /// <summary>
    /// What a reader must know, one sentence each: patients left out, values imputed (with the fill), gaps left
    /// pairwise. The counts are slots (<see cref="Data.CountedText"/>), so a report can mask them.
    /// </summary>
    public List<Data.CountedText> Warnings()
    {
        var warnings = new List<Data.CountedText>();
        if (RowsDropped > 0)
            warnings.Add(Data.CountedText.Format($"{Data.TextCount.Rows(RowsDropped)} of {Data.TextCount.Rows(RowsInCohort)} patients left out for a missing complete-case feature"));
        foreach (var f in Features)
        {
            if (f.Imputed > 0)
                warnings.Add(Data.CountedText.Format($"{f.Feature}: {Data.TextCount.Rows(f.Imputed)} missing values imputed ({FillRule(f.Role)}: {f.Fill})")
                    .Append(f.IndicatorAdded ? ", indicator feature added" : ""));
            else if (f.Policy == MissingPolicy.Pairwise && f.Missing > 0)
                warnings.Add(Data.CountedText.Format($"{f.Feature}: {Data.TextCount.Rows(f.Missing)} missing values; Gower leaves the feature out of those patients' pairs"));
        }
        return warnings;
    }

    private static string FillRule(FeatureRole role) => role switch
    {
        FeatureRole.Numeric => "median",
        FeatureRole.Categorical => "most frequent level",
        _ => "median level",
    };
}

/// <summary>
/// How one coordinate column is made from a feature (<see cref="FeatureSet.ToCoordinates"/>): a numeric or ordinal
/// feature as (x − <paramref name="Center"/>) / <paramref name="Scale"/> × <paramref name="Root"/>; a categorical one
/// as one column per level, <paramref name="Root"/> where the level code equals <paramref name="Level"/> (1-based) and 0
/// elsewhere. <paramref name="Root"/> is √weight. <paramref name="Feature"/> indexes the feature set's features.
/// </summary>
internal sealed record CoordinateColumn(int Feature, int Level, double Center, double Scale, double Root)
{
    /// <summary>The column's value for a feature value (a number, or a 1-based level code).</summary>
    public double Value(double x) => Level > 0 ? (x == Level ? Root : 0) : (x - Center) / Scale * Root;
}

/// <summary>Coordinates for Euclidean methods: row-major n × p.</summary>
internal sealed record CoordinateMatrix(double[] Data, int Rows, int Columns, string[] ColumnNames)
{
    /// <summary>How each column was made from the features (set by <see cref="FeatureSet.ToCoordinates"/>), so that a new patient can be placed in the same space.</summary>
    public IReadOnlyList<CoordinateColumn>? Definitions { get; init; }

    public ReadOnlySpan<double> Row(int i) => new(Data, i * Columns, Columns);
    public double this[int i, int j] => Data[i * Columns + j];
}

/// <summary>
/// The features a subgroup finder (clustering or survival tree) uses, built from bound variables
/// (<see cref="StudyBinder"/>: one set of level rules, validation at the boundary) with a role and weight each, after
/// the missing-value policy of each feature (<see cref="MissingPolicy"/>). <see cref="SourceRows"/> maps each retained
/// patient back to the row of the variables it was built from (a complete-case feature can leave some out).
/// <example><code>
/// var study = StudyBinder.Load(StudySpecReader.Read("datasets/lung.yaml"));
/// var features = FeatureSet.From(study.Features, MissingPolicy.Impute);
/// var gower = GowerDissimilarity.Compute(features);
/// </code></example>
/// </summary>
internal sealed class FeatureSet
{
    public FeatureSet(IReadOnlyList<Feature> features, int[] sourceRows, MissingValueReport missing)
    {
        if (features.Count == 0) throw new StratifyInputException("a clustering needs at least one feature");
        foreach (var f in features)
            if (f.Values.Length != sourceRows.Length) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"feature {f.Name} has {f.Values.Length} values, expected {sourceRows.Length}"));
        Features = features;
        SourceRows = sourceRows;
        Missing = missing;
    }

    public IReadOnlyList<Feature> Features { get; }
    public int[] SourceRows { get; }
    public int RowCount => SourceRows.Length;
    public MissingValueReport Missing { get; }

    /// <summary>
    /// Binds cohort columns through <see cref="StudyBinder.BindVariables(Cohort, IReadOnlyList{CovariateSpec}, int[], string)"/>
    /// and builds the set with one <paramref name="missing"/> policy for every feature (a view for callers without a spec;
    /// its default, pairwise, gives Gower dissimilarities exactly as <c>cluster::daisy</c> on the same columns).
    /// </summary>
    public static FeatureSet FromCohort(Cohort cohort, IReadOnlyList<FeatureSpec> specs, MissingPolicy missing = MissingPolicy.Pairwise)
    {
        if (specs.Count == 0) throw new StratifyInputException("a clustering needs at least one feature", cohort.Source);
        foreach (var spec in specs)
            if (!(spec.Weight >= 0) || double.IsInfinity(spec.Weight))
                throw new StratifyInputException("a feature weight must be a finite number ≥ 0", cohort.Source, spec.Column, value: spec.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var bound = StudyBinder.BindVariables(cohort, specs.Select(s => new CovariateSpec(s.Column, s.Role switch
        {
            FeatureRole.Numeric => CovariateKind.Numeric,
            FeatureRole.Categorical => CovariateKind.Categorical,
            _ => CovariateKind.Ordinal,
        }, null, s.LevelOrder is { Count: > 0 } order ? order : null)).ToArray());
        return From(bound, missing, weights: specs.Select(s => s.Weight).ToArray());
    }

    /// <summary>
    /// Builds the set from bound variables (all of the same rows). Each feature follows its policy: its entry in
    /// <paramref name="byFeature"/>, else <paramref name="missing"/>. Fill values (impute, indicator) are computed on
    /// the observed values of <paramref name="fillFrom"/> (rows of the variables; default: every retained row), so that
    /// under a discovery/estimation split the estimation patients play no part in them.
    /// </summary>
    public static FeatureSet From(IReadOnlyList<BoundCovariate> variables, MissingPolicy missing = MissingPolicy.Impute,
        IReadOnlyDictionary<string, MissingPolicy>? byFeature = null, int[]? fillFrom = null, IReadOnlyList<double>? weights = null)
    {
        if (variables.Count == 0) throw new StratifyInputException("a clustering needs at least one feature");
        int n = variables[0].Length;
        var policies = variables.Select(v => byFeature is not null && byFeature.TryGetValue(v.Name, out var p) ? p : missing).ToArray();
        var raw = variables.Select((v, j) => Raw(v, weights?[j] ?? 1.0)).ToArray();

        // Complete-case features decide who is kept; every other policy keeps the patient.
        var keep = new bool[n];
        Array.Fill(keep, true);
        for (int j = 0; j < raw.Length; j++)
            if (policies[j] == MissingPolicy.CompleteCase)
                for (int i = 0; i < n; i++) if (double.IsNaN(raw[j].Values[i])) keep[i] = false;
        var rows = Enumerable.Range(0, n).Where(i => keep[i]).ToArray();
        if (rows.Length == 0)
            throw new StratifyInputException("no patient has every complete-case feature", column: string.Join(", ", variables.Where((_, j) => policies[j] == MissingPolicy.CompleteCase).Select(v => v.Name)),
                suggestion: "Use missing: impute or indicator for the features most often missing.");
        var fillRows = fillFrom?.Where(i => keep[i]).ToArray() ?? rows;

        var result = new List<Feature>(raw.Length * 2);
        var indicators = new List<Feature>();
        var report = new List<FeatureMissingValues>(raw.Length);
        for (int j = 0; j < raw.Length; j++)
        {
            var f = raw[j];
            int missingCount = CountMissing(f.Values);
            var kept = rows.Length == n ? f.Values : RowSelection.Pick(f.Values, rows);
            int gaps = CountMissing(kept);
            if (gaps == 0 || policies[j] is MissingPolicy.CompleteCase or MissingPolicy.Pairwise)
            {
                result.Add(f with { Values = kept });
                report.Add(new FeatureMissingValues(f.Name, f.Role, policies[j], missingCount, 0, null, false));
                continue;
            }
            double fill = FillValue(f, fillRows);
            if (double.IsNaN(fill))
                throw new StratifyInputException("every value is missing: nothing to impute from", column: f.Name,
                    suggestion: "Remove the feature, or check that it was read correctly.");
            var values = (double[])kept.Clone();
            var indicator = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
                if (double.IsNaN(values[i])) { values[i] = fill; indicator[i] = 1; }
            result.Add(f with { Values = values });
            bool addIndicator = policies[j] == MissingPolicy.Indicator;
            if (addIndicator)
                indicators.Add(new Feature(f.Name + " (missing)", FeatureRole.Categorical, f.Weight, Recode01(indicator), ["0", "1"], IsMissingIndicator: true));
            report.Add(new FeatureMissingValues(f.Name, f.Role, policies[j], missingCount, gaps, FillText(f, fill), addIndicator));
        }
        result.AddRange(indicators);
        return new FeatureSet(result, rows, new MissingValueReport(n, n - rows.Length, report));
    }

    /// <summary>The patients at <paramref name="positions"/> of this set (for example the discovery part of a split).</summary>
    public FeatureSet Subset(int[] positions)
    {
        if (positions.Length == RowCount) return this;
        var features = Features.Select(f => f with { Values = RowSelection.Pick(f.Values, positions) }).ToArray();
        return new FeatureSet(features, RowSelection.Pick(SourceRows, positions), Missing);
    }

    /// <summary>A bound variable as a feature: numbers as they are, levels as 1-based codes (R's data.matrix), NaN where missing.</summary>
    private static Feature Raw(BoundCovariate variable, double weight)
    {
        if (variable.Kind == CovariateKind.Numeric)
            return new Feature(variable.Name, FeatureRole.Numeric, weight, variable.Values!, null);
        var factor = variable.Factor!;
        var values = new double[factor.Codes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = factor.Codes[i] < 0 ? double.NaN : factor.Codes[i] + 1;
        return new Feature(variable.Name, variable.Kind == CovariateKind.Categorical ? FeatureRole.Categorical : FeatureRole.Ordinal, weight, values, factor.Levels);
    }

    /// <summary>Median (numeric), mode (categorical; the lowest code on ties) or median rank rounded half to even (ordinal) over the observed values of <paramref name="rows"/>.</summary>
    private static double FillValue(Feature f, int[] rows)
    {
        var observed = RowSelection.Pick(f.Values, rows);
        double fill = f.Role == FeatureRole.Categorical ? Mode(observed) : Quantiles.Median(observed);
        return f.Role == FeatureRole.Ordinal ? Math.Round(fill, MidpointRounding.ToEven) : fill;
    }

    private static string FillText(Feature f, double fill) =>
        f.Levels is { } levels ? levels[(int)fill - 1] : fill.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>
    /// Coordinates for Euclidean methods: numeric and ordinal (rank code) columns scaled by <paramref name="scaling"/>,
    /// categorical features one-hot (one 0/1 column per level, not scaled), each column multiplied by √weight.
    /// Refuses missing values: build the set with <see cref="MissingPolicy.Impute"/>, <see cref="MissingPolicy.Indicator"/> or <see cref="MissingPolicy.CompleteCase"/>.
    /// </summary>
    public CoordinateMatrix ToCoordinates(FeatureScaling scaling = FeatureScaling.Standardise) => ToCoordinates(scaling, null, out _);

    /// <summary>
    /// As <see cref="ToCoordinates(FeatureScaling)"/>, with each numeric or ordinal feature's (centre, scale) taken from
    /// <paramref name="given"/> when it is not null (new patients placed with the scaling of the patients a model was
    /// fitted on), and the (centre, scale) used returned per feature ((0, 1) for a categorical one).
    /// </summary>
    internal CoordinateMatrix ToCoordinates(FeatureScaling scaling, IReadOnlyList<(double Center, double Scale)>? given,
        out (double Center, double Scale)[] used)
    {
        used = new (double, double)[Features.Count];
        Array.Fill(used, (0.0, 1.0));
        var columns = new List<double[]>();
        var names = new List<string>();
        var definitions = new List<CoordinateColumn>();
        int n = RowCount;
        for (int index = 0; index < Features.Count; index++)
        {
            var f = Features[index];
            if (f.HasMissing)
                throw new StratifyInputException("coordinate methods need a value for every patient: use the impute, indicator or complete-case missing-value policy", column: f.Name);
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
            var (center, scale) = used[index] = given?[index] ?? Scaling(f.Values, scaling);
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

/// <summary>Sample quantiles ignoring NaN (R's default type 7, <see cref="Statistics.SampleQuantile"/>).</summary>
internal static class Quantiles
{
    public static double Median(double[] values) => Type7(values, 0.5);

    public static double Type7(double[] values, double p)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        return Statistics.SampleQuantile.Type7(sorted, p);
    }
}
