// Mean and sample standard deviation by two passes (the second pass corrects the mean by the mean residual,
// as R's mean.default does with long doubles), so that the results agree with R's mean() and sd() to about
// 1e-15 relative: mean = Σx/n + Σ(x - Σx/n)/n;  s² = Σ(x - mean)² / (n - 1), undefined (NaN) for n < 2.
namespace Stratify.Statistics;

/// <summary>Count, mean and sample standard deviation of a set of values (no missing values inside).</summary>
/// <example><code>var m = SampleMoments.Of([1.0, 2.0, 4.0]); // Mean 2.333.., StandardDeviation 1.527.. as R sd()</code></example>
internal readonly record struct SampleMoments(int Count, double Mean, double Variance)
{
    /// <summary>Sample standard deviation (denominator n - 1); NaN when fewer than two values.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    public static SampleMoments Of(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        if (n == 0) return new SampleMoments(0, double.NaN, double.NaN);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += values[i];
        double mean = sum / n;
        double residual = 0;
        for (int i = 0; i < n; i++) residual += values[i] - mean;
        mean += residual / n;
        if (n < 2) return new SampleMoments(n, mean, double.NaN);
        double ss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = values[i] - mean;
            ss += d * d;
        }
        return new SampleMoments(n, mean, ss / (n - 1));
    }
}
