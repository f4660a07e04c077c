using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Stratify.Survival;

/// <summary>
/// Small dense kernels of the Cox fit: vectorised dot product, axpy and lower-triangle rank-1 update on
/// contiguous rows, and the pivot-tolerant LDLᵀ Cholesky that R's survival package uses (<c>cholesky2</c>,
/// <c>chsolve2</c>, <c>chinv2</c>; Therneau): a pivot below <c>toler × max diagonal</c> marks its column as
/// aliased, the column is skipped, and solves and inverses behave as if that column were not in the model
/// (zero step, zero row and column of the inverse).
/// </summary>
internal static class CoxMatrixAlgebra
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int n = x.Length, j = 0, w = Vector<double>.Count;
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double yr = ref MemoryMarshal.GetReference(y);
        var acc = Vector<double>.Zero;
        for (; j <= n - w; j += w) acc += Vector.LoadUnsafe(ref xr, (nuint)j) * Vector.LoadUnsafe(ref yr, (nuint)j);
        double sum = Vector.Sum(acc);
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }

    /// <summary>y += a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled(Span<double> y, double a, ReadOnlySpan<double> x)
    {
        int n = y.Length, w = Vector<double>.Count;
        if (x.Length < n) throw new ArgumentException("x is shorter than y");
        AddScaled(ref MemoryMarshal.GetReference(y), a, ref MemoryMarshal.GetReference(x), n, n - n % w);
    }

    /// <summary>y[0..length) += a·x[0..length); the first <paramref name="vectorised"/> entries (a multiple of the vector width) with SIMD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddScaled(ref double y, double a, ref double x, int length, int vectorised)
    {
        int j = 0;
        var va = new Vector<double>(a);
        for (; j < vectorised; j += Vector<double>.Count)
            (Vector.LoadUnsafe(ref y, (nuint)j) + va * Vector.LoadUnsafe(ref x, (nuint)j)).StoreUnsafe(ref y, (nuint)j);
        for (; j < length; j++) Unsafe.Add(ref y, j) += a * Unsafe.Add(ref x, j);
    }

    /// <summary>
    /// Lower triangle (row-major p×p) of M += w·x·xᵀ. Row i is updated up to column i rounded up to the vector
    /// width, so a few entries above the diagonal also change; callers <see cref="Symmetrise"/> afterwards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddOuterLower(Span<double> m, ReadOnlySpan<double> x, double w)
    {
        int p = x.Length, width = Vector<double>.Count;
        if (m.Length < p * p) throw new ArgumentException("m is smaller than p×p");
        ref double mr = ref MemoryMarshal.GetReference(m);
        ref double xr = ref MemoryMarshal.GetReference(x);
        for (int i = 0; i < p; i++)
        {
            double wi = w * Unsafe.Add(ref xr, i);
            if (wi == 0) continue;
            int length = Math.Min(p, (i / width + 1) * width);
            AddScaled(ref Unsafe.Add(ref mr, i * p), wi, ref xr, length, length - length % width);
        }
    }

    /// <summary>
    /// Lower triangle (as <see cref="AddOuterLower"/>) of M += Σ_r w_r·x_r·x_rᵀ over <paramref name="count"/>
    /// consecutive rows of the row-major <paramref name="rows"/> (length count·p): four rows per sweep, so each
    /// stretch of M is loaded and stored once for four updates.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddWeightedGramLower(Span<double> m, ReadOnlySpan<double> rows, ReadOnlySpan<double> weights, int p)
    {
        int count = weights.Length, width = Vector<double>.Count;
        if (rows.Length < count * p || m.Length < p * p) throw new ArgumentException("sizes differ");
        ref double mr = ref MemoryMarshal.GetReference(m);
        int r = 0;
        for (; r + 4 <= count; r += 4)
        {
            ref double x0 = ref Unsafe.AsRef(in rows[r * p]);
            ref double x1 = ref Unsafe.Add(ref x0, p);
            ref double x2 = ref Unsafe.Add(ref x0, 2 * p);
            ref double x3 = ref Unsafe.Add(ref x0, 3 * p);
            double w0 = weights[r], w1 = weights[r + 1], w2 = weights[r + 2], w3 = weights[r + 3];
            for (int i = 0; i < p; i++)
            {
                double c0 = w0 * Unsafe.Add(ref x0, i), c1 = w1 * Unsafe.Add(ref x1, i);
                double c2 = w2 * Unsafe.Add(ref x2, i), c3 = w3 * Unsafe.Add(ref x3, i);
                int length = Math.Min(p, (i / width + 1) * width);
                int vectorised = length - length % width;
                ref double row = ref Unsafe.Add(ref mr, i * p);
                var v0 = new Vector<double>(c0);
                var v1 = new Vector<double>(c1);
                var v2 = new Vector<double>(c2);
                var v3 = new Vector<double>(c3);
                int j = 0;
                for (; j < vectorised; j += width)
                {
                    var acc = Vector.LoadUnsafe(ref row, (nuint)j)
                        + v0 * Vector.LoadUnsafe(ref x0, (nuint)j) + v1 * Vector.LoadUnsafe(ref x1, (nuint)j)
                        + v2 * Vector.LoadUnsafe(ref x2, (nuint)j) + v3 * Vector.LoadUnsafe(ref x3, (nuint)j);
                    acc.StoreUnsafe(ref row, (nuint)j);
                }
                for (; j < length; j++)
                    Unsafe.Add(ref row, j) += c0 * Unsafe.Add(ref x0, j) + c1 * Unsafe.Add(ref x1, j)
                        + c2 * Unsafe.Add(ref x2, j) + c3 * Unsafe.Add(ref x3, j);
            }
        }
        for (; r < count; r++)
            if (weights[r] != 0) AddOuterLower(m, rows.Slice(r * p, p), weights[r]);
    }

    /// <summary>
    /// Lower triangle of M += c₀·aaᵀ + c₁·(abᵀ + baᵀ) + c₂·bbᵀ, i.e. row i += (c₀aᵢ + c₁bᵢ)·a + (c₁aᵢ + c₂bᵢ)·b:
    /// the Σ_k x̄_k x̄_kᵀ of Efron's d tied terms, x̄_k = (a + s_k·b)/D_k, in O(p²) instead of O(d·p²).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddQuadraticLower(Span<double> m, ReadOnlySpan<double> a, ReadOnlySpan<double> b, double c0, double c1, double c2)
    {
        int p = a.Length, width = Vector<double>.Count;
        if (m.Length < p * p || b.Length < p) throw new ArgumentException("sizes differ");
        ref double mr = ref MemoryMarshal.GetReference(m);
        ref double ar = ref MemoryMarshal.GetReference(a);
        ref double br = ref MemoryMarshal.GetReference(b);
        for (int i = 0; i < p; i++)
        {
            double ai = Unsafe.Add(ref ar, i), bi = Unsafe.Add(ref br, i);
            int length = Math.Min(p, (i / width + 1) * width);
            ref double row = ref Unsafe.Add(ref mr, i * p);
            AddScaled(ref row, c0 * ai + c1 * bi, ref ar, length, length - length % width);
            AddScaled(ref row, c1 * ai + c2 * bi, ref br, length, length - length % width);
        }
    }

    /// <summary>target[j] = (x[j] − centre[j])·scale[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void CentreAndScale(Span<double> target, ReadOnlySpan<double> x, ReadOnlySpan<double> centre, ReadOnlySpan<double> scale)
    {
        int n = x.Length, j = 0, w = Vector<double>.Count;
        ref double tr = ref MemoryMarshal.GetReference(target);
        ref double xr = ref MemoryMarshal.GetReference(x);
        ref double cr = ref MemoryMarshal.GetReference(centre);
        ref double sr = ref MemoryMarshal.GetReference(scale);
        for (; j <= n - w; j += w)
            ((Vector.LoadUnsafe(ref xr, (nuint)j) - Vector.LoadUnsafe(ref cr, (nuint)j)) * Vector.LoadUnsafe(ref sr, (nuint)j)).StoreUnsafe(ref tr, (nuint)j);
        for (; j < n; j++) target[j] = (x[j] - centre[j]) * scale[j];
    }

    /// <summary>A Ω A for symmetric A (p×p, row-major): a sandwich variance, bread A, meat Ω.</summary>
    public static double[] Sandwich(double[] a, double[] omega, int p)
    {
        var left = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int k = 0; k < p; k++)
            {
                double aik = a[i * p + k];
                if (aik != 0) CoxMatrixAlgebra.AddScaled(left.AsSpan(i * p, p), aik, omega.AsSpan(k * p, p));
            }
        var result = new double[p * p];
        for (int i = 0; i < p; i++)
            for (int k = 0; k < p; k++)
            {
                double lik = left[i * p + k];
                if (lik != 0) CoxMatrixAlgebra.AddScaled(result.AsSpan(i * p, p), lik, a.AsSpan(k * p, p));
            }
        return result;
    }

    /// <summary>Copies the lower triangle of a row-major p×p matrix into the upper one.</summary>
    public static void Symmetrise(double[] m, int p)
    {
        for (int i = 0; i < p; i++)
            for (int j = 0; j < i; j++) m[j * p + i] = m[i * p + j];
    }

    /// <summary>
    /// In-place LDLᵀ of a symmetric p×p matrix (row-major): D on the diagonal, L below it. Returns the rank.
    /// A pivot that is not finite or below <paramref name="toler"/> × the largest diagonal entry is set to 0
    /// and its column left out of the elimination.
    /// </summary>
    public static int Decompose(double[] m, int p, double toler)
    {
        double eps = 0;
        for (int i = 0; i < p; i++) eps = Math.Max(eps, m[i * p + i]);
        eps = eps == 0 ? toler : eps * toler;
        int rank = 0;
        for (int i = 0; i < p; i++)
        {
            double pivot = m[i * p + i];
            if (!double.IsFinite(pivot) || pivot < eps)
            {
                m[i * p + i] = 0;
                for (int j = i + 1; j < p; j++) m[j * p + i] = 0;
                continue;
            }
            rank++;
            for (int j = i + 1; j < p; j++)
            {
                double l = m[j * p + i] / pivot;
                m[j * p + i] = l;
                m[j * p + j] -= l * l * pivot;
                for (int k = j + 1; k < p; k++) m[k * p + j] -= l * m[k * p + i];
            }
        }
        return rank;
    }

    /// <summary>Solves (LDLᵀ) y = b in place for a matrix from <see cref="Decompose"/>; aliased components get 0.</summary>
    public static void Solve(double[] m, int p, Span<double> y)
    {
        for (int i = 0; i < p; i++)
        {
            double t = y[i];
            for (int j = 0; j < i; j++) t -= y[j] * m[i * p + j];
            y[i] = t;
        }
        for (int i = p - 1; i >= 0; i--)
        {
            double d = m[i * p + i];
            if (d == 0) { y[i] = 0; continue; }
            double t = y[i] / d;
            for (int j = i + 1; j < p; j++) t -= y[j] * m[j * p + i];
            y[i] = t;
        }
    }

    /// <summary>The (generalised) inverse of the matrix decomposed by <see cref="Decompose"/>: aliased rows and columns are 0.</summary>
    public static double[] Invert(double[] m, int p)
    {
        var inverse = new double[p * p];
        var column = new double[p];
        for (int j = 0; j < p; j++)
        {
            if (m[j * p + j] == 0) continue;
            Array.Clear(column);
            column[j] = 1;
            Solve(m, p, column);
            for (int i = 0; i < p; i++) inverse[i * p + j] = m[i * p + i] == 0 ? 0 : column[i];
        }
        return inverse;
    }

    /// <summary>bᵀ V⁻ b with V's generalised inverse; also the rank (R's <c>coxph.wtest</c>).</summary>
    public static (double Statistic, int Rank) QuadraticForm(double[] v, int p, ReadOnlySpan<double> b, double toler)
    {
        var m = (double[])v.Clone();
        int rank = Decompose(m, p, toler);
        var y = b.ToArray();
        Solve(m, p, y);
        double sum = 0;
        for (int i = 0; i < p; i++) sum += b[i] * y[i];
        return (sum, rank);
    }
}
