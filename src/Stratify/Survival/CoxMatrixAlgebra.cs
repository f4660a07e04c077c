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
    public static void AddScaled(Span<double> y, double a, ReadOnlySpan<double> x)
    {
        int n = y.Length, w = Vector<double>.Count;
        if (x.Length < n) throw new ArgumentException("x is shorter than y");
        AddScaled(ref MemoryMarshal.GetReference(y), a, ref MemoryMarshal.GetReference(x), n, n - n % w);
    }

    /// <summary>y[0..length) += a·x[0..length); the first <paramref name="vectorised"/> entries (a multiple of the vector width) with SIMD.</summary>
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
    /// Lower triangle of M += c₀·aaᵀ + c₁·(abᵀ + baᵀ) + c₂·bbᵀ, i.e. row i += (c₀aᵢ + c₁bᵢ)·a + (c₁aᵢ + c₂bᵢ)·b:
    /// the Σ_k x̄_k x̄_kᵀ of Efron's d tied terms, x̄_k = (a + s_k·b)/D_k, in O(p²) instead of O(d·p²).
    /// </summary>
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
