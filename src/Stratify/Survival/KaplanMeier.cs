using Stratify.Statistics;
using System.Globalization;

namespace Stratify.Survival;

// Kaplan–Meier product-limit estimator (Kaplan & Meier, JASA 1958), computed as R's survival 3.5 survfit()
// with its defaults (stype = 1, ctype = 1, conf.type = "log"):
//   S(t) = prod_{t_j <= t} (1 - d_j / n_j)         at every distinct time t_j (events and censorings), n_j = #{time >= t_j}
//   Greenwood: sigma^2(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j))   (= Var log S; +inf once d_j = n_j)
//   se(S) = S(t) * sigma(t)                           (R's summary(fit)$std.err; survfit's $std.err is sigma)
//   confidence limits (survfit_confint, z = qnorm(1 - (1 - level)/2)):
//     log     : exp(log S -/+ z sigma), upper capped at 1; NA when S = 0
//     log-log : exp(-exp(log(-log S) -/+ z sigma / log S)); NA when S = 0 or S = 1
//     plain   : S -/+ z sigma S, clipped to [0, 1]
// Ties: all events at t_j are one factor; patients censored at t_j are at risk at t_j (events before censorings).
// Case weights w_i (survfit(..., weights = w)): n_j and d_j become sums of weights (R's weighted n.risk, n.event),
// and a time updates S only when it has an event of positive weight. The variance then follows R's rule:
//   - whole-number weights (frequency weights): Greenwood as above on the weighted n_j, d_j (= replicating rows);
//   - any fractional weight (R's default robust = TRUE, e.g. inverse-probability weights): the infinitesimal
//     jackknife (IJ) variance of survfitkm, built from each patient's influence (weight times the derivative of
//     S(t) with respect to that weight), each patient its own cluster:
//       U_i(t) = -w_i S(t) [ G(min(t_i, t)) - delta_i 1{t_i <= t} / (n_{t_i} - d_{t_i}) ],
//       G(t) = sum_{t_j <= t} d_j / (n_j (n_j - d_j)),      Var S(t) = sum_i U_i(t)^2
//     computed in one pass as S^2 (sum over patients already out of the risk set + G(t)^2 * sum of w^2 still at
//     risk), and 0 once S = 0. R forms the limits from it through sigma = se(S)/S (survfit_confint, logse = FALSE).
//     KaplanMeierOptions.Robust overrides the rule (true gives the IJ variance also without weights, as
//     survfit(robust = TRUE)).
//   The RMST standard error uses the Greenwood-type terms on the weighted counts in both cases, as R's survmean.
// Median (print.survfit), quantiles (quantile.survfit), restricted mean (print(fit, rmean = tau)) and values at
// chosen times (summary(fit, times = )) follow R's code; see SurvivalQuantiles and KaplanMeierCurve.
// Times equal within sqrt(machine eps) (absolute or relative) are merged first, as R's timefix = TRUE (aeqSurv).
// Counting-process data (SurvivalData.Entry; R's survfit(Surv(entry, time, status) ~ g [, id = id])): n_j counts the rows
// with entry < t_j <= stop (delayed entry / left truncation: a patient counts only once observed), the curve has a
// point at every distinct stop time and starts at S = 1 at time 0 (RMST is the area from 0, as survmean); once S
// reaches 0 it stays 0 even if patients enter later. The IJ variance then clusters by patient (R's id =; each row
// without one), computed in one sweep (CountingProcessRows). Greenwood, limits, quantiles and RMST use the same formulas.
// Not implemented: the logit and arcsin limits.
// References: Kaplan & Meier 1958; Greenwood 1926; Therneau, survival 3.5 methods notes for survfitkm (robust variance);
// Klein & Moeschberger, Survival Analysis, 2nd ed., section 4.6 (left truncation).

/// <summary>
/// Kaplan–Meier estimates of the survival function, overall or per group, agreeing with R's <c>survfit</c>.
/// </summary>
/// <example>
/// <code>
/// var data = SurvivalData.FromCohort(CsvCohortReader.Read("datasets/lung.csv"), "time", "status", group: "sex");
/// var km = ProductLimit.Fit(data, new KaplanMeierOptions { Times = [365], RmstHorizon = 730 });
/// double medianMen = km.Curves[0].Median.Time;   // 270 days, as print(survfit(Surv(time, status) ~ sex, lung))
/// </code>
/// </example>
internal static class ProductLimit
{
    public static KaplanMeierEstimate Fit(SurvivalData data, KaplanMeierOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (options.RmstHorizon is double tau && !(double.IsFinite(tau) && tau >= 0))
            throw new Data.StratifyInputException("the RMST horizon must be a finite time >= 0", value: tau.ToString("R", CultureInfo.InvariantCulture));
        double z = NormalQuantile(options.ConfidenceLevel, options.Times);
        var tables = RiskTable.PerGroup(data);
        var curves = new List<KaplanMeierCurve>(tables.Length);
        bool robust = CaseWeights.RobustByDefault(options.Robust, data.Weights);
        for (int g = 0; g < tables.Length; g++)
        {
            if (tables[g].N == 0) continue; // R's survfit has no curve for an absent level
            curves.Add(data.Weights is null && !robust
                ? Curve(data.GroupLabels[g], tables[g], options, z)
                : WeightedCurve(data.GroupLabels[g], tables[g], data.Sorted, options, z, robust));
        }
        return new KaplanMeierEstimate(options.ConfidenceType, options.ConfidenceLevel, curves)
        {
            Weighted = data.Weights is not null,
            Variance = robust ? KaplanMeierVariance.InfinitesimalJackknife : KaplanMeierVariance.Greenwood,
        };
    }

    private static KaplanMeierCurve Curve(string group, RiskTable table, KaplanMeierOptions options, double z)
    {
        int m = table.Time.Length;
        var surv = new double[m];
        var se = new double[m];
        var lower = new double[m];
        var upper = new double[m];
        double s = 1, greenwood = 0;
        for (int j = 0; j < m; j++)
        {
            int n = table.NRisk[j], d = table.NEvent[j];
            if (d > 0)
            {
                s *= (double)(n - d) / n;
                greenwood += n > d ? (double)d / ((double)n * (n - d)) : double.PositiveInfinity;
            }
            double sigma = Math.Sqrt(greenwood);
            surv[j] = s;
            se[j] = s * sigma;
            (lower[j], upper[j]) = Limits(s, sigma, z, options.ConfidenceType);
        }
        var curve = new KaplanMeierCurve(group, table, surv, se, lower, upper);
        return curve.WithSummaries(options);
    }

    /// <summary>
    /// The curve with case weights (or the robust variance): S on the weighted counts, and Greenwood on them or the
    /// infinitesimal-jackknife variance (see the file header).
    /// </summary>
    private static KaplanMeierCurve WeightedCurve(string group, RiskTable table, TimeSortedPatients sorted, KaplanMeierOptions options,
        double z, bool robust)
    {
        int m = table.Time.Length;
        var nRisk = table.WeightedNRisk ?? AsDoubles(table.NRisk);
        var nEvent = table.WeightedNEvent ?? AsDoubles(table.NEvent);
        var surv = new double[m];
        var greenwood = new double[m]; // G(t_j), cumulative
        double s = 1, g = 0;
        for (int j = 0; j < m; j++)
        {
            double n = nRisk[j], d = nEvent[j];
            if (table.NEvent[j] > 0 && d > 0)
            {
                s *= (n - d) / n;
                g += n > d ? d / (n * (n - d)) : double.PositiveInfinity;
            }
            surv[j] = s;
            greenwood[j] = g;
        }
        double[] se;
        if (robust)
        {
            var jump = new double[m]; // an event at t_j leaves G(t_j) − 1/(n_j − d_j) as its term
            for (int j = 0; j < m; j++) if (table.NEvent[j] > 0 && nEvent[j] > 0) jump[j] = 1 / (nRisk[j] - nEvent[j]);
            se = table.JackknifeSumOfSquares(sorted.Time, sorted.Event, sorted.Weight, greenwood, jump);
            // Every influence is 0 once S = 0 (survfitkm), so is the standard error.
            for (int j = 0; j < m; j++) se[j] = surv[j] == 0 ? 0 : surv[j] * Math.Sqrt(se[j]);
        }
        else se = new double[m];
        var lower = new double[m];
        var upper = new double[m];
        for (int j = 0; j < m; j++)
        {
            double sigma;
            if (robust) sigma = se[j] == 0 ? 0 : se[j] / surv[j]; // survfit_confint with logse = FALSE
            else
            {
                sigma = Math.Sqrt(greenwood[j]);
                se[j] = surv[j] * sigma;
            }
            (lower[j], upper[j]) = Limits(surv[j], sigma, z, options.ConfidenceType);
        }
        return new KaplanMeierCurve(group, table, surv, se, lower, upper).WithSummaries(options);
    }

    internal static double[] AsDoubles(int[] counts)
    {
        var values = new double[counts.Length];
        for (int i = 0; i < counts.Length; i++) values[i] = counts[i];
        return values;
    }

    /// <summary>
    /// z = qnorm(1 − (1 − level)/2) for pointwise limits, after checking the level lies in (0, 1) and the requested
    /// times are finite (the options every curve estimator shares).
    /// </summary>
    internal static double NormalQuantile(double confLevel, IReadOnlyList<double> times)
    {
        if (!(confLevel > 0 && confLevel < 1))
            throw new Data.StratifyInputException("confidence level must be between 0 and 1", value: confLevel.ToString("R", CultureInfo.InvariantCulture));
        foreach (double t in times)
            if (!double.IsFinite(t)) throw new Data.StratifyInputException("requested times must be finite", value: t.ToString("R", CultureInfo.InvariantCulture));
        return TailProbability.NormalCriticalValue(confLevel);
    }

    /// <summary>Pointwise limits of S from sigma = se(log S), as R's survfit_confint.</summary>
    public static (double Lower, double Upper) Limits(double s, double sigma, double z, SurvivalConfidenceType type)
    {
        switch (type)
        {
            case SurvivalConfidenceType.Log:
                if (s == 0) return (double.NaN, double.NaN);
                return (Math.Exp(Math.Log(s) - z * sigma), Math.Min(Math.Exp(Math.Log(s) + z * sigma), 1));
            case SurvivalConfidenceType.LogLog:
                if (s == 0 || s == 1) return (double.NaN, double.NaN);
                double shift = z * sigma / Math.Log(s);
                double loglog = Math.Log(-Math.Log(s));
                return (Math.Exp(-Math.Exp(loglog - shift)), Math.Exp(-Math.Exp(loglog + shift)));
            default:
                double half = sigma * s * z;
                return (Math.Max(s - half, 0), Math.Min(s + half, 1));
        }
    }
}

/// <summary>The Kaplan–Meier curves of one fit (one per non-empty group, in group-code order).</summary>
/// <example><code>foreach (var curve in ProductLimit.Fit(data, new KaplanMeierOptions()).Curves) Console.WriteLine($"{curve.Group}: {curve.Median.Time}");</code></example>
public sealed record KaplanMeierEstimate(SurvivalConfidenceType ConfidenceType, double ConfidenceLevel, IReadOnlyList<KaplanMeierCurve> Curves)
{
    /// <summary>True when the fit used case weights (counts in the curves are then also given as weight sums).</summary>
    public bool Weighted { get; init; }
    /// <summary>The variance behind the standard errors and limits.</summary>
    public KaplanMeierVariance Variance { get; init; } = KaplanMeierVariance.Greenwood;
}

/// <summary>S(t) and its limits at a requested time (R's summary(fit, times = t)).</summary>
/// <param name="NRisk">Patients with time &gt;= t.</param>
/// <param name="WeightedNRisk">Their summed case weights (R's n.risk of a weighted fit); equals NRisk without weights.</param>
public readonly record struct SurvivalAtTime(double Time, double Survival, double StandardError, double Lower, double Upper, int NRisk, double WeightedNRisk);

/// <summary>A quantile of the survival distribution with the times where the confidence limits cross the level; NaN = not reached (R's NA).</summary>
public readonly record struct SurvivalQuantile(double Probability, double Time, double Lower, double Upper);

/// <summary>Restricted mean survival time to <see cref="Horizon"/> (area under S on [0, tau]) and its standard error.</summary>
public readonly record struct RestrictedMean(double Horizon, double Mean, double StandardError);

/// <summary>
/// One Kaplan–Meier curve, columnar at each distinct observed time, with the summaries R prints.
/// </summary>
/// <example><code>var q = curve.Quantile(0.25); var rmst = curve.RestrictedMean(365);</code></example>
public sealed class KaplanMeierCurve
{
    private readonly RiskTable _table;

    internal KaplanMeierCurve(string group, RiskTable table, double[] survival, double[] stdErr, double[] lower, double[] upper)
    {
        Group = group;
        _table = table;
        Survival = survival;
        StandardError = stdErr;
        Lower = lower;
        Upper = upper;
        Median = SurvivalQuantiles.PrintMedian(table.Time, survival, lower, upper);
    }

    public string Group { get; }
    public int N => _table.N;
    public int Events => _table.Events;
    public double[] Time => _table.Time;
    public int[] NRisk => _table.NRisk;
    public int[] NEvent => _table.NEvent;
    public int[] NCensor => _table.NCensor;
    /// <summary>Summed case weights at risk at each time (R's n.risk of a weighted fit); null without weights.</summary>
    public double[]? WeightedNRisk => _table.WeightedNRisk;
    /// <summary>Summed case weights of the events at each time (R's n.event); null without weights.</summary>
    public double[]? WeightedNEvent => _table.WeightedNEvent;
    /// <summary>Summed case weights of the censorings at each time (R's n.censor); null without weights.</summary>
    public double[]? WeightedNCensor => _table.WeightedNCensor;
    /// <summary>Summed case weights of all events (R's "events" of a weighted fit); the event count without weights.</summary>
    public double WeightedEvents
    {
        get
        {
            if (_table.WeightedNEvent is not { } events) return _table.Events;
            double sum = 0;
            foreach (double d in events) sum += d;
            return sum;
        }
    }
    public double[] Survival { get; }
    /// <summary>
    /// Standard error of S(t) (R's summary(fit)$std.err): Greenwood (NaN once S = 0), or the infinitesimal jackknife
    /// with fractional case weights (0 once S = 0); see <see cref="KaplanMeierEstimate.Variance"/>.
    /// </summary>
    public double[] StandardError { get; }
    public double[] Lower { get; }
    public double[] Upper { get; }
    /// <summary>Median with limits as print.survfit reports it.</summary>
    public SurvivalQuantile Median { get; }
    /// <summary>Restricted mean to the options' horizon; null when none was requested.</summary>
    public RestrictedMean? Rmst { get; private set; }
    /// <summary>S(t) at the options' times (see <see cref="SurvivalAt(double)"/>).</summary>
    public IReadOnlyList<SurvivalAtTime> At { get; private set; } = [];

    internal KaplanMeierCurve WithSummaries(KaplanMeierOptions options)
    {
        if (options.RmstHorizon is double tau) Rmst = RestrictedMean(tau);
        var at = new SurvivalAtTime[options.Times.Count];
        var times = options.Times.ToArray();
        Array.Sort(times); // summary.survfit sorts the requested times
        for (int i = 0; i < times.Length; i++) at[i] = SurvivalAt(times[i]);
        At = at;
        return this;
    }

    /// <summary>
    /// The p-quantile (time at which 1 - S first reaches p) with limits from the confidence band, as R's
    /// quantile.survfit: where 1 - S equals p (within sqrt(machine eps)) on a flat segment, the midpoint of that
    /// segment; NaN when not reached.
    /// </summary>
    public SurvivalQuantile Quantile(double p) => SurvivalQuantiles.Quantile(p, Time, Survival, Lower, Upper);

    /// <summary>
    /// S(t), its standard error, limits and number at risk at time t, as R's summary(fit, times = t): the row of
    /// the last observed time &lt;= t (S = 1 before the first), n at risk = patients with time &gt;= t. Beyond the last
    /// observed time R reports nothing (extend = FALSE); here S, se and limits are NaN and n at risk 0.
    /// </summary>
    public SurvivalAtTime SurvivalAt(double t)
    {
        var time = _table.Time;
        int m = time.Length;
        if (m == 0 || t > time[m - 1]) return new SurvivalAtTime(t, double.NaN, double.NaN, double.NaN, double.NaN, 0, 0);
        int last = StepFunction.CountAtOrBefore(time, t) - 1;    // last index with time <= t
        int atRisk = last >= 0 && time[last] == t ? last : last + 1; // first index with time >= t
        int nRisk = _table.NRisk[atRisk];
        double weightedNRisk = _table.WeightedNRisk?[atRisk] ?? nRisk;
        return last < 0
            ? new SurvivalAtTime(t, 1, 0, 1, 1, nRisk, weightedNRisk)
            : new SurvivalAtTime(t, Survival[last], StandardError[last], Lower[last], Upper[last], nRisk, weightedNRisk);
    }

    /// <summary>
    /// Restricted mean survival time to tau, as R's print(fit, rmean = tau) (survmean): the area under the
    /// step function S on [0, tau], and se^2 = sum_j A_j^2 d_j / (n_j (n_j - d_j)) over observed times t_j &lt;= tau
    /// with A_j the area under S between t_j and tau (a term with n_j = d_j counts 0).
    /// </summary>
    public RestrictedMean RestrictedMean(double tau)
    {
        var time = _table.Time;
        int keep = StepFunction.CountAtOrBefore(time, tau); // times <= tau
        // Area from time 0: rectangles between consecutive points 0 = x_0, x_1..x_keep, tau with heights S(x_{i-1}).
        double mean = 0, previousTime = 0, previousSurv = 1;
        for (int j = 0; j < keep; j++)
        {
            mean += (time[j] - previousTime) * previousSurv;
            previousTime = time[j];
            previousSurv = Survival[j];
        }
        mean += (tau - previousTime) * previousSurv;

        // Walk back from tau accumulating the area after t_j.
        double areaAfter = 0, variance = 0, nextTime = tau;
        for (int j = keep - 1; j >= 0; j--)
        {
            areaAfter += (nextTime - time[j]) * Survival[j];
            nextTime = time[j];
            if (_table.WeightedNRisk is { } weightedRisk)
            {
                double wn = weightedRisk[j], wd = _table.WeightedNEvent![j];
                if (wd > 0 && wn > wd) variance += areaAfter * areaAfter * wd / (wn * (wn - wd));
                continue;
            }
            int n = _table.NRisk[j], d = _table.NEvent[j];
            if (d > 0 && n > d) variance += areaAfter * areaAfter * d / ((double)n * (n - d));
        }
        return new RestrictedMean(tau, mean, Math.Sqrt(variance));
    }
}
