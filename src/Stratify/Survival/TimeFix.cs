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
        var stats = new DistinctValues();
        foreach (double t in ascending) stats.Add(t);
        // Division by a positive mean is monotone, so no gap is tied unless the smallest one is.
        if (stats.Distinct < 2 || !IsTied(stats.SmallestGap, stats.MeanAbs)) return false;
        double meanAbs = stats.MeanAbs;

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

    /// <summary>
    /// aeqSurv on counting-process data, Surv(entry, stop, event): the distinct values of the entries and the stops
    /// together are the y₁ &lt; … &lt; y_m above (R takes <c>unique(c(x[, 1:2]))</c>), so an entry can tie a stop and the
    /// other way round. <paramref name="stopAscending"/> and <paramref name="entryAscending"/> are each in ascending
    /// order; both are rewritten in place, walking their union in one merge (no sort of the union). Returns true if any
    /// value changed.
    /// </summary>
    public static bool MergeNearTies(Span<double> stopAscending, Span<double> entryAscending)
    {
        if (entryAscending.IsEmpty) return MergeNearTies(stopAscending);
        int ns = stopAscending.Length, ne = entryAscending.Length;
        // Pass 1 over the union: distinct count, mean |y|, smallest gap.
        var stats = new DistinctValues();
        for (int i = 0, j = 0; i < ns || j < ne;)
            stats.Add(j >= ne || (i < ns && stopAscending[i] <= entryAscending[j]) ? stopAscending[i++] : entryAscending[j++]);
        if (stats.Distinct < 2 || !IsTied(stats.SmallestGap, stats.MeanAbs)) return false;
        double meanAbs = stats.MeanAbs;

        // Pass 2: every value moves down to the first value of its run (the cut).
        bool changed = false;
        double previousDistinct = double.NaN, cut = double.NaN;
        for (int i = 0, j = 0; i < ns || j < ne;)
        {
            bool fromStop = j >= ne || (i < ns && stopAscending[i] <= entryAscending[j]);
            ref double slot = ref fromStop ? ref stopAscending[i++] : ref entryAscending[j++];
            double t = slot;
            if (double.IsNaN(previousDistinct)) previousDistinct = cut = t;
            else if (t != previousDistinct)
            {
                if (!IsTied(t - previousDistinct, meanAbs)) cut = t;
                previousDistinct = t;
            }
            if (t != cut)
            {
                slot = cut;
                changed = true;
            }
        }
        return changed;
    }

    /// <summary>
    /// aeqSurv on counting-process rows: <paramref name="ascending"/> holds <paramref name="time"/> gathered through
    /// <paramref name="order"/> (merged in place); the entries are sorted here. Returns the times and entries by row (the
    /// caller's arrays when nothing merged) and the rows in ascending entry order. An interval the merge closes is refused,
    /// as R's aeqSurv refuses it.
    /// </summary>
    public static (double[] Time, double[] Entry, int[] EntryRows) MergeNearTies(Span<double> ascending, int[] order, double[] time, double[] entry)
    {
        var merged = MergeByRow(ascending, order, time, entry);
        if (!ReferenceEquals(merged.Time, time) && FirstEmptyInterval(merged.Entry, merged.Time) is int row)
            throw CollapsedInterval(row, entry[row], time[row]);
        return merged;
    }

    private static (double[] Time, double[] Entry, int[] EntryRows) MergeByRow(Span<double> ascending, int[] order, double[] time, double[] entry)
    {
        int n = time.Length;
        var entryRows = CoxRadixSort.Order(entry);
        var entryAscending = new double[n];
        for (int j = 0; j < n; j++) entryAscending[j] = entry[entryRows[j]];
        if (!MergeNearTies(ascending, entryAscending)) return (time, entry, entryRows);
        var timeByRow = new double[n];
        var entryByRow = new double[n];
        for (int k = 0; k < n; k++) timeByRow[order[k]] = ascending[k];
        for (int j = 0; j < n; j++) entryByRow[entryRows[j]] = entryAscending[j];
        return (timeByRow, entryByRow, entryRows);
    }

    private static int? FirstEmptyInterval(double[] entry, double[] stop)
    {
        for (int i = 0; i < stop.Length; i++) if (!(entry[i] < stop[i])) return i;
        return null;
    }

    /// <summary>
    /// The first row (0-based) whose entry and stop aeqSurv would tie (R stops: "an interval has effective length 0"), or
    /// null. Rows must have entry &lt; stop. Times on a decimal grid (whole days, or days with up to three decimals, as files
    /// keep them) lie at least one step apart, so none can tie when the step exceeds both tolerances (step &gt; tol and
    /// step &gt; tol × the largest time); such data are cleared in one pass, without sorting.
    /// </summary>
    internal static int? FirstCollapsedInterval(double[] entry, double[] stop)
    {
        double largest = 0;
        for (int i = 0; i < stop.Length; i++) largest = Math.Max(largest, Math.Max(Math.Abs(entry[i]), Math.Abs(stop[i])));
        foreach (double perUnit in (ReadOnlySpan<double>)[1, 10, 100, 1000])
        {
            double step = 1 / perUnit;
            if (step > Tolerance && step > Tolerance * largest && OnGrid(entry, perUnit) && OnGrid(stop, perUnit)) return null;
        }
        var order = CoxRadixSort.Order(stop);
        var ascending = new double[stop.Length];
        for (int k = 0; k < ascending.Length; k++) ascending[k] = stop[order[k]];
        var merged = MergeByRow(ascending, order, stop, entry);
        return ReferenceEquals(merged.Time, stop) ? null : FirstEmptyInterval(merged.Entry, merged.Time);
    }

    /// <summary>Whether every value is a multiple of 1/<paramref name="perUnit"/> as a decimal file holds it (k/perUnit).</summary>
    private static bool OnGrid(double[] values, double perUnit)
    {
        foreach (double v in values) if (Math.Round(v * perUnit) / perUnit != v) return false;
        return true;
    }

    /// <summary>
    /// The error R's aeqSurv stops with ("an interval has effective length 0") when timefix ties a row's entry to its
    /// stop, naming the row (1-based) and its two times.
    /// </summary>
    public static Data.StratifyInputException CollapsedInterval(int row, double entry, double stop) => new(
        $"the row's entry {entry.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} and time {stop.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} " +
        "differ by less than R's timefix tolerance (sqrt of machine epsilon, absolute or relative to the mean time), so its interval has length 0",
        column: "entry", row: row + 1, suggestion: "Round the times (for example to whole days) or remove the row.");

    /// <summary>
    /// One pass over ascending values: the number of distinct values, their mean absolute value (Neumaier-compensated
    /// sum, see the class comment) and the smallest gap between consecutive distinct values.
    /// </summary>
    private struct DistinctValues
    {
        private double _previous, _sum, _compensation;

        public DistinctValues() => SmallestGap = double.PositiveInfinity;

        public int Distinct { get; private set; }
        public double SmallestGap { get; private set; }
        public readonly double MeanAbs => (_sum + _compensation) / Distinct;

        public void Add(double t)
        {
            if (Distinct > 0)
            {
                if (t == _previous) return;
                if (t - _previous < SmallestGap) SmallestGap = t - _previous;
            }
            double value = Math.Abs(t), total = _sum + value;
            _compensation += Math.Abs(_sum) >= value ? (_sum - total) + value : (value - total) + _sum;
            _sum = total;
            Distinct++;
            _previous = t;
        }
    }

    private static bool IsTied(double gap, double meanAbs) => gap <= Tolerance || gap / meanAbs <= Tolerance;
}
