// Sample quantiles by R's default definition, type 7 (Hyndman & Fan 1996, Am Stat 50:361):
//   h = (n - 1) p,  lo = floor(h),  Q(p) = (1 - (h - lo)) x_(lo) + (h - lo) x_(lo+1)   (0-based order statistics)
// written in the same form as R's quantile.default, so that results match R's to the last bit or so.
namespace Stratify.Statistics;

/// <summary>Type-7 quantiles (R's default) of sorted values.</summary>
/// <example><code>double median = SampleQuantile.Type7(sorted, 0.5);</code></example>
internal static class SampleQuantile
{
    /// <summary>The type-7 quantile at probability <paramref name="p"/> of <paramref name="sorted"/> (ascending, no NaN).</summary>
    public static double Type7(ReadOnlySpan<double> sorted, double p)
    {
        int n = sorted.Length;
        if (n == 0) return double.NaN;
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "a probability lies in [0, 1]");
        double index = (n - 1) * p;
        int lo = (int)Math.Floor(index);
        int hi = (int)Math.Ceiling(index);
        double q = sorted[lo];
        double h = index - lo;
        if (h > 0 && sorted[hi] != q) q = (1 - h) * q + h * sorted[hi];
        return q;
    }
}

/// <summary>
/// Mean (SD), median [Q1, Q3] (type 7), minimum and maximum of one set of values, as a Table 1 reports them.
/// Mean, SD and quantiles are NaN when there are no values; SD is NaN for a single value.
/// </summary>
/// <example><code>var s = NumericSummary.Of(ages); // s.Mean, s.StandardDeviation, s.Median, s.LowerQuartile, s.UpperQuartile</code></example>
internal sealed record NumericSummary(int Count, double Mean, double StandardDeviation, double Median,
    double LowerQuartile, double UpperQuartile, double Minimum, double Maximum)
{
    /// <summary>Summarises <paramref name="values"/> (no missing values inside; the span is not modified).</summary>
    public static NumericSummary Of(ReadOnlySpan<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return OfSorted(sorted);
    }

    /// <summary>Summarises values already in ascending order (no sort, no copy).</summary>
    public static NumericSummary OfSorted(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0)
            return new NumericSummary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var moments = SampleMoments.Of(sorted);
        return new NumericSummary(sorted.Length, moments.Mean, moments.StandardDeviation,
            SampleQuantile.Type7(sorted, 0.5), SampleQuantile.Type7(sorted, 0.25), SampleQuantile.Type7(sorted, 0.75),
            sorted[0], sorted[^1]);
    }
}
