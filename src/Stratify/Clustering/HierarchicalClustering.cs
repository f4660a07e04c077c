using System.Globalization;

namespace Stratify.Clustering;

/// <summary>Agglomeration criterion.</summary>
internal enum Linkage
{
    /// <summary>Ward's minimum variance on Euclidean distances, R's <c>hclust(method = "ward.D2")</c>: the input is squared,
    /// Lance–Williams Ward updates, and merge heights are the square roots.</summary>
    WardD2,
    /// <summary>Average linkage (UPGMA) on any dissimilarity: d(k, i∪j) = (n_i d_ki + n_j d_kj) / (n_i + n_j).</summary>
    Average,
}

/// <summary>A dendrogram in R's hclust form.</summary>
/// <param name="Merge">(n−1) × 2 row-major, R's <c>$merge</c>: −i a singleton (1-based object), +s the cluster made at step s.</param>
/// <param name="Height">Merge heights, non-decreasing (R's <c>$height</c>).</param>
internal sealed record Dendrogram(int Count, int[] Merge, double[] Height, Linkage Linkage)
{
    /// <summary>Cluster (0..k−1) of each object when the tree is cut into k groups; clusters are numbered by the first
    /// object that belongs to them, as R's <c>cutree</c> (which numbers 1..k).</summary>
    public int[] Cut(int k)
    {
        if (k < 1 || k > Count) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"k must be between 1 and {Count}"), value: k.ToString(CultureInfo.InvariantCulture));
        var parent = new int[Count];
        for (int i = 0; i < Count; i++) parent[i] = i;
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var representative = new int[Count - 1]; // an object inside the cluster made at each step
        for (int s = 0; s < Count - k; s++)
        {
            int a = Member(Merge[2 * s], representative), b = Member(Merge[2 * s + 1], representative);
            parent[Find(a)] = Find(b);
            representative[s] = a;
        }
        var label = new Dictionary<int, int>();
        var result = new int[Count];
        for (int i = 0; i < Count; i++)
        {
            int root = Find(i);
            if (!label.TryGetValue(root, out int c)) { c = label.Count; label[root] = c; }
            result[i] = c;
        }
        return result;
    }

    private static int Member(int code, int[] representative) => code < 0 ? -code - 1 : representative[code - 1];
}

/// <summary>
/// Agglomerative hierarchical clustering with the nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011,
/// "Modern hierarchical, agglomerative clustering algorithms", arXiv:1109.2378): O(n²) time, exact for reducible
/// linkages (Ward, average), giving the same merge heights as R's <c>hclust</c>. Merges found by the chain are sorted by
/// height (stable) and renumbered in R's convention. Works on the full n × n matrix (intended for n ≤ 10,000).
/// <example><code>
/// var tree = HierarchicalClustering.Fit(DissimilarityMatrix.Euclidean(coords), Linkage.WardD2);
/// int[] groups = tree.Cut(4);                          // = cutree(hclust(dist(x), "ward.D2"), 4) − 1
/// </code></example>
/// </summary>
internal static class HierarchicalClustering
{
    public static Dendrogram Fit(DissimilarityMatrix d, Linkage linkage)
    {
        int n = d.Count;
        if (n < 2) throw new Data.StratifyInputException("hierarchical clustering needs at least 2 objects");
        if (d.HasMissing()) throw new Data.StratifyInputException("the dissimilarities contain missing values (pairs without a common feature)");
        var square = new SquareDissimilarities(d).Data;
        bool ward = linkage == Linkage.WardD2;
        if (ward) for (long t = 0; t < square.LongLength; t++) square[t] *= square[t];
        var size = new int[n];
        Array.Fill(size, 1);
        var active = new bool[n];
        Array.Fill(active, true);
        var found = new List<(int A, int B, double Height)>(n - 1);
        var chain = new List<int>(n);
        int firstActive = 0;
        while (found.Count < n - 1)
        {
            if (chain.Count == 0)
            {
                while (!active[firstActive]) firstActive++;
                chain.Add(firstActive);
            }
            while (true)
            {
                int a = chain[^1];
                int previous = chain.Count >= 2 ? chain[^2] : -1;
                long row = (long)a * n;
                // Nearest active neighbour of a; the previous chain element wins ties, which guarantees termination.
                int b = previous;
                double best = previous >= 0 ? square[row + previous] : double.PositiveInfinity;
                for (int j = 0; j < n; j++)
                {
                    if (j == a || !active[j]) continue;
                    double v = square[row + j];
                    if (v < best) { best = v; b = j; }
                }
                if (b == previous)
                {
                    chain.RemoveRange(chain.Count - 2, 2);
                    Join(square, n, size, active, a, b, best, ward);
                    found.Add((Math.Min(a, b), Math.Max(a, b), ward ? Math.Sqrt(best) : best));
                    break;
                }
                chain.Add(b);
            }
        }
        return ToR(n, found, linkage);
    }

    /// <summary>Merges cluster b into slot a (the lower index keeps the cluster) with the Lance–Williams update.</summary>
    private static void Join(double[] square, int n, int[] size, bool[] active, int a, int b, double dab, bool ward)
    {
        int keep = Math.Min(a, b), drop = Math.Max(a, b);
        double na = size[keep], nb = size[drop];
        long rowKeep = (long)keep * n, rowDrop = (long)drop * n;
        for (int k = 0; k < n; k++)
        {
            if (!active[k] || k == keep || k == drop) continue;
            double dka = square[rowKeep + k], dkb = square[rowDrop + k], updated;
            if (ward)
            {
                double nk = size[k];
                updated = ((na + nk) * dka + (nb + nk) * dkb - nk * dab) / (na + nb + nk);
            }
            else updated = (na * dka + nb * dkb) / (na + nb);
            square[rowKeep + k] = updated;
            square[(long)k * n + keep] = updated;
        }
        size[keep] += size[drop];
        active[drop] = false;
    }

    /// <summary>Sorts merges by height (stable) and writes them as R's merge matrix.</summary>
    private static Dendrogram ToR(int n, List<(int A, int B, double Height)> found, Linkage linkage)
    {
        var order = Enumerable.Range(0, found.Count).OrderBy(s => found[s].Height).ThenBy(s => s).ToArray();
        var current = new int[n]; // R code of the cluster that the slot currently holds
        for (int i = 0; i < n; i++) current[i] = -(i + 1);
        var merge = new int[2 * (n - 1)];
        var height = new double[n - 1];
        // Slots: the chain merged into the lower object index; replaying in height order keeps that valid because a
        // merge's inputs are always made before it (reducible linkages give monotone heights).
        var slotOf = new int[n];
        for (int i = 0; i < n; i++) slotOf[i] = i;
        for (int s = 0; s < order.Length; s++)
        {
            var (a, b, h) = found[order[s]];
            int x = current[a], y = current[b];
            // R: singletons before clusters; two singletons or two clusters in increasing order of |code| / step.
            (int first, int second) = (x < 0, y < 0) switch
            {
                (true, true) => x > y ? (x, y) : (y, x),
                (true, false) => (x, y),
                (false, true) => (y, x),
                _ => x < y ? (x, y) : (y, x),
            };
            merge[2 * s] = first;
            merge[2 * s + 1] = second;
            height[s] = h;
            current[Math.Min(a, b)] = s + 1;
        }
        return new Dendrogram(n, merge, height, linkage);
    }
}
