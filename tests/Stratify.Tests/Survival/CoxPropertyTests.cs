using FsCheck.Xunit;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// Invariances of the Cox partial likelihood that hold for any data: adding a constant to a covariate cancels in
/// every risk-set ratio exp(xβ)/Σexp(xβ), and the likelihood is a sum over risk sets, so the order of the rows
/// does not matter. Data are random (seeded by FsCheck) with ties in time and an occasional stratum.
/// </summary>
public class CoxPropertyTests
{
    private static (double[] Time, bool[] Event, double[] X1, double[] X2, int[] Group) Simulate(int seed)
    {
        var random = new Random(seed);
        int n = 40 + random.Next(80);
        var time = new double[n];
        var died = new bool[n];
        var x1 = new double[n];
        var x2 = new double[n];
        var group = new int[n];
        for (int i = 0; i < n; i++)
        {
            x1[i] = Math.Round(random.NextDouble() * 4 - 2, 2);
            x2[i] = random.Next(2);
            group[i] = random.Next(3);
            time[i] = Math.Ceiling(-Math.Log(1 - random.NextDouble()) * 20 / Math.Exp(0.5 * x1[i] - 0.3 * x2[i]));
            died[i] = random.NextDouble() < 0.75;
        }
        died[0] = true;
        return (time, died, x1, x2, group);
    }

    private static DesignMatrix Design(double[] x1, double[] x2, int[] group) => DesignMatrix.Build(new CovariateTerm[]
    {
        CovariateTerm.Numeric("x1", x1),
        CovariateTerm.Numeric("x2", x2),
        CovariateTerm.Categorical("group", group, ["a", "b", "c"]),
    });

    private static bool Same(CoxModel a, CoxModel b, double relative)
    {
        for (int j = 0; j < a.Coefficients.Count; j++)
        {
            double x = a.Coefficients[j].Coefficient, y = b.Coefficients[j].Coefficient;
            if (double.IsNaN(x) != double.IsNaN(y)) return false;
            if (!double.IsNaN(x) && Math.Abs(x - y) > relative * Math.Max(1, Math.Abs(x))) return false;
            double sx = a.Coefficients[j].StandardError, sy = b.Coefficients[j].StandardError;
            if (!double.IsNaN(sx) && Math.Abs(sx - sy) > relative * Math.Max(1, sx)) return false;
        }
        return Math.Abs(a.LogLik - b.LogLik) <= relative * Math.Abs(a.LogLik);
    }

    [Property(MaxTest = 40)]
    public bool Coefficients_do_not_change_when_a_covariate_is_shifted(int seed, int shift)
    {
        var (time, died, x1, x2, group) = Simulate(seed);
        double constant = shift % 10_000 / 3.0;
        var shifted = x1.Select(v => v + constant).ToArray();
        foreach (var ties in new[] { CoxTies.Efron, CoxTies.Breslow })
        {
            var options = new CoxOptions { Ties = ties };
            var original = CoxProportionalHazards.Fit(time, died, Design(x1, x2, group), options: options);
            var moved = CoxProportionalHazards.Fit(time, died, Design(shifted, x2, group), options: options);
            if (!Same(original, moved, 1e-6)) return false;
        }
        return true;
    }

    [Property(MaxTest = 40)]
    public bool Coefficients_do_not_change_when_rows_are_permuted(int seed, int permutationSeed)
    {
        var (time, died, x1, x2, group) = Simulate(seed);
        int n = time.Length;
        var perm = Enumerable.Range(0, n).ToArray();
        new Random(permutationSeed).Shuffle(perm);
        T[] P<T>(T[] a) => perm.Select(i => a[i]).ToArray();
        var strata = group.Select(g => g % 2).ToArray();
        var original = CoxProportionalHazards.Fit(time, died, Design(x1, x2, group), strata);
        var permuted = CoxProportionalHazards.Fit(P(time), P(died), Design(P(x1), P(x2), P(group)), P(strata));
        return Same(original, permuted, 1e-9)
            && Math.Abs(original.Concordance.C - permuted.Concordance.C) < 1e-12
            && Math.Abs(original.Concordance.StandardError - permuted.Concordance.StandardError) < 1e-12;
    }

    [Property(MaxTest = 40)]
    public bool Linear_predictors_are_each_rows_centred_covariates_times_the_coefficients(int seed)
    {
        // The fit computes η on its time-sorted, centred and scaled design and hands it to the model by original row
        // (written over an array of the likelihood): row i's predictor must be (x_i − centre)·β, as R's linear.predictors.
        var (time, died, x1, x2, group) = Simulate(seed);
        var design = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2) });
        var model = CoxProportionalHazards.Fit(time, died, design, seed % 2 == 0 ? group : null);
        double b1 = model.Coefficients[0].Coefficient, b2 = model.Coefficients[1].Coefficient;
        for (int i = 0; i < time.Length; i++)
        {
            double expected = (x1[i] - model.Means[0]) * b1 + (x2[i] - model.Means[1]) * b2;
            if (!(Math.Abs(model.LinearPredictors[i] - expected) <= 1e-12 * (1 + Math.Abs(expected)))) return false;
        }
        return true;
    }
}
