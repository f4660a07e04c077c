namespace Stratify.Survival;

/// <summary>
/// Reading a right-continuous step function stored at its jump times (a survival curve, a cumulative incidence,
/// a cumulative hazard): the value at t is the one recorded at the last time ≤ t. One binary search, shared by every
/// "value at time t" lookup.
/// </summary>
internal static class StepFunction
{
    /// <summary>The number of times ≤ t in an ascending array (so the last time ≤ t has index result − 1; −1 = none).</summary>
    public static int CountAtOrBefore(double[] ascending, double t)
    {
        int lo = 0, hi = ascending.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (ascending[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
