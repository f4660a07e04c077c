namespace Stratify.Survival;

/// <summary>A test statistic with its degrees of freedom and upper-tail χ² p-value.</summary>
public sealed record CoxTest(double Statistic, int DegreesOfFreedom, double PValue);

/// <summary>
/// One design column of a fitted Cox model. <see cref="StandardError"/> is the model-based (inverse information) standard
/// error; when the fit is robust, <see cref="RobustStandardError"/> holds the sandwich one and, as in R's <c>summary.coxph</c>,
/// z, p and the interval (at <see cref="CoxModel.ConfidenceLevel"/>) use it. An aliased (collinear) column has NaN estimates (R prints NA).
/// </summary>
public sealed record CoxCoefficient(
    string Term,
    double Coefficient,
    double StandardError,
    double RobustStandardError,
    double HazardRatio,
    double HazardRatioLower,
    double HazardRatioUpper,
    double Z,
    double PValue,
    bool Aliased);

/// <summary>Harrell's C of the linear predictor (higher risk, earlier event) with R's infinitesimal-jackknife SE.</summary>
public sealed record ConcordanceEstimate(double C, double StandardError, double Concordant, double Discordant, double TiedRisk, double TiedTime);

/// <summary>
/// A fitted Cox proportional hazards model (see <see cref="CoxProportionalHazards.Fit"/>): coefficients with
/// standard errors, hazard ratios and intervals, the log partial likelihoods, the three global tests of
/// <c>summary.coxph</c>, Harrell's concordance, convergence information and warnings. Immutable.
/// </summary>
/// <example>
/// <code>
/// var model = CoxProportionalHazards.Fit(time, died, DesignMatrix.Build(terms));
/// double hrAge = model.Coefficients[0].HazardRatio;
/// var curve = model.BaselineSurvival();          // survfit(fit)
/// var ph = ProportionalHazardsTest.Compute(model); // cox.zph(fit)
/// </code>
/// </example>
public sealed record CoxModel
{
    public required int N { get; init; }
    public required int Events { get; init; }
    public required CoxTies Ties { get; init; }
    public required IReadOnlyList<CoxCoefficient> Coefficients { get; init; }
    /// <summary>Variance of the coefficients actually used for inference (robust when the fit is robust), p×p row-major; zero rows for aliased columns.</summary>
    public required double[] Variance { get; init; }
    /// <summary>Inverse of the information matrix (R's <c>naive.var</c> when robust), p×p row-major.</summary>
    public required double[] ModelVariance { get; init; }
    public required double LogLikNull { get; init; }
    public required double LogLik { get; init; }
    public required CoxTest LikelihoodRatio { get; init; }
    public required CoxTest Wald { get; init; }
    public required CoxTest Score { get; init; }
    /// <summary>
    /// The robust score test at β = 0 (R's <c>fit$rscore</c>, printed as "Robust ="), from the weighted score residuals
    /// summed per cluster; null unless the fit is robust.
    /// </summary>
    public CoxTest? RobustScore { get; init; }
    /// <summary>True when the fit used case weights (<see cref="CoxOptions.Weights"/>).</summary>
    public bool Weighted { get; init; }
    public required ConcordanceEstimate Concordance { get; init; }
    public required int Iterations { get; init; }
    public required bool Converged { get; init; }
    public required bool Robust { get; init; }
    /// <summary>Level of the hazard-ratio intervals and of the predicted survival limits (<see cref="CoxOptions.ConfidenceLevel"/>).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>The design column names, the term each column codes, and the term names.</summary>
    public required DesignMatrix Design { get; init; }
    /// <summary>Centres used by the fit (R's <c>fit$means</c>: 0 for columns whose values are all −1, 0 or 1).</summary>
    public required double[] Means { get; init; }
    /// <summary>(x − means)·β per input row, in input order (R's <c>fit$linear.predictors</c>).</summary>
    public required double[] LinearPredictors { get; init; }

    internal CoxRiskSets RiskSets { get; init; } = null!;
    internal double[] ScaledBeta { get; init; } = [];
    /// <summary>Baseline hazard increment per tie group (sorted order of <see cref="RiskSets"/>).</summary>
    internal double[] GroupHazard { get; init; } = [];

    /// <summary>Coefficients as an array (NaN for aliased columns).</summary>
    public double[] Beta => Coefficients.Select(c => c.Coefficient).ToArray();

    /// <summary>Baseline survival at the mean covariate profile <see cref="Means"/>, one curve per stratum, as R's <c>survfit(fit)</c>.</summary>
    public IReadOnlyList<CoxSurvivalCurve> BaselineSurvival() => CoxSurvivalPrediction.Baseline(this);

    /// <summary>Predicted survival for one covariate profile (a row of design values), as R's <c>survfit(fit, newdata = ...)</c>.</summary>
    public IReadOnlyList<CoxSurvivalCurve> PredictSurvival(ReadOnlySpan<double> profile) => CoxSurvivalPrediction.ForProfile(this, profile);
}
