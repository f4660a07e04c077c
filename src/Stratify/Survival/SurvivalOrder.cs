namespace Stratify.Survival;

/// <summary>
/// The one sort every survival estimator needs: patients in ascending time, computed once and shared.
/// </summary>
/// <remarks>
/// Risk sets follow R's survival package: a patient censored at time t is still at risk at t, so at a tied time
/// the events are counted before the censorings. All Stratify estimators aggregate per distinct time, so the order
/// inside a tie does not change any number; it is fixed anyway (events first, then row order) so that results and
/// any per-patient output are deterministic. Strata are applied as a stable counting sort on top of the time
/// order: within each stratum the time order is kept, at O(n) extra cost.
/// Cost: one <see cref="Array.Sort{TKey, TValue}(TKey[], TValue[])"/> on a copy of the times plus linear passes;
/// no per-row allocation.
/// <example><code>int[] order = SurvivalOrder.ByTime(data.Time, data.Strata); // stratum 0 first, each by time</code></example>
/// </remarks>
public static class SurvivalOrder
{
    /// <summary>Row indices by stratum code (if given), then ascending time, ties in row order.</summary>
    public static int[] ByTime(double[] time, int[]? strata)
    {
        var order = SortByTime(time, null);
        return strata is null ? order : StableGroup(order, strata, MaxCode(strata) + 1);
    }

    /// <summary>Row indices by ascending time; at a tied time events first, then censorings, each in row order.</summary>
    public static int[] ByTime(double[] time, bool[] @event) => SortByTime(time, @event);

    /// <summary>Row indices by stratum, then ascending time, events before censorings at a tied time.</summary>
    public static int[] ByTime(double[] time, bool[] @event, int[]? strata)
    {
        var order = SortByTime(time, @event);
        return strata is null ? order : StableGroup(order, strata, MaxCode(strata) + 1);
    }

    /// <summary>
    /// Reorders <paramref name="order"/> by <paramref name="codes"/> (0..<paramref name="codeCount"/>-1) keeping the
    /// existing order within a code: a stable counting sort. <paramref name="start"/> receives, per code, the first
    /// position of that code in the result (length codeCount + 1, last = n).
    /// </summary>
    public static int[] StableGroup(int[] order, int[] codes, int codeCount, out int[] start)
    {
        start = new int[codeCount + 1];
        foreach (int row in order) start[codes[row] + 1]++;
        for (int c = 0; c < codeCount; c++) start[c + 1] += start[c];
        var next = new int[codeCount];
        Array.Copy(start, next, codeCount);
        var result = new int[order.Length];
        foreach (int row in order) result[next[codes[row]]++] = row;
        return result;
    }

    /// <inheritdoc cref="StableGroup(int[], int[], int, out int[])"/>
    public static int[] StableGroup(int[] order, int[] codes, int codeCount) => StableGroup(order, codes, codeCount, out _);

    private static int MaxCode(int[] codes)
    {
        int max = 0;
        foreach (int c in codes) if (c > max) max = c;
        return max;
    }

    private static int[] SortByTime(double[] time, bool[]? @event)
    {
        int n = time.Length;
        var keys = new double[n];
        Array.Copy(time, keys, n);
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order);
        // Array.Sort is unstable: put each run of tied times into row order (events first when given).
        int[]? scratch = null;
        for (int i = 0; i < n;)
        {
            int j = i + 1;
            while (j < n && keys[j] == keys[i]) j++;
            if (j - i > 1)
            {
                Array.Sort(order, i, j - i);
                if (@event is not null) EventsFirst(order, i, j, @event, scratch ??= new int[n]);
            }
            i = j;
        }
        return order;
    }

    /// <summary>Stable partition of order[from..to) into events then censorings.</summary>
    private static void EventsFirst(int[] order, int from, int to, bool[] @event, int[] scratch)
    {
        int e = from, c = 0;
        for (int k = from; k < to; k++)
        {
            int row = order[k];
            if (@event[row]) order[e++] = row;
            else scratch[c++] = row;
        }
        Array.Copy(scratch, 0, order, e, c);
    }
}
