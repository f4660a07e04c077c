using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Stratification;

// Inverse-probability-of-treatment weighting for an observational comparison of two arms (Rosenbaum & Rubin 1983;
// Robins, Hernán & Brumback 2000, Epidemiology 11:550; Cole & Hernán 2008, Am J Epidemiol 168:656):
//   propensity score   e(x) = P(T = 1 | x), a logistic regression of the treatment on the declared confounders
//                      (LogisticRegression: R's glm(family = binomial), categorical terms as treatment contrasts)
//   stabilised weight  w = P(T = 1)/e(x) for the treated,  P(T = 0)/(1 − e(x)) for the reference arm,
//                      P(T = 1) the proportion treated: the weights average about 1 in each arm and target the
//                      average treatment effect in the whole cohort (ATE)
//   truncation         (optional, trim = 0.01 for example) every weight is clipped to [q(trim), q(1 − trim)], the
//                      type-7 quantiles (R's quantile default) of all the cohort's weights pooled (Cole & Hernán 2008)
//   effective size     Kish's ESS per arm, (Σw)²/Σw²: how many unweighted patients the weighted arm is worth
//   overlap            per arm, quantiles of e(x) (0, 5, 25, 50, 75, 95, 100%) and counts in equal-width bins on
//                      [0, 1]; the common support is [max of the arms' minima, min of the arms' maxima] of e(x), and
//                      patients outside it are counted per arm (their weights rest on extrapolation).
// The weights then enter the weighted Cox model with robust variance and the weighted Kaplan–Meier (Survival
// namespace, CoxOptions.Weights and SurvivalData.Weights), as R's coxph(weights = w, robust = TRUE) and
// survfit(weights = w).

/// <summary>Options of <see cref="PropensityWeighting.Fit(bool[], DesignMatrix, PropensityWeightingOptions?)"/>.</summary>
/// <example><code>new PropensityWeightingOptions { Trim = 0.01 }</code></example>
internal sealed record PropensityWeightingOptions
{
    /// <summary>Truncate the weights at the trim and 1 − trim quantiles (type 7) of all weights; null = no truncation. In (0, 0.5).</summary>
    public double? Trim { get; init; }
    /// <summary>Number of equal-width bins on [0, 1] of the propensity overlap histogram.</summary>
    public int OverlapBins { get; init; } = 20;
    /// <summary>Options of the propensity model (R's glm.control defaults).</summary>
    public LogisticRegressionOptions Regression { get; init; } = new();
}

/// <summary>How the weights were truncated: the trim level, the two bounds and how many weights were clipped.</summary>
public sealed record WeightTruncation(double Trim, double Lower, double Upper, int Clipped);

/// <summary>One arm's weights: patients, summed weight, Kish's effective sample size (Σw)²/Σw², smallest and largest weight.</summary>
public sealed record ArmWeights(string Arm, int N, double WeightSum, double EffectiveSampleSize, double Minimum, double Maximum);

/// <summary>The propensity scores of one arm for an overlap figure: quantiles and counts per bin.</summary>
/// <param name="Probabilities">0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.</param>
/// <param name="Quantiles">Type-7 quantiles of the arm's propensity scores at <paramref name="Probabilities"/>.</param>
/// <param name="BinCounts">Patients per bin of <see cref="PropensityOverlap.BinEdges"/>.</param>
/// <param name="OutsideCommonSupport">Patients of the arm whose score lies outside the common support.</param>
public sealed record ArmOverlap(string Arm, IReadOnlyList<double> Probabilities, IReadOnlyList<double> Quantiles,
    IReadOnlyList<int> BinCounts, int OutsideCommonSupport);

/// <summary>Overlap of the propensity distributions of the arms.</summary>
/// <param name="BinEdges">Bin edges on [0, 1] (bins + 1 values); bin k is [edge k, edge k+1), the last one closed.</param>
public sealed record PropensityOverlap(IReadOnlyList<double> BinEdges, double CommonSupportLower, double CommonSupportUpper,
    ArmOverlap Treated, ArmOverlap Reference);

/// <summary>
/// The propensity model, the propensity scores and stabilised inverse-probability-of-treatment weights of every
/// patient (input order), with the truncation applied, effective sample sizes and the overlap summary. Immutable.
/// </summary>
public sealed record PropensityWeights
{
    public required LogisticRegressionModel Model { get; init; }
    /// <summary>e(x) per patient.</summary>
    public required IReadOnlyList<double> PropensityScores { get; init; }
    /// <summary>The stabilised weight per patient, truncated when a trim was asked for.</summary>
    public required IReadOnlyList<double> Weights { get; init; }
    /// <summary>P(T = 1): the proportion of treated patients, the numerator of the treated arm's weights.</summary>
    public required double TreatedProportion { get; init; }
    /// <summary>The truncation applied; null when none was asked for.</summary>
    public WeightTruncation? Truncation { get; init; }
    public required ArmWeights Treated { get; init; }
    public required ArmWeights Reference { get; init; }
    public required PropensityOverlap Overlap { get; init; }

    /// <summary>A fresh copy of <see cref="Weights"/> as an array, for <see cref="CoxOptions.Weights"/> and <see cref="SurvivalData"/>.</summary>
    public double[] WeightArray() => Weights.ToArray();
}

/// <summary>
/// Propensity scores and stabilised inverse-probability-of-treatment weights (see the file header for the formulas).
/// </summary>
/// <example>
/// <code>
/// var study = StudyBinder.Load(StudySpecReader.Read("datasets/rotterdam.yaml"));   // chemo: observational
/// var iptw = PropensityWeighting.Fit(study, new PropensityWeightingOptions { Trim = 0.01 });
/// var cox = CoxProportionalHazards.Fit(study.Time!, study.Event!, DesignMatrix.Build([StudyTerms.From(study.Treatment!)]),
///     options: new CoxOptions { Weights = iptw.WeightArray(), Robust = true });   // coxph(..., weights = w, robust = TRUE)
/// var balance = CovariateBalance.Compute(PropensityWeighting.TreatedRows(study.Treatment!),
///     study.Covariates.Select(StudyTerms.From).ToArray(), iptw.Weights);                 // SMD before / after
/// </code>
/// </example>
internal static class PropensityWeighting
{
    private static readonly double[] QuantileProbabilities = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 1];

    /// <summary>
    /// The weights of a bound study: its two-arm treatment (treated = every level but the reference) on its
    /// covariates (<see cref="StudyTerms"/>), as the spec declares them.
    /// </summary>
    public static PropensityWeights Fit(BoundStudy study, PropensityWeightingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(study);
        if (study.Treatment is not { } treatment)
            throw new StratifyInputException("propensity weighting needs a treatment column", study.Spec.SourceFile ?? study.Cohort.Source,
                suggestion: "Name the treatment (treatment: in the spec, or --treatment).");
        if (treatment.LevelCount != 2)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"propensity weighting compares two arms, but the treatment has {treatment.LevelCount} levels"),
                study.Spec.SourceFile ?? study.Cohort.Source, treatment.Name, suggestion: "Keep two arms in the data.");
        if (study.Covariates.Count == 0)
            throw new StratifyInputException("a propensity score needs the confounders: the spec declares no covariates",
                study.Spec.SourceFile ?? study.Cohort.Source, suggestion: "List the confounders under covariates: in the spec.");
        return Fit(TreatedRows(treatment), StudyTerms.Design(study), options,
            treatment.Levels[1 - treatment.Reference], treatment.Levels[treatment.Reference]);
    }

    /// <summary>Treated (true) per row: every row not in the factor's reference level.</summary>
    public static bool[] TreatedRows(Factor treatment)
    {
        var treated = new bool[treatment.Codes.Length];
        for (int i = 0; i < treated.Length; i++) treated[i] = treatment.Codes[i] != treatment.Reference;
        return treated;
    }

    /// <summary>The weights of the treated (true) and reference (false) patients, from the confounders' design.</summary>
    public static PropensityWeights Fit(bool[] treated, DesignMatrix confounders, PropensityWeightingOptions? options = null,
        string treatedArm = "treated", string referenceArm = "reference")
    {
        options ??= new PropensityWeightingOptions();
        ArgumentNullException.ThrowIfNull(treated);
        if (options.Trim is double trim && !(trim > 0 && trim < 0.5))
            throw new StratifyInputException("the weight trim must lie strictly between 0 and 0.5 (for example 0.01)", value: trim.ToString("R", CultureInfo.InvariantCulture));
        if (options.OverlapBins < 1) throw new StratifyInputException("the overlap histogram needs at least one bin", value: options.OverlapBins.ToString(CultureInfo.InvariantCulture));
        int n = treated.Length;
        var model = LogisticRegression.Fit(treated, confounders, options.Regression);
        var scores = model.FittedProbabilities;

        int treatedCount = 0;
        foreach (bool t in treated) if (t) treatedCount++;
        double proportion = (double)treatedCount / n;
        var weights = new double[n];
        for (int i = 0; i < n; i++) weights[i] = treated[i] ? proportion / scores[i] : (1 - proportion) / (1 - scores[i]);

        WeightTruncation? truncation = null;
        if (options.Trim is double level)
        {
            var sorted = (double[])weights.Clone();
            Array.Sort(sorted);
            double lower = SampleQuantile.Type7(sorted, level), upper = SampleQuantile.Type7(sorted, 1 - level);
            int clipped = 0;
            for (int i = 0; i < n; i++)
            {
                double w = Math.Min(Math.Max(weights[i], lower), upper);
                if (w != weights[i]) clipped++;
                weights[i] = w;
            }
            truncation = new WeightTruncation(level, lower, upper, clipped);
        }

        var propensity = scores.ToArray();
        return new PropensityWeights
        {
            Model = model,
            PropensityScores = Array.AsReadOnly(propensity),
            Weights = Array.AsReadOnly(weights),
            TreatedProportion = proportion,
            Truncation = truncation,
            Treated = Arm(treatedArm, treated, true, weights),
            Reference = Arm(referenceArm, treated, false, weights),
            Overlap = Overlap(treated, propensity, options.OverlapBins, treatedArm, referenceArm),
        };
    }

    private static ArmWeights Arm(string name, bool[] treated, bool arm, double[] weights)
    {
        int n = 0;
        double sum = 0, squares = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int i = 0; i < weights.Length; i++)
        {
            if (treated[i] != arm) continue;
            double w = weights[i];
            n++;
            sum += w;
            squares += w * w;
            min = Math.Min(min, w);
            max = Math.Max(max, w);
        }
        return new ArmWeights(name, n, sum, sum * sum / squares, min, max);
    }

    private static PropensityOverlap Overlap(bool[] treated, double[] scores, int bins, string treatedArm, string referenceArm)
    {
        var byArm = new[] { Scores(treated, scores, true), Scores(treated, scores, false) };
        double lower = Math.Max(byArm[0][0], byArm[1][0]);
        double upper = Math.Min(byArm[0][^1], byArm[1][^1]);
        var edges = new double[bins + 1];
        for (int k = 0; k <= bins; k++) edges[k] = (double)k / bins;
        var arms = new ArmOverlap[2];
        for (int a = 0; a < 2; a++)
        {
            var sorted = byArm[a];
            var counts = new int[bins];
            int outside = 0;
            foreach (double e in sorted)
            {
                counts[Math.Min(bins - 1, (int)(e * bins))]++;
                if (e < lower || e > upper) outside++;
            }
            var quantiles = QuantileProbabilities.Select(q => SampleQuantile.Type7(sorted, q)).ToArray();
            arms[a] = new ArmOverlap(a == 0 ? treatedArm : referenceArm, Array.AsReadOnly(QuantileProbabilities), Array.AsReadOnly(quantiles),
                Array.AsReadOnly(counts), outside);
        }
        return new PropensityOverlap(Array.AsReadOnly(edges), lower, upper, arms[0], arms[1]);
    }

    /// <summary>The propensity scores of one arm, ascending.</summary>
    private static double[] Scores(bool[] treated, double[] scores, bool arm)
    {
        var values = new List<double>();
        for (int i = 0; i < scores.Length; i++) if (treated[i] == arm) values.Add(scores[i]);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
