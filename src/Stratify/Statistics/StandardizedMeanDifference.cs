// Standardized mean differences between two groups (group 1 minus group 0), the balance measure of Austin PC
// (2009) Stat Med 28:3083 and Yang D & Dalton JE (2012) SAS Global Forum paper 335-2012:
//   numeric:      d = (mean_1 - mean_0) / sqrt((s_1² + s_0²) / 2)              (sample SDs, n - 1)
//   binary:       d = (p_1 - p_0) / sqrt((p_1 (1 - p_1) + p_0 (1 - p_0)) / 2)
//   K levels:     d = sqrt( (p_1 - p_0)ᵀ S⁻¹ (p_1 - p_0) ),  p_g the proportions of levels 2..K (level 1 dropped),
//                 S = (S_1 + S_0) / 2,  S_g[k,k] = p_gk (1 - p_gk),  S_g[k,l] = -p_gk p_gl   (Yang & Dalton eq. 3)
// The numeric and binary forms are signed; the multi-level form is a Mahalanobis distance and so is ≥ 0 (for
// K = 2 it equals |binary|; this code returns the signed binary form then). Levels with zero prevalence in
// both groups carry no information and are dropped first. S can still be singular (a level absent from one
// group while another fills the rest), so S⁻¹ is the Moore–Penrose pseudo-inverse (singular values below
// 1e-12 of the largest are dropped), as R's tableone package does with MASS::ginv.
using MathNet.Numerics.LinearAlgebra;

namespace Stratify.Statistics;

/// <summary>Standardized mean differences for numeric, binary and multi-level categorical variables.</summary>
/// <example><code>double d = StandardizedMeanDifference.Numeric(ageWomen, ageMen); // (m1 - m0) / sqrt((s1² + s0²) / 2)</code></example>
internal static class StandardizedMeanDifference
{
    /// <summary>(mean_1 - mean_0) / sqrt((s_1² + s_0²) / 2); NaN when either group has fewer than two values.</summary>
    public static double Numeric(ReadOnlySpan<double> group1, ReadOnlySpan<double> group0)
    {
        var m1 = SampleMoments.Of(group1);
        var m0 = SampleMoments.Of(group0);
        return (m1.Mean - m0.Mean) / Math.Sqrt((m1.Variance + m0.Variance) / 2);
    }

    /// <summary>(p_1 - p_0) / sqrt((p_1 (1 - p_1) + p_0 (1 - p_0)) / 2) for two proportions.</summary>
    public static double Binary(double proportion1, double proportion0)
    {
        double pooled = (proportion1 * (1 - proportion1) + proportion0 * (1 - proportion0)) / 2;
        double difference = proportion1 - proportion0;
        if (pooled == 0) return difference == 0 ? 0 : double.NaN;
        return difference / Math.Sqrt(pooled);
    }

    /// <summary>
    /// Yang &amp; Dalton's multi-level SMD from the level counts of each group (same level order, missing excluded).
    /// With two levels this returns the binary SMD of the second level (signed); with more, the non-negative
    /// Mahalanobis form.
    /// </summary>
    public static double Categorical(ReadOnlySpan<int> counts1, ReadOnlySpan<int> counts0)
    {
        if (counts1.Length != counts0.Length) throw new ArgumentException("the groups have different numbers of levels");
        double n1 = 0, n0 = 0;
        for (int k = 0; k < counts1.Length; k++) { n1 += counts1[k]; n0 += counts0[k]; }
        if (n1 == 0 || n0 == 0) return double.NaN;
        // Levels present in at least one group; the first present level is the dropped reference.
        var present = new List<int>(counts1.Length);
        for (int k = 0; k < counts1.Length; k++) if (counts1[k] + counts0[k] > 0) present.Add(k);
        if (present.Count < 2) return 0;
        if (present.Count == 2)
            return Binary(counts1[present[1]] / n1, counts0[present[1]] / n0);
        int dim = present.Count - 1;
        var p1 = new double[dim];
        var p0 = new double[dim];
        for (int i = 0; i < dim; i++) { p1[i] = counts1[present[i + 1]] / n1; p0[i] = counts0[present[i + 1]] / n0; }
        var s = Matrix<double>.Build.Dense(dim, dim);
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++)
                s[i, j] = i == j
                    ? (p1[i] * (1 - p1[i]) + p0[i] * (1 - p0[i])) / 2
                    : -(p1[i] * p1[j] + p0[i] * p0[j]) / 2;
        var difference = Vector<double>.Build.Dense(dim, i => p1[i] - p0[i]);
        if (difference.AbsoluteMaximum() == 0) return 0;
        var svd = s.Svd(computeVectors: true);
        // Pseudo-inverse solve (S can be singular when a level is absent from one group and the rest fill it).
        double tolerance = 1e-12 * svd.S[0];
        var projected = svd.U.TransposeThisAndMultiply(difference);
        double quadratic = 0;
        for (int i = 0; i < dim; i++)
            if (svd.S[i] > tolerance) quadratic += projected[i] * projected[i] / svd.S[i];
        return Math.Sqrt(quadratic);
    }
}
