namespace Stratify.Survival;

/// <summary>
/// One curve's counting-process summary at each distinct observed time t_j (event or censoring):
/// n_j = number at risk (time &gt;= t_j, so a patient censored at t_j is at risk at t_j), d_j = events at t_j,
/// c_j = censorings at t_j. The common input of Kaplan–Meier and Nelson–Aalen, as in R's survfit object.
/// </summary>
/// <example><code>var table = RiskTable.PerGroup(data)[0]; // data from SurvivalData.FromCohort(lung, "time", "status")</code></example>
public sealed class RiskTable
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
    public int[] NRisk { get; }
    public int[] NEvent { get; }
    public int[] NCensor { get; }
    /// <summary>Patients in the curve.</summary>
    public int N { get; }
    /// <summary>Total events in the curve.</summary>
    public int Events { get; }

    /// <summary>One table per group code (an empty group gives a table with <see cref="N"/> = 0).</summary>
    public static RiskTable[] PerGroup(SurvivalData data)
    {
        var sorted = data.Sorted; // positions below index the time-sorted arrays: reads stay sequential
        if (sorted.Group is null) return [Build(sorted.Time, sorted.Event, SurvivalOrder.Identity(sorted.Count), 0, sorted.Count)];
        var order = SurvivalOrder.StableGroup(null, sorted.Group, data.GroupCount, out var start);
        var tables = new RiskTable[data.GroupCount];
        for (int g = 0; g < tables.Length; g++) tables[g] = Build(sorted.Time, sorted.Event, order, start[g], start[g + 1]);
        return tables;
    }

    /// <summary>The table of the patients order[from..to), which must be in ascending time.</summary>
    public static RiskTable Build(double[] time, bool[] @event, int[] order, int from, int to)
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
        return new RiskTable(t, nRisk, nEvent, nCensor, to - from, events);
    }
}
