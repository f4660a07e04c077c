namespace Stratify.Statistics;

/// <summary>
/// The QR decomposition R's least-squares fits use (LINPACK <c>dqrdc2</c>, called by <c>lm.fit</c> and by every
/// iteration of <c>glm.fit</c>): Householder reflections with <em>limited</em> column pivoting. Column l is
/// reflected unless what is left of it (its norm below row l, after the earlier reflections) has fallen below
/// tol × its original norm; such a column is collinear with the earlier ones, and it is moved to the end, keeping
/// the order of the others. The columns before the moved ones are the fit's rank; the moved ones are aliased (R's
/// NA coefficients). Solving gives the aliased coefficients 0, as R's <c>dqrls</c> does.
/// Here the remaining norms are recomputed at each step instead of downdated (LINPACK's shortcut), which can only
/// differ from R for a column within rounding of the threshold.
/// </summary>
/// <example>
/// <code>
/// var qr = HouseholderQr.Decompose(columnMajor, n, p, 1e-11);
/// var beta = qr.Solve(response);            // length p, aliased columns 0
/// </code>
/// </example>
internal sealed class HouseholderQr
{
    private readonly double[] _a;     // column-major n×p: R above the diagonal, the reflection vectors below
    private readonly double[] _beta;  // per reflection: 2 / (vᵀv)
    private readonly int _n, _p;

    private HouseholderQr(double[] a, double[] beta, int[] pivot, int rank, int n, int p)
    {
        _a = a;
        _beta = beta;
        Pivot = pivot;
        Rank = rank;
        _n = n;
        _p = p;
    }

    /// <summary>Position j of the decomposition holds original column Pivot[j].</summary>
    public int[] Pivot { get; }
    /// <summary>Number of columns that are not aliased.</summary>
    public int Rank { get; }

    /// <summary>Decomposes <paramref name="a"/> (column-major n×p, overwritten) with tolerance <paramref name="tolerance"/>.</summary>
    public static HouseholderQr Decompose(double[] a, int n, int p, double tolerance)
    {
        var pivot = new int[p];
        var original = new double[p];
        for (int j = 0; j < p; j++)
        {
            pivot[j] = j;
            double norm = Norm(a.AsSpan(j * n, n));
            original[j] = norm == 0 ? 1 : norm;
        }
        var beta = new double[p];
        int end = p; // columns [end, p) have been moved out as aliased
        int steps = Math.Min(n, p);
        for (int l = 0; l < steps && l < end; l++)
        {
            while (l < end && Norm(a.AsSpan(l * n + l, n - l)) < original[l] * tolerance)
            {
                RotateToEnd(a, n, p, l, pivot, original);
                end--;
            }
            if (l >= end) break;
            var v = a.AsSpan(l * n + l, n - l);
            double norm = Norm(v);
            if (norm == 0) continue;
            double alpha = v[0] >= 0 ? -norm : norm; // R_ll = alpha; v = x − alpha·e₁
            v[0] -= alpha;
            double vv = 0;
            foreach (double x in v) vv += x * x;
            beta[l] = vv == 0 ? 0 : 2 / vv;
            for (int j = l + 1; j < p; j++) Reflect(v, beta[l], a.AsSpan(j * n + l, n - l));
            // Store R_ll in the diagonal and the reflection below it, scaled so that its first entry is implied.
            double head = v[0];
            for (int i = 1; i < v.Length; i++) v[i] /= head;
            beta[l] *= head * head;
            v[0] = alpha;
        }
        int rank = Math.Min(end, n);
        return new HouseholderQr(a, beta, pivot, rank, n, p);
    }

    /// <summary>Least-squares coefficients in the original column order; aliased columns get 0.</summary>
    public double[] Solve(ReadOnlySpan<double> y)
    {
        var qty = y.ToArray();
        for (int l = 0; l < Rank; l++) ApplyReflection(l, qty);
        var b = new double[Rank];
        for (int i = Rank - 1; i >= 0; i--)
        {
            double t = qty[i];
            for (int j = i + 1; j < Rank; j++) t -= _a[j * _n + i] * b[j];
            b[i] = t / _a[i * _n + i];
        }
        var coefficients = new double[_p];
        for (int j = 0; j < Rank; j++) coefficients[Pivot[j]] = b[j];
        return coefficients;
    }

    /// <summary>
    /// (RᵀR)⁻¹ of the non-aliased columns (R's <c>chol2inv(qr$qr[1:rank, 1:rank])</c>), in the original column
    /// order, p×p row-major, with NaN rows and columns for aliased columns.
    /// </summary>
    public double[] UnscaledCovariance()
    {
        int r = Rank;
        // Rinv: upper triangular inverse of R (r×r).
        var inverse = new double[r * r];
        for (int j = 0; j < r; j++)
        {
            inverse[j * r + j] = 1 / _a[j * _n + j];
            for (int i = j - 1; i >= 0; i--)
            {
                double t = 0;
                for (int k = i + 1; k <= j; k++) t += _a[k * _n + i] * inverse[k * r + j];
                inverse[i * r + j] = -t / _a[i * _n + i];
            }
        }
        var covariance = new double[_p * _p];
        Array.Fill(covariance, double.NaN);
        for (int i = 0; i < r; i++)
            for (int j = 0; j < r; j++)
            {
                double t = 0;
                for (int k = Math.Max(i, j); k < r; k++) t += inverse[i * r + k] * inverse[j * r + k];
                covariance[Pivot[i] * _p + Pivot[j]] = t;
            }
        return covariance;
    }

    /// <summary>y ← (I − β v vᵀ) y on rows l..n−1, v = (1, stored entries below the diagonal).</summary>
    private void ApplyReflection(int l, double[] y)
    {
        if (_beta[l] == 0) return;
        double dot = y[l];
        for (int i = l + 1; i < _n; i++) dot += _a[l * _n + i] * y[i];
        double scale = _beta[l] * dot;
        y[l] -= scale;
        for (int i = l + 1; i < _n; i++) y[i] -= scale * _a[l * _n + i];
    }

    /// <summary>x ← (I − β v vᵀ) x.</summary>
    private static void Reflect(ReadOnlySpan<double> v, double beta, Span<double> x)
    {
        double dot = 0;
        for (int i = 0; i < v.Length; i++) dot += v[i] * x[i];
        double scale = beta * dot;
        for (int i = 0; i < v.Length; i++) x[i] -= scale * v[i];
    }

    /// <summary>Moves column l to the last position, shifting l+1..p−1 one to the left (dqrdc2's limited pivoting).</summary>
    private static void RotateToEnd(double[] a, int n, int p, int l, int[] pivot, double[] original)
    {
        var column = a.AsSpan(l * n, n).ToArray();
        Array.Copy(a, (l + 1) * n, a, l * n, (p - l - 1) * n);
        column.CopyTo(a.AsSpan((p - 1) * n, n));
        int index = pivot[l];
        double norm = original[l];
        Array.Copy(pivot, l + 1, pivot, l, p - l - 1);
        Array.Copy(original, l + 1, original, l, p - l - 1);
        pivot[p - 1] = index;
        original[p - 1] = norm;
    }

    /// <summary>Euclidean norm with scaling, as BLAS dnrm2 (no overflow for large entries).</summary>
    private static double Norm(ReadOnlySpan<double> x)
    {
        double scale = 0, sum = 1;
        foreach (double value in x)
        {
            if (value == 0) continue;
            double absolute = Math.Abs(value);
            if (scale < absolute)
            {
                sum = 1 + sum * (scale / absolute) * (scale / absolute);
                scale = absolute;
            }
            else sum += (absolute / scale) * (absolute / scale);
        }
        return scale * Math.Sqrt(sum);
    }
}
