namespace Stratify.Survival;

// Cumulative incidence of each cause k under competing risks: the Aalen–Johansen estimator (Aalen & Johansen 1978;
// Kalbfleisch & Prentice 1980, pp. 168–9), per group, as R's survival 3.5 survfit(Surv(time, factor(status)) ~ group)
// computes it for a multi-state model with one initial state and absorbing causes, and as cmprsk 2.2 cuminc does.
// At each distinct time t_j of the group (event or censoring), with n_j at risk (time >= t_j), d_kj events of cause k,
// d_j = sum_k d_kj events of any cause and S the overall Kaplan–Meier (any cause ends event-free survival):
//   F_k(t) = sum_{t_j <= t} S(t_j-) d_kj / n_j,        S(t_j) = S(t_j-) (1 - d_j / n_j)
// Ties: all events at t_j act together (one factor per distinct time); patients censored at t_j are at risk at t_j;
// ties between causes need nothing special. 1 - KM of cause k (the other causes censored) would instead estimate
// sum S_k(t_j-) d_kj / n_j with S_k > S: the risk in a world without the competing causes, always >= F_k.
// Times equal within sqrt(machine eps) are merged first, as survfit's timefix (aeqSurv); cmprsk compares exactly.
//
// Two variances, each equal to its R reference:
// * Infinitesimal jackknife (default; survfit's std.err, survfitci.c): Var F_k(t) = sum_i U_ik(t)^2 with U_ik the
//   influence of patient i. With A_i(t) = sum_{s <= t} Y_i(s) (d_s/n_s - dN_i(s)) / (n_s - d_s) (U_i0 = S A_i is the
//   patient's influence on S; sum_i A_i^2 is Greenwood's sum, the cross terms over distinct times cancel) and
//   h_s = S(s-)/n_s, the influence on F_k is
//     U_ik(t) = sum_{s <= t} h_s [ d_ks A_i(s-) + Y_i(s) (dN_ik(s) - d_ks / n_s) ].
//   A patient still at risk after t has A_i(s-) = G(s-) (G = Greenwood's running sum) at every s <= t, so all of
//   them share U = P_k(t) = sum_{s <= t} h_s d_ks (G(s-) - 1/n_s); a patient who left at T_i <= t has
//   U_ik(t) = c_i + A_i F_k(t) with A_i = G(T_i) (censored) or G(T_i-) - 1/n (event of any cause) and
//   c_i = P_k(T_i) + [cause k at T_i] h - A_i F_k(T_i). Hence, in one pass with three running sums over leavers,
//     Var F_k(t) = N(t) P_k(t)^2 + sum c_i^2 + 2 F_k(t) sum c_i A_i + F_k(t)^2 sum A_i^2   (N(t): still at risk).
//   With no competing events this is Greenwood's variance of 1 - KM.
// * Aalen (1978), as cmprsk's cuminc reports it (Gray's Fortran cinc): at each time with d1 = d_kj events of cause k
//   and d2 = d_j - d1 of other causes, with S- = S(t_j-), S = S(t_j), F = F_k(t_j) and the tie factor
//   f(d) = 1 - (d - 1)/(n_j - 1) (1 for d = 1):
//     other causes (d2 > 0, S > 0): w = S-^2 f(d2) d2 / n_j^2, a = F/S, b = 1/S
//     cause k (d1 > 0):              w = S-^2 f(d1) d1 / n_j^2, b = 1/S (0 when S = 0), a = 1 + b F
//     v1 += a^2 w,  v2 += a b w,  v3 += b^2 w;     Var F_k = v1 + F^2 v3 - 2 F v2, updated at cause-k times only
//   (cmprsk reports the variance at its cause-k jumps; between them it keeps the last value, as here).
// Limits (survfit_confint with logse = FALSE, z = qnorm(1 - (1 - level)/2)), from se/F: log (default, as survfit):
// F exp(-/+ z se/F), upper capped at 1, NA at F = 0; log-log; plain (clipped to [0, 1]). cmprsk gives no limits.
// Values at chosen times: the last time <= t, as summary(fit, times = ) and cmprsk's timepoints(); before the first
// time 0 with limits 0 (summary's starting state); beyond the last follow-up NA. Cost: the counts per distinct time,
// group and cause (one pass over the patients when times are whole numbers, else one sort and one pass; see
// GroupTable), then one pass per group over its distinct times, all causes together.

/// <summary>The variance estimator of a cumulative incidence curve.</summary>
internal enum CumulativeIncidenceVariance
{
    /// <summary>Infinitesimal jackknife, as R's survfit for multi-state data (Greenwood's when no competing event occurs). Default.</summary>
    InfinitesimalJackknife,
    /// <summary>Aalen's (1978) asymptotic variance as cmprsk's cuminc computes it (updated at the cause's event times only).</summary>
    Aalen,
}

/// <summary>Options of <see cref="AalenJohansen.Fit"/>: the variance, the limits and the times to report.</summary>
/// <example><code>new CumulativeIncidenceOptions { Variance = CumulativeIncidenceVariance.Aalen, ConfidenceType = SurvivalConfidenceType.LogLog, Times = [365, 1826] }</code></example>
internal sealed record CumulativeIncidenceOptions
{
    public CumulativeIncidenceVariance Variance { get; init; } = CumulativeIncidenceVariance.InfinitesimalJackknife;
    /// <summary>Scale of the pointwise limits (R's survfit default for multi-state curves: log).</summary>
    public SurvivalConfidenceType ConfidenceType { get; init; } = SurvivalConfidenceType.Log;
    public double ConfidenceLevel { get; init; } = 0.95;
    /// <summary>Times for <see cref="CumulativeIncidenceCurve.At"/>; empty = none.</summary>
    public double[] Times { get; init; } = [];
}

/// <summary>F_k(t), its standard error, limits and the number at risk at a chosen time (NaN beyond the last follow-up).</summary>
internal readonly record struct CumulativeIncidenceAtTime(double Time, double CumulativeIncidence, double StandardError, double Lower, double Upper, int NRisk);

/// <summary>
/// Aalen–Johansen cumulative incidence curves per group and cause, agreeing with R's survfit (multi-state) and
/// cmprsk's cuminc.
/// </summary>
/// <example>
/// <code>
/// var bound = StudyBinder.Load(StudySpecReader.Read("datasets/melanoma.yaml"));
/// var fit = AalenJohansen.Fit(CompetingRisksData.From(bound, bound.Group), new CumulativeIncidenceOptions { Times = [1826] });
/// var fiveYears = fit.Of(1)[0].At[0];   // F(5 years) of melanoma death in the first group, with its limits
/// </code>
/// </example>
internal static class AalenJohansen
{
    public static CumulativeIncidenceEstimate Fit(CompetingRisksData data, CumulativeIncidenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        double z = ProductLimit.NormalQuantile(options.ConfidenceLevel, options.Times);
        var times = (double[])options.Times.Clone();
        Array.Sort(times);

        var tables = data.Tables(byStratum: false);
        var curves = new List<CumulativeIncidenceCurve>();
        for (int g = 0; g < data.GroupCount; g++)
        {
            var table = tables[g];
            if (table.N == 0) continue; // no curve for an absent level, as survfit
            for (int k = 1; k <= data.CauseCount; k++)
            {
                var (f, se) = options.Variance == CumulativeIncidenceVariance.Aalen ? AalenVariance(table, k) : JackknifeVariance(table, k);
                curves.Add(new CumulativeIncidenceCurve(data.GroupLabels[g], k, data.CauseLabels[k], table, f, se, options.ConfidenceType, z, times));
            }
        }
        return new CumulativeIncidenceEstimate(options.Variance, options.ConfidenceType, options.ConfidenceLevel, data.CauseLabels, curves);
    }

    /// <summary>F_k and its infinitesimal-jackknife standard error at every time of the table (see the file header).</summary>
    internal static (double[] F, double[] Se) JackknifeVariance(GroupTable table, int k)
    {
        int m = table.Time.Length;
        var f = new double[m];
        var se = new double[m];
        double survival = 1, greenwood = 0, cumulative = 0, shared = 0;
        double sumC2 = 0, sumCA = 0, sumA2 = 0;
        for (int j = 0; j < m; j++)
        {
            int n = table.NRisk[j], d = table.NAnyEvent[j], dk = table.NEvent[k][j], c = table.NCensor[j];
            double h = survival / n;
            double sharedNew = shared + h * dk * (greenwood - 1.0 / n);
            double fNew = cumulative + h * dk;
            double greenwoodNew = n > d ? greenwood + d / ((double)n * (n - d)) : double.PositiveInfinity;
            if (c > 0) Leave(c, greenwoodNew, sharedNew - greenwoodNew * fNew);
            if (d > 0)
            {
                double a = greenwood - 1.0 / n; // any event at t_j
                if (dk > 0) Leave(dk, a, sharedNew + h - a * fNew);
                if (d > dk) Leave(d - dk, a, sharedNew - a * fNew);
                survival *= (double)(n - d) / n;
            }
            int stillAtRisk = n - d - c;
            double variance = stillAtRisk * sharedNew * sharedNew + sumC2 + 2 * fNew * sumCA + fNew * fNew * sumA2;
            f[j] = fNew;
            se[j] = Math.Sqrt(Math.Max(variance, 0));
            cumulative = fNew;
            shared = sharedNew;
            greenwood = greenwoodNew;
        }
        return (f, se);

        void Leave(int count, double a, double c)
        {
            sumC2 += count * c * c;
            sumCA += count * c * a;
            sumA2 += count * a * a;
        }
    }

    /// <summary>F_k and the square root of Aalen's variance as cmprsk's cinc accumulates it (see the file header).</summary>
    internal static (double[] F, double[] Se) AalenVariance(GroupTable table, int k)
    {
        int m = table.Time.Length;
        var f = new double[m];
        var se = new double[m];
        double survival = 1, cumulative = 0, v1 = 0, v2 = 0, v3 = 0, variance = 0;
        for (int j = 0; j < m; j++)
        {
            int n = table.NRisk[j], d = table.NAnyEvent[j], d1 = table.NEvent[k][j], d2 = d - d1;
            if (d > 0)
            {
                double before = survival;
                survival = before * (n - d) / n;
                cumulative += before * d1 / n;
                if (d2 > 0 && survival > 0)
                {
                    double w = before * before * TieFactor(d2, n) * d2 / ((double)n * n);
                    double b = 1 / survival, a = cumulative / survival;
                    v1 += a * a * w;
                    v2 += b * a * w;
                    v3 += b * b * w;
                }
                if (d1 > 0)
                {
                    double w = before * before * TieFactor(d1, n) * d1 / ((double)n * n);
                    double b = survival > 0 ? 1 / survival : 0, a = 1 + b * cumulative;
                    v1 += a * a * w;
                    v2 += b * a * w;
                    v3 += b * b * w;
                    variance = v1 + cumulative * cumulative * v3 - 2 * cumulative * v2;
                }
            }
            f[j] = cumulative;
            se[j] = Math.Sqrt(Math.Max(variance, 0));
        }
        return (f, se);
    }

    /// <summary>1 − (d − 1)/(n − 1): the hypergeometric correction for d tied events among n at risk (1 for d = 1).</summary>
    private static double TieFactor(int d, int n) => d > 1 ? 1 - (d - 1.0) / (n - 1.0) : 1;

    /// <summary>Pointwise limits of F from its standard error, as survfit_confint with logse = FALSE.</summary>
    internal static (double Lower, double Upper) Limits(double f, double se, double z, SurvivalConfidenceType type) =>
        ProductLimit.Limits(f, se == 0 ? 0 : se / f, z, type);
}

/// <summary>The cumulative incidence curves of one fit: one per non-empty group and cause, groups in code order, causes 1..K within a group.</summary>
internal sealed record CumulativeIncidenceEstimate(
    CumulativeIncidenceVariance Variance,
    SurvivalConfidenceType ConfidenceType,
    double ConfidenceLevel,
    IReadOnlyList<string> CauseLabels,
    IReadOnlyList<CumulativeIncidenceCurve> Curves)
{
    /// <summary>The curves of one cause (1 = the event of interest), one per group.</summary>
    public IReadOnlyList<CumulativeIncidenceCurve> Of(int cause) => Curves.Where(c => c.Cause == cause).ToArray();
}

/// <summary>
/// One group's cumulative incidence of one cause, columnar at each distinct observed time of the group (R's survfit
/// grid), with the number at risk, the events of this cause and of the competing causes, and the censorings.
/// </summary>
/// <example><code>var at = curve.ValueAt(1826); Console.WriteLine($"{curve.Group}: {at.CumulativeIncidence:P1} ({at.Lower:P1}–{at.Upper:P1})");</code></example>
internal sealed class CumulativeIncidenceCurve
{
    private readonly GroupTable _table;

    internal CumulativeIncidenceCurve(string group, int cause, string causeLabel, GroupTable table, double[] f, double[] se,
        SurvivalConfidenceType confType, double z, double[] sortedTimes)
    {
        Group = group;
        Cause = cause;
        CauseLabel = causeLabel;
        _table = table;
        CumulativeIncidence = f;
        StandardError = se;
        Lower = new double[f.Length];
        Upper = new double[f.Length];
        for (int j = 0; j < f.Length; j++) (Lower[j], Upper[j]) = AalenJohansen.Limits(f[j], se[j], z, confType);
        int events = 0, any = 0;
        for (int j = 0; j < f.Length; j++)
        {
            events += table.NEvent[cause][j];
            any += table.NAnyEvent[j];
        }
        Events = events;
        CompetingEvents = any - events;
        var at = new CumulativeIncidenceAtTime[sortedTimes.Length];
        for (int i = 0; i < at.Length; i++) at[i] = ValueAt(sortedTimes[i]);
        At = at;
    }

    public string Group { get; }
    /// <summary>The cause code (1 = the event of interest).</summary>
    public int Cause { get; }
    public string CauseLabel { get; }
    /// <summary>Patients in the group.</summary>
    public int N => _table.N;
    /// <summary>Events of this cause in the group.</summary>
    public int Events { get; }
    /// <summary>Events of the other causes in the group.</summary>
    public int CompetingEvents { get; }
    public double[] Time => _table.Time;
    public int[] NRisk => _table.NRisk;
    public int[] NEvent => _table.NEvent[Cause];
    public int[] NCensor => _table.NCensor;
    public double[] CumulativeIncidence { get; }
    public double[] StandardError { get; }
    public double[] Lower { get; }
    public double[] Upper { get; }
    /// <summary>Values at the options' times, in ascending order.</summary>
    public IReadOnlyList<CumulativeIncidenceAtTime> At { get; }

    /// <summary>
    /// F(t), its standard error, limits and number at risk at time t: the row of the last observed time ≤ t (before
    /// the first: F = 0 with standard error 0 and limits 0, as summary.survfit reports the starting state), n at risk = patients with time ≥ t, as summary(fit, times = t) and cmprsk's timepoints().
    /// Beyond the last follow-up F, se and limits are NaN (R: NA) and n at risk 0.
    /// </summary>
    public CumulativeIncidenceAtTime ValueAt(double t)
    {
        var time = _table.Time;
        int m = time.Length;
        if (m == 0 || t > time[m - 1]) return new CumulativeIncidenceAtTime(t, double.NaN, double.NaN, double.NaN, double.NaN, 0);
        int last = StepFunction.CountAtOrBefore(time, t) - 1;
        int nRisk = _table.NRisk[last >= 0 && time[last] == t ? last : last + 1];
        if (last < 0) return new CumulativeIncidenceAtTime(t, 0, 0, 0, 0, nRisk); // before the first time: the start, exactly (as summary.survfit)
        return new CumulativeIncidenceAtTime(t, CumulativeIncidence[last], StandardError[last], Lower[last], Upper[last], nRisk);
    }
}
