// Mid-ranks (ties get the average of the ranks they span, R's rank(ties.method = "average")) and the tie
// correction term Σ (t³ - t) over tie groups of size t, shared by the rank tests.
namespace Stratify.Statistics;

/// <summary>Average ranks of values, 1-based, with the tie term Σ(t³ - t).</summary>
public static class MidRanks
{
    /// <summary>Writes the mid-rank of each value into <paramref name="ranks"/> and returns Σ(t³ - t) over tie groups.</summary>
    public static double Compute(ReadOnlySpan<double> values, Span<double> ranks)
    {
        int n = values.Length;
        var order = new int[n];
        var keys = values.ToArray();
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(keys, order);
        double ties = 0;
        int start = 0;
        while (start < n)
        {
            int end = start + 1;
            while (end < n && keys[end] == keys[start]) end++;
            double rank = (start + 1 + end) / 2.0;
            for (int j = start; j < end; j++) ranks[order[j]] = rank;
            double t = end - start;
            ties += t * t * t - t;
            start = end;
        }
        return ties;
    }
}
