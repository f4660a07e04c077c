namespace Stratify.Survival;

/// <summary>
/// One curve's counting-process summary at each distinct observed time t_j (event or censoring):
/// n_j = number at risk (time &gt;= t_j, so a patient censored at t_j is at risk at t_j), d_j = events at t_j,
/// c_j = censorings at t_j. The common input of Kaplan–Meier and Nelson–Aalen, as in R's survfit object.
/// With case weights the same three are also summed as weights (R's <c>n.risk</c>, <c>n.event</c>, <c>n.censor</c>
/// of a weighted fit; survfitkm's columns 4–6), the at-risk sums accumulated from the latest time back as R does.
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

    /// <summary>The curve's patients: positions [<see cref="From"/>, <see cref="To"/>) of <see cref="Order"/> into the time-sorted arrays.</summary>
    internal int[] Order { get; private init; } = [];
    internal int From { get; private init; }
    internal int To { get; private init; }

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
        if (sorted.Group is null) return [Build(sorted.Time, sorted.Event, sorted.Weight, SurvivalOrder.Identity(sorted.Count), 0, sorted.Count)];
        var order = SurvivalOrder.StableGroup(null, sorted.Group, data.GroupCount, out var start);
        var tables = new RiskTable[data.GroupCount];
        for (int g = 0; g < tables.Length; g++) tables[g] = Build(sorted.Time, sorted.Event, sorted.Weight, order, start[g], start[g + 1]);
        return tables;
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
