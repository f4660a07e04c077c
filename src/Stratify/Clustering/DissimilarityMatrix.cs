using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Stratify.Clustering;

/// <summary>
/// A symmetric dissimilarity matrix with zero diagonal, stored as R's <c>dist</c> stores it: the lower triangle
/// column by column, n(n−1)/2 doubles. For 0-based i &lt; j, d(j, i) sits at n·i − i(i+1)/2 + (j − i − 1), so
/// column i of the triangle (rows i+1..n−1) is contiguous. NaN marks a pair with no feature in common
/// (daisy's NA).
/// <example><code>
/// var d = GowerDissimilarity.Compute(features);
/// double d01 = d[0, 1];              // same as as.matrix(daisy(...))[1, 2] in R
/// </code></example>
/// </summary>
internal sealed class DissimilarityMatrix
{
    /// <param name="count">Number of objects n.</param>
    /// <param name="packed">The n(n−1)/2 dissimilarities in dist order.</param>
    /// <param name="hasMissing">Whether some value is NaN, when whoever filled <paramref name="packed"/> knows (null: a scan
    /// decides, once, when first asked).</param>
    /// <param name="totals">Each object's total dissimilarity as <see cref="ObjectTotals"/> sums it, when whoever filled
    /// <paramref name="packed"/> summed it on the way (null: summed when first asked).</param>
    public DissimilarityMatrix(int count, double[] packed, bool? hasMissing = null, double[]? totals = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count));
        if (packed.LongLength != (long)count * (count - 1) / 2)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a {count} × {count} triangle needs {(long)count * (count - 1) / 2} values, got {packed.LongLength}"), nameof(packed));
        Count = count;
        Packed = packed;
        _hasMissing = hasMissing;
        _totals = totals;
    }

    private bool? _hasMissing;
    private double[]? _totals;

    /// <summary>Column blocks of the passes whose sums must not depend on the machine's core count (<see cref="ColumnBlocks"/>).</summary>
    internal const int FixedBlocks = 16;

    /// <summary>Number of objects n.</summary>
    public int Count { get; }

    /// <summary>The lower triangle in dist order (see the class summary).</summary>
    public double[] Packed { get; }

    /// <summary>Start of column <paramref name="i"/> of the triangle: the entry d(i+1, i).</summary>
    public long ColumnStart(int i) => (long)Count * i - (long)i * (i + 1) / 2;

    public double this[int i, int j]
    {
        get
        {
            if (i == j) return 0;
            if (i > j) (i, j) = (j, i);
            return Packed[ColumnStart(i) + (j - i - 1)];
        }
    }

    /// <summary>Copies row <paramref name="i"/> of the full matrix (d(i, 0..n−1), zero at i) into <paramref name="row"/>.</summary>
    public void CopyRow(int i, Span<double> row)
    {
        int n = Count;
        for (int j = 0; j < i; j++) row[j] = Packed[ColumnStart(j) + (i - j - 1)];
        row[i] = 0;
        if (i < n - 1) Packed.AsSpan((int)ColumnStart(i), n - i - 1).CopyTo(row[(i + 1)..]);
    }

    /// <summary>Boundaries of about <paramref name="blocks"/> column ranges of the triangle holding about equal numbers of
    /// pairs (for parallel passes over the packed values): range b is columns bounds[b]..bounds[b+1]−1.</summary>
    public int[] ColumnBlocks(int blocks)
    {
        int n = Count;
        blocks = Math.Max(1, Math.Min(Math.Max(n - 1, 1), blocks));
        var bounds = new int[blocks + 1];
        double total = (double)n * (n - 1) / 2;
        for (int b = 1, i = 0; b < blocks; b++)
        {
            double target = total * b / blocks, done = (double)n * i - (double)i * (i + 1) / 2;
            while (i < n - 1 && done < target) { i++; done = (double)n * i - (double)i * (i + 1) / 2; }
            bounds[b] = i;
        }
        bounds[blocks] = Math.Max(n - 1, 0);
        return bounds;
    }

    /// <summary>
    /// T_i = Σ_j d(i, j), each object's total dissimilarity to all others (BUILD's first medoid has the least). Summed in
    /// <see cref="FixedBlocks"/> column blocks (<see cref="AddColumnToTotals"/> column by column within a block, the blocks'
    /// sums added in block order), so the bits do not depend on the core count or on who summed them.
    /// </summary>
    public double[] ObjectTotals()
    {
        if (_totals is { } known) return known;
        var bounds = ColumnBlocks(FixedBlocks);
        var partial = new double[bounds.Length - 1][];
        Parallel.For(0, partial.Length, b =>
        {
            var totals = new double[Count];
            for (int i = bounds[b]; i < bounds[b + 1]; i++)
                AddColumnToTotals(i, Packed.AsSpan((int)ColumnStart(i), Count - i - 1), totals);
            partial[b] = totals;
        });
        return _totals = SumBlocks(partial);
    }

    /// <summary>Adds column <paramref name="i"/> of the triangle (<paramref name="column"/> = d(i+1..n−1, i)) to a block's
    /// totals: d(j, i) to T_j, and their sum (vector lanes first, then the tail) to T_i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddColumnToTotals(int i, ReadOnlySpan<double> column, Span<double> totals)
    {
        int length = column.Length, w = Vector<double>.Count, t = 0;
        var target = totals.Slice(i + 1, length);
        var acc = Vector<double>.Zero;
        for (; t <= length - w; t += w)
        {
            var v = new Vector<double>(column[t..]);
            acc += v;
            (new Vector<double>(target[t..]) + v).CopyTo(target[t..]);
        }
        double s = Vector.Sum(acc);
        for (; t < length; t++) { s += column[t]; target[t] += column[t]; }
        totals[i] += s;
    }

    /// <summary>Per-block sums added in block order (into the first block's array).</summary>
    internal static double[] SumBlocks(double[][] partial)
    {
        var total = partial[0];
        for (int b = 1; b < partial.Length; b++)
        {
            var p = partial[b];
            for (int c = 0; c < total.Length; c++) total[c] += p[c];
        }
        return total;
    }

    /// <summary>True when some pair has no dissimilarity (NaN). Known from the constructor, or else one vectorised pass, blocks
    /// of the array in parallel, whose answer is kept (for n = 10,000 a scan reads 400 MB, as long as a pass of BUILD).</summary>
    public bool HasMissing() => _hasMissing ??= Scan(Packed);

    private static bool Scan(double[] packed)
    {
        const int block = 1 << 20;
        int blocks = (int)((packed.LongLength + block - 1) / block);
        bool missing = false;
        Parallel.For(0, blocks, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (b, state) =>
        {
            var values = packed.AsSpan(b * block, Math.Min(block, packed.Length - b * block));
            int w = Vector<double>.Count, t = 0;
            var observed = Vector<long>.AllBitsSet;
            for (; t <= values.Length - w; t += w)
            {
                var v = new Vector<double>(values[t..]);
                observed &= Vector.Equals(v, v); // false only in NaN lanes
            }
            bool found = observed != Vector<long>.AllBitsSet;
            for (; t < values.Length; t++) found |= double.IsNaN(values[t]);
            if (found) { missing = true; state.Stop(); }
        });
        return missing;
    }

    /// <summary>The dissimilarities among a subset of objects (in the given order).</summary>
    public DissimilarityMatrix Subset(ReadOnlySpan<int> objects)
    {
        int m = objects.Length;
        var packed = new double[(long)m * (m - 1) / 2];
        long k = 0;
        for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++)
                packed[k++] = this[objects[a], objects[b]];
        return new DissimilarityMatrix(m, packed);
    }

    /// <summary>Euclidean distances between the rows of a coordinate matrix (R's <c>dist(x)</c>).</summary>
    public static DissimilarityMatrix Euclidean(CoordinateMatrix x, int maxDegreeOfParallelism = -1)
    {
        int n = x.Rows, p = x.Columns;
        var packed = new double[(long)n * (n - 1) / 2];
        var data = x.Data;
        var result = new DissimilarityMatrix(n, packed);
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
        {
            long start = result.ColumnStart(i);
            var xi = new ReadOnlySpan<double>(data, i * p, p);
            for (int j = i + 1; j < n; j++)
            {
                var xj = new ReadOnlySpan<double>(data, j * p, p);
                double s = 0;
                for (int c = 0; c < p; c++) { double t = xi[c] - xj[c]; s += t * t; }
                packed[start + j - i - 1] = Math.Sqrt(s);
            }
        });
        return result;
    }
}
