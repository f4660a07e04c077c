namespace Stratify.Survival;

/// <summary>
/// One curve's counting-process summary at each distinct observed time t_j (event or censoring):
/// n_j = number at risk (time &gt;= t_j, so a patient censored at t_j is at risk at t_j), d_j = events at t_j,
/// c_j = censorings at t_j. The common input of Kaplan–Meier and Nelson–Aalen, as in R's survfit object.
/// With case weights the same three are also summed as weights (R's <c>n.risk</c>, <c>n.event</c>, <c>n.censor</c>
/// of a weighted fit; survfitkm's columns 4–6), the at-risk sums accumulated from the latest time back as R does.
/// Counting-process data (an entry per row, R's <c>Surv(entry, time, event)</c>): the t_j are the distinct stop times
/// and a row is at risk at t_j when entry &lt; t_j ≤ stop, so n_j = #{stop ≥ t_j} − #{entry ≥ t_j}, swept from the
/// latest time back in one merge of the stop and entry orders, as survfitkm does (rows are added at their stop and
/// removed once t_j ≤ their entry; no per-time copies). With patients of several rows, the end of a row that a later
/// row of the patient continues is not a censoring (R's survflag position).
/// </summary>
/// <example><code>var table = RiskTable.PerGroup(data)[0]; // data from SurvivalData.FromCohort(lung, "time", "status")</code></example>
internal sealed class RiskTable
{
    private RiskTable(double[] time, int[] nRisk, int[] nEvent, int[] nCensor, int n, int events)
    {
        Time = time;
        NRisk = nRisk;
        NEvent = nEvent;
        NCensor = nCensor;
        N = n;
        Events = events;
    }

    public double[] Time { get; }
    /// <summary>Patients at risk (a head count, also with case weights).</summary>
    public int[] NRisk { get; }
    public int[] NEvent { get; }
    public int[] NCensor { get; }
    /// <summary>Patients in the curve.</summary>
    public int N { get; }
    /// <summary>Total events in the curve.</summary>
    public int Events { get; }
    /// <summary>Sum of the case weights at risk at each time (R's weighted n.risk); null without weights.</summary>
    public double[]? WeightedNRisk { get; private init; }
    /// <summary>Sum of the case weights of the events at each time; null without weights.</summary>
    public double[]? WeightedNEvent { get; private init; }
    /// <summary>Sum of the case weights of the censorings at each time; null without weights.</summary>
    public double[]? WeightedNCensor { get; private init; }

    /// <summary>
    /// The curve's patients: positions [<see cref="From"/>, <see cref="To"/>) of <see cref="Order"/> into the time-sorted
    /// arrays. For tables built in one pass over the time-sorted patients (<see cref="PerGroup"/>, no weights), the
    /// positions grouped by group are made on first use (the weighted and robust variances need them; curves do not).
    /// </summary>
    internal int[] Order { get => _grouping?.Value.Order ?? _order; private init => _order = value; }
    internal int From { get => _grouping?.Value.Start[_group] ?? _from; private init => _from = value; }
    internal int To { get => _grouping?.Value.Start[_group + 1] ?? _to; private init => _to = value; }
    private readonly int[] _order = [];
    private readonly int _from, _to;
    private readonly Lazy<(int[] Order, int[] Start)>? _grouping;
    private readonly int _group;
    /// <summary>Counting-process data: the same patients by ascending entry, positions [From, To) of this order; null otherwise.</summary>
    internal CountingProcessRows? Counting { get; private init; }

    /// <summary>
    /// The infinitesimal-jackknife sum of squares at each time t_j of the table (R's survfitkm robust variance, each
    /// patient its own cluster): Σ_i w_i² a_i(j)², where a patient still at risk at t_j has a_i(j) = C(t_j) and one
    /// who left at t_i ≤ t_j keeps a_i = C(t_i) − δ_i·jump(t_i). <paramref name="cumulative"/> is C at each time
    /// (Kaplan–Meier: G = Σ d/(n(n − d)); Nelson–Aalen: Σ d/n²), <paramref name="jump"/> the event term at each time
    /// (1/(n − d), or 1/n; 0 where the time has no event of positive weight). One pass: patients who have left add
    /// their fixed term, those at risk add C(t_j)² Σ w².
    /// </summary>
    internal double[] JackknifeSumOfSquares(double[] sortedTime, bool[] sortedEvent, double[]? sortedWeight, double[] cumulative, double[] jump)
    {
        if (Counting is { } counting) return counting.JackknifeSumOfSquares(this, sortedTime, sortedEvent, sortedWeight, cumulative, jump);
        int m = Time.Length;
        // Σ w² of the patients still at risk after t_j, summed from the latest time back (no cancellation).
        var laterSquares = new double[m];
        double later = 0;
        int k = To - 1;
        for (int j = m - 1; j >= 0; j--)
        {
            laterSquares[j] = later;
            for (; k >= From && sortedTime[Order[k]] == Time[j]; k--)
            {
                double w = sortedWeight?[Order[k]] ?? 1;
                later += w * w;
            }
        }

        var sums = new double[m];
        double leftSquares = 0;
        int position = From;
        for (int j = 0; j < m; j++)
        {
            for (; position < To && sortedTime[Order[position]] == Time[j]; position++)
            {
                int row = Order[position];
                double w = sortedWeight?[row] ?? 1;
                if (w == 0) continue;
                double a = sortedEvent[row] ? cumulative[j] - jump[j] : cumulative[j];
                leftSquares += w * w * a * a;
            }
            sums[j] = leftSquares + cumulative[j] * cumulative[j] * laterSquares[j];
        }
        return sums;
    }

    /// <summary>One table per group code (an empty group gives a table with <see cref="N"/> = 0).</summary>
    public static RiskTable[] PerGroup(SurvivalData data)
    {
        var sorted = data.Sorted; // positions below index the time-sorted arrays: reads stay sequential
        if (sorted.EntryOrder is not null) return PerGroupCounting(data, sorted);
        if (sorted.Group is null) return [Build(sorted.Time, sorted.Event, sorted.Weight, SurvivalOrder.Identity(sorted.Count), 0, sorted.Count)];
        if (sorted.Weight is null) return InOnePass(sorted, data.GroupCount);
        var order = SurvivalOrder.StableGroup(null, sorted.Group, data.GroupCount, out var start);
        var tables = new RiskTable[data.GroupCount];
        for (int g = 0; g < tables.Length; g++) tables[g] = Build(sorted.Time, sorted.Event, sorted.Weight, order, start[g], start[g + 1]);
        return tables;
    }

    /// <summary>
    /// Every group's table from two sequential passes over the time-sorted patients (distinct times per group, then the
    /// counts), without first grouping the positions: the same tables as <see cref="Build(double[], bool[], double[], int[], int, int)"/>
    /// over each group's positions in ascending time, which is the order a group's patients come in here.
    /// </summary>
    private static RiskTable[] InOnePass(TimeSortedPatients sorted, int groups)
    {
        var time = sorted.Time;
        var @event = sorted.Event;
        var group = sorted.Group!;
        int n = sorted.Count;
        var patients = new int[groups];
        var distinct = new int[groups];
        var last = new double[groups];
        for (int k = 0; k < n; k++)
        {
            int g = group[k];
            if (patients[g]++ == 0 || time[k] != last[g]) { distinct[g]++; last[g] = time[k]; }
        }
        var t = new double[groups][];
        var nRisk = new int[groups][];
        var nEvent = new int[groups][];
        var nCensor = new int[groups][];
        for (int g = 0; g < groups; g++)
        {
            t[g] = new double[distinct[g]];
            nRisk[g] = new int[distinct[g]];
            nEvent[g] = new int[distinct[g]];
            nCensor[g] = new int[distinct[g]];
        }
        var j = new int[groups];
        Array.Fill(j, -1);
        var atRisk = (int[])patients.Clone();
        var events = new int[groups];
        for (int k = 0; k < n; k++)
        {
            int g = group[k], at = j[g];
            double tk = time[k];
            if (at < 0 || tk != t[g][at])
            {
                if (at >= 0) atRisk[g] -= nEvent[g][at] + nCensor[g][at];
                j[g] = ++at;
                t[g][at] = tk;
                nRisk[g][at] = atRisk[g];
            }
            if (@event[k]) { nEvent[g][at]++; events[g]++; }
            else nCensor[g][at]++;
        }
        var grouping = new Lazy<(int[] Order, int[] Start)>(() =>
        {
            var order = SurvivalOrder.StableGroup(null, group, groups, out var start);
            return (order, start);
        });
        var tables = new RiskTable[groups];
        for (int g = 0; g < groups; g++)
            tables[g] = new RiskTable(t[g], nRisk[g], nEvent[g], nCensor[g], patients[g], events[g], grouping, g);
        return tables;
    }

    private RiskTable(double[] time, int[] nRisk, int[] nEvent, int[] nCensor, int n, int events, Lazy<(int[] Order, int[] Start)> grouping, int group)
        : this(time, nRisk, nEvent, nCensor, n, events)
    {
        _grouping = grouping;
        _group = group;
    }

    /// <summary>Counting-process tables: each group's positions by stop time and, grouped the same stable way, by entry time.</summary>
    private static RiskTable[] PerGroupCounting(SurvivalData data, TimeSortedPatients sorted)
    {
        int n = sorted.Count;
        int[] order = SurvivalOrder.Identity(n), entryOrder = sorted.EntryOrder!, start = [0, n], entryStart = [0, n];
        if (sorted.Group is { } group)
        {
            order = SurvivalOrder.StableGroup(null, group, data.GroupCount, out start);
            entryOrder = SurvivalOrder.StableGroup(entryOrder, group, data.GroupCount, out entryStart);
        }
        // The jackknife's clusters: the patient of each position (R's survfit id =), else each position its own.
        var cluster = sorted.Patient ?? SurvivalOrder.Identity(n);
        var tables = new RiskTable[start.Length - 1];
        for (int g = 0; g < tables.Length; g++)
            tables[g] = BuildCounting(sorted, new CountingProcessRows(entryOrder, entryStart[g], entryStart[g + 1], sorted.Entry!, cluster),
                order, start[g], start[g + 1]);
        return tables;
    }

    /// <summary>
    /// The counting-process table of the positions order[from..to) (ascending stop time), whose entries are
    /// <paramref name="rows"/>: one backward sweep adding rows at their stop and removing those whose entry is at or
    /// after the current time, with head counts and (with weights) weight sums, as survfitkm.
    /// </summary>
    private static RiskTable BuildCounting(TimeSortedPatients sorted, CountingProcessRows rows, int[] order, int from, int to)
    {
        var time = sorted.Time;
        var @event = sorted.Event;
        var weight = sorted.Weight;
        var continued = sorted.Continued;
        int distinct = 0;
        for (int k = from; k < to; k++)
            if (k == from || time[order[k]] != time[order[k - 1]]) distinct++;
        var t = new double[distinct];
        var nRisk = new int[distinct];
        var nEvent = new int[distinct];
        var nCensor = new int[distinct];
        var wRisk = weight is null ? null : new double[distinct];
        var wEvent = weight is null ? null : new double[distinct];
        var wCensor = weight is null ? null : new double[distinct];
        int atRisk = 0, events = 0, stop = to - 1, leave = rows.To - 1;
        double weightAtRisk = 0;
        for (int j = distinct - 1; j >= 0; j--)
        {
            double tj = time[order[stop]];
            t[j] = tj;
            for (; stop >= from && time[order[stop]] == tj; stop--)
            {
                int k = order[stop];
                double w = weight?[k] ?? 1;
                atRisk++;
                weightAtRisk += w;
                if (@event[k])
                {
                    nEvent[j]++;
                    events++;
                    if (wEvent is not null) wEvent[j] += w;
                }
                else if (continued is null || !continued[k])
                {
                    nCensor[j]++;
                    if (wCensor is not null) wCensor[j] += w;
                }
            }
            for (; leave >= rows.From && rows.Entry[rows.Order[leave]] >= tj; leave--)
            {
                atRisk--;
                weightAtRisk -= weight?[rows.Order[leave]] ?? 1;
            }
            nRisk[j] = atRisk;
            if (wRisk is not null) wRisk[j] = weightAtRisk;
        }
        return new RiskTable(t, nRisk, nEvent, nCensor, to - from, events)
        {
            WeightedNRisk = wRisk,
            WeightedNEvent = wEvent,
            WeightedNCensor = wCensor,
            Order = order,
            From = from,
            To = to,
            Counting = rows,
        };
    }

    /// <summary>The table of the patients order[from..to), which must be in ascending time.</summary>
    public static RiskTable Build(double[] time, bool[] @event, int[] order, int from, int to) => Build(time, @event, null, order, from, to);

    /// <summary>The table of the patients order[from..to) (ascending time), with weighted sums when <paramref name="weight"/> is given.</summary>
    internal static RiskTable Build(double[] time, bool[] @event, double[]? weight, int[] order, int from, int to)
    {
        int distinct = 0;
        for (int k = from; k < to; k++)
            if (k == from || time[order[k]] != time[order[k - 1]]) distinct++;
        var t = new double[distinct];
        var nRisk = new int[distinct];
        var nEvent = new int[distinct];
        var nCensor = new int[distinct];
        int j = -1, atRisk = to - from, events = 0;
        for (int k = from; k < to; k++)
        {
            int row = order[k];
            double tk = time[row];
            if (j < 0 || tk != t[j])
            {
                if (j >= 0) atRisk -= nEvent[j] + nCensor[j];
                j++;
                t[j] = tk;
                nRisk[j] = atRisk;
            }
            if (@event[row]) { nEvent[j]++; events++; }
            else nCensor[j]++;
        }
        if (weight is null)
            return new RiskTable(t, nRisk, nEvent, nCensor, to - from, events) { Order = order, From = from, To = to };

        // Weighted sums, walking from the latest time back as survfitkm does (the at-risk sum only ever grows).
        var wRisk = new double[distinct];
        var wEvent = new double[distinct];
        var wCensor = new double[distinct];
        double running = 0;
        j = distinct;
        for (int k = to - 1; k >= from; k--)
        {
            int row = order[k];
            if (k == to - 1 || time[row] != time[order[k + 1]]) j--;
            double w = weight[row];
            running += w;
            if (@event[row]) wEvent[j] += w; else wCensor[j] += w;
            wRisk[j] = running;
        }
        return new RiskTable(t, nRisk, nEvent, nCensor, to - from, events)
        {
            WeightedNRisk = wRisk,
            WeightedNEvent = wEvent,
            WeightedNCensor = wCensor,
            Order = order,
            From = from,
            To = to,
        };
    }
}
