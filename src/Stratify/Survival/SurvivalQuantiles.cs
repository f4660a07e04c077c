using System.Globalization;

namespace Stratify.Survival;

// Quantiles of a step survival curve, transcribing the two rules of R's survival 3.5 (tolerance sqrt(eps)):
// - print.survfit (survmean's minmin), used for the reported median and its limits: among the points where the
//   curve y (S, or the lower/upper limit; NA points skipped) is < 0.5 + tol, take the first; if it equals 0.5
//   (within tol) and the curve later falls below it, the median is halfway between that time and the time of the
//   first later drop; otherwise that time. NA if the curve never reaches 0.5.
// - quantile.survfit (findq), used for any probability p: on x = (0, t_1..t_m), y = 1 - (1, S_1..S_m) with
//   repeated y values removed (keep the first time of each) and NA points dropped, take i1 = the point of
//   smallest y with y + tol >= p and i2 = the point of smallest y with y - tol >= p (approx(method = "constant",
//   f = 1)); the quantile is (x_i1 + x_i2) / 2: the midpoint of a flat segment lying at p, otherwise the time
//   1 - S first reaches p. If the last y equals p, the midpoint of x_i1 and the last observed time.
// The limits of a quantile are the same rule applied to the lower and upper confidence curves.

/// <summary>Median and quantiles of a Kaplan–Meier curve with confidence limits, as R prints them.</summary>
/// <example><code>SurvivalQuantile median = SurvivalQuantiles.PrintMedian(curve.Time, curve.Survival, curve.Lower, curve.Upper);</code></example>
internal static class SurvivalQuantiles
{
    private static readonly double Tolerance = Math.Sqrt(2.220446049250313e-16); // R: sqrt(.Machine$double.eps)

    /// <summary>The median and its limits by print.survfit's rule.</summary>
    public static SurvivalQuantile PrintMedian(double[] time, double[] survival, double[] lower, double[] upper)
        => new(0.5, PrintMedian(time, survival), PrintMedian(time, lower), PrintMedian(time, upper));

    /// <summary>The p-quantile and its limits by quantile.survfit's rule.</summary>
    public static SurvivalQuantile Quantile(double p, double[] time, double[] survival, double[] lower, double[] upper)
    {
        if (!(p >= 0 && p <= 1)) throw new Data.StratifyInputException("a quantile probability must be in [0, 1]", value: p.ToString("R", CultureInfo.InvariantCulture));
        return new SurvivalQuantile(p, FindQuantile(p, time, survival), FindQuantile(p, time, lower), FindQuantile(p, time, upper));
    }

    private static double PrintMedian(double[] time, double[] curve)
    {
        int first = -1;
        for (int j = 0; j < curve.Length; j++)
            if (!double.IsNaN(curve[j]) && curve[j] < 0.5 + Tolerance) { first = j; break; }
        if (first < 0) return double.NaN;
        if (Math.Abs(curve[first] - 0.5) < Tolerance)
            for (int j = first + 1; j < curve.Length; j++)
                if (!double.IsNaN(curve[j]) && curve[j] < curve[first]) return (time[first] + time[j]) / 2;
        return time[first];
    }

    private static double FindQuantile(double p, double[] time, double[] curve)
    {
        int m = curve.Length;
        // x = (0, time), y = 1 - (1, curve); dedup keeps the first occurrence of each y (NaN counts once).
        var xs = new List<double>(m + 1) { 0 };
        var ys = new List<double>(m + 1) { 0 };
        var seen = new HashSet<double> { 0 }; // double.Equals treats NaN as equal to NaN, as duplicated() does
        double maxY = 0;
        for (int j = 0; j < m; j++)
        {
            double y = 1 - curve[j];
            if (!double.IsNaN(y) && y > maxY) maxY = y;
            if (!seen.Add(y)) continue;
            xs.Add(time[j]);
            ys.Add(y);
        }
        if (maxY < p) return double.NaN;
        double xmax = m == 0 ? 0 : time[m - 1];
        if (p == 0) return xs[0];
        int i1 = ConstantStepIndex(ys, p, Tolerance);
        int i2 = ConstantStepIndex(ys, p, -Tolerance);
        double last = ys[^1];
        if (!double.IsNaN(last) && Math.Abs(p - last) < Tolerance)
            return i1 < 0 ? double.NaN : (xs[i1] + xmax) / 2;
        if (i1 < 0 || i2 < 0) return double.NaN;
        return (xs[i1] + xs[i2]) / 2;
    }

    /// <summary>
    /// approx(y + shift, index, p, method = "constant", f = 1) with NaN points dropped: the point whose
    /// y + shift is the smallest value &gt;= p; -1 when p is outside [min, max] of y + shift.
    /// </summary>
    private static int ConstantStepIndex(List<double> ys, double p, double shift)
    {
        int best = -1;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < ys.Count; i++)
        {
            double v = ys[i] + shift;
            if (double.IsNaN(v)) continue;
            if (v < min) min = v;
            if (v > max) max = v;
            if (v >= p && (best < 0 || v < ys[best] + shift)) best = i;
        }
        return p < min || p > max ? -1 : best;
    }
}
