using FsCheck.Xunit;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// What case weights must mean for any data (FsCheck seeds the simulation): weights of 1 change nothing at all (the
/// weighted code gives the unweighted bits), and a whole-number weight w is the same as w copies of the row
/// (Kaplan–Meier estimates and Greenwood SE; Cox coefficients and model-based SE with Breslow ties). Efron ties are
/// not a frequency rule in R either: coxph counts a weighted death as one of the d tied deaths whatever its weight,
/// while its copies would be w tied deaths (the weighted reference cases check Efron against R instead).
/// </summary>
public class WeightedPropertyTests
{
    private sealed record Simulated(double[] Time, bool[] Event, double[] X1, double[] X2, int[] Group, int[] Copies);

    /// <summary>40–120 patients, whole-number times with ties, three groups, and 1–4 copies per patient.</summary>
    private static Simulated Simulate(int seed)
    {
        var random = new Random(seed);
        int n = 40 + random.Next(80);
        var s = new Simulated(new double[n], new bool[n], new double[n], new double[n], new int[n], new int[n]);
        for (int i = 0; i < n; i++)
        {
            s.X1[i] = Math.Round(random.NextDouble() * 4 - 2, 2);
            s.X2[i] = random.Next(2);
            s.Group[i] = i < 3 ? i : random.Next(3);
            s.Time[i] = Math.Ceiling(-Math.Log(1 - random.NextDouble()) * 20 / Math.Exp(0.5 * s.X1[i] - 0.3 * s.X2[i] + 0.2 * s.Group[i]));
            s.Event[i] = i < 3 || random.NextDouble() < 0.75;
            s.Copies[i] = 1 + random.Next(4);
        }
        return s;
    }

    private static T[] Replicate<T>(T[] values, int[] copies) => values.SelectMany((v, i) => Enumerable.Repeat(v, copies[i])).ToArray();

    private static readonly string[] Labels = ["a", "b", "c"];

    private static DesignMatrix Design(double[] x1, double[] x2, int[] group) => DesignMatrix.Build(new CovariateTerm[]
    {
        CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2), CovariateTerm.Categorical("group", group, Labels),
    });

    private static bool Close(double a, double b, double relative) =>
        double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) <= relative * Math.Max(1e-300, Math.Abs(a));

    private static bool Close(double[] a, double[] b, double relative) => a.Length == b.Length && a.Zip(b).All(x => Close(x.First, x.Second, relative));

    private static bool Identical(double[] a, double[] b) => a.Length == b.Length && a.Zip(b).All(x => x.First.Equals(x.Second));

    [Property(MaxTest = 40)]
    public bool Weights_of_one_give_the_unweighted_kaplan_meier_bit_for_bit(int seed)
    {
        var s = Simulate(seed);
        var options = new KaplanMeierOptions { Times = [5, 15], RmstHorizon = 20 };
        var plain = ProductLimit.Fit(new SurvivalData(s.Time, s.Event, s.Group, Labels), options);
        var ones = ProductLimit.Fit(new SurvivalData(s.Time, s.Event, s.Group, Labels, weights: Enumerable.Repeat(1.0, s.Time.Length).ToArray()), options);
        return plain.Curves.Zip(ones.Curves).All(c =>
            Identical(c.First.Survival, c.Second.Survival) && Identical(c.First.StandardError, c.Second.StandardError)
            && Identical(c.First.Lower, c.Second.Lower) && Identical(c.First.Upper, c.Second.Upper)
            && c.First.Median == c.Second.Median && c.First.Rmst == c.Second.Rmst
            && c.First.At.Select(a => a.Survival).SequenceEqual(c.Second.At.Select(a => a.Survival)));
    }

    [Property(MaxTest = 40)]
    public bool Weights_of_one_give_the_unweighted_cox_model_bit_for_bit(int seed, bool breslow)
    {
        var s = Simulate(seed);
        var x = Design(s.X1, s.X2, s.Group);
        var ties = breslow ? CoxTies.Breslow : CoxTies.Efron;
        var plain = CoxProportionalHazards.Fit(s.Time, s.Event, x, options: new CoxOptions { Ties = ties });
        var ones = CoxProportionalHazards.Fit(s.Time, s.Event, x, options: new CoxOptions { Ties = ties, Weights = Enumerable.Repeat(1.0, s.Time.Length).ToArray() });
        return Identical(plain.Beta, ones.Beta) && Identical(plain.ModelVariance, ones.ModelVariance)
            && plain.LogLik.Equals(ones.LogLik) && plain.Score.Statistic.Equals(ones.Score.Statistic)
            && plain.Concordance.C.Equals(ones.Concordance.C) && plain.Concordance.StandardError.Equals(ones.Concordance.StandardError) && !ones.Robust;
    }

    [Property(MaxTest = 40)]
    public bool Whole_number_weights_equal_replicated_rows_in_kaplan_meier(int seed)
    {
        var s = Simulate(seed);
        var options = new KaplanMeierOptions { RmstHorizon = 20 };
        var weighted = ProductLimit.Fit(new SurvivalData(s.Time, s.Event, s.Group, Labels, weights: s.Copies.Select(c => (double)c).ToArray()), options);
        var copies = ProductLimit.Fit(new SurvivalData(Replicate(s.Time, s.Copies), Replicate(s.Event, s.Copies), Replicate(s.Group, s.Copies), Labels), options);
        return weighted.Variance == KaplanMeierVariance.Greenwood && weighted.Curves.Zip(copies.Curves).All(c =>
            Identical(c.First.Time, c.Second.Time)
            && Close(c.First.WeightedNRisk!, c.Second.NRisk.Select(n => (double)n).ToArray(), 0)
            && Close(c.First.Survival, c.Second.Survival, 1e-13) && Close(c.First.StandardError, c.Second.StandardError, 1e-12)
            && Close(c.First.Lower, c.Second.Lower, 1e-12) && Close(c.First.Upper, c.Second.Upper, 1e-12)
            && Close(c.First.Rmst!.Value.StandardError, c.Second.Rmst!.Value.StandardError, 1e-12) && c.First.Median.Time == c.Second.Median.Time);
    }

    [Property(MaxTest = 40)]
    public bool Whole_number_weights_equal_replicated_rows_in_breslow_cox(int seed)
    {
        var s = Simulate(seed);
        var ties = CoxTies.Breslow;
        var weighted = CoxProportionalHazards.Fit(s.Time, s.Event, Design(s.X1, s.X2, s.Group),
            options: new CoxOptions { Ties = ties, Weights = s.Copies.Select(c => (double)c).ToArray() });
        var copies = CoxProportionalHazards.Fit(Replicate(s.Time, s.Copies), Replicate(s.Event, s.Copies),
            Design(Replicate(s.X1, s.Copies), Replicate(s.X2, s.Copies), Replicate(s.Group, s.Copies)), options: new CoxOptions { Ties = ties });
        return !weighted.Robust && Close(weighted.Beta, copies.Beta, 1e-9)
            && Close(weighted.Coefficients.Select(c => c.StandardError).ToArray(), copies.Coefficients.Select(c => c.StandardError).ToArray(), 1e-9)
            && Close(weighted.LogLik, copies.LogLik, 1e-11) && Close(weighted.Score.Statistic, copies.Score.Statistic, 1e-10)
            && Close(weighted.Concordance.C, copies.Concordance.C, 1e-12);
    }
}
