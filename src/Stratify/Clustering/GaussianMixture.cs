using System.Globalization;

namespace Stratify.Clustering;

/// <summary>A fitted Gaussian mixture.</summary>
/// <param name="Means">k × p, row-major.</param>
/// <param name="Covariances">Full: k × p × p; diagonal: k × p.</param>
/// <param name="Assignment">Most probable component of each row.</param>
/// <param name="Responsibilities">n × k posterior probabilities, row-major.</param>
/// <param name="LowerBound">Mean log-likelihood at the last E-step of EM (scikit-learn's lower_bound_).</param>
/// <param name="MeanLogLikelihood">Mean log-likelihood at the final parameters (scikit-learn's score(X)).</param>
/// <param name="Bic">−2 n · MeanLogLikelihood + Parameters · ln n (scikit-learn's bic(X); lower is better).</param>
internal sealed record GaussianMixtureResult(int K, int Dimensions, CovarianceType Covariance, double[] Weights, double[] Means, double[] Covariances,
    int[] Assignment, double[] Responsibilities, double LowerBound, double MeanLogLikelihood, double Bic, int Parameters, int Iterations, bool Converged);

/// <summary>
/// Gaussian mixture by EM (Dempster, Laird &amp; Rubin 1977), following scikit-learn's GaussianMixture step for step:
/// E-step log r_ik = log w_k + log N(x_i; μ_k, Σ_k) − logsumexp_k(·); M-step n_k = Σ_i r_ik + 10ε, μ_k = Σ_i r_ik x_i / n_k,
/// Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / n_k + reg·I (diagonal: E_k[x²] − μ_k² + reg), w_k = n_k / Σ n_k; stop when
/// |Δ mean log-likelihood| &lt; tol; a final E-step gives the labels. Parameters for BIC: k·p (means) + k − 1 (weights)
/// + k·p(p+1)/2 (full) or k·p (diagonal).
/// Initialisation (documented so it can be reproduced): initial means (k-means++ from the seed, or given); every row
/// is assigned to its nearest initial mean; weights and covariances are those of that hard partition (covariances
/// around the partition's own means, + reg), and the means are the initial means — scikit-learn's initialisation when
/// its k-means labels are replaced by this partition and means_init is given.
/// <example><code>
/// var gmm = GaussianMixtureEm.Fit(coords, new GaussianMixtureOptions(K: 3, Covariance: CovarianceType.Diagonal));
/// double bic = gmm.Bic;
/// </code></example>
/// </summary>
internal static class GaussianMixtureEm
{
    public static GaussianMixtureResult Fit(CoordinateMatrix x, GaussianMixtureOptions options)
    {
        if (options.K < 1 || options.K > x.Rows) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"k must be between 1 and {x.Rows}"), value: options.K.ToString(CultureInfo.InvariantCulture));
        GaussianMixtureResult? best = null;
        for (int r = 0; r < Math.Max(1, options.Restarts); r++)
        {
            var means = LloydKMeans.PlusPlus(x, options.K, new Random(unchecked(options.Seed * 1_000_003 + r)), -1);
            var fit = FitFrom(x, means, options);
            if (best is null || fit.MeanLogLikelihood > best.MeanLogLikelihood) best = fit;
        }
        return best!;
    }

    /// <summary>EM from given initial means (k × p row-major), initialised as described on the class.</summary>
    public static GaussianMixtureResult FitFrom(CoordinateMatrix x, double[] initialMeans, GaussianMixtureOptions options)
    {
        int n = x.Rows, p = x.Columns, k = options.K;
        if (initialMeans.Length != k * p) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"initial means need {k * p} values"));
        foreach (double v in x.Data) if (!double.IsFinite(v)) throw new Data.StratifyInputException("a Gaussian mixture needs finite coordinates (no missing values)");
        bool full = options.Covariance == CovarianceType.Full;
        var resp = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            int nearest = 0;
            double best = double.PositiveInfinity;
            for (int c = 0; c < k; c++)
            {
                double d = LloydKMeans.SquaredDistance(x.Row(i), initialMeans.AsSpan(c * p, p));
                if (d < best) { best = d; nearest = c; }
            }
            resp[i * k + nearest] = 1;
        }
        var weights = new double[k];
        var means = new double[k * p];
        var covariances = new double[full ? k * p * p : k * p];
        MStep(x, resp, k, full, options.Regularisation, weights, means, covariances, normaliseWeights: false);
        for (int c = 0; c < k; c++) weights[c] /= n;
        Array.Copy(initialMeans, means, k * p);

        double lowerBound = double.NegativeInfinity;
        bool converged = false;
        int iteration = 0;
        for (iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            double previous = lowerBound;
            lowerBound = EStep(x, k, full, weights, means, covariances, resp);
            MStep(x, resp, k, full, options.Regularisation, weights, means, covariances, normaliseWeights: true);
            if (Math.Abs(lowerBound - previous) < options.Tolerance) { converged = true; break; }
        }
        if (!converged) iteration = options.MaxIterations;
        double meanLogLikelihood = EStep(x, k, full, weights, means, covariances, resp);
        var assignment = MostProbable(resp, n, k);
        int parameters = k * p + k - 1 + (full ? k * p * (p + 1) / 2 : k * p);
        double bic = -2 * meanLogLikelihood * n + parameters * Math.Log(n);
        return new GaussianMixtureResult(k, p, options.Covariance, weights, means, covariances, assignment, resp, lowerBound, meanLogLikelihood,
            bic, parameters, iteration, converged);
    }

    /// <summary>The most probable component of each row of <paramref name="x"/> under a fitted mixture (a final E-step, as the fit's own labels).</summary>
    internal static int[] Classify(CoordinateMatrix x, GaussianMixtureResult fit)
    {
        var resp = new double[x.Rows * fit.K];
        EStep(x, fit.K, fit.Covariance == CovarianceType.Full, fit.Weights, fit.Means, fit.Covariances, resp);
        return MostProbable(resp, x.Rows, fit.K);
    }

    /// <summary>The component of highest responsibility per row (ties: the lower component).</summary>
    private static int[] MostProbable(double[] resp, int n, int k)
    {
        var assignment = new int[n];
        for (int i = 0; i < n; i++)
        {
            int arg = 0;
            for (int c = 1; c < k; c++) if (resp[i * k + c] > resp[i * k + arg]) arg = c;
            assignment[i] = arg;
        }
        return assignment;
    }

    /// <summary>Responsibilities (into <paramref name="resp"/>) and the mean log-likelihood.</summary>
    private static double EStep(CoordinateMatrix x, int k, bool full, double[] weights, double[] means, double[] covariances, double[] resp)
    {
        int n = x.Rows, p = x.Columns;
        var density = new MixtureDensity(k, p, full, weights, means, covariances);
        var rowNorm = new double[n];
        LloydKMeans.ForBlocks(n, -1, (lo, hi) =>
        {
            var z = new double[p];
            var logp = new double[k];
            for (int i = lo; i < hi; i++)
            {
                density.LogDensities(x.Row(i), logp, z);
                double max = double.NegativeInfinity;
                for (int c = 0; c < k; c++) if (logp[c] > max) max = logp[c];
                double sum = 0;
                for (int c = 0; c < k; c++) sum += Math.Exp(logp[c] - max);
                double norm = max + Math.Log(sum);
                rowNorm[i] = norm;
                for (int c = 0; c < k; c++) resp[i * k + c] = Math.Exp(logp[c] - norm);
            }
        });
        return LloydKMeans.BlockSum(rowNorm, -1) / n;
    }

    private static void MStep(CoordinateMatrix x, double[] resp, int k, bool full, double reg, double[] weights, double[] means, double[] covariances, bool normaliseWeights)
    {
        int n = x.Rows, p = x.Columns;
        const double tenEpsilon = 10 * 2.220446049250313e-16; // scikit-learn adds 10 · machine epsilon to n_k
        Array.Clear(means);
        Array.Clear(covariances);
        for (int c = 0; c < k; c++)
        {
            double nk = 0;
            for (int i = 0; i < n; i++) nk += resp[i * k + c];
            nk += tenEpsilon;
            weights[c] = nk;
            var mean = means.AsSpan(c * p, p);
            for (int i = 0; i < n; i++)
            {
                double r = resp[i * k + c];
                if (r == 0) continue;
                var row = x.Row(i);
                for (int j = 0; j < p; j++) mean[j] += r * row[j];
            }
            for (int j = 0; j < p; j++) mean[j] /= nk;
            if (full)
            {
                var cov = covariances.AsSpan(c * p * p, p * p);
                var centred = new double[p];
                for (int i = 0; i < n; i++)
                {
                    double r = resp[i * k + c];
                    if (r == 0) continue;
                    var row = x.Row(i);
                    for (int j = 0; j < p; j++) centred[j] = row[j] - mean[j];
                    for (int a = 0; a < p; a++)
                    {
                        double ra = r * centred[a];
                        for (int b = 0; b <= a; b++) cov[a * p + b] += ra * centred[b];
                    }
                }
                for (int a = 0; a < p; a++)
                    for (int b = 0; b <= a; b++)
                    {
                        double v = cov[a * p + b] / nk;
                        cov[a * p + b] = v;
                        cov[b * p + a] = v;
                    }
                for (int a = 0; a < p; a++) cov[a * p + a] += reg;
            }
            else
            {
                // scikit-learn's diagonal formula: E[x²] − 2 μ E[x] + μ², + reg.
                var variance = covariances.AsSpan(c * p, p);
                var meanSquare = new double[p];
                for (int i = 0; i < n; i++)
                {
                    double r = resp[i * k + c];
                    if (r == 0) continue;
                    var row = x.Row(i);
                    for (int j = 0; j < p; j++) meanSquare[j] += r * row[j] * row[j];
                }
                for (int j = 0; j < p; j++)
                    variance[j] = meanSquare[j] / nk - 2 * (mean[j] * mean[j]) + mean[j] * mean[j] + reg;
            }
        }
        if (normaliseWeights)
        {
            double total = 0;
            foreach (double w in weights) total += w;
            for (int c = 0; c < k; c++) weights[c] /= total;
        }
    }

    /// <summary>Lower Cholesky factor L (row-major) with L Lᵀ = A.</summary>
    internal static double[] Cholesky(ReadOnlySpan<double> a, int p)
    {
        var l = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * p + j];
                for (int t = 0; t < j; t++) s -= l[i * p + t] * l[j * p + t];
                if (i == j)
                {
                    if (!(s > 0)) throw new Data.StratifyInputException("a mixture component's covariance is not positive definite: too few patients in a component or collinear features; lower k or use diagonal covariances");
                    l[i * p + i] = Math.Sqrt(s);
                }
                else l[i * p + j] = s / l[j * p + j];
            }
        return l;
    }
}

/// <summary>
/// log(w_k N(x; μ_k, Σ_k)) of every component for one row: the Cholesky factor (full) or the variances (diagonal) and
/// the log normalising constant prepared once; shared by EM's E-step and by placing a new patient in the component of
/// largest posterior probability (the same arithmetic, so the same patient gets the same component).
/// </summary>
internal sealed class MixtureDensity
{
    private readonly int _k, _p;
    private readonly bool _full;
    private readonly double[] _means;
    private readonly double[][] _factors;
    private readonly double[] _logConstant;

    /// <param name="means">k × p row-major.</param>
    /// <param name="covariances">Full: k × p × p; diagonal: k × p.</param>
    public MixtureDensity(int k, int p, bool full, IReadOnlyList<double> weights, IReadOnlyList<double> means, IReadOnlyList<double> covariances)
    {
        _k = k;
        _p = p;
        _full = full;
        _means = means.ToArray();
        _factors = new double[k][];
        _logConstant = new double[k];
        var all = covariances.ToArray();
        for (int c = 0; c < k; c++)
        {
            double logDet;
            if (full)
            {
                _factors[c] = GaussianMixtureEm.Cholesky(all.AsSpan(c * p * p, p * p), p);
                logDet = 0;
                for (int j = 0; j < p; j++) logDet += Math.Log(_factors[c][j * p + j]);
                logDet *= 2;
            }
            else
            {
                _factors[c] = all.AsSpan(c * p, p).ToArray();
                logDet = 0;
                for (int j = 0; j < p; j++) logDet += Math.Log(_factors[c][j]);
            }
            _logConstant[c] = Math.Log(weights[c]) - 0.5 * (p * Math.Log(2 * Math.PI) + logDet);
        }
    }

    /// <summary>Writes log(w_c N(row; μ_c, Σ_c)) for every component c into <paramref name="logp"/> (<paramref name="z"/>: p scratch values).</summary>
    public void LogDensities(ReadOnlySpan<double> row, Span<double> logp, Span<double> z)
    {
        int p = _p;
        for (int c = 0; c < _k; c++)
        {
            var mean = _means.AsSpan(c * p, p);
            double q = 0;
            if (_full)
            {
                var l = _factors[c];
                for (int a = 0; a < p; a++)
                {
                    double s = row[a] - mean[a];
                    for (int b = 0; b < a; b++) s -= l[a * p + b] * z[b];
                    z[a] = s / l[a * p + a];
                    q += z[a] * z[a];
                }
            }
            else
            {
                var v = _factors[c];
                for (int a = 0; a < p; a++) { double t = row[a] - mean[a]; q += t * t / v[a]; }
            }
            logp[c] = _logConstant[c] - 0.5 * q;
        }
    }

    /// <summary>The component of largest posterior probability (the first on ties).</summary>
    public int MostProbable(ReadOnlySpan<double> row)
    {
        Span<double> logp = stackalloc double[_k];
        Span<double> z = stackalloc double[_p];
        LogDensities(row, logp, z);
        int best = 0;
        for (int c = 1; c < _k; c++) if (logp[c] > logp[best]) best = c;
        return best;
    }
}
