namespace Stratify.Clustering;

/// <summary>
/// The full n × n matrix expanded from a packed triangle, for algorithms that read and rewrite whole rows many times
/// (the nearest-neighbour chain of <see cref="HierarchicalClustering"/> scans a row per step and updates a row and a
/// column per merge). Row-major, so a row is one contiguous span. Costs n² doubles (800 MB at n = 10,000), which is
/// why hierarchical clustering is limited to cohorts of that size.
/// </summary>
internal sealed class SquareDissimilarities
{
    public SquareDissimilarities(DissimilarityMatrix d)
    {
        int n = d.Count;
        Count = n;
        Data = GC.AllocateUninitializedArray<double>(checked(n * n));
        for (int i = 0; i < n; i++) Data[(long)i * n + i] = 0;
        var packed = d.Packed;
        // Upper triangle from the contiguous columns of the packed triangle, then a blocked transpose for the lower.
        Parallel.For(0, n, i =>
        {
            long start = d.ColumnStart(i);
            Array.Copy(packed, start, Data, (long)i * n + i + 1, n - i - 1);
        });
        const int block = 64;
        int blocks = (n + block - 1) / block;
        Parallel.For(0, blocks, bi =>
        {
            int i0 = bi * block, i1 = Math.Min(n, i0 + block);
            for (int j0 = 0; j0 <= i0; j0 += block)
            {
                int j1 = Math.Min(n, j0 + block);
                for (int i = i0; i < i1; i++)
                {
                    long row = (long)i * n;
                    for (int j = j0; j < j1 && j < i; j++) Data[row + j] = Data[(long)j * n + i];
                }
            }
        });
    }

    public int Count { get; }
    public double[] Data { get; }

    public ReadOnlySpan<double> Row(int i) => new(Data, (int)((long)i * Count), Count);
}
