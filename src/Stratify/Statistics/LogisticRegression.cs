using Stratify.Data;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Statistics;

// Logistic regression: the binomial GLM with logit link, logit P(y = 1 | x) = β₀ + xβ, fitted as R's
// glm(y ~ x, family = binomial) (stats::glm.fit, R 4.2) with its glm.control defaults:
//   start     μ = (w·y + 0.5)/(w + 1), η = logit μ                         (binomial()$initialize)
//   iterate   z = η + (y − μ)/μ′(η),  W = w·μ′(η)² / (μ(1 − μ))             (Fisher scoring = IRLS)
//             β = argmin ‖√W (z − Xβ)‖ by Householder QR with R's limited pivoting (dqrdc2, tolerance 1e-11):
//             a column collinear with earlier ones is aliased, its coefficient NA (R's NA)
//   stop      |D − D_old| / (|D| + 0.1) < ε = 1e-8, at most 25 iterations; D = Σ 2wᵢ[yᵢ log(yᵢ/μᵢ) + (1−yᵢ) log((1−yᵢ)/(1−μᵢ))]
//   a non-finite deviance halves the step towards the previous coefficients, as glm.fit does
// with R's clamped logit: μ = e/(1+e), e = exp(η) held within [DBL_EPSILON, 1/DBL_EPSILON] (|η| > 30), and
// μ′(η) = exp(η)/(1+exp(η))², DBL_EPSILON for |η| > 30.
// Standard errors are R's summary.glm: dispersion 1, covariance (RᵀR)⁻¹ from the QR of the last iteration; Wald
// z = β/SE, p = 2Φ(−|z|). Null deviance at the weighted mean of y; AIC = −2 Σ_{w>0} log dbinom(round(w·y), round(w), μ)
// + 2·rank (R's binomial()$aic). Warnings use R's words: "algorithm did not converge", "fitted probabilities
// numerically 0 or 1 occurred" (some μ within 10·DBL_EPSILON of 0 or 1: (quasi-)separation, the coefficients run
// to ±∞ and their SEs are meaningless), "non-integer #successes in a binomial glm!" (fractional prior weights).
// Rows with prior weight 0 take no part in the fit (and y is set to 0 there, as R does).
// References: McCullagh & Nelder, Generalized Linear Models, 2nd ed. (1989), ch. 2 and 4; R's stats::glm.fit.

/// <summary>Options of <see cref="LogisticRegression.Fit"/>, defaults as R's <c>glm.control()</c>.</summary>
/// <example><code>new LogisticRegressionOptions { PriorWeights = w, MaxIterations = 50 }</code></example>
internal sealed record LogisticRegressionOptions
{
    /// <summary>R's <c>epsilon</c>: relative change of the deviance that ends the iteration.</summary>
    public double Tolerance { get; init; } = 1e-8;
    /// <summary>R's <c>maxit</c>.</summary>
    public int MaxIterations { get; init; } = 25;
    /// <summary>Prior weights (finite, ≥ 0; R's <c>weights =</c>); null = all 1.</summary>
    public double[]? PriorWeights { get; init; }
    /// <summary>Whether the model has an intercept column "(Intercept)" (R's default <c>y ~ x</c>).</summary>
    public bool Intercept { get; init; } = true;
}

/// <summary>One coefficient of a logistic regression (log odds ratio per unit); an aliased column has NaN estimates.</summary>
public sealed record LogisticCoefficient(string Term, double Estimate, double StandardError, double Statistic, double PValue, bool Aliased);

/// <summary>
/// A fitted logistic regression (see <see cref="LogisticRegression.Fit"/>): coefficients with Wald tests, deviances,
/// AIC, convergence, warnings and the fitted probabilities. Immutable.
/// </summary>
public sealed record LogisticRegressionModel
{
    public required IReadOnlyList<LogisticCoefficient> Coefficients { get; init; }
    /// <summary>Residual deviance −2 log L (R's <c>deviance</c>).</summary>
    public required double Deviance { get; init; }
    /// <summary>Deviance of the intercept-only model (R's <c>null.deviance</c>).</summary>
    public required double NullDeviance { get; init; }
    /// <summary>Residual degrees of freedom: rows of positive weight minus the rank.</summary>
    public required int DegreesOfFreedom { get; init; }
    public required int NullDegreesOfFreedom { get; init; }
    public required double Aic { get; init; }
    /// <summary>Number of non-aliased coefficients (intercept included).</summary>
    public required int Rank { get; init; }
    public required int Iterations { get; init; }
    public required bool Converged { get; init; }
    /// <summary>R's warnings, in R's words.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>P(y = 1 | x) per input row (R's <c>fitted(fit)</c>).</summary>
    public required IReadOnlyList<double> FittedProbabilities { get; init; }
    /// <summary>Covariance of the coefficients (dispersion 1), row-major, NaN for aliased columns (R's <c>vcov(fit)</c>).</summary>
    public required IReadOnlyList<double> Covariance { get; init; }
    /// <summary>True when some fitted probability is within 10·DBL_EPSILON of 0 or 1 (separation).</summary>
    public required bool Separation { get; init; }
}

/// <summary>
/// Binomial GLM with logit link by iteratively reweighted least squares, equal to R's <c>glm(family = binomial)</c>.
/// </summary>
/// <example>
/// <code>
/// var study = StudyBinder.Load(StudySpecReader.Read("datasets/rotterdam.yaml"));
/// var chemo = study.Treatment!;                        // treated = level "yes"
/// var y = chemo.Codes.Select(c => c != chemo.Reference).ToArray();
/// var model = LogisticRegression.Fit(y, StudyTerms.Design(study));
/// // model.Coefficients as coef(summary(glm(chemo ~ age + nodes + ..., binomial, rotterdam)))
/// </code>
/// </example>
internal static class LogisticRegression
{
    private const double DoubleEpsilon = 2.220446049250313e-16;
    private const double Threshold = 30;

    public static LogisticRegressionModel Fit(bool[] outcome, DesignMatrix design, LogisticRegressionOptions? options = null)
    {
        options ??= new LogisticRegressionOptions();
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(design);
        int n = outcome.Length;
        Validate(outcome, design, options);
        var (x, names) = ModelMatrix(design, options.Intercept);
        int p = names.Length;
        var weights = options.PriorWeights ?? Ones(n);
        var warnings = new List<string>();

        var y = new double[n];
        var mu = new double[n];
        var eta = new double[n];
        bool fractional = false;
        for (int i = 0; i < n; i++)
        {
            y[i] = outcome[i] && weights[i] > 0 ? 1 : 0;
            double start = (weights[i] * y[i] + 0.5) / (weights[i] + 1);
            eta[i] = Math.Log(start / (1 - start));
            mu[i] = InverseLink(eta[i]);
            double successes = weights[i] * y[i];
            fractional |= Math.Abs(successes - Math.Round(successes)) > 1e-3;
        }
        if (fractional) warnings.Add("non-integer #successes in a binomial glm!");

        var rows = new List<int>(n);
        for (int i = 0; i < n; i++) if (weights[i] > 0) rows.Add(i);
        int m = rows.Count;
        double previousDeviance = Deviance(y, mu, weights);
        double deviance = previousDeviance;
        double[] coefficients = new double[p];
        double[]? previous = null;
        HouseholderQr? qr = null;
        bool converged = false, boundary = false;
        int iteration;
        for (iteration = 1; iteration <= options.MaxIterations; iteration++)
        {
            var a = new double[(long)m * p];
            var z = new double[m];
            for (int r = 0; r < m; r++)
            {
                int i = rows[r];
                double derivative = LinkDerivative(eta[i]);
                double variance = mu[i] * (1 - mu[i]);
                double w = Math.Sqrt(weights[i] * derivative * derivative / variance);
                z[r] = (eta[i] + (y[i] - mu[i]) / derivative) * w;
                for (int j = 0; j < p; j++) a[(long)j * m + r] = x[(long)i * p + j] * w;
            }
            qr = HouseholderQr.Decompose(a, m, p, Math.Min(1e-7, options.Tolerance / 1000));
            var next = qr.Solve(z);
            if (!AllFinite(next))
            {
                warnings.Add(string.Create(CultureInfo.InvariantCulture, $"non-finite coefficients at iteration {iteration}"));
                break;
            }
            coefficients = next;
            Predict(x, coefficients, eta, mu);
            deviance = Deviance(y, mu, weights);
            if (!double.IsFinite(deviance))
            {
                if (previous is null)
                    throw new StratifyInputException("the logistic regression diverged at its first step and no valid coefficients are known",
                        suggestion: "Check the covariates for extreme values or scale them.");
                warnings.Add("step size truncated due to divergence");
                for (int halving = 1; !double.IsFinite(deviance); halving++)
                {
                    if (halving > options.MaxIterations)
                        throw new StratifyInputException("the logistic regression diverged and halving the step did not help (R: inner loop 1; cannot correct step size)");
                    for (int j = 0; j < p; j++) coefficients[j] = (coefficients[j] + previous[j]) / 2;
                    Predict(x, coefficients, eta, mu);
                    deviance = Deviance(y, mu, weights);
                }
                boundary = true;
            }
            if (Math.Abs(deviance - previousDeviance) / (Math.Abs(deviance) + 0.1) < options.Tolerance)
            {
                converged = true;
                break;
            }
            previousDeviance = deviance;
            previous = (double[])coefficients.Clone();
        }
        if (iteration > options.MaxIterations) iteration = options.MaxIterations;
        if (!converged) warnings.Add("glm.fit: algorithm did not converge");
        if (boundary) warnings.Add("glm.fit: algorithm stopped at boundary value");
        double eps = 10 * DoubleEpsilon;
        bool separation = false;
        foreach (double v in mu) separation |= v > 1 - eps || v < eps;
        if (separation) warnings.Add("glm.fit: fitted probabilities numerically 0 or 1 occurred");

        int rank = qr?.Rank ?? 0;
        var covariance = qr?.UnscaledCovariance() ?? Enumerable.Repeat(double.NaN, p * p).ToArray();
        var aliased = new bool[p];
        if (qr is not null) for (int j = rank; j < p; j++) aliased[qr.Pivot[j]] = true;
        var terms = new LogisticCoefficient[p];
        for (int j = 0; j < p; j++)
        {
            if (aliased[j])
            {
                terms[j] = new LogisticCoefficient(names[j], double.NaN, double.NaN, double.NaN, double.NaN, true);
                continue;
            }
            double se = Math.Sqrt(covariance[j * p + j]);
            double statistic = coefficients[j] / se;
            terms[j] = new LogisticCoefficient(names[j], coefficients[j], se, statistic, TailProbability.NormalTwoSided(statistic), false);
        }

        double weightSum = 0, weightedY = 0;
        for (int i = 0; i < n; i++) { weightSum += weights[i]; weightedY += weights[i] * y[i]; }
        double nullDeviance;
        if (options.Intercept)
        {
            double mean = weightedY / weightSum;
            var constant = new double[n];
            Array.Fill(constant, mean);
            nullDeviance = Deviance(y, constant, weights);
        }
        else
        {
            var half = new double[n];
            Array.Fill(half, 0.5); // linkinv(offset = 0)
            nullDeviance = Deviance(y, half, weights);
        }
        return new LogisticRegressionModel
        {
            Coefficients = Array.AsReadOnly(terms),
            Deviance = deviance,
            NullDeviance = nullDeviance,
            DegreesOfFreedom = m - rank,
            NullDegreesOfFreedom = m - (options.Intercept ? 1 : 0),
            Aic = Aic(y, mu, weights) + 2 * rank,
            Rank = rank,
            Iterations = iteration,
            Converged = converged,
            Warnings = warnings.AsReadOnly(),
            FittedProbabilities = Array.AsReadOnly(mu),
            Covariance = Array.AsReadOnly(covariance),
            Separation = separation,
        };
    }

    /// <summary>R's logit linkinv: e/(1 + e) with e = exp(η) clamped to [DBL_EPSILON, 1/DBL_EPSILON] beyond |η| = 30.</summary>
    private static double InverseLink(double eta)
    {
        double e = eta < -Threshold ? DoubleEpsilon : eta > Threshold ? 1 / DoubleEpsilon : Math.Exp(eta);
        return e / (1 + e);
    }

    /// <summary>R's logit mu.eta: exp(η)/(1 + exp(η))², DBL_EPSILON beyond |η| = 30.</summary>
    private static double LinkDerivative(double eta)
    {
        if (eta > Threshold || eta < -Threshold) return DoubleEpsilon;
        double onePlus = 1 + Math.Exp(eta);
        return Math.Exp(eta) / (onePlus * onePlus);
    }

    private static void Predict(double[] x, double[] coefficients, double[] eta, double[] mu)
    {
        int p = coefficients.Length;
        for (int i = 0; i < eta.Length; i++)
        {
            double sum = 0;
            for (int j = 0; j < p; j++) sum += x[(long)i * p + j] * coefficients[j];
            eta[i] = sum;
            mu[i] = InverseLink(sum);
        }
    }

    /// <summary>Σ binomial deviance residuals (R's dev.resids), summed with Neumaier's compensation as R's sum() does in long double.</summary>
    private static double Deviance(double[] y, double[] mu, double[] weights)
    {
        var sum = new CompensatedSum();
        for (int i = 0; i < y.Length; i++)
        {
            double term = (y[i] != 0 ? y[i] * Math.Log(y[i] / mu[i]) : 0) + (1 - y[i] != 0 ? (1 - y[i]) * Math.Log((1 - y[i]) / (1 - mu[i])) : 0);
            sum.Add(2 * weights[i] * term);
        }
        return sum.Value;
    }

    /// <summary>−2 Σ_{w>0} log dbinom(round(w·y), round(w), μ): with y in {0, 1} the count is 0 or the size, so no binomial coefficient.</summary>
    private static double Aic(double[] y, double[] mu, double[] weights)
    {
        var sum = new CompensatedSum();
        for (int i = 0; i < y.Length; i++)
        {
            if (weights[i] <= 0) continue;
            double size = Math.Round(weights[i]), successes = Math.Round(weights[i] * y[i]);
            if (size == 0) continue; // dbinom(0, 0, μ) = 1
            sum.Add(successes * Math.Log(mu[i]) + (size - successes) * Math.Log(1 - mu[i]));
        }
        return -2 * sum.Value;
    }

    /// <summary>The design with the intercept column first (row-major) and the column names.</summary>
    private static (double[] X, string[] Names) ModelMatrix(DesignMatrix design, bool intercept)
    {
        int n = design.Rows, q = design.Columns, p = q + (intercept ? 1 : 0);
        var x = new double[(long)n * p];
        for (int i = 0; i < n; i++)
        {
            int offset = 0;
            if (intercept) { x[(long)i * p] = 1; offset = 1; }
            for (int j = 0; j < q; j++) x[(long)i * p + offset + j] = design.Values[(long)i * q + j];
        }
        var names = intercept ? ["(Intercept)", .. design.ColumnNames] : design.ColumnNames;
        return (x, names);
    }

    private static void Validate(bool[] outcome, DesignMatrix design, LogisticRegressionOptions options)
    {
        int n = outcome.Length;
        if (design.Rows != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the covariates have {design.Rows} rows but the outcome has {n}"));
        if (!options.Intercept && design.Columns == 0) throw new StratifyInputException("a logistic regression needs at least one column");
        if (options.MaxIterations < 1) throw new StratifyInputException("MaxIterations must be at least 1", value: options.MaxIterations.ToString(CultureInfo.InvariantCulture));
        if (!(options.Tolerance > 0)) throw new StratifyInputException("Tolerance must be positive", value: options.Tolerance.ToString("R", CultureInfo.InvariantCulture));
        if (options.PriorWeights is { } weights)
        {
            if (weights.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the prior weights have {weights.Length} rows but the outcome has {n}"), column: "weights");
            for (int i = 0; i < n; i++)
                if (!double.IsFinite(weights[i]) || weights[i] < 0)
                    throw new StratifyInputException("a prior weight must be a finite number ≥ 0", column: "weights", row: i + 1,
                        value: weights[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        }
        int positive = 0, events = 0;
        for (int i = 0; i < n; i++)
            if (options.PriorWeights is null || options.PriorWeights[i] > 0) { positive++; if (outcome[i]) events++; }
        if (positive == 0) throw new StratifyInputException("no rows of positive weight to fit");
        if (events == 0 || events == positive)
            throw new StratifyInputException($"the outcome is the same for every row ({(events == 0 ? "all 0" : "all 1")}), so its probability cannot be modelled",
                suggestion: "Both outcomes (for a propensity score: both treatment arms) must occur.");
    }

    private static double[] Ones(int n)
    {
        var ones = new double[n];
        Array.Fill(ones, 1.0);
        return ones;
    }

    private static bool AllFinite(double[] values)
    {
        foreach (double v in values) if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>Neumaier's compensated summation.</summary>
    private struct CompensatedSum
    {
        private double _sum, _compensation;

        public void Add(double value)
        {
            double total = _sum + value;
            _compensation += Math.Abs(_sum) >= Math.Abs(value) ? (_sum - total) + value : (value - total) + _sum;
            _sum = total;
        }

        public readonly double Value => _sum + _compensation;
    }
}
