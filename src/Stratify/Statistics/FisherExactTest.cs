// Fisher's exact test for a 2 × 2 table [[a, b], [c, d]], two-sided, as R's fisher.test:
// conditional on the margins, a follows the hypergeometric distribution
//   P(a = x) = C(m, x) C(n, k - x) / C(m + n, k),  m = a + c, n = b + d, k = a + b,  x in max(0, k - n) .. min(k, m)
// and the p-value is the sum of P(a = x) over the tables no more probable than the observed one, with R's
// relative tolerance:  p = Σ_{x: P(x) ≤ P(a) (1 + 1e-7)} P(x). Fisher RA (1935) J R Stat Soc 98:39.
// Probabilities are computed on the log scale (log-factorials) and rescaled by the largest, as R's dnhyper.
using MathNet.Numerics;

namespace Stratify.Statistics;

/// <summary>Result of <see cref="FisherExactTest.TwoByTwo"/>.</summary>
internal sealed record FisherExactResult(double PValue, int A, int B, int C, int D)
{
    public const string TestName = "fisher_exact";
}

/// <summary>Fisher's exact test of independence in a 2 × 2 table.</summary>
/// <example><code>var r = FisherExactTest.TwoByTwo(3, 1, 1, 3); // r.PValue = 0.4857143 as R fisher.test(matrix(c(3,1,1,3), 2))</code></example>
internal static class FisherExactTest
{
    private const double RelativeTolerance = 1 + 1e-7;

    /// <summary>Tests the table with first row (<paramref name="a"/>, <paramref name="b"/>) and second row (<paramref name="c"/>, <paramref name="d"/>).</summary>
    public static FisherExactResult TwoByTwo(int a, int b, int c, int d)
    {
        if (a < 0 || b < 0 || c < 0 || d < 0) throw new ArgumentOutOfRangeException(nameof(a), "counts are non-negative");
        int m = a + c, n = b + d, k = a + b;
        int lo = Math.Max(0, k - n), hi = Math.Min(k, m);
        var logDensity = new double[hi - lo + 1];
        double max = double.NegativeInfinity;
        for (int x = lo; x <= hi; x++)
        {
            double l = LogChoose(m, x) + LogChoose(n, k - x) - LogChoose(m + n, k);
            logDensity[x - lo] = l;
            max = Math.Max(max, l);
        }
        double total = 0;
        for (int i = 0; i < logDensity.Length; i++) total += Math.Exp(logDensity[i] - max);
        double observed = Math.Exp(logDensity[a - lo] - max) / total;
        double p = 0;
        for (int i = 0; i < logDensity.Length; i++)
        {
            double density = Math.Exp(logDensity[i] - max) / total;
            if (density <= observed * RelativeTolerance) p += density;
        }
        return new FisherExactResult(Math.Min(1.0, p), a, b, c, d);
    }

    private static double LogChoose(int n, int k) => SpecialFunctions.FactorialLn(n) - SpecialFunctions.FactorialLn(k) - SpecialFunctions.FactorialLn(n - k);
}
