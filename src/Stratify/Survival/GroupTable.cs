namespace Stratify.Survival;

/// <summary>
/// One cell's (a group, or a group within a stratum) counts at each of its distinct times, ascending: number at risk
/// (time ≥ t), censored, events of any cause and events per cause (index 1..K). Everything the cumulative incidence
/// and Gray's test need: after these counts neither looks at a patient again.
/// </summary>
/// <remarks>
/// Built in one of two ways, with the same result. Whole-number times (days, as clinical data are kept) whose span
/// keeps the count array within max(4n, 65,536) entries: one pass over the patients in row order adds each to its
/// (cell, time, cause) count — a counting sort that never moves a patient — and one pass over the counts makes the
/// tables; R's timefix cannot merge such times while they stay below 1/sqrt(machine ε) ≈ 6.7e7 (larger ones take the
/// other way). Other times: the patients are sorted once (<see cref="CompetingRisksSorted"/>, timefix applied) and two
/// sequential passes size and fill the tables.
/// </remarks>
internal sealed class GroupTable
{
    private GroupTable(double[] time, int[] nRisk, int[] nCensor, int[] nAnyEvent, int[][] nEvent)
    {
        Time = time;
        NRisk = nRisk;
        NCensor = nCensor;
        NAnyEvent = nAnyEvent;
        NEvent = nEvent;
    }

    public double[] Time { get; }
    public int[] NRisk { get; }
    public int[] NCensor { get; }
    public int[] NAnyEvent { get; }
    /// <summary>[k][j]: events of cause k at time j (k = 0 unused).</summary>
    public int[][] NEvent { get; }
    /// <summary>Patients in the cell.</summary>
    public int N => NRisk.Length == 0 ? 0 : NRisk[0];

    private static GroupTable Allocate(int distinct, int causes)
    {
        var nEvent = new int[causes + 1][];
        for (int c = 0; c <= causes; c++) nEvent[c] = new int[distinct];
        return new GroupTable(new double[distinct], new int[distinct], new int[distinct], new int[distinct], nEvent);
    }

    /// <summary>
    /// The tables of every cell: per group (all strata together), or per (stratum, group) with cell index
    /// stratum·G + group when <paramref name="byStratum"/> and the data have strata.
    /// </summary>
    public static GroupTable[] Build(CompetingRisksData data, bool byStratum)
    {
        var strata = byStratum ? data.Strata : null;
        int groups = data.GroupCount, cells = (strata is null ? 1 : data.StrataCount) * groups, causes = data.CauseCount;
        return WholeNumberSpan(data.Time, (long)cells * (causes + 1)) is (double min, int span)
            ? FromCounts(data, strata, cells, causes, min, span)
            : FromSorted(data.Sorted, strata is null ? null : data.Sorted.Strata, groups, cells, causes);
    }

    /// <summary>(min, max − min + 1) when every time is a whole number below 1/sqrt(ε) and the counts fit; else null.</summary>
    private static (double Min, int Span)? WholeNumberSpan(double[] time, long perTime)
    {
        if (time.Length == 0) return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double t in time)
        {
            if (t != Math.Floor(t)) return null;
            if (t < min) min = t;
            if (t > max) max = t;
        }
        if (max >= 1 / TimeFix.Tolerance) return null; // large enough for timefix to tie whole numbers
        double span = max - min + 1;
        return span * perTime <= Math.Max(4.0 * time.Length, 65_536) ? (min, (int)span) : null;
    }

    private static GroupTable[] FromCounts(CompetingRisksData data, int[]? strata, int cells, int causes, double min, int span)
    {
        int width = causes + 1, groups = data.GroupCount;
        var time = data.Time;
        var cause = data.Cause;
        var group = data.Group;
        var counts = new int[(long)cells * span * width];
        for (int i = 0; i < time.Length; i++)
        {
            int cell = (strata is null ? 0 : strata[i] * groups) + (group is null ? 0 : group[i]);
            counts[((long)cell * span + (int)(time[i] - min)) * width + cause[i]]++;
        }
        var tables = new GroupTable[cells];
        for (int c = 0; c < cells; c++)
        {
            var cell = counts.AsSpan((int)((long)c * span * width), span * width);
            int distinct = 0, size = 0;
            for (int t = 0; t < span; t++)
            {
                int total = 0;
                for (int k = 0; k < width; k++) total += cell[t * width + k];
                if (total == 0) continue;
                distinct++;
                size += total;
            }
            var table = tables[c] = Allocate(distinct, causes);
            int j = 0, remaining = size;
            for (int t = 0; t < span; t++)
            {
                int censored = cell[t * width], events = 0;
                for (int k = 1; k < width; k++) events += cell[t * width + k];
                if (censored + events == 0) continue;
                table.Time[j] = min + t;
                table.NRisk[j] = remaining;
                table.NCensor[j] = censored;
                table.NAnyEvent[j] = events;
                for (int k = 1; k < width; k++) table.NEvent[k][j] = cell[t * width + k];
                remaining -= censored + events;
                j++;
            }
        }
        return tables;
    }

    /// <summary>The tables from time-sorted patients, in two sequential passes (one to size them, one to fill them).</summary>
    private static GroupTable[] FromSorted(CompetingRisksSorted sorted, int[]? strata, int groups, int cells, int causes)
    {
        var time = sorted.Time;
        var cause = sorted.Cause;
        var group = sorted.Group;
        int n = time.Length;
        var size = new int[cells];
        var distinct = new int[cells];
        var last = new double[cells];
        Array.Fill(last, double.NaN);
        for (int k = 0; k < n; k++)
        {
            int c = Cell(k);
            size[c]++;
            if (time[k] != last[c]) { distinct[c]++; last[c] = time[k]; }
        }
        var tables = new GroupTable[cells];
        for (int c = 0; c < cells; c++) tables[c] = Allocate(distinct[c], causes);
        var row = new int[cells];
        Array.Fill(row, -1);
        Array.Fill(last, double.NaN);
        var remaining = size;
        for (int k = 0; k < n; k++)
        {
            int c = Cell(k);
            var table = tables[c];
            int j = row[c];
            if (time[k] != last[c])
            {
                row[c] = ++j;
                last[c] = time[k];
                table.Time[j] = time[k];
                table.NRisk[j] = remaining[c];
            }
            remaining[c]--;
            int code = cause[k];
            if (code == 0) table.NCensor[j]++;
            else
            {
                table.NAnyEvent[j]++;
                table.NEvent[code][j]++;
            }
        }
        return tables;

        int Cell(int k) => (strata is null ? 0 : strata[k] * groups) + (group is null ? 0 : group[k]);
    }
}
