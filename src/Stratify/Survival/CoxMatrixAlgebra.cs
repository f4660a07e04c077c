using System.Numerics;

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
        var acc = Vector<double>.Zero;
        for (; j <= n - w; j += w) acc += new Vector<double>(x.Slice(j, w)) * new Vector<double>(y.Slice(j, w));
        double sum = Vector.Sum(acc);
        for (; j < n; j++) sum += x[j] * y[j];
        return sum;
    }

    /// <summary>y += a·x.</summary>
    public static void AddScaled(Span<double> y, double a, ReadOnlySpan<double> x)
    {
        int n = y.Length, j = 0, w = Vector<double>.Count;
        var va = new Vector<double>(a);
        for (; j <= n - w; j += w)
        {
            var slot = y.Slice(j, w);
            (new Vector<double>(slot) + va * new Vector<double>(x.Slice(j, w))).CopyTo(slot);
        }
        for (; j < n; j++) y[j] += a * x[j];
    }

    /// <summary>Lower triangle (row-major p×p) of M += w·x·xᵀ.</summary>
    public static void AddOuterLower(Span<double> m, ReadOnlySpan<double> x, double w)
    {
        int p = x.Length;
        for (int i = 0; i < p; i++)
        {
            double wi = w * x[i];
            if (wi != 0) AddScaled(m.Slice(i * p, i + 1), wi, x[..(i + 1)]);
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
