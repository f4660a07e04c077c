namespace Stratify.Survival;

/// <summary>
/// Clusters (R's <c>cluster =</c>, the patients of start/stop rows) numbered 0, 1, ... in the order a pass first meets
/// them, so that sums per cluster are formed and added up in a fixed order. Codes that fit an array (0 ≤ code &lt; 4n, as
/// the binder's codes do) are looked up in one; others go through a hash table. Either way the numbering is the same.
/// </summary>
internal static class ClusterCodes
{
    /// <summary>The cluster index of each position k of the pass, whose element is <c>order[k]</c> (k itself when order is null).</summary>
    public static int[] ByFirstAppearance(int[] code, int[]? order, out int clusters)
    {
        int n = order?.Length ?? code.Length;
        var index = new int[n];
        int max = -1;
        bool small = true;
        foreach (int c in code)
        {
            if (c < 0 || c >= 4L * Math.Max(n, 1)) { small = false; break; }
            if (c > max) max = c;
        }
        clusters = 0;
        if (small)
        {
            var slot = new int[max + 1];
            Array.Fill(slot, -1);
            for (int k = 0; k < n; k++)
            {
                int c = code[order?[k] ?? k];
                if (slot[c] < 0) slot[c] = clusters++;
                index[k] = slot[c];
            }
            return index;
        }
        var seen = new Dictionary<int, int>();
        for (int k = 0; k < n; k++)
        {
            int c = code[order?[k] ?? k];
            if (!seen.TryGetValue(c, out int i)) { i = seen.Count; seen.Add(c, i); }
            index[k] = i;
        }
        clusters = seen.Count;
        return index;
    }
}
