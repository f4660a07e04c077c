using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Clustering;
using Stratify.Data;

namespace Stratify;

/// <summary>
/// A Gaussian mixture fitted by EM on standardised features (categorical ones one-hot), following scikit-learn's
/// <c>GaussianMixture</c> step for step (k-means++ initial means, full or diagonal covariances, <c>reg_covar</c>);
/// see <see cref="GaussianMixtureEm"/>. Every feature needs a value.
/// </summary>
/// <example><code>
/// var gmm = new GaussianMixture(new GaussianMixtureOptions { K = 3 }).Fit(DataFrame.LoadCsv("datasets/gbsg.csv"), features: ["age", "pgr", "er"]);
/// Console.WriteLine(gmm.Bic);
/// </code></example>
public sealed class GaussianMixture(GaussianMixtureOptions? options = null)
{
    public GaussianMixtureOptions Options { get; } = options ?? new GaussianMixtureOptions();

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public GaussianMixtureFit Fit(DataFrame data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataFrame(data), features, categorical, ordinal);

    /// <inheritdoc cref="Fit(Cohort, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public GaussianMixtureFit Fit(IDataView data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataView(data), features, categorical, ordinal);

    /// <summary>
    /// Fits the mixture on every row (a missing feature value is refused, naming its row); features are coded as for
    /// <see cref="KMeans"/> and scaled by <see cref="GaussianMixtureOptions.Scaling"/>.
    /// </summary>
    public GaussianMixtureFit Fit(Cohort data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = ClusteringInput.Bind(data, features, categorical, ordinal);
        var x = ClusteringInput.Coordinates(study.Features, data.Source, "a Gaussian mixture", Options.Scaling, null, out var scales);
        return new GaussianMixtureFit(GaussianMixtureEm.Fit(x, Options), FitterInput.Fitted(study.Features), scales, Options.Scaling, x.ColumnNames);
    }
}

/// <summary>
/// A fitted Gaussian mixture: each training row's most probable component (0-based), the mixing weights and means,
/// the log-likelihood and BIC, and <see cref="Predict(Cohort)"/> for new patients. Immutable.
/// </summary>
public sealed class GaussianMixtureFit
{
    private readonly GaussianMixtureResult _result;
    private readonly FittedVariable[] _features;
    private readonly (double Center, double Scale)[] _scales;
    private readonly FeatureScaling _scaling;

    internal GaussianMixtureFit(GaussianMixtureResult result, FittedVariable[] features, (double Center, double Scale)[] scales, FeatureScaling scaling,
        string[] coordinates)
    {
        _result = result;
        _features = features;
        _scales = scales;
        _scaling = scaling;
        Labels = ((int[])result.Assignment.Clone()).AsReadOnly();
        Weights = ((double[])result.Weights.Clone()).AsReadOnly();
        Coordinates = coordinates.AsReadOnly();
        Sizes = Enumerable.Range(0, K).Select(c => Labels.Count(l => l == c)).ToArray().AsReadOnly();
    }

    public int K => _result.K;
    public CovarianceType Covariance => _result.Covariance;
    /// <summary>The most probable component (0..k−1) of each training row.</summary>
    public IReadOnlyList<int> Labels { get; }
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>The mixing weights.</summary>
    public IReadOnlyList<double> Weights { get; }
    /// <summary>The coordinate columns: numeric and ordinal features by name, one-hot levels as "name=level".</summary>
    public IReadOnlyList<string> Coordinates { get; }
    /// <summary>Mean log-likelihood per row at the final parameters (scikit-learn's <c>score(X)</c>).</summary>
    public double MeanLogLikelihood => _result.MeanLogLikelihood;
    /// <summary>Bayesian information criterion (scikit-learn's <c>bic(X)</c>; lower is better).</summary>
    public double Bic => _result.Bic;
    public int Iterations => _result.Iterations;
    public bool Converged => _result.Converged;
    /// <summary>The mean of component <paramref name="component"/> in the scaled coordinates (a copy).</summary>
    public double[] Mean(int component) => _result.Means.AsSpan(component * Coordinates.Count, Coordinates.Count).ToArray();

    /// <summary>One row per component: cluster, n, mixing_weight, and its mean on the features' own scale (as <see cref="KMeansFit.Summary"/>).</summary>
    public DataFrame Summary()
    {
        var frame = new SummaryFrame().Add("cluster", Enumerable.Range(0, K)).Add("n", Sizes).Add("mixing_weight", Weights);
        ClusteringInput.AddCentres(frame, ClusteringInput.Unscaled(_result.Means, K, _features, _scales), K, Coordinates);
        return frame.ToDataFrame();
    }

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(DataFrame newRows) => Predict(Cohort.FromDataFrame(newRows));

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(IDataView newRows) => Predict(Cohort.FromDataView(newRows));

    /// <summary>
    /// The most probable component of each new row under the fitted mixture, with the features scaled by the training
    /// centres and scales. Every feature needs a value. On the training rows it gives <see cref="Labels"/>.
    /// </summary>
    public int[] Predict(Cohort newRows)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        var x = ClusteringInput.Coordinates(FitterInput.BindLike(newRows, _features, "feature"), newRows.Source, "a mixture prediction", _scaling, _scales, out _);
        return GaussianMixtureEm.Classify(x, _result);
    }
}
