// Mid-ranks (ties get the average of the ranks they span, R's rank(ties.method = "average")) and the tie
// correction term Σ (t³ - t) over tie groups of size t, shared by the rank tests. Input already in ascending
// order (Table 1 passes merged sorted groups) is ranked in one pass without sorting.
namespace Stratify.Statistics;

/// <summary>Average ranks of values, 1-based, with the tie term Σ(t³ - t).</summary>
internal static class MidRanks
{
    /// <summary>Writes the mid-rank of each value into <paramref name="ranks"/> and returns Σ(t³ - t) over tie groups.</summary>
    public static double Compute(ReadOnlySpan<double> values, Span<double> ranks)
    {
        int n = values.Length;
        if (IsAscending(values)) return RankSorted(values, ranks, order: null);
        var order = new int[n];
        var keys = values.ToArray();
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order);
        return RankSorted(keys, ranks, order);
    }

    private static bool IsAscending(ReadOnlySpan<double> values)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i] < values[i - 1]) return false;
        return true;
    }

    /// <summary>Ranks <paramref name="sorted"/>; <paramref name="order"/> maps sorted positions to original ones (null: identity).</summary>
    private static double RankSorted(ReadOnlySpan<double> sorted, Span<double> ranks, int[]? order)
    {
        int n = sorted.Length;
        double ties = 0;
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && sorted[end] == sorted[start]) end++;
            double rank = (start + 1 + end) / 2.0;
            for (int j = start; j < end; j++) ranks[order is null ? j : order[j]] = rank;
            double t = end - start;
            ties += t * t * t - t;
            start = end;
        }
        return ties;
    }
}
