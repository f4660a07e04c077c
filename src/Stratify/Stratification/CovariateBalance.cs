using Stratify.Statistics;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Stratification;

// Covariate balance between two arms before and after weighting, as standardised mean differences (treated minus
// reference; Austin & Stuart 2015, Stat Med 34:3661, "Moving towards best practice when using inverse probability of
// treatment weighting (IPTW) using the propensity score to estimate causal treatment effects in observational
// studies"; Austin 2009, Stat Med 28:3083):
//   numeric term        d = (x̄₁ − x̄₀) / sqrt((s₁² + s₀²)/2)
//   each level of a     d = (p₁ − p₀) / sqrt((p₁(1 − p₁) + p₀(1 − p₀))/2)      (the level as a 0/1 indicator;
//   categorical term                                                         every level, the reference too)
// Before weighting the means/proportions are the arms' plain ones; after weighting they are weighted,
// x̄ = Σwx/Σw within the arm. The denominator is always the pooled SD of the unweighted arms (sample variances with
// n − 1 for a number, p(1 − p) for an indicator), as cobalt does by default for the ATE, so that the two columns
// differ only by the weighting. An ordinal term enters as its rank score (StudyTerms). |d| < 0.1 is the usual mark
// of balance (Austin & Stuart 2015).

/// <summary>The standardised mean difference of one term (or one level of a categorical term) before and after weighting.</summary>
/// <param name="Term">The design-style name: <c>age</c>, or <c>size=20-50</c> for a level.</param>
/// <param name="Covariate">The covariate the row belongs to.</param>
/// <param name="Level">The level of a categorical covariate; null for a numeric one.</param>
public sealed record CovariateBalanceRow(string Term, string Covariate, string? Level, double Before, double After);

/// <summary>Standardised mean differences before and after weighting (see the file header).</summary>
/// <example>
/// <code>
/// var terms = study.Covariates.Select(StudyTerms.From).ToArray();
/// var rows = CovariateBalance.Compute(PropensityWeighting.TreatedRows(study.Treatment!), terms, iptw.Weights);
/// // rows[0].Before, rows[0].After: SMD of age unweighted and weighted
/// </code>
/// </example>
internal static class CovariateBalance
{
    public static IReadOnlyList<CovariateBalanceRow> Compute(bool[] treated, IReadOnlyList<CovariateTerm> terms, IReadOnlyList<double> weights)
    {
        ArgumentNullException.ThrowIfNull(treated);
        int n = treated.Length;
        if (weights.Count != n) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{weights.Count} weights for {n} patients"));
        var rows = new List<CovariateBalanceRow>();
        foreach (var term in terms)
        {
            if (term.Length != n) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the covariate has {term.Length} rows for {n} patients"), column: term.Name);
            switch (term)
            {
                case NumericTerm numeric:
                    rows.Add(Numeric(numeric, treated, weights));
                    break;
                case CategoricalTerm categorical:
                    for (int level = 0; level < categorical.Levels.Length; level++)
                        rows.Add(Level(categorical, level, treated, weights));
                    break;
            }
        }
        return rows.AsReadOnly();
    }

    private static CovariateBalanceRow Numeric(NumericTerm term, bool[] treated, IReadOnlyList<double> weights)
    {
        var (arm1, arm0) = Split(term.Values, treated);
        var m1 = SampleMoments.Of(arm1);
        var m0 = SampleMoments.Of(arm0);
        double pooled = Math.Sqrt((m1.Variance + m0.Variance) / 2);
        var (w1, w0) = WeightedMeans(term.Values, treated, weights);
        return new CovariateBalanceRow(term.Name, term.Name, null, (m1.Mean - m0.Mean) / pooled, (w1 - w0) / pooled);
    }

    private static CovariateBalanceRow Level(CategoricalTerm term, int level, bool[] treated, IReadOnlyList<double> weights)
    {
        var indicator = new double[term.Codes.Length];
        for (int i = 0; i < indicator.Length; i++) indicator[i] = term.Codes[i] == level ? 1 : 0;
        var (arm1, arm0) = Split(indicator, treated);
        double p1 = Mean(arm1), p0 = Mean(arm0);
        var (w1, w0) = WeightedMeans(indicator, treated, weights);
        double before = StandardizedMeanDifference.Binary(p1, p0);
        double pooled = (p1 * (1 - p1) + p0 * (1 - p0)) / 2;
        double after = pooled == 0 ? (w1 == w0 ? 0 : double.NaN) : (w1 - w0) / Math.Sqrt(pooled);
        string name = term.Levels[level];
        return new CovariateBalanceRow($"{term.Name}={name}", term.Name, name, before, after);
    }

    private static (double[] Treated, double[] Reference) Split(double[] values, bool[] treated)
    {
        var one = new List<double>();
        var zero = new List<double>();
        for (int i = 0; i < values.Length; i++) (treated[i] ? one : zero).Add(values[i]);
        return (one.ToArray(), zero.ToArray());
    }

    private static double Mean(double[] values) => SampleMoments.Of(values).Mean;

    /// <summary>Σwx/Σw within each arm.</summary>
    private static (double Treated, double Reference) WeightedMeans(double[] values, bool[] treated, IReadOnlyList<double> weights)
    {
        double s1 = 0, w1 = 0, s0 = 0, w0 = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (treated[i]) { s1 += weights[i] * values[i]; w1 += weights[i]; }
            else { s0 += weights[i] * values[i]; w0 += weights[i]; }
        }
        return (s1 / w1, s0 / w0);
    }
}
