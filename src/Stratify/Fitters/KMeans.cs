using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Clustering;
using Stratify.Data;

namespace Stratify;

/// <summary>
/// k-means on standardised features (categorical ones one-hot), as scikit-learn's <c>KMeans(n_clusters = k, n_init = 10)</c>
/// on the same coordinates: greedy k-means++ seeding, Lloyd iterations (Hamerly's exact acceleration), the lowest
/// within-cluster sum of squares of the restarts; see <see cref="LloydKMeans"/>. Every feature needs a value.
/// </summary>
/// <example><code>
/// var km = new KMeans(new KMeansOptions { K = 3, Seed = 1 }).Fit(DataFrame.LoadCsv("datasets/gbsg.csv"), features: ["age", "size", "nodes"]);
/// int[] groups = km.Predict(newPatients);   // nearest centre, with the training means and SDs
/// </code></example>
public sealed class KMeans(KMeansOptions? options = null)
{
    public KMeansOptions Options { get; } = options ?? new KMeansOptions();

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public KMeansFit Fit(DataFrame data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataFrame(data), features, categorical, ordinal);

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public KMeansFit Fit(IDataView data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataView(data), features, categorical, ordinal);

    /// <summary>
    /// Clusters every row (a missing feature value is refused, naming its row). A text feature, or one listed in
    /// <paramref name="categorical"/>, is one-hot coded; one listed in <paramref name="ordinal"/> enters as its rank;
    /// numeric and ordinal features are scaled by <see cref="KMeansOptions.Scaling"/>.
    /// </summary>
    public KMeansFit Fit(Cohort data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = ClusteringInput.Bind(data, features, categorical, ordinal);
        var x = ClusteringInput.Coordinates(study.Features, data.Source, "k-means", Options.Scaling, null, out var scales);
        return new KMeansFit(LloydKMeans.Fit(x, Options), FitterInput.Fitted(study.Features), scales, Options.Scaling, x.ColumnNames);
    }
}

/// <summary>
/// A fitted k-means clustering: each training row's cluster (0-based), the centres, the within-cluster sum of
/// squares, and <see cref="Predict(Cohort)"/> for new patients. Immutable.
/// </summary>
public sealed class KMeansFit
{
    private readonly double[] _centers;
    private readonly FittedVariable[] _features;
    private readonly (double Center, double Scale)[] _scales;
    private readonly FeatureScaling _scaling;

    internal KMeansFit(KMeansResult result, FittedVariable[] features, (double Center, double Scale)[] scales, FeatureScaling scaling, string[] coordinates)
    {
        _centers = (double[])result.Centers.Clone();
        _features = features;
        _scales = scales;
        _scaling = scaling;
        K = result.K;
        Labels = ((int[])result.Assignment.Clone()).AsReadOnly();
        Objective = result.Objective;
        Coordinates = coordinates.AsReadOnly();
        Sizes = Enumerable.Range(0, K).Select(c => Labels.Count(l => l == c)).ToArray().AsReadOnly();
    }

    public int K { get; }
    /// <summary>The cluster (0..k−1) of each training row: its nearest centre.</summary>
    public IReadOnlyList<int> Labels { get; }
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>Within-cluster sum of squares in the scaled coordinates (scikit-learn's <c>inertia_</c>).</summary>
    public double Objective { get; }
    /// <summary>The coordinate columns: numeric and ordinal features by name, one-hot levels as "name=level".</summary>
    public IReadOnlyList<string> Coordinates { get; }
    /// <summary>The centre of cluster <paramref name="cluster"/> in the scaled coordinates (a copy).</summary>
    public double[] Center(int cluster) => _centers.AsSpan(cluster * Coordinates.Count, Coordinates.Count).ToArray();

    /// <summary>
    /// One row per cluster: cluster, n, and its centre on the features' own scale (a numeric feature's mean, an
    /// ordinal one's mean rank, a categorical level's share).
    /// </summary>
    public DataFrame Summary()
    {
        var frame = new SummaryFrame().Add("cluster", Enumerable.Range(0, K)).Add("n", Sizes);
        ClusteringInput.AddCentres(frame, ClusteringInput.Unscaled(_centers, K, _features, _scales), K, Coordinates);
        return frame.ToDataFrame();
    }

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(DataFrame newRows) => Predict(Cohort.FromDataFrame(newRows));

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(IDataView newRows) => Predict(Cohort.FromDataView(newRows));

    /// <summary>
    /// The cluster of each new row: its nearest centre, with the features scaled by the training centres and scales
    /// (ties: the lower cluster). Every feature needs a value; a level the model was not fitted on is refused. On the
    /// training rows it gives <see cref="Labels"/>.
    /// </summary>
    public int[] Predict(Cohort newRows)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        var x = ClusteringInput.Coordinates(FitterInput.BindLike(newRows, _features, "feature"), newRows.Source, "a k-means prediction", _scaling, _scales, out _);
        int p = Coordinates.Count;
        var labels = new int[x.Rows];
        for (int i = 0; i < x.Rows; i++)
        {
            double best = double.PositiveInfinity;
            for (int c = 0; c < K; c++)
            {
                double d = LloydKMeans.SquaredDistance(x.Row(i), _centers.AsSpan(c * p, p));
                if (d < best) { best = d; labels[i] = c; }
            }
        }
        return labels;
    }
}
