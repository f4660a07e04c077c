namespace Stratify.Survival;

/// <summary>
/// R's <c>timefix</c>: survival times that differ only by floating-point noise are made equal before any estimator
/// sees them, as survival 3.5's <c>aeqSurv</c> does by default inside <c>survfit</c>, <c>survdiff</c> and
/// <c>coxph</c> (<c>coxph.control(timefix = TRUE)</c>). With y₁ &lt; y₂ &lt; … &lt; y_m the distinct times,
/// tol = sqrt(machine ε) ≈ 1.49e-8 and ȳ = mean |y_j|, the gap dⱼ = yⱼ − yⱼ₋₁ ties yⱼ to yⱼ₋₁ when
/// <code>
/// dⱼ ≤ tol   or   dⱼ / ȳ ≤ tol
/// </code>
/// Gaps are measured between consecutive distinct times (not from the start of a run), so a chain of small gaps
/// merges into one run even when its total length exceeds tol; every time of a run becomes the run's first (smallest)
/// value (aeqSurv's <c>findInterval</c> on the cut points <c>y[c(TRUE, !tied)]</c>).
/// ȳ is summed with Neumaier's compensated summation: R's <c>mean</c> sums in long double and adds a correction
/// pass, so both give the correctly rounded mean except in pathological cases, and ties decided at the last bit of
/// dⱼ / ȳ agree.
/// Cost on times already in ascending order: one read pass (distinct count, ȳ, smallest gap); a second pass that
/// rewrites the runs only when the smallest gap is tied, which integer or rounded times never are. No allocation.
/// </summary>
/// <example>
/// <code>
/// double[] t = { 1, 1 + 1e-12, 2 };     // ascending
/// bool changed = TimeFix.MergeNearTies(t);   // true; t = { 1, 1, 2 }, as aeqSurv(Surv(t, rep(1, 3)))
/// </code>
/// </example>
internal static class TimeFix
{
    /// <summary>sqrt(.Machine$double.eps) = 2⁻²⁶, aeqSurv's default tolerance.</summary>
    internal const double Tolerance = 1.4901161193847656e-08;

    /// <summary>
    /// Applies aeqSurv to <paramref name="ascending"/> (finite times in ascending order, all rows, every group and
    /// stratum together, as R applies it to the whole response), in place. Returns true if any time changed.
    /// </summary>
    public static bool MergeNearTies(Span<double> ascending)
    {
        int n = ascending.Length;
        if (n < 2) return false;
        double previous = ascending[0];
        double sum = Math.Abs(previous), compensation = 0, smallestGap = double.PositiveInfinity;
        int distinct = 1;
        for (int k = 1; k < n; k++)
        {
            double t = ascending[k];
            if (t == previous) continue;
            double gap = t - previous;
            if (gap < smallestGap) smallestGap = gap;
            double value = Math.Abs(t), total = sum + value;
            compensation += Math.Abs(sum) >= value ? (sum - total) + value : (value - total) + sum;
            sum = total;
            distinct++;
            previous = t;
        }
        if (distinct < 2) return false;
        double meanAbs = (sum + compensation) / distinct;
        // Division by a positive mean is monotone, so no gap is tied unless the smallest one is.
        if (!IsTied(smallestGap, meanAbs)) return false;

        bool changed = false;
        double previousDistinct = ascending[0], cut = ascending[0];
        for (int k = 1; k < n; k++)
        {
            double t = ascending[k];
            if (t != previousDistinct)
            {
                if (!IsTied(t - previousDistinct, meanAbs)) cut = t;
                previousDistinct = t;
            }
            if (t != cut)
            {
                ascending[k] = cut;
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>
    /// Applies aeqSurv to <paramref name="ascending"/>, the times of <paramref name="byRow"/> gathered through
    /// <paramref name="order"/>, and returns the times by row: <paramref name="byRow"/> itself when nothing merged,
    /// else a new array with the merged times put back in their rows.
    /// </summary>
    public static double[] MergeNearTies(Span<double> ascending, int[] order, double[] byRow)
    {
        if (!MergeNearTies(ascending)) return byRow;
        var merged = new double[byRow.Length];
        for (int k = 0; k < order.Length; k++) merged[order[k]] = ascending[k];
        return merged;
    }

    private static bool IsTied(double gap, double meanAbs) => gap <= Tolerance || gap / meanAbs <= Tolerance;
}
