// Kruskal–Wallis rank-sum test, as R's kruskal.test (Kruskal & Wallis 1952, JASA 47:583):
//   H = [12 / (N (N + 1)) Σ_g R_g² / n_g - 3 (N + 1)] / [1 - Σ (t³ - t) / (N³ - N)]
// with R_g the sum of mid-ranks in group g and t the sizes of tie groups (the denominator is the tie
// correction); p = P(χ²_{k-1} ≥ H), k the number of groups holding values. NaN when k < 2 or all values tie.
namespace Stratify.Statistics;

/// <summary>A chi-square-referred test statistic with its degrees of freedom and p-value.</summary>
internal sealed record ChiSquareStatisticResult(string Test, double Statistic, double DegreesOfFreedom, double PValue);

/// <summary>Kruskal–Wallis test of equal distributions across groups (nonparametric one-way ANOVA).</summary>
/// <example><code>var r = KruskalWallisTest.Compute(new GroupedSample(karno, celltype, 4)); // as R kruskal.test(karno, celltype)</code></example>
internal static class KruskalWallisTest
{
    public const string TestName = "kruskal_wallis";

    public static ChiSquareStatisticResult Compute(GroupedSample sample)
    {
        int n = sample.Values.Length;
        int k = sample.NonEmptyGroupCount();
        if (k < 2) return new ChiSquareStatisticResult(TestName, double.NaN, k - 1, double.NaN);
        var ranks = new double[n];
        double ties = MidRanks.Compute(sample.Values, ranks);
        var rankSums = new double[sample.GroupCount];
        var sizes = new int[sample.GroupCount];
        var groups = sample.Groups;
        for (int i = 0; i < n; i++) { rankSums[groups[i]] += ranks[i]; sizes[groups[i]]++; }
        double s = 0;
        for (int g = 0; g < sample.GroupCount; g++)
            if (sizes[g] > 0) s += rankSums[g] * rankSums[g] / sizes[g];
        double nn = n;
        double correction = 1 - ties / (nn * nn * nn - nn);
        double h = (12 * s / (nn * (nn + 1)) - 3 * (nn + 1)) / correction;
        if (!double.IsFinite(h)) return new ChiSquareStatisticResult(TestName, double.NaN, k - 1, double.NaN);
        return new ChiSquareStatisticResult(TestName, h, k - 1, TailProbability.ChiSquarePValue(h, k - 1));
    }
}
