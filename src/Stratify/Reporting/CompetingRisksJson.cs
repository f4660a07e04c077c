using System.Text.Json.Serialization;
using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>
/// The JSON shape of `stratify cuminc` (written with <see cref="JsonOutput"/>: snake_case, NA as null):
/// <c>{event_of_interest, competing, conf_type, conf_level, variance, groups: [{group, n, events, competing_events,
/// curve: {time, n_risk, cuminc, se, lower, upper}, at: [{time, cuminc, se, lower, upper, n_risk}]}],
/// gray_test: {statistic, df, p}}</c>. The curve is the event of interest's, columnar at each distinct time of the
/// group; <c>variance</c> names the estimator ("infinitesimal-jackknife" as survfit, "aalen" as cmprsk);
/// <c>gray_test</c> is null with a single group.
/// </summary>
/// <example><code>JsonOutput.Write(CompetingRisksJson.From(AalenJohansen.Fit(data, options), GrayTest.Compute(data)), Console.Out);</code></example>
internal sealed record CumulativeIncidenceJson(
    string EventOfInterest,
    IReadOnlyList<string> Competing,
    string ConfType,
    double ConfLevel,
    string Variance,
    IReadOnlyList<CumulativeIncidenceGroupJson> Groups,
    GrayTestJson? GrayTest);

/// <summary>One group: its size, events of interest and competing events, curve and values at the requested times.</summary>
internal sealed record CumulativeIncidenceGroupJson(
    string Group, int N, int Events, int CompetingEvents, CumulativeIncidenceCurveJson Curve, IReadOnlyList<CumulativeIncidenceAtJson> At);

/// <summary>Columnar curve: element j of every array belongs to the j-th distinct observed time.</summary>
internal sealed record CumulativeIncidenceCurveJson(double[] Time, int[] NRisk, double[] Cuminc, double[] Se, double[] Lower, double[] Upper);

/// <summary>F(t) at a requested time (null beyond the group's last follow-up).</summary>
internal sealed record CumulativeIncidenceAtJson(double Time, double Cuminc, double Se, double Lower, double Upper, int NRisk);

/// <summary>Gray's test of equal cumulative incidence of the event of interest across the groups.</summary>
internal sealed record GrayTestJson(double Statistic, int Df, double P);

/// <summary>
/// What a Cox or Fine–Gray model on competing-risks data adds to the cox JSON (<c>competing_risks</c>): which model
/// (<c>cause-specific</c> or <c>fine-gray</c>), the event of interest and the competing causes with their counts, what
/// the hazard ratios mean, the Fine–Gray variance, and predicted cumulative incidences for <c>--predict</c> profiles.
/// </summary>
internal sealed record CompetingRisksModelJson(
    string Model,
    string EventOfInterest,
    IReadOnlyList<string> Competing,
    int CompetingEvents,
    int Censored,
    string Interpretation,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Variance = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<CumulativeIncidencePredictionJson>? Predictions = null);

/// <summary>
/// F(t | profile) of the event of interest at its event times (as cmprsk's predict.crr), and the largest total over
/// causes of their own models' predictions for the same profile (above 1: the models cannot all hold).
/// </summary>
internal sealed record CumulativeIncidencePredictionJson(string Profile, double[] Time, double[] Cuminc, double CauseTotalMaximum, double CauseTotalAboveOneFrom);

/// <summary>Maps competing-risks results to their JSON shapes.</summary>
internal static class CompetingRisksJson
{
    public static CumulativeIncidenceJson From(CumulativeIncidenceEstimate estimate, GrayTestResult? gray)
    {
        var groups = new List<CumulativeIncidenceGroupJson>();
        foreach (var c in estimate.Of(1))
        {
            var at = new List<CumulativeIncidenceAtJson>(c.At.Count);
            foreach (var a in c.At) at.Add(new CumulativeIncidenceAtJson(a.Time, a.CumulativeIncidence, a.StandardError, a.Lower, a.Upper, a.NRisk));
            groups.Add(new CumulativeIncidenceGroupJson(c.Group, c.N, c.Events, c.CompetingEvents,
                new CumulativeIncidenceCurveJson(c.Time, c.NRisk, c.CumulativeIncidence, c.StandardError, c.Lower, c.Upper), at));
        }
        return new CumulativeIncidenceJson(estimate.CauseLabels[1], estimate.CauseLabels.Skip(2).ToArray(),
            SurvivalJson.ConfTypeName(estimate.ConfidenceType), estimate.ConfidenceLevel, VarianceName(estimate.Variance), groups,
            gray is null ? null : new GrayTestJson(gray.Statistic, gray.DegreesOfFreedom, gray.PValue));
    }

    /// <summary>The variance's name in outputs and on the command line.</summary>
    public static string VarianceName(CumulativeIncidenceVariance variance) => variance switch
    {
        CumulativeIncidenceVariance.Aalen => "aalen",
        _ => "infinitesimal-jackknife",
    };

    /// <summary>The Fine–Gray fit in the cox shape: <c>se</c> (and <c>robust_se</c>) the sandwich crr reports; concordance NA, no PH test.</summary>
    public static CoxModelJson FineGray(FineGrayModel model, CompetingRisksModelJson competingRisks) => new(
        model.N,
        model.Events,
        CoxTies.Breslow,
        model.Coefficients.Select(c => new CoxTermJson(c.Term, c.Coefficient, c.StandardError, c.HazardRatio, c.HazardRatioLower, c.HazardRatioUpper, c.Z, c.PValue, c.StandardError)).ToArray(),
        new CoxLogLikJson(model.LogLikNull, model.LogLik),
        new CoxTestsJson(CoxTestJson.From(model.LikelihoodRatio), CoxTestJson.From(model.Wald), CoxTestJson.From(model.Score)),
        new CoxConcordanceJson(double.NaN, double.NaN), // not defined for subdistribution hazards
        model.Iterations,
        model.Converged,
        model.Warnings.ToArray(),
        null)
    {
        CompetingRisks = competingRisks,
    };
}
