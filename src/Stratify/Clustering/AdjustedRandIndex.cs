using System.Globalization;

namespace Stratify.Clustering;

/// <summary>
/// Adjusted Rand index (Hubert &amp; Arabie 1985, J Classification 2:193–218) of two partitions of the same objects:
///   ARI = (Σ_ij C(n_ij,2) − E) / (½[Σ_i C(a_i,2) + Σ_j C(b_j,2)] − E),  E = Σ_i C(a_i,2) Σ_j C(b_j,2) / C(n,2),
/// n_ij the contingency table, a_i and b_j its margins. 1 for identical partitions (up to label names), about 0 for
/// independent ones. As scikit-learn's adjusted_rand_score, two partitions that are both all-in-one or both all
/// singletons give 1.
/// <example><code>
/// double ari = AdjustedRandIndex.Compute(kmeans.Assignment, pam.Assignment);
/// </code></example>
/// </summary>
internal static class AdjustedRandIndex
{
    public static double Compute(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.Length != b.Length) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"partitions of {a.Length} and {b.Length} objects"));
        int n = a.Length;
        var (codesA, ka) = Recode(a);
        var (codesB, kb) = Recode(b);
        var table = new long[ka * kb];
        var rows = new long[ka];
        var columns = new long[kb];
        for (int i = 0; i < n; i++)
        {
            table[codesA[i] * kb + codesB[i]]++;
            rows[codesA[i]]++;
            columns[codesB[i]]++;
        }
        double sumCells = 0, sumRows = 0, sumColumns = 0;
        foreach (long v in table) sumCells += Pairs(v);
        foreach (long v in rows) sumRows += Pairs(v);
        foreach (long v in columns) sumColumns += Pairs(v);
        double expected = sumRows * sumColumns / Pairs(n);
        double maximum = 0.5 * (sumRows + sumColumns);
        if (maximum == expected) return 1.0; // both trivial partitions (scikit-learn's special case)
        return (sumCells - expected) / (maximum - expected);
    }

    private static double Pairs(long m) => m * (m - 1) / 2.0;

    private static (int[] Codes, int Count) Recode(ReadOnlySpan<int> labels)
    {
        var map = new Dictionary<int, int>();
        var codes = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (!map.TryGetValue(labels[i], out int code)) { code = map.Count; map[labels[i]] = code; }
            codes[i] = code;
        }
        return (codes, map.Count);
    }
}
