using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>
/// The JSON shape of a Cox model report (written with <see cref="JsonOutput"/>: snake_case, NaN/±∞ as null):
/// <code>
/// { "cox": { n, events, ties, terms: [{term, coef, se, hr, hr_lower, hr_upper, z, p, robust_se}],
///            loglik: {null, model}, tests: {likelihood_ratio, wald, score: {statistic, df, p}},
///            concordance: {c, se}, iterations, converged, warnings: [],
///            ph_test: {terms: [{term, chisq, df, p}], global: {chisq, df, p}}, conf_level } }
/// </code>
/// <c>conf_level</c> is the level of <c>hr_lower</c>/<c>hr_upper</c> and of predicted survival limits (0.95 unless
/// asked otherwise, the same key as the km document). An aliased (collinear) term has null estimates; <c>robust_se</c>
/// is null unless the fit is robust. A robust fit adds <c>tests.robust_score</c> (R's "Robust" score test); a
/// weighted fit adds <c>weights: {column, variance}</c>. On competing-risks data a <c>competing_risks</c> block says
/// which hazard the model describes (cause-specific or Fine–Gray; see <see cref="CompetingRisksJson.FineGray"/>, whose
/// concordance is {c: null, se: null}).
/// </summary>
/// <example>
/// <code>
/// JsonOutput.Write(CoxJson.From(model, ProportionalHazardsTest.Compute(model)), Console.Out);
/// </code>
/// </example>
internal sealed record CoxJson(CoxModelJson Cox)
{
    public static CoxJson From(CoxModel model, ProportionalHazardsResult? phTest = null) => new(CoxModelJson.From(model, phTest));
}

internal sealed record CoxModelJson(
    int N,
    int Events,
    CoxTies Ties,
    IReadOnlyList<CoxTermJson> Terms,
    CoxLogLikJson Loglik,
    CoxTestsJson Tests,
    CoxConcordanceJson Concordance,
    int Iterations,
    bool Converged,
    IReadOnlyList<string> Warnings,
    CoxPhTestJson? PhTest,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<CoxPredictionJson>? Predictions = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    WeightsJson? Weights = null,
    double ConfLevel = 0.95)
{
    /// <summary>The model's document with the <c>weights</c> object naming the weight column (when the fit was weighted).</summary>
    public static CoxModelJson From(CoxModel model, ProportionalHazardsResult? phTest, string? weightColumn) =>
        From(model, phTest) with
        {
            Weights = model.Weighted && weightColumn is not null ? new WeightsJson(weightColumn, model.Robust ? "robust" : "model-based") : null,
        };

    /// <summary>
    /// On competing-risks data: which hazard the model describes (cause-specific Cox or Fine–Gray), the causes and
    /// what the ratios mean (<see cref="CompetingRisksModelJson"/>); absent otherwise.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public CompetingRisksModelJson? CompetingRisks { get; init; }

    public static CoxModelJson From(CoxModel model, ProportionalHazardsResult? phTest) => new(
        model.N,
        model.Events,
        model.Ties,
        model.Coefficients.Select(c => new CoxTermJson(c.Term, c.Coefficient, c.StandardError, c.HazardRatio, c.HazardRatioLower,
            c.HazardRatioUpper, c.Z, c.PValue, c.RobustStandardError)).ToArray(),
        new CoxLogLikJson(model.LogLikNull, model.LogLik),
        new CoxTestsJson(CoxTestJson.From(model.LikelihoodRatio), CoxTestJson.From(model.Wald), CoxTestJson.From(model.Score),
            model.RobustScore is null ? null : CoxTestJson.From(model.RobustScore)),
        new CoxConcordanceJson(model.Concordance.C, model.Concordance.StandardError),
        model.Iterations,
        model.Converged,
        model.Warnings.ToArray(),
        phTest is null ? null : new CoxPhTestJson(
            phTest.Terms.Select(t => new CoxPhTermJson(t.Term, t.Statistic, t.DegreesOfFreedom, t.PValue)).ToArray(),
            new CoxPhGlobalJson(phTest.Global.Statistic, phTest.Global.DegreesOfFreedom, phTest.Global.PValue)),
        ConfLevel: model.ConfidenceLevel);
}

internal sealed record CoxTermJson(string Term, double Coef, double Se, double Hr, double HrLower, double HrUpper, double Z, double P, double RobustSe);

/// <summary>Log partial likelihood at β = 0 ("null") and at the estimate ("model").</summary>
internal sealed record CoxLogLikJson(double Null, double Model);

internal sealed record CoxTestsJson(CoxTestJson LikelihoodRatio, CoxTestJson Wald, CoxTestJson Score,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    CoxTestJson? RobustScore = null);

internal sealed record CoxTestJson(double Statistic, int Df, double P)
{
    public static CoxTestJson From(CoxTest test) => new(test.Statistic, test.DegreesOfFreedom, test.PValue);
}

internal sealed record CoxConcordanceJson(double C, double Se);

internal sealed record CoxPhTestJson(IReadOnlyList<CoxPhTermJson> Terms, CoxPhGlobalJson Global);

internal sealed record CoxPhTermJson(string Term, double Chisq, int Df, double P);

internal sealed record CoxPhGlobalJson(double Chisq, int Df, double P);

/// <summary>Predicted survival of one covariate profile (cox --predict): one curve per stratum.</summary>
internal sealed record CoxPredictionJson(string Profile, IReadOnlyList<CoxPredictedCurveJson> Curves)
{
    public static CoxPredictedCurveJson Curve(Stratify.Survival.CoxSurvivalCurve c) => new(c.Stratum, c.Time, c.Survival, c.Lower, c.Upper);
}

/// <summary>S(t | profile) with log-type limits (at the model's conf_level) at each time of the stratum (as R's survfit(fit, newdata)).</summary>
internal sealed record CoxPredictedCurveJson(int Stratum, double[] Time, double[] Survival, double[] Lower, double[] Upper);
