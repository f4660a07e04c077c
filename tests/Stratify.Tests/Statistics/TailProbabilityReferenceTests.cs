using System.Text.Json;
using Stratify.Data;
using Stratify.Statistics;
using Xunit.Abstractions;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Statistics;

/// <summary>
/// Every tail probability and normal quantile of the library against R 4.2 over the grids of
/// tests/reference/distributions_reference.R (pchisq, pnorm, qnorm, pt, pf), deep into the tails. The tolerances are
/// the largest relative differences measured, with a factor of about 2 for other CPUs: χ² 2.0e-13 (MathNet's
/// incomplete gamma at df = 50, x = 1400, p = 3e-260), normal tail 1.1e-13 (erfc at z = −30), quantile 5.4e-16,
/// t 4.2e-13, F 1.2e-12.
/// </summary>
public class TailProbabilityReferenceTests(ITestOutputHelper output)
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("distributions_reference.json"))).RootElement;

    private static double[] Column(string table, string name) => Numbers(Reference.GetProperty(table).GetProperty(name));

    [Fact]
    public void Chi_square_upper_tail_equals_pchisq_to_p_of_1e_minus_300()
    {
        var (x, df, upper) = (Column("chisq_upper", "x"), Column("chisq_upper", "df"), Column("chisq_upper", "upper"));
        Assert.True(x.Length > 250, $"the grid has {x.Length} points");
        var mine = x.Select((xi, i) => TailProbability.ChiSquareUpper(xi, df[i])).ToArray();
        output.WriteLine($"largest relative difference {AssertClose(upper, mine, 5e-13, "pchisq(x, df, lower.tail = FALSE)"):E2}");
    }

    [Fact]
    public void Chi_square_with_0_degrees_of_freedom_is_R_point_mass_at_0()
    {
        // R 4.2: pchisq(c(0, 1e-300, 1, 100), 0, lower.tail = FALSE) = 1 0 0 0 (1 at x = 0: pgamma with shape 0
        // returns P(X < x) there).
        var (x, upper) = (Column("chisq_zero_df", "x"), Column("chisq_zero_df", "upper"));
        Assert.Equal(upper, x.Select(xi => TailProbability.ChiSquareUpper(xi, 0)).ToArray());
        Assert.Equal([1.0, 0.0, 0.0, 0.0], upper);
    }

    [Fact]
    public void A_chi_square_test_on_0_degrees_of_freedom_has_no_p_value()
    {
        // Nothing was tested: whatever the statistic, the p-value is NaN (NA), not R's 1 or 0.
        foreach (double statistic in new[] { 0.0, 1e-300, 3.2, 100.0 })
            Assert.True(double.IsNaN(TailProbability.ChiSquarePValue(statistic, 0)), $"statistic {statistic}");
        Assert.True(double.IsNaN(TailProbability.ChiSquarePValue(3.2, -1)));
        Assert.True(double.IsNaN(TailProbability.ChiSquarePValue(double.NaN, 2)));
        Assert.True(double.IsNaN(TailProbability.ChiSquareUpper(3.2, -1)));
    }

    [Fact]
    public void A_chi_square_test_on_positive_degrees_of_freedom_has_the_upper_tail_as_p_value()
    {
        // R: pchisq(3.841458820694124, 1, lower.tail = FALSE) = 0.05; pchisq(0, 3, lower.tail = FALSE) = 1
        Assert.Equal(0.05, TailProbability.ChiSquarePValue(3.841458820694124, 1), 1e-15);
        Assert.Equal(1.0, TailProbability.ChiSquarePValue(0, 3));
        Assert.Equal(0.0, TailProbability.ChiSquarePValue(double.PositiveInfinity, 3));
    }

    [Fact]
    public void Normal_lower_tail_equals_pnorm_to_z_of_minus_37_5()
    {
        var (z, lower) = (Column("normal", "z"), Column("normal", "lower"));
        output.WriteLine($"largest relative difference {AssertClose(lower, z.Select(TailProbability.NormalLower).ToArray(), 2.5e-13, "pnorm(z)"):E2}");
    }

    [Fact]
    public void Normal_two_sided_tail_equals_twice_pnorm_of_minus_abs_z()
    {
        var (z, twoSided) = (Column("normal", "z"), Column("normal", "two_sided"));
        output.WriteLine($"largest relative difference {AssertClose(twoSided, z.Select(TailProbability.NormalTwoSided).ToArray(), 2.5e-13, "2 * pnorm(-abs(z))"):E2}");
    }

    [Fact]
    public void Normal_quantile_equals_qnorm_from_1e_minus_300_to_1_minus_1e_minus_15()
    {
        var (p, q) = (Column("normal_quantile", "p"), Column("normal_quantile", "q"));
        output.WriteLine($"largest relative difference {AssertClose(q, p.Select(TailProbability.NormalQuantile).ToArray(), 2e-15, "qnorm(p)"):E2}");
        Assert.Equal(double.NegativeInfinity, TailProbability.NormalQuantile(0));
        Assert.Equal(double.PositiveInfinity, TailProbability.NormalQuantile(1));
        Assert.True(double.IsNaN(TailProbability.NormalQuantile(1.5)));
    }

    [Fact]
    public void Critical_value_of_an_interval_equals_qnorm_of_one_plus_level_over_two()
    {
        // R: qnorm((1 + level) / 2) for level 0.5, 0.8, 0.9, 0.95, 0.99, 0.999 (summary.coxph and survfit).
        var (level, z) = (Column("critical_value", "level"), Column("critical_value", "z"));
        AssertClose(z, level.Select(TailProbability.NormalCriticalValue).ToArray(), 2e-15, "qnorm((1 + level) / 2)");
        Assert.Equal(1.959963984540054, TailProbability.NormalCriticalValue(0.95), 1e-15);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(95.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void A_confidence_level_outside_0_and_1_is_refused(double level)
    {
        var error = Assert.Throws<StratifyInputException>(() => TailProbability.NormalCriticalValue(level));
        Assert.Contains("strictly between 0 and 1", error.Message);
    }

    [Fact]
    public void Two_sided_t_tail_equals_twice_pt_of_minus_abs_t()
    {
        var (t, df, p) = (Column("student_t", "t"), Column("student_t", "df"), Column("student_t", "two_sided"));
        var mine = t.Select((ti, i) => TailProbability.StudentTTwoSided(ti, df[i])).ToArray();
        output.WriteLine($"largest relative difference {AssertClose(p, mine, 1e-12, "2 * pt(-abs(t), df)"):E2}");
    }

    [Fact]
    public void F_upper_tail_equals_pf()
    {
        var (f, d1, d2, upper) = (Column("fisher_f", "f"), Column("fisher_f", "d1"), Column("fisher_f", "d2"), Column("fisher_f", "upper"));
        var mine = f.Select((fi, i) => TailProbability.FisherSnedecorUpper(fi, d1[i], d2[i])).ToArray();
        output.WriteLine($"largest relative difference {AssertClose(upper, mine, 2.5e-12, "pf(f, d1, d2, lower.tail = FALSE)"):E2}");
    }
}
