using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;
using Stratify.Survival;
using System.Globalization;

namespace Stratify;

/// <summary>
/// Kaplan–Meier estimator of the survival function, overall or per group, as R's <c>survfit(Surv(time, status) ~ group)</c>
/// (product-limit estimate, Greenwood variance, log-type limits by default; see <see cref="ProductLimit"/> for the
/// formulas, the tie rule and the weighted variance). Options in the constructor, data and roles in <c>Fit</c>.
/// </summary>
/// <example><code>
/// var km = new KaplanMeier().Fit(DataFrame.LoadCsv("datasets/lung.csv"), time: "time", @event: "status", group: "sex");
/// Console.WriteLine(km.Curves[0].Median.Time);   // 270 days, as print(survfit(Surv(time, status) ~ sex, lung))
/// </code></example>
public sealed class KaplanMeier(KaplanMeierOptions? options = null)
{
    public KaplanMeierOptions Options { get; } = options ?? new KaplanMeierOptions();

    /// <inheritdoc cref="Fit(Cohort, string, string, string?, string?)"/>
    public KaplanMeierFit Fit(DataFrame data, string time, string @event, string? group = null, string? weight = null) =>
        Fit(Cohort.FromDataFrame(data), time, @event, group, weight);

    /// <inheritdoc cref="Fit(Cohort, string, string, string?, string?)"/>
    public KaplanMeierFit Fit(IDataView data, string time, string @event, string? group = null, string? weight = null) =>
        Fit(Cohort.FromDataView(data), time, @event, group, weight);

    /// <summary>
    /// Fits the curves. <paramref name="event"/> is coded 0/1, R's 1/2 or boolean; rows missing a used value are left
    /// out and counted (<see cref="KaplanMeierFit.RowsDropped"/>); bad input is refused with
    /// <see cref="StratifyInputException"/> naming column, row and value.
    /// </summary>
    /// <param name="group">Column whose levels each get a curve; null = one curve.</param>
    /// <param name="weight">Case-weight column (finite, ≥ 0), as survfit's <c>weights =</c>; null = none.</param>
    public KaplanMeierFit Fit(Cohort data, string time, string @event, string? group = null, string? weight = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = StudyBinder.Bind(data, new StudySpec { Time = time, Event = @event, Group = group, Weight = weight });
        return new KaplanMeierFit(ProductLimit.Fit(SurvivalData.From(study, study.Group), Options), study.Group is not null, study.RowsDropped);
    }
}

/// <summary>A fitted Kaplan–Meier estimate: one <see cref="SurvivalCurve"/> per group (one in all without a group). Immutable.</summary>
public sealed class KaplanMeierFit
{
    private readonly bool _grouped;

    internal KaplanMeierFit(KaplanMeierEstimate estimate, bool grouped, int rowsDropped)
    {
        _grouped = grouped;
        ConfidenceType = estimate.ConfidenceType;
        ConfidenceLevel = estimate.ConfidenceLevel;
        Variance = estimate.Variance;
        Curves = estimate.Curves.Select(c => new SurvivalCurve(c)).ToArray().AsReadOnly();
        RowsDropped = rowsDropped;
    }

    public SurvivalConfidenceType ConfidenceType { get; }
    public double ConfidenceLevel { get; }
    /// <summary>The variance behind the standard errors and limits (Greenwood, or the infinitesimal jackknife with fractional weights).</summary>
    public KaplanMeierVariance Variance { get; }
    /// <summary>One curve per group with patients, in level order.</summary>
    public IReadOnlyList<SurvivalCurve> Curves { get; }
    /// <summary>Rows left out for a missing time, event, group or weight.</summary>
    public int RowsDropped { get; }

    /// <summary>The median survival time with its limits (print.survfit) of an ungrouped fit.</summary>
    public SurvivalQuantile Median => Single.Median;

    /// <summary>S(t) with its standard error and limits at time <paramref name="t"/> (summary(fit, times = t)) of an ungrouped fit.</summary>
    public SurvivalAtTime SurvivalAt(double t) => Single.SurvivalAt(t);

    /// <summary>The curve of one group, by its level.</summary>
    public SurvivalCurve Curve(string group) =>
        Curves.FirstOrDefault(c => LevelRules.Matches(group, c.Group))
        ?? throw new StratifyInputException("no curve for this group", value: group, suggestion: $"Groups: {string.Join(", ", Curves.Select(c => c.Group))}.");

    private SurvivalCurve Single => Curves.Count == 1 ? Curves[0]
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the fit has {Curves.Count} curves (one per group): use Curves[i] or Curve(group)"));

    /// <summary>
    /// Every curve at each of its distinct times: time, n_risk, n_event, n_censor, survival, standard_error, lower, upper
    /// (R's <c>summary(fit)</c> with censoring times kept), and group when the fit has groups.
    /// </summary>
    public DataFrame Summary()
    {
        var rows = Curves.SelectMany(c => Enumerable.Range(0, c.Time.Count).Select(j => (Curve: c, Index: j))).ToArray();
        var frame = new SummaryFrame();
        if (_grouped) frame.Add("group", rows.Select(r => r.Curve.Group));
        return frame.Add("time", rows.Select(r => r.Curve.Time[r.Index]))
            .Add("n_risk", rows.Select(r => r.Curve.AtRisk[r.Index]))
            .Add("n_event", rows.Select(r => r.Curve.EventsAt[r.Index]))
            .Add("n_censor", rows.Select(r => r.Curve.CensoredAt[r.Index]))
            .Add("survival", rows.Select(r => r.Curve.Survival[r.Index]))
            .Add("standard_error", rows.Select(r => r.Curve.StandardError[r.Index]))
            .Add("lower", rows.Select(r => r.Curve.Lower[r.Index]))
            .Add("upper", rows.Select(r => r.Curve.Upper[r.Index]))
            .ToDataFrame();
    }
}

/// <summary>
/// One Kaplan–Meier curve, columnar at each distinct observed time (events and censorings), read-only, with the
/// summaries R prints (median, quantiles, S(t) at a time, restricted mean).
/// </summary>
public sealed class SurvivalCurve
{
    private readonly KaplanMeierCurve _curve;

    internal SurvivalCurve(KaplanMeierCurve curve)
    {
        _curve = curve;
        Time = curve.Time.AsReadOnly();
        AtRisk = curve.NRisk.AsReadOnly();
        EventsAt = curve.NEvent.AsReadOnly();
        CensoredAt = curve.NCensor.AsReadOnly();
        Survival = curve.Survival.AsReadOnly();
        StandardError = curve.StandardError.AsReadOnly();
        Lower = curve.Lower.AsReadOnly();
        Upper = curve.Upper.AsReadOnly();
    }

    /// <summary>The group's level ("all" without a group).</summary>
    public string Group => _curve.Group;
    public int N => _curve.N;
    public int Events => _curve.Events;
    public IReadOnlyList<double> Time { get; }
    /// <summary>Patients at risk at each time (time ≥ t).</summary>
    public IReadOnlyList<int> AtRisk { get; }
    /// <summary>Events at each time.</summary>
    public IReadOnlyList<int> EventsAt { get; }
    /// <summary>Censorings at each time.</summary>
    public IReadOnlyList<int> CensoredAt { get; }
    public IReadOnlyList<double> Survival { get; }
    /// <summary>Standard error of S(t) (R's <c>summary(fit)$std.err</c>).</summary>
    public IReadOnlyList<double> StandardError { get; }
    public IReadOnlyList<double> Lower { get; }
    public IReadOnlyList<double> Upper { get; }
    /// <summary>The median with its limits, as print.survfit; NaN = not reached.</summary>
    public SurvivalQuantile Median => _curve.Median;
    /// <inheritdoc cref="KaplanMeierCurve.Quantile(double)"/>
    public SurvivalQuantile Quantile(double p) => _curve.Quantile(p);
    /// <inheritdoc cref="KaplanMeierCurve.SurvivalAt(double)"/>
    public SurvivalAtTime SurvivalAt(double t) => _curve.SurvivalAt(t);
    /// <inheritdoc cref="KaplanMeierCurve.RestrictedMean(double)"/>
    public RestrictedMean RestrictedMean(double tau) => _curve.RestrictedMean(tau);
}
