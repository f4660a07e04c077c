using System.Globalization;
using Stratify.Data;
using Stratify.Simulation;
using Stratify.Statistics;
using Stratify.Survival;

namespace Stratify.Predictive;

// Subpopulation Treatment Effect Pattern Plot (Bonetti & Gelber, Biostatistics 2004; Bonetti & Gelber, Stat Med
// 2000): how the treatment effect changes along a continuous marker, estimated in overlapping windows of patients
// ordered by the marker.
//
// Windows ("sliding window" of the stepp R package, stepp.win(type = "sliding", r1, r2)): with the distinct marker
// values z_1 < ... < z_m, their frequencies f and cumulative counts F (F_0 = 0), n2 = patients per window (r2, patspop)
// and n1 = the most patients two consecutive windows may share (r1, minpatspop):
//   window 1 = [z_1, z_u1] with u1 the first index where F reaches n2;
//   window k+1 starts at the first index l > l_k such that F(u_k) − F(l − 1) <= n1 (it shares at most n1 patients
//   with window k) and ends at the first u >= u_k with F(u) − F(l − 1) >= n2, or at z_m, which ends the sequence.
// A window holds every patient with l <= marker <= u, so tied marker values are never split and a window can hold
// a few more than n2 patients (the last one a few fewer). Defaults: n2 = n / 5 (at least 20), n1 = 2 n2 / 3.
//
// Per window (and overall): the treated-vs-reference hazard ratio with its Wald interval exp(β ± z_0.975 SE), from
// the Cox model with treatment as the only covariate (Efron ties, the study's strata; GroupedCoxLikelihood, equal to
// coxph on the window's patients), or, given SteppOptions.AdjustedLogHazardRatio, from the caller's adjusted model
// (in a run and in `stratify stepp`, the treatment layer's Cox model of treatment + the declared covariates, as
// TreatmentTailoring fits it: a covariate constant in a window is left out there). Without the adjustment, along a
// strongly prognostic marker the marginal HR of a window moves although the conditional HR does not (the hazard
// ratio is not collapsible), and the test below reads that as heterogeneity; and the difference in restricted mean survival time to τ (treated − reference,
// Kaplan–Meier areas as R's survmean, SE = √(se₁² + se₀²), normal interval; Royston & Parmar 2013). τ defaults to
// the shortest of the windows' arms' longest follow-up, so that every window's RMST is estimable.
//
// Heterogeneity test (stepp's permutation test of the hazard ratio, Bonetti & Gelber 2004 §3): with
// d_w = log HR_w − log HR_overall, the statistic is the supremum of the standardised differences
//     T = max_w |d_w| / σ_w,
// σ_w the standard deviation of d_w over the permutations. Each permutation shuffles the window memberships among
// the patients of each arm (equivalently, the marker values within each arm; the arms' sizes in every window are
// kept), refits every window, and gives d_w^(b) and T^(b). p = (1 + #{b: T^(b) >= T}) / (1 + B) (Phipson & Smyth
// 2010; stepp reports #{T^(b) > T} / B, which can be 0). Permutation b draws from SplitMix64 stream (seed, b), so the
// result does not depend on the order the permutations run in (they run in parallel). Windows whose hazard ratio
// cannot be estimated (an arm without patients or events) are left out of the supremum.

/// <summary>Options of <see cref="Stepp.Analyse"/>.</summary>
internal sealed record SteppOptions
{
    /// <summary>n2 (stepp's r2, patspop): patients per window; null = n / 5, at least 20.</summary>
    public int? PatientsPerWindow { get; init; }
    /// <summary>n1 (stepp's r1, minpatspop): the most patients two consecutive windows share; null = 2·n2/3.</summary>
    public int? Overlap { get; init; }
    /// <summary>Permutations of the heterogeneity test (0 = no test).</summary>
    public int Permutations { get; init; } = 1000;
    public long Seed { get; init; } = 1;
    /// <summary>τ of the RMST difference; null = the shortest of the windows' arms' longest follow-up.</summary>
    public double? RmstHorizon { get; init; }
    /// <summary>
    /// The treatment's log HR and its standard error among a set of patients (indices into the data), from an adjusted
    /// model; NaN where not estimable. Null: the treatment-only Cox model. Called from several threads at once.
    /// </summary>
    public Func<int[], (double LogHazardRatio, double StandardError)>? AdjustedLogHazardRatio { get; init; }
}

/// <summary>
/// A treatment effect in a set of patients: the treated-vs-reference log HR with its standard error, the HR with its
/// 95% interval, and the RMST difference (treated − reference) to the horizon with its standard error and 95% interval.
/// NaN where not estimable.
/// </summary>
internal sealed record TreatmentContrast(double LogHazardRatio, double StandardError, double HazardRatio, double HazardRatioLower, double HazardRatioUpper,
    double RmstDifference, double RmstDifferenceStandardError, double RmstDifferenceLower, double RmstDifferenceUpper);

/// <summary>One STEPP window: the marker range and median of its patients, patients and events per arm, and the effect.</summary>
internal sealed record SteppWindow(int Index, double MarkerLower, double MarkerUpper, double MarkerMedian, ArmCounts Counts, TreatmentContrast Effect);

/// <summary>The permutation test of heterogeneity: sup_w |log HR_w − log HR_overall| / σ_w, its p, and how it was drawn.</summary>
internal sealed record SteppHeterogeneityTest(double Statistic, double PValue, int Permutations, long Seed);

/// <summary>A STEPP analysis: the window sizes used, the windows, the overall effect, the RMST horizon and the test (null without permutations).</summary>
internal sealed record SteppResult(string Marker, int PatientsPerWindow, int Overlap, IReadOnlyList<SteppWindow> Windows, TreatmentContrast Overall,
    ArmCounts OverallCounts, double RmstHorizon, SteppHeterogeneityTest? Test);

/// <summary>
/// STEPP: the treatment effect in overlapping windows of a continuous marker, with the overall effect and a
/// permutation test of heterogeneity.
/// </summary>
/// <example>
/// <code>
/// var result = Stepp.Analyse(data, treated, "biomarker", biomarker, new SteppOptions { PatientsPerWindow = 600, Overlap = 400 });
/// foreach (var w in result.Windows) Console.WriteLine($"{w.MarkerMedian}: HR {w.Effect.HazardRatio:F2}");
/// </code>
/// </example>
internal static class Stepp
{
    private static readonly double NormalQuantile975 = TailProbability.NormalCriticalValue(0.95);

    /// <summary>The windows as index ranges [lower, upper] into the distinct sorted marker values (stepp's I0, I1).</summary>
    public static IReadOnlyList<(int Lower, int Upper)> SlidingWindows(int[] frequencies, int patientsPerWindow, int overlap)
    {
        int m = frequencies.Length;
        var cumulative = new long[m + 1];
        for (int i = 0; i < m; i++) cumulative[i + 1] = cumulative[i] + frequencies[i];
        long Count(int lower, int upper) => cumulative[upper + 1] - cumulative[lower];
        int firstUpper = 0;
        while (cumulative[firstUpper + 1] < patientsPerWindow) firstUpper++;
        var windows = new List<(int, int)> { (0, firstUpper) };
        if (firstUpper >= m - 1) return windows;
        while (true)
        {
            var (previousLower, previousUpper) = windows[^1];
            int lower = previousLower + 1;
            while (Count(lower, previousUpper) > overlap) lower++;
            int upper = previousUpper;
            bool last = false;
            while (Count(lower, upper) < patientsPerWindow && !last)
            {
                upper++;
                last = upper == m - 1;
            }
            windows.Add((lower, upper));
            if (last) return windows;
        }
    }

    public static SteppResult Analyse(SurvivalData data, bool[] treated, string marker, double[] values, SteppOptions options)
    {
        int n = data.Count;
        if (treated.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the treatment has {treated.Length} values but there are {n} patients"), column: "treatment");
        if (values.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the marker has {values.Length} values but there are {n} patients"), column: marker);
        if (Array.Exists(values, v => !double.IsFinite(v))) throw new StratifyInputException("the marker has missing values: drop incomplete rows first", column: marker);
        int n2 = options.PatientsPerWindow ?? Math.Max(20, n / 5);
        int n1 = options.Overlap ?? 2 * n2 / 3;
        if (n2 < 2 || n2 >= n)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"patients per window must be at least 2 and fewer than the {n} patients"), column: marker,
                value: n2.ToString(CultureInfo.InvariantCulture), suggestion: "Choose a window of 10–30% of the patients.");
        if (n1 < 0 || n1 >= n2)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the overlap of consecutive windows must be at least 0 and fewer than the {n2} patients per window"), column: marker,
                value: n1.ToString(CultureInfo.InvariantCulture), suggestion: "An overlap of about two thirds of the window is usual.");
        if (options.Permutations < 0) throw new StratifyInputException("the number of permutations must be 0 or more", value: options.Permutations.ToString(CultureInfo.InvariantCulture));

        // Patients by marker, the distinct values and the windows as ranges of that order.
        var byValue = SurvivalOrder.Identity(n);
        var keys = (double[])values.Clone();
        Array.Sort(keys, byValue);
        var distinct = new List<double>();
        var frequencies = new List<int>();
        var firstOfDistinct = new List<int>();
        for (int k = 0; k < n; k++)
        {
            if (k == 0 || keys[k] != keys[k - 1]) { distinct.Add(keys[k]); frequencies.Add(0); firstOfDistinct.Add(k); }
            frequencies[^1]++;
        }
        firstOfDistinct.Add(n);
        var ranges = SlidingWindows([.. frequencies], n2, n1);
        if (ranges.Count < 2)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"a window of {n2} patients covers every marker value, so there is only one window"), column: marker,
                suggestion: "Choose fewer patients per window.");
        var spans = ranges.Select(r => (Start: firstOfDistinct[r.Lower], End: firstOfDistinct[r.Upper + 1])).ToArray();

        var fitter = new ArmContrast(data, treated, options.AdjustedLogHazardRatio);
        double horizon = options.RmstHorizon ?? spans.Min(s => fitter.ShortestArmFollowUp(byValue.AsSpan(s.Start, s.End - s.Start)));
        var all = SurvivalOrder.Identity(n);
        var overall = fitter.Contrast(all, horizon);
        var windows = new SteppWindow[spans.Length];
        for (int w = 0; w < spans.Length; w++)
        {
            var rows = byValue[spans[w].Start..spans[w].End];
            var inWindow = keys[spans[w].Start..spans[w].End];
            windows[w] = new SteppWindow(w + 1, distinct[ranges[w].Lower], distinct[ranges[w].Upper], SampleQuantile.Type7(inWindow, 0.5),
                fitter.Count(rows), fitter.Contrast(rows, horizon));
        }
        var test = options.Permutations > 0 ? Heterogeneity(data, treated, byValue, spans, windows, overall, options) : null;
        return new SteppResult(marker, n2, n1, windows, overall, fitter.Count(all), horizon, test);
    }

    private static SteppHeterogeneityTest Heterogeneity(SurvivalData data, bool[] treated, int[] byValue, (int Start, int End)[] spans,
        SteppWindow[] windows, TreatmentContrast overall, SteppOptions options)
    {
        int windowCount = spans.Length, permutations = options.Permutations;
        var differences = new double[permutations * windowCount];
        var armRows = new[] { Enumerable.Range(0, data.Count).Where(r => !treated[r]).ToArray(), Enumerable.Range(0, data.Count).Where(r => treated[r]).ToArray() };
        Parallel.For(0, permutations, () => (Fitter: new ArmContrast(data, treated, options.AdjustedLogHazardRatio), Image: new int[data.Count], Rows: new int[data.Count]),
            (b, _, local) =>
            {
                // Patient r's window memberships go to image[r], a patient of the same arm (a uniform random permutation within each arm).
                var random = SplitMix64.ForStream(options.Seed, b);
                foreach (var arm in armRows)
                {
                    var shuffled = (int[])arm.Clone();
                    for (int i = shuffled.Length - 1; i > 0; i--)
                    {
                        int j = (int)(random.NextUInt64() % (ulong)(i + 1));
                        (shuffled[i], shuffled[j]) = (shuffled[j], shuffled[i]);
                    }
                    for (int i = 0; i < arm.Length; i++) local.Image[arm[i]] = shuffled[i];
                }
                for (int w = 0; w < windowCount; w++)
                {
                    int size = spans[w].End - spans[w].Start;
                    for (int k = 0; k < size; k++) local.Rows[k] = local.Image[byValue[spans[w].Start + k]];
                    differences[b * windowCount + w] = local.Fitter.LogHazardRatio(local.Rows.AsSpan(0, size)) - overall.LogHazardRatio;
                }
                return local;
            },
            _ => { });

        var sd = new double[windowCount];
        for (int w = 0; w < windowCount; w++)
        {
            var column = new List<double>(permutations);
            for (int b = 0; b < permutations; b++) if (double.IsFinite(differences[b * windowCount + w])) column.Add(differences[b * windowCount + w]);
            sd[w] = SampleMoments.Of(column.ToArray()).StandardDeviation;
        }
        double Supremum(Func<int, double> difference)
        {
            double sup = double.NaN;
            for (int w = 0; w < windowCount; w++)
            {
                double z = Math.Abs(difference(w)) / sd[w];
                if (double.IsFinite(windows[w].Effect.LogHazardRatio) && double.IsFinite(z) && !(z <= sup)) sup = z;
            }
            return sup;
        }
        double observed = Supremum(w => windows[w].Effect.LogHazardRatio - overall.LogHazardRatio);
        int atLeast = 0;
        for (int b = 0; b < permutations; b++)
            if (Supremum(w => differences[b * windowCount + w]) >= observed) atLeast++;
        double p = double.IsNaN(observed) ? double.NaN : (1.0 + atLeast) / (1.0 + permutations);
        return new SteppHeterogeneityTest(observed, p, permutations, options.Seed);
    }

    /// <summary>
    /// The treated-vs-reference contrast among a set of patients: the Cox log HR (treatment only, strata, Efron) from
    /// counts on the cohort's event times, and the RMST difference from Kaplan–Meier by arm. One per thread.
    /// </summary>
    private sealed class ArmContrast
    {
        private readonly SurvivalData _data;
        private readonly bool[] _treated;
        private readonly int[] _positionOfRow;
        private readonly GroupedCoxLikelihood _likelihood;
        private readonly Func<int[], (double, double)>? _adjusted;

        public ArmContrast(SurvivalData data, bool[] treated, Func<int[], (double, double)>? adjusted)
        {
            _data = data;
            _treated = treated;
            _adjusted = adjusted;
            var time = data.Sorted.TimeByRow;
            _positionOfRow = new int[data.Count];
            var positions = RiskPositions.Build(SurvivalOrder.ByTimeEventsFirst(time, data.Event, data.Strata), time, data.Event, data.Strata, _positionOfRow);
            _likelihood = new GroupedCoxLikelihood(positions, [0, 1], 2, 1);
        }

        public ArmCounts Count(ReadOnlySpan<int> rows) => ArmCounts.Of(rows, _treated, _data.Event);

        /// <summary>The longest follow-up of the arm whose longest follow-up is shortest.</summary>
        public double ShortestArmFollowUp(ReadOnlySpan<int> rows)
        {
            double reference = 0, active = 0;
            foreach (int r in rows)
                if (_treated[r]) active = Math.Max(active, _data.Time[r]);
                else reference = Math.Max(reference, _data.Time[r]);
            return Math.Min(reference, active);
        }

        /// <summary>The Cox log HR (NaN when an arm has no patient or no event, or the fit fails).</summary>
        public double LogHazardRatio(ReadOnlySpan<int> rows) => Fit(rows).LogHazardRatio;

        private (double LogHazardRatio, double StandardError) Fit(ReadOnlySpan<int> rows)
        {
            var counts = Count(rows);
            if (counts.ReferenceEvents == 0 || counts.TreatedEvents == 0) return (double.NaN, double.NaN);
            if (_adjusted is not null) return _adjusted(rows.ToArray());
            _likelihood.Clear();
            foreach (int r in rows) _likelihood.Add(_treated[r] ? 1 : 0, _positionOfRow[r], _data.Event[r]);
            Span<double> beta = stackalloc double[1];
            if (!_likelihood.Maximise(beta, free: 1)) return (double.NaN, double.NaN);
            return (beta[0], 1 / Math.Sqrt(_likelihood.Information[0]));
        }

        public TreatmentContrast Contrast(int[] rows, double horizon)
        {
            var (b, se) = Fit(rows);
            var time = new double[rows.Length];
            var died = new bool[rows.Length];
            var arm = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++) (time[i], died[i], arm[i]) = (_data.Time[rows[i]], _data.Event[rows[i]], _treated[rows[i]] ? 1 : 0);
            var km = ProductLimit.Fit(new SurvivalData(time, died, arm, ["reference", "treated"]), new KaplanMeierOptions { RmstHorizon = horizon });
            var reference = km.Curves.FirstOrDefault(c => c.Group == "reference")?.Rmst;
            var treated = km.Curves.FirstOrDefault(c => c.Group == "treated")?.Rmst;
            double difference = double.NaN, differenceSe = double.NaN;
            if (reference is { } r0 && treated is { } r1)
            {
                difference = r1.Mean - r0.Mean;
                differenceSe = Math.Sqrt(r1.StandardError * r1.StandardError + r0.StandardError * r0.StandardError);
            }
            return new TreatmentContrast(b, se, Math.Exp(b), Math.Exp(b - NormalQuantile975 * se), Math.Exp(b + NormalQuantile975 * se),
                difference, differenceSe, difference - NormalQuantile975 * differenceSe, difference + NormalQuantile975 * differenceSe);
        }
    }
}
