// One-way analysis of variance F test (equal variances), as R's anova(lm(y ~ factor(g))):
//   SS_between = Σ_g n_g (mean_g - mean)²,   SS_within = Σ_g Σ_i (y_gi - mean_g)²
//   F = [SS_between / (k - 1)] / [SS_within / (N - k)],   p = P(F_{k-1, N-k} ≥ F)
// with k the number of groups holding values. Equals oneway.test(var.equal = TRUE) when every group has two or
// more values; a group with a single value contributes nothing to SS_within here (as in lm), whereas
// oneway.test returns NA. Fisher RA (1925) Statistical Methods for Research Workers. NaN when k < 2 or N = k.
namespace Stratify.Statistics;

/// <summary>Result of <see cref="OneWayAnova.Compute"/>; NaN entries when undefined.</summary>
internal sealed record FTestResult(double Statistic, double NumeratorDegreesOfFreedom, double DenominatorDegreesOfFreedom, double PValue)
{
    public const string TestName = "anova_f";
}

/// <summary>One-way ANOVA F test of equal group means.</summary>
/// <example><code>var r = OneWayAnova.Compute(new GroupedSample(karno, celltype, 4)); // as R anova(lm(karno ~ celltype))</code></example>
internal static class OneWayAnova
{
    public static FTestResult Compute(GroupedSample sample)
    {
        int groupCount = sample.GroupCount;
        var values = sample.Values;
        var groups = sample.Groups;
        var sums = new double[groupCount];
        var sizes = new int[groupCount];
        for (int i = 0; i < values.Length; i++) { sums[groups[i]] += values[i]; sizes[groups[i]]++; }
        var means = new double[groupCount];
        double grand = 0;
        int n = values.Length, k = 0;
        for (int g = 0; g < groupCount; g++)
        {
            if (sizes[g] == 0) continue;
            k++;
            means[g] = sums[g] / sizes[g];
            grand += sums[g];
        }
        if (k < 2 || n <= k) return new FTestResult(double.NaN, k - 1, n - k, double.NaN);
        grand /= n;
        // Centre by the group means (second pass) for accuracy, as lm's QR would.
        double within = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double d = values[i] - means[groups[i]];
            within += d * d;
        }
        double between = 0;
        for (int g = 0; g < groupCount; g++)
        {
            if (sizes[g] == 0) continue;
            double d = means[g] - grand;
            between += sizes[g] * d * d;
        }
        double df1 = k - 1, df2 = n - k;
        double f = between / df1 / (within / df2);
        return new FTestResult(f, df1, df2, TailProbability.FisherSnedecorUpper(f, df1, df2));
    }
}
