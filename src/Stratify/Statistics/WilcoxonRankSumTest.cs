// Wilcoxon rank-sum (Mann–Whitney) test, two-sided, as R's wilcox.test(x, y) with its defaults
// (exact = NULL, correct = TRUE). Wilcoxon F (1945) Biometrics Bull 1:80; Mann & Whitney (1947) Ann Math Stat 18:50.
//   W = Σ ranks of x - n_x (n_x + 1) / 2      (mid-ranks over the pooled sample)
// Exact (n_x < 50, n_y < 50 and no ties): the null distribution of W is counted by dynamic programming
// (the number of ways to choose n_x of the ranks 1..N with a given sum), and
//   p = min(1, 2 P(W ≤ w)) if w ≤ n_x n_y / 2, else min(1, 2 P(W ≥ w)).
// Otherwise normal approximation with tie and continuity corrections:
//   z = (W - n_x n_y / 2 - sign · 0.5) / σ,   σ² = n_x n_y / 12 · [N + 1 - Σ(t³ - t) / (N (N - 1))]
//   p = 2 min(Φ(z), Φ(-z)).
namespace Stratify.Statistics;

/// <summary>Result of <see cref="WilcoxonRankSumTest.Compute"/>; <see cref="Exact"/> says which p-value was used.</summary>
internal sealed record RankSumTestResult(double Statistic, double PValue, bool Exact)
{
    public const string TestName = "wilcoxon_rank_sum";
}

/// <summary>Two-sided Wilcoxon rank-sum test of two independent samples.</summary>
/// <example><code>var r = WilcoxonRankSumTest.Compute(x, y); // r.Statistic and r.PValue as R wilcox.test(x, y)</code></example>
internal static class WilcoxonRankSumTest
{
    public static RankSumTestResult Compute(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int nx = x.Length, ny = y.Length, n = nx + ny;
        if (nx == 0 || ny == 0) return new RankSumTestResult(double.NaN, double.NaN, false);
        var pooled = new double[n];
        x.CopyTo(pooled);
        y.CopyTo(pooled.AsSpan(nx));
        var ranks = new double[n];
        double ties = MidRanks.Compute(pooled, ranks);
        double rankSumX = 0;
        for (int i = 0; i < nx; i++) rankSumX += ranks[i];
        double w = rankSumX - nx * (nx + 1) / 2.0;
        if (nx < 50 && ny < 50 && ties == 0)
        {
            var probability = NullDistribution(nx, ny);
            int q = (int)Math.Round(w);
            double p = 0;
            // Sum the nearer tail directly (no 1 - P cancellation).
            if (q > nx * ny / 2.0) for (int u = q; u < probability.Length; u++) p += probability[u];
            else for (int u = 0; u <= q; u++) p += probability[u];
            return new RankSumTestResult(w, Math.Min(1.0, 2 * p), true);
        }
        double z = w - nx * (double)ny / 2;
        double sigma = Math.Sqrt(nx * (double)ny / 12 * (n + 1 - ties / (n * (double)(n - 1))));
        if (sigma == 0) return new RankSumTestResult(w, double.NaN, false);
        z = (z - Math.Sign(z) * 0.5) / sigma;
        double pNormal = 2 * Math.Min(TailProbability.NormalLower(z), TailProbability.NormalLower(-z));
        return new RankSumTestResult(w, Math.Min(1.0, pNormal), false);
    }

    /// <summary>P(W = u) for u = 0 .. n_x n_y under the null hypothesis (no ties).</summary>
    private static double[] NullDistribution(int nx, int ny)
    {
        // ways[j][u]: number of j-subsets of the ranks seen so far whose U = Σ rank - j (j + 1) / 2 equals u.
        // Adding rank r (1-based) to a j-subset raises U by r - (j + 1).
        int maxU = nx * ny;
        var ways = new double[nx + 1, maxU + 1];
        ways[0, 0] = 1;
        for (int r = 1; r <= nx + ny; r++)
        {
            for (int j = Math.Min(r, nx); j >= 1; j--)
            {
                int shift = r - j;
                if (shift > ny) continue;
                for (int u = maxU; u >= shift; u--) ways[j, u] += ways[j - 1, u - shift];
            }
        }
        double total = 0;
        for (int u = 0; u <= maxU; u++) total += ways[nx, u];
        var probability = new double[maxU + 1];
        for (int u = 0; u <= maxU; u++) probability[u] = ways[nx, u] / total;
        return probability;
    }
}
