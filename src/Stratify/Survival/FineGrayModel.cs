using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// One design column of a Fine–Gray fit. <see cref="StandardError"/> is the sandwich standard error crr reports (with the term
/// for the estimated censoring distribution) and z, p and the 95% interval use it; <see cref="ModelStandardError"/> is √(I⁻¹)
/// and <see cref="WeightsFixedStandardError"/> the robust standard error coxph reports on finegray() data (weights taken as
/// known). An aliased (collinear) column has NaN estimates.
/// </summary>
internal sealed record FineGrayCoefficient(
    string Term,
    double Coefficient,
    double StandardError,
    double ModelStandardError,
    double WeightsFixedStandardError,
    double HazardRatio,
    double HazardRatioLower,
    double HazardRatioUpper,
    double Z,
    double PValue,
    bool Aliased);

/// <summary>A predicted cumulative incidence F(t | profile) at the event times of the modelled cause (as cmprsk's predict.crr).</summary>
internal sealed record PredictedCumulativeIncidence(int Cause, double[] Time, double[] CumulativeIncidence)
{
    /// <summary>F at time t: the value at the last event time ≤ t (0 before the first).</summary>
    public double ValueAt(double t)
    {
        int count = StepFunction.CountAtOrBefore(Time, t);
        return count == 0 ? 0 : CumulativeIncidence[count - 1];
    }
}

/// <summary>
/// The total over causes of their predicted cumulative incidences for one profile: its largest value (at the last
/// event time, since every F is non-decreasing) and the first time it exceeds 1 (NaN if it never does).
/// </summary>
internal sealed record CauseTotal(double Maximum, double FirstTimeAboveOne)
{
    /// <summary>True when the causes' own Fine–Gray models predict more than certainty: they cannot all hold.</summary>
    public bool ExceedsOne => !double.IsNaN(FirstTimeAboveOne);

    /// <summary>
    /// The total over causes, each predicted by its own model (<see cref="FineGrayRegression.FitEachCause"/>), on the
    /// union of their event times. Proportional subdistribution hazards for every cause at once is a strong
    /// assumption; a total above 1 shows that it fails for this profile.
    /// </summary>
    public static CauseTotal Of(IReadOnlyList<PredictedCumulativeIncidence> byCause)
    {
        var times = byCause.SelectMany(c => c.Time).Distinct().Order().ToArray();
        double maximum = 0, first = double.NaN;
        foreach (double t in times)
        {
            double total = 0;
            foreach (var c in byCause) total += c.ValueAt(t);
            maximum = Math.Max(maximum, total);
            if (double.IsNaN(first) && total > 1 + 1e-12) first = t;
        }
        return new CauseTotal(maximum, first);
    }
}

/// <summary>
/// A fitted Fine–Gray subdistribution hazards model (see <see cref="FineGrayRegression.Fit"/>): coefficients with the
/// crr sandwich standard errors, subdistribution hazard ratios and intervals, the pseudo log-likelihoods and tests,
/// convergence information, and the baseline cumulative subdistribution hazard for predictions. Immutable.
/// </summary>
/// <example>
/// <code>
/// var model = FineGrayRegression.Fit(time, cause, design);
/// var cif = model.PredictCumulativeIncidence(design.ProfileRow(new Dictionary&lt;string, string&gt; { ["age"] = "60", ["sex"] = "male" }));
/// </code>
/// </example>
internal sealed record FineGrayModel
{
    public required int N { get; init; }
    /// <summary>Events of the modelled cause.</summary>
    public required int Events { get; init; }
    /// <summary>Events of the other causes.</summary>
    public required int CompetingEvents { get; init; }
    public required int Censored { get; init; }
    /// <summary>The cause code modelled (1 = the study's event of interest).</summary>
    public required int CauseOfInterest { get; init; }
    public required FineGrayCensoringTies CensoringTies { get; init; }
    public required IReadOnlyList<FineGrayCoefficient> Coefficients { get; init; }
    /// <summary>crr's sandwich variance, p×p row-major (used for z, p, intervals and the Wald test).</summary>
    public required double[] Variance { get; init; }
    /// <summary>I⁻¹, the model-based variance (coxph's naive variance on finegray() data).</summary>
    public required double[] ModelVariance { get; init; }
    /// <summary>The sandwich without the censoring term (coxph's robust variance on finegray() data).</summary>
    public required double[] WeightsFixedVariance { get; init; }
    public required double LogLikNull { get; init; }
    public required double LogLik { get; init; }
    /// <summary>Pseudo likelihood ratio test 2(ℓ − ℓ₀).</summary>
    public required CoxTest LikelihoodRatio { get; init; }
    /// <summary>Wald test with the sandwich variance.</summary>
    public required CoxTest Wald { get; init; }
    /// <summary>Score test at β = 0 with the model-based information.</summary>
    public required CoxTest Score { get; init; }
    public required int Iterations { get; init; }
    public required bool Converged { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required DesignMatrix Design { get; init; }
    /// <summary>The column means the design was centred on.</summary>
    public required double[] Means { get; init; }
    /// <summary>The distinct event times of the modelled cause (crr's uftime).</summary>
    public required double[] FailureTimes { get; init; }
    /// <summary>Jumps of the baseline cumulative subdistribution hazard at <see cref="FailureTimes"/>, at the centred profile (β applied to x − means).</summary>
    public required double[] BaselineJumps { get; init; }
    internal double[] CentredCoefficients { get; init; } = [];

    /// <summary>Coefficients as an array (NaN for aliased columns).</summary>
    public double[] Beta => Coefficients.Select(c => c.Coefficient).ToArray();

    /// <summary>
    /// F(t | z) = 1 − exp(−exp(zβ) Λ₁₀(t)) at every event time of the cause, for a profile z of design values
    /// (<see cref="DesignMatrix.ProfileRow"/>), as cmprsk's predict.crr.
    /// </summary>
    public PredictedCumulativeIncidence PredictCumulativeIncidence(ReadOnlySpan<double> profile)
    {
        int p = Means.Length;
        if (profile.Length != p)
            throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"a covariate profile needs {p} design values ({string.Join(", ", Design.ColumnNames)}) but has {profile.Length}"));
        double eta = 0;
        for (int j = 0; j < p; j++)
            if (!Coefficients[j].Aliased) eta += (profile[j] - Means[j]) * CentredCoefficients[j];
        double relativeRisk = Math.Exp(eta), cumulative = 0;
        var f = new double[BaselineJumps.Length];
        for (int k = 0; k < f.Length; k++)
        {
            cumulative += relativeRisk * BaselineJumps[k];
            f[k] = 1 - Math.Exp(-cumulative);
        }
        return new PredictedCumulativeIncidence(CauseOfInterest, (double[])FailureTimes.Clone(), f);
    }
}
