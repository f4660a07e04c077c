using System.Globalization;
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
        return new KMedoidsFit(result, gower, FitterInput.Fitted(study.Features), set, Options, null);
    }

    /// <inheritdoc cref="ChooseK(Cohort, IReadOnlyList{string}, int, IReadOnlyList{string}?, IReadOnlyList{string}?, int)"/>
    public KMedoidsChoice ChooseK(DataFrame data, IReadOnlyList<string> features, int maxK, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null, int referenceSets = 20) =>
        ChooseK(Cohort.FromDataFrame(data), features, maxK, categorical, ordinal, referenceSets);

    /// <inheritdoc cref="ChooseK(Cohort, IReadOnlyList{string}, int, IReadOnlyList{string}?, IReadOnlyList{string}?, int)"/>
    public KMedoidsChoice ChooseK(IDataView data, IReadOnlyList<string> features, int maxK, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null, int referenceSets = 20) =>
        ChooseK(Cohort.FromDataView(data), features, maxK, categorical, ordinal, referenceSets);

    /// <summary>
    /// Fits k = 1..<paramref name="maxK"/> on one Gower matrix and reports for each k the criteria for choosing it: the
    /// average dissimilarity to the medoid, the average silhouette width (<see cref="KMedoidsFit.Silhouette"/>) and the gap
    /// statistic (Tibshirani, Walther &amp; Hastie 2001; R's <c>clusGap(x, pam, K.max, B = referenceSets, d.power = 1,
    /// spaceH0 = "original")</c>: each reference set draws every feature uniformly over its observed range, or its observed
    /// codes, from <see cref="KMedoidsOptions.Seed"/>). <see cref="KMedoidsOptions.K"/> is not used. Needs every pairwise
    /// dissimilarity, so it is refused from <see cref="KMedoidsOptions.ClaraThreshold"/> patients on.
    /// </summary>
    /// <example><code>
    /// var choice = new KMedoids(new KMedoidsOptions { Seed = 2024 }).ChooseK(df, ["age", "size", "nodes"], maxK: 6);
    /// Console.WriteLine(choice.Summary());          // k, average_dissimilarity, silhouette, log_w, expected_log_w, gap, gap_standard_error
    /// var pam = choice.Fit(choice.BySilhouette);
    /// </code></example>
    public KMedoidsChoice ChooseK(Cohort data, IReadOnlyList<string> features, int maxK, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null, int referenceSets = 20)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (maxK < 2) throw new StratifyInputException("choosing k needs a largest k of at least 2", value: maxK.ToString(CultureInfo.InvariantCulture));
        var study = ClusteringInput.Bind(data, features, categorical, ordinal);
        var set = FeatureSet.From(study.Features, MissingPolicy.Pairwise);
        if (set.RowCount >= Options.ClaraThreshold)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"choosing k needs every pairwise dissimilarity, which is not computed from {Options.ClaraThreshold:N0} patients on"),
                data.Source, value: set.RowCount.ToString(CultureInfo.InvariantCulture), suggestion: "Choose k on a random sample of the patients, then fit that k on all of them.");
        var gower = new GowerDissimilarity(set);
        var d = gower.Matrix();
        var fitted = FitterInput.Fitted(study.Features);
        var fits = new KMedoidsFit[maxK];
        for (int k = 1; k <= maxK; k++)
        {
            var options = Options with { K = k };
            fits[k - 1] = new KMedoidsFit(PartitioningAroundMedoids.Fit(d, options), gower, fitted, set, options, d);
        }

        // The reference sets' dissimilarities are computed once per set and reused for every k.
        FeatureSet? reference = null;
        DissimilarityMatrix? referenceD = null;
        var gap = GapStatistic.Compute(set, GapStatistic.UniformReference, maxK, referenceSets, Options.Seed, (x, k) =>
        {
            if (ReferenceEquals(x, set)) return (fits[k - 1].Assignment, d);
            if (!ReferenceEquals(x, reference)) (reference, referenceD) = (x, GowerDissimilarity.Compute(x));
            return (k == 1 ? new int[x.RowCount] : PartitioningAroundMedoids.Fit(referenceD!, Options with { K = k }).Assignment, referenceD!);
        });
        return new KMedoidsChoice(fits, gap);
    }
}

/// <summary>
/// The criteria for one k of <see cref="KMedoids.ChooseK(Cohort, IReadOnlyList{string}, int, IReadOnlyList{string}?, IReadOnlyList{string}?, int)"/>.
/// </summary>
/// <param name="AverageDissimilarity">Mean dissimilarity to the nearest medoid (R's <c>pam(...)$objective["swap"]</c>).</param>
/// <param name="Silhouette">Average silhouette width (NaN for k = 1, where it is undefined).</param>
/// <param name="LogW">log W_k, W_k = Σ_clusters (Σ of within-cluster pairwise dissimilarities) / (2 · cluster size) (clusGap, d.power = 1).</param>
/// <param name="ExpectedLogW">Mean of log W_k over the reference sets.</param>
/// <param name="Gap">ExpectedLogW − LogW.</param>
/// <param name="GapStandardError">sd of the reference log W_k × √(1 + 1/B) (clusGap's SE.sim).</param>
public sealed record KMedoidsCriteria(int K, double AverageDissimilarity, double Silhouette, double LogW, double ExpectedLogW, double Gap, double GapStandardError);

/// <summary>
/// The fits for k = 1..maxK and the criteria for choosing among them (average silhouette, gap statistic). Immutable.
/// </summary>
public sealed class KMedoidsChoice
{
    private readonly KMedoidsFit[] _fits;
    private readonly double[] _gap;
    private readonly double[] _gapStandardError;

    internal KMedoidsChoice(KMedoidsFit[] fits, GapResult gap)
    {
        _fits = fits;
        _gap = gap.Gap;
        _gapStandardError = gap.StandardError;
        ReferenceSets = gap.ReferenceSets;
        Criteria = fits.Select((f, i) => new KMedoidsCriteria(f.K, f.AverageDissimilarity, f.K == 1 ? double.NaN : f.Silhouette,
            gap.LogW[i], gap.ExpectedLogW[i], gap.Gap[i], gap.StandardError[i])).ToArray().AsReadOnly();
    }

    /// <summary>One per k = 1..maxK.</summary>
    public IReadOnlyList<KMedoidsCriteria> Criteria { get; }
    /// <summary>Reference data sets drawn for the gap statistic.</summary>
    public int ReferenceSets { get; }
    /// <summary>The k (≥ 2) with the largest average silhouette width.</summary>
    public int BySilhouette => Criteria.Skip(1).MaxBy(c => c.Silhouette)!.K;
    /// <summary>The k chosen by the gap statistic's "first SE max" rule (Tibshirani et al. 2001; R's <c>maxSE(gap, SE, "firstSEmax")</c>):
    /// the smallest k whose gap is within one standard error of the first local maximum.</summary>
    public int ByGap => GapStatistic.MaxSE(_gap, _gapStandardError, GapRule.FirstSEMax);

    /// <summary>The fit for <paramref name="k"/> (1..maxK).</summary>
    public KMedoidsFit Fit(int k) => k >= 1 && k <= _fits.Length ? _fits[k - 1]
        : throw new ArgumentOutOfRangeException(nameof(k), k, string.Create(CultureInfo.InvariantCulture, $"k was tried from 1 to {_fits.Length}"));

    /// <summary>One row per k: k, average_dissimilarity, silhouette, log_w, expected_log_w, gap, gap_standard_error.</summary>
    public DataFrame Summary() => new SummaryFrame()
        .Add("k", Criteria.Select(c => c.K))
        .Add("average_dissimilarity", Criteria.Select(c => c.AverageDissimilarity))
        .Add("silhouette", Criteria.Select(c => c.Silhouette))
        .Add("log_w", Criteria.Select(c => c.LogW))
        .Add("expected_log_w", Criteria.Select(c => c.ExpectedLogW))
        .Add("gap", Criteria.Select(c => c.Gap))
        .Add("gap_standard_error", Criteria.Select(c => c.GapStandardError))
        .ToDataFrame();
}

/// <summary>
/// Bootstrap stability of each cluster of a <see cref="KMedoidsFit"/> (<see cref="KMedoidsFit.Stability"/>; Hennig 2007,
/// R's <c>fpc::clusterboot</c>). Immutable.
/// </summary>
public sealed class KMedoidsStability
{
    private readonly StabilityResult _result;

    internal KMedoidsStability(StabilityResult result)
    {
        _result = result;
        MeanJaccard = ((double[])result.MeanJaccard.Clone()).AsReadOnly();
        Dissolved = ((int[])result.Dissolved.Clone()).AsReadOnly();
    }

    /// <summary>Per cluster: the mean over resamples of its best Jaccard similarity with a cluster of the resample (clusterboot's bootmean).</summary>
    public IReadOnlyList<double> MeanJaccard { get; }
    /// <summary>Per cluster: resamples in which its best Jaccard was ≤ 0.5 (clusterboot's bootbrd).</summary>
    public IReadOnlyList<int> Dissolved { get; }
    public int Resamples => _result.Resamples;

    /// <summary>"dissolved" (mean Jaccard ≤ 0.5), "unstable" (&lt; 0.6) or "stable", clusterboot's reading.</summary>
    public string Verdict(int cluster) => _result.Verdict(cluster);
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

    private readonly KMedoidsOptions _options;
    private readonly int[] _labels;
    private DissimilarityMatrix? _dissimilarities;
    private double? _silhouette;

    internal KMedoidsFit(KMedoidsResult result, GowerDissimilarity gower, FittedVariable[] features, FeatureSet set, KMedoidsOptions options,
        DissimilarityMatrix? dissimilarities)
    {
        _gower = gower;
        _options = options;
        _dissimilarities = dissimilarities;
        _labels = (int[])result.Assignment.Clone();
        _features = features;
        _medoids = (int[])result.Medoids.Clone();
        _medoidFeatures = set.Subset(_medoids);
        Medoids = _medoids.AsReadOnly();
        Labels = ((int[])_labels.Clone()).AsReadOnly();
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

    /// <summary>The training labels, for the kernels (not exposed: <see cref="Labels"/> is the read-only copy).</summary>
    internal int[] Assignment => _labels;

    /// <summary>
    /// The average silhouette width (Rousseeuw 1987; R's <c>summary(silhouette(pam))$avg.width</c>): for each training
    /// row s = (b − a) / max(a, b), a its mean dissimilarity to the rest of its cluster, b to the nearest other cluster
    /// (0 for a row alone in its cluster). Computed on first use from every pairwise dissimilarity, so a CLARA fit
    /// (from <see cref="KMedoidsOptions.ClaraThreshold"/> patients on) refuses it.
    /// </summary>
    public double Silhouette => _silhouette ??= Clustering.Silhouette.Compute(Dissimilarities("the silhouette"), _labels, K).Average;

    /// <summary>
    /// Bootstrap stability of each cluster (Hennig 2007; R's <c>fpc::clusterboot(..., bootmethod = "boot")</c>): draws the
    /// training rows with replacement <paramref name="resamples"/> times (seeded), re-clusters the distinct drawn rows
    /// with the same options and k on their Gower dissimilarities (the training ranges), and averages each cluster's best
    /// Jaccard similarity with a re-clustered group. Refused for a CLARA fit, as <see cref="Silhouette"/>.
    /// </summary>
    public KMedoidsStability Stability(int resamples = 50, int seed = 1)
    {
        var d = Dissimilarities("the stability check");
        return new KMedoidsStability(ClusterStability.Assess(_labels, K, rows => PartitioningAroundMedoids.Fit(d.Subset(rows), _options).Assignment, resamples, seed));
    }

    private DissimilarityMatrix Dissimilarities(string what)
    {
        if (_labels.Length >= _options.ClaraThreshold)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{what} needs every pairwise dissimilarity, which is not computed from {_options.ClaraThreshold:N0} patients on (CLARA)"),
                value: _labels.Length.ToString(CultureInfo.InvariantCulture), suggestion: "Fit a random sample of the patients to assess it.");
        return _dissimilarities ??= _gower.Matrix();
    }

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
