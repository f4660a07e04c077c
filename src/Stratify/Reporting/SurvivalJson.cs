using System.Globalization;
using System.Text.Json.Serialization;
using Stratify.Survival;

namespace Stratify.Reporting;

/// <summary>
/// The JSON shape of a Kaplan–Meier fit (write with <see cref="JsonOutput"/>: snake_case, NA as null):
/// <c>{conf_type, conf_level, groups: [{group, n, events, median, median_lower, median_upper, rmst, rmst_se,
/// curve: {time, n_risk, n_event, n_censor, survival, se, lower, upper}, at: [{time, survival, lower, upper, n_risk}]}]}</c>.
/// <c>curve</c> is columnar. <c>conf_type</c> uses R's names ("log", "log-log", "plain").
/// </summary>
/// <example><code>JsonOutput.Write(SurvivalJson.From(ProductLimit.Fit(data, options)), Console.Out);</code></example>
/// <remarks>
/// `stratify km` adds, when asked for, <c>quantiles: [{group, p, time, lower, upper}]</c> and
/// <c>nelson_aalen: [{group, time, cumhaz, se}]</c>; absent otherwise. With case weights the document adds
/// <c>weights: {column, variance}</c>, each group <c>weighted_events</c>, each curve <c>weighted_n_risk</c>,
/// <c>weighted_n_event</c>, <c>weighted_n_censor</c> (R's n.risk, n.event, n.censor of a weighted fit) and each
/// <c>at</c> entry <c>weighted_n_risk</c>; <c>n_risk</c>, <c>n_event</c>, <c>n_censor</c> and <c>events</c> stay head counts.
/// </remarks>
internal sealed record KaplanMeierJson(
    string ConfType, double ConfLevel, IReadOnlyList<KaplanMeierGroupJson> Groups,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SurvivalQuantileJson>? Quantiles = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<NelsonAalenJson>? NelsonAalen = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WeightsJson? Weights = null)
{
    /// <summary>The counting-process form of the input (delayed entry or start/stop rows); absent for right-censored data.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CountingProcessJson? CountingProcess { get; init; }
}

/// <summary>
/// The counting-process form an analysis was fitted on, so that a reader knows which risk sets it used:
/// <c>{entry}</c> for delayed entry (one row per patient, at risk from entry to time, R's <c>Surv(entry, time, event)</c>)
/// or <c>{start, stop, id, patients}</c> for start/stop rows (several per patient, R's <c>Surv(start, stop, event)</c>
/// with <c>id</c>); the log-rank test adds the <c>test</c> it ran and its <c>variance</c>.
/// </summary>
internal sealed record CountingProcessJson(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Entry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Start = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Stop = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Patients = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Test { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Variance { get; init; }

    /// <summary>The form a bound study declares (entry:, or start:/stop: with id:); null for right-censored data.</summary>
    public static CountingProcessJson? From(Data.BoundStudy study)
    {
        var spec = study.Spec;
        if (spec.Start is not null)
        {
            int patients = 0;
            foreach (int p in study.Patient!) patients = Math.Max(patients, p + 1);
            return new CountingProcessJson(Start: spec.Start, Stop: spec.Time, Id: spec.Id, Patients: patients);
        }
        return spec.Entry is null ? null : new CountingProcessJson(Entry: spec.Entry);
    }

    /// <summary>
    /// The form in words for a table's title: "delayed entry: at risk from entry_day to the time" or
    /// "start/stop rows (tstart, tstop] of 312 patients by id".
    /// </summary>
    public string Describe() => Entry is not null
        ? $"delayed entry: at risk from {Entry} to the time"
        : string.Create(CultureInfo.InvariantCulture, $"start/stop rows ({Start}, {Stop}] of {Patients} patients by {Id}");
}

/// <summary>
/// The case weights an analysis used: the weight <c>column</c>, the <c>variance</c> ("greenwood", "infinitesimal
/// jackknife", "model-based", "robust") and, for the log-rank test, the <c>test</c> that takes weights.
/// </summary>
internal sealed record WeightsJson(
    string Column, string Variance,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Test = null);

/// <summary>One group's curve and summaries; <c>rmst</c>/<c>rmst_se</c> are null when no horizon was requested.</summary>
internal sealed record KaplanMeierGroupJson(
    string Group, int N, int Events,
    double Median, double MedianLower, double MedianUpper,
    double Rmst, double RmstSe,
    KaplanMeierCurveJson Curve,
    IReadOnlyList<SurvivalAtTimeJson> At)
{
    /// <summary>Summed case weights of the events (R's events of a weighted fit); absent without weights.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WeightedEvents { get; init; }
}

/// <summary>Columnar curve: element j of every array belongs to the j-th distinct observed time.</summary>
internal sealed record KaplanMeierCurveJson(
    double[] Time, int[] NRisk, int[] NEvent, int[] NCensor, double[] Survival, double[] Se, double[] Lower, double[] Upper)
{
    /// <summary>Summed case weights at risk (R's n.risk of a weighted fit); absent without weights.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? WeightedNRisk { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? WeightedNEvent { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double[]? WeightedNCensor { get; init; }
}

/// <summary>S(t) at a requested time (null beyond the group's last follow-up).</summary>
internal sealed record SurvivalAtTimeJson(double Time, double Survival, double Lower, double Upper, int NRisk)
{
    /// <summary>Summed case weights at risk; absent without weights.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WeightedNRisk { get; init; }
}

/// <summary>
/// The JSON shape of a log-rank test: <c>{statistic, df, p, groups: [{group, n, observed, expected}],
/// pairwise: [{group_a, group_b, statistic, p, p_adjusted, method}], trend: {scores, statistic, df, p}}</c>;
/// <c>trend</c> appears only when requested; <c>method</c> uses R's p.adjust names ("holm", "BH", "bonferroni", "none").
/// </summary>
/// <remarks>
/// With case weights it adds <c>weights: {column, variance, test}</c>: the test is then the score test of the weighted
/// Cox model (Efron ties), <c>observed</c> the summed weights of the events and <c>expected</c> observed minus the score.
/// </remarks>
internal sealed record LogRankJson(
    double Statistic, int Df, double P,
    IReadOnlyList<LogRankGroupJson> Groups,
    IReadOnlyList<PairwiseLogRankJson> Pairwise,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LogRankTrendJson? Trend,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] WeightsJson? Weights = null)
{
    /// <summary>
    /// The counting-process form of the input with the <c>test</c> run (the score test of the Cox model on the groups: R's
    /// survdiff refuses such data) and its <c>variance</c>; absent for right-censored data.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CountingProcessJson? CountingProcess { get; init; }
}

/// <summary>Patients, observed and expected (weighted when rho &gt; 0) events of one group.</summary>
internal sealed record LogRankGroupJson(string Group, int N, double Observed, double Expected);

/// <summary>One pairwise comparison: the two-group test on that pair's patients and its adjusted p-value.</summary>
internal sealed record PairwiseLogRankJson(string GroupA, string GroupB, double Statistic, double P, double PAdjusted, string Method);

/// <summary>Test for trend across the ordered groups (scores 1..k), 1 df.</summary>
internal sealed record LogRankTrendJson(double[] Scores, double Statistic, int Df, double P);

/// <summary>A survival quantile of one group with its confidence limits (null = not reached).</summary>
internal sealed record SurvivalQuantileJson(string Group, double P, double Time, double Lower, double Upper);

/// <summary>Nelson–Aalen cumulative hazard of one group with its standard error (R's cumhaz, std.chaz).</summary>
internal sealed record NelsonAalenJson(string Group, double[] Time, double[] Cumhaz, double[] Se);

/// <summary>
/// The JSON shape of a survival tree: <c>{dropped_rows, splits: [{depth, rule, feature, threshold, left_levels,
/// statistic, p, adjusted_p, candidates}], leaves: [{rule, n, events, median}]}</c>; splits in depth-first order
/// (the node's own rule, then how it is split), leaves left to right; <c>threshold</c> is null for a categorical
/// split and <c>median</c> null when not reached.
/// </summary>
internal sealed record SurvivalTreeJson(int DroppedRows, IReadOnlyList<SurvivalTreeSplitJson> Splits, IReadOnlyList<SurvivalTreeLeafJson> Leaves);

/// <summary>One inner node's split: patients with feature &lt;= threshold (or in left_levels) go left.</summary>
internal sealed record SurvivalTreeSplitJson(int Depth, string Rule, string Feature, double Threshold, string[] LeftLevels,
    double Statistic, double P, double AdjustedP, int Candidates);

/// <summary>One leaf: its rule, size, events and Kaplan–Meier median.</summary>
internal sealed record SurvivalTreeLeafJson(string Rule, int N, int Events, double Median);

/// <summary>Maps survival result records to their JSON shapes.</summary>
internal static class SurvivalJson
{
    public static KaplanMeierJson From(KaplanMeierEstimate estimate)
    {
        var groups = new List<KaplanMeierGroupJson>(estimate.Curves.Count);
        foreach (var c in estimate.Curves)
        {
            var at = new List<SurvivalAtTimeJson>(c.At.Count);
            foreach (var a in c.At)
                at.Add(new SurvivalAtTimeJson(a.Time, a.Survival, a.Lower, a.Upper, a.NRisk) { WeightedNRisk = estimate.Weighted ? a.WeightedNRisk : null });
            groups.Add(new KaplanMeierGroupJson(c.Group, c.N, c.Events, c.Median.Time, c.Median.Lower, c.Median.Upper,
                c.Rmst?.Mean ?? double.NaN, c.Rmst?.StandardError ?? double.NaN,
                new KaplanMeierCurveJson(c.Time, c.NRisk, c.NEvent, c.NCensor, c.Survival, c.StandardError, c.Lower, c.Upper)
                {
                    WeightedNRisk = c.WeightedNRisk,
                    WeightedNEvent = c.WeightedNEvent,
                    WeightedNCensor = c.WeightedNCensor,
                },
                at) { WeightedEvents = estimate.Weighted ? c.WeightedEvents : null });
        }
        return new KaplanMeierJson(ConfTypeName(estimate.ConfidenceType), estimate.ConfidenceLevel, groups);
    }

    /// <summary>The <c>weights</c> object of a weighted Kaplan–Meier fit; null when it used no weights.</summary>
    public static WeightsJson? Weights(KaplanMeierEstimate estimate, string? column) => estimate.Weighted && column is not null
        ? new WeightsJson(column, estimate.Variance == KaplanMeierVariance.InfinitesimalJackknife ? "infinitesimal jackknife" : "greenwood")
        : null;

    /// <summary>The <c>weights</c> object of a weighted log-rank test; null when it used no weights.</summary>
    public static WeightsJson? Weights(LogRankResult result, string? column) => result.Weighted && column is not null
        ? new WeightsJson(column, result.Robust ? "robust" : "model-based", "score test of the weighted Cox model (Efron ties), as R's coxph")
        : null;

    /// <summary>The log-rank document, with the <c>weights</c> object when the test used case weights.</summary>
    public static LogRankJson From(LogRankResult result, string? weightColumn) => From(result) with { Weights = Weights(result, weightColumn) };

    /// <summary>
    /// The <c>counting_process</c> object of a log-rank test on counting-process rows (<paramref name="form"/> from the
    /// study), stating the test and its variance; null for right-censored data.
    /// </summary>
    public static CountingProcessJson? CountingProcess(LogRankResult result, CountingProcessJson? form) => result.CountingProcess && form is not null
        ? form with
        {
            Test = "score test of the Cox model on the groups (Efron ties), as R's coxph(Surv(entry, time, event) ~ group); survdiff refuses counting-process data",
            Variance = result.Robust ? (form.Id is not null ? "robust by patient" : "robust") : "model-based",
        }
        : null;

    public static LogRankJson From(LogRankResult result)
    {
        var groups = new List<LogRankGroupJson>(result.Groups.Count);
        foreach (var g in result.Groups) groups.Add(new LogRankGroupJson(g.Group, g.N, g.Observed, g.Expected));
        var pairs = new List<PairwiseLogRankJson>(result.Pairwise.Count);
        foreach (var p in result.Pairwise)
            pairs.Add(new PairwiseLogRankJson(p.GroupA, p.GroupB, p.Statistic, p.PValue, p.PAdjusted, AdjustmentName(p.Method)));
        var trend = result.Trend is { } t ? new LogRankTrendJson(t.Scores, t.Statistic, t.DegreesOfFreedom, t.PValue) : null;
        return new LogRankJson(result.Statistic, result.DegreesOfFreedom, result.PValue, groups, pairs, trend);
    }

    public static SurvivalTreeJson From(SurvivalTreeModel model)
    {
        var splits = new List<SurvivalTreeSplitJson>();
        var pending = new Stack<SurvivalTreeNode>();
        pending.Push(model.Root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node.Split is not { } split) continue;
            splits.Add(new SurvivalTreeSplitJson(node.Depth, node.Rule, split.Feature, split.Threshold, split.LeftLevels,
                split.Statistic, split.PValue, split.AdjustedPValue, split.Candidates));
            pending.Push(node.Right!);
            pending.Push(node.Left!);
        }
        var leaves = new List<SurvivalTreeLeafJson>(model.Leaves.Count);
        foreach (var leaf in model.Leaves) leaves.Add(new SurvivalTreeLeafJson(leaf.Rule, leaf.N, leaf.Events, leaf.Median));
        return new SurvivalTreeJson(model.DroppedRows, splits, leaves);
    }

    /// <summary>R's conf.type name.</summary>
    /// <summary>
    /// The km document: <see cref="KaplanMeierJson"/>, plus, when asked for, <c>quantiles: [{group, p, time, lower,
    /// upper}]</c> and <c>nelson_aalen: [{group, time, cumhaz, se}]</c>.
    /// </summary>
    public static KaplanMeierJson KaplanMeierDocument(KaplanMeierEstimate estimate, IReadOnlyList<double> quantiles, NelsonAalenEstimate? nelsonAalen,
        string? weightColumn = null) =>
        From(estimate) with
        {
            Weights = Weights(estimate, weightColumn),
            Quantiles = quantiles.Count == 0 ? null
                : estimate.Curves.SelectMany(c => quantiles.Select(p => { var q = c.Quantile(p); return new SurvivalQuantileJson(c.Group, p, q.Time, q.Lower, q.Upper); })).ToArray(),
            NelsonAalen = nelsonAalen?.Curves.Select(c => new NelsonAalenJson(c.Group, c.Time, c.CumulativeHazard, c.StandardError)).ToArray(),
        };

    public static string ConfTypeName(SurvivalConfidenceType type) => type switch
    {
        SurvivalConfidenceType.Log => "log",
        SurvivalConfidenceType.LogLog => "log-log",
        _ => "plain",
    };

    /// <summary>R's p.adjust method name.</summary>
    public static string AdjustmentName(PValueAdjustment method) => method switch
    {
        PValueAdjustment.Holm => "holm",
        PValueAdjustment.BenjaminiHochberg => "BH",
        PValueAdjustment.Bonferroni => "bonferroni",
        _ => "none",
    };
}
