using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Clustering;
using Stratify.Data;

namespace Stratify;

/// <summary>
/// k-medoids on Gower's dissimilarity for mixed data, as R's <c>pam(daisy(x, metric = "gower"), k, pamonce = 6)</c>:
/// BUILD then FasterPAM swaps (CLARA from <see cref="KMedoidsOptions.ClaraThreshold"/> patients on); see
/// <see cref="PartitioningAroundMedoids"/> and <see cref="GowerDissimilarity"/> for the formulas. A missing feature
/// value leaves that feature out of the pair's average (daisy's rule), so no patient is dropped.
/// </summary>
/// <example><code>
/// var df = DataFrame.LoadCsv("datasets/gbsg.csv");
/// var pam = new KMedoids(new KMedoidsOptions { K = 3, Seed = 42 }).Fit(df.Head(600), features: ["age", "size", "nodes"]);
/// int[] groups = pam.Predict(df.Tail(86));    // nearest medoid, Gower on the training ranges
/// </code></example>
public sealed class KMedoids(KMedoidsOptions? options = null)
{
    public KMedoidsOptions Options { get; } = options ?? new KMedoidsOptions();

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public KMedoidsFit Fit(DataFrame data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataFrame(data), features, categorical, ordinal);

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public KMedoidsFit Fit(IDataView data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataView(data), features, categorical, ordinal);

    /// <summary>
    /// Clusters every row. A text feature, or one listed in <paramref name="categorical"/>, is nominal; one listed in
    /// <paramref name="ordinal"/> is ranked by its levels (numbers by value); any other is numeric.
    /// </summary>
    public KMedoidsFit Fit(Cohort data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = ClusteringInput.Bind(data, features, categorical, ordinal);
        var set = FeatureSet.From(study.Features, MissingPolicy.Pairwise);
        var gower = new GowerDissimilarity(set);
        var result = set.RowCount >= Options.ClaraThreshold
            ? PartitioningAroundMedoids.Clara(gower, Options)
            : PartitioningAroundMedoids.Fit(gower.Matrix(), Options);
        return new KMedoidsFit(result, gower, FitterInput.Fitted(study.Features), set);
    }
}

/// <summary>
/// A fitted k-medoids clustering: the medoids (rows of the training data), each training row's cluster (0-based),
/// the objective, and <see cref="Predict(Cohort)"/> for new patients. Immutable.
/// </summary>
public sealed class KMedoidsFit
{
    private readonly GowerDissimilarity _gower;
    private readonly FittedVariable[] _features;
    private readonly int[] _medoids;
    private readonly FeatureSet _medoidFeatures;

    internal KMedoidsFit(KMedoidsResult result, GowerDissimilarity gower, FittedVariable[] features, FeatureSet set)
    {
        _gower = gower;
        _features = features;
        _medoids = (int[])result.Medoids.Clone();
        _medoidFeatures = set.Subset(_medoids);
        Medoids = _medoids.AsReadOnly();
        Labels = ((int[])result.Assignment.Clone()).AsReadOnly();
        Objective = result.Objective;
        Sizes = Enumerable.Range(0, K).Select(c => Labels.Count(l => l == c)).ToArray().AsReadOnly();
    }

    public int K => _medoids.Length;
    /// <summary>The medoid of each cluster, as a 0-based row of the training data.</summary>
    public IReadOnlyList<int> Medoids { get; }
    /// <summary>The cluster (0..k−1) of each training row: its nearest medoid.</summary>
    public IReadOnlyList<int> Labels { get; }
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>Σ_i d(i, medoid of i): the total dissimilarity to the nearest medoid.</summary>
    public double Objective { get; }
    /// <summary>Objective / n: R's <c>pam(...)$objective["swap"]</c>.</summary>
    public double AverageDissimilarity => Objective / Labels.Count;

    /// <summary>One row per cluster: cluster, n, medoid_row (0-based), and the medoid's value of each feature.</summary>
    public DataFrame Summary()
    {
        var frame = new SummaryFrame()
            .Add("cluster", Enumerable.Range(0, K))
            .Add("n", Sizes)
            .Add("medoid_row", Medoids);
        ClusteringInput.AddFeatureValues(frame, _features, _medoidFeatures);
        return frame.ToDataFrame();
    }

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(DataFrame newRows) => Predict(Cohort.FromDataFrame(newRows));

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(IDataView newRows) => Predict(Cohort.FromDataView(newRows));

    /// <summary>
    /// The cluster of each new row: its nearest medoid by Gower's dissimilarity, with every feature scaled by its range
    /// in the training data (ties: the lower cluster; a missing value leaves its feature out, as daisy does). A level
    /// the model was not fitted on is refused. On the training rows it gives <see cref="Labels"/>.
    /// </summary>
    public int[] Predict(Cohort newRows)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        var set = FeatureSet.From(FitterInput.BindLike(newRows, _features, "feature"), MissingPolicy.Pairwise);
        var gower = new GowerDissimilarity(set, _gower);
        var labels = new int[set.RowCount];
        for (int i = 0; i < labels.Length; i++)
        {
            double best = double.PositiveInfinity;
            for (int c = 0; c < _medoids.Length; c++)
            {
                double d = gower.Between(i, _gower, _medoids[c]);
                if (d < best) { best = d; labels[i] = c; }
            }
        }
        return labels;
    }
}
