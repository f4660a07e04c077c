using FsCheck;
using FsCheck.Xunit;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>Properties that must hold for any data: FsCheck generates the patients.</summary>
public class SurvivalPropertyTests
{
    /// <summary>Patients from generated (time, event, group) triples; times 0..255 give many ties.</summary>
    private static SurvivalData Patients(Tuple<byte, bool, byte>[] rows, int groups)
    {
        // Two fixed patients guarantee two non-empty groups.
        int n = rows.Length + 2;
        var time = new double[n];
        var events = new bool[n];
        var group = new int[n];
        (time[0], events[0], group[0]) = (3, true, 0);
        (time[1], events[1], group[1]) = (5, true, 1);
        for (int i = 0; i < rows.Length; i++)
        {
            time[i + 2] = rows[i].Item1;
            events[i + 2] = rows[i].Item2;
            group[i + 2] = rows[i].Item3 % groups;
        }
        var labels = Enumerable.Range(0, groups).Select(g => "g" + g).ToArray();
        return new SurvivalData(time, events, group, labels);
    }

    [Property]
    public bool Kaplan_meier_is_non_increasing_and_within_0_and_1(Tuple<byte, bool, byte>[] rows)
    {
        var fit = ProductLimit.Fit(Patients(rows, 3), new KaplanMeierOptions());
        foreach (var curve in fit.Curves)
        {
            double previous = 1;
            foreach (double s in curve.Survival)
            {
                if (s < 0 || s > 1 || s > previous) return false;
                previous = s;
            }
        }
        return true;
    }

    [Property]
    public bool Kaplan_meier_limits_bracket_the_estimate(Tuple<byte, bool, byte>[] rows)
    {
        var fit = ProductLimit.Fit(Patients(rows, 2), new KaplanMeierOptions { ConfidenceType = SurvivalConfidenceType.LogLog });
        foreach (var curve in fit.Curves)
            for (int j = 0; j < curve.Survival.Length; j++)
                if (!double.IsNaN(curve.Lower[j]) && !(curve.Lower[j] <= curve.Survival[j] + 1e-12 && curve.Survival[j] <= curve.Upper[j] + 1e-12))
                    return false;
        return true;
    }

    [Property]
    public bool Log_rank_is_invariant_to_relabelling_the_groups(Tuple<byte, bool, byte>[] rows, bool peto)
    {
        var data = Patients(rows, 3);
        // Relabel: code g becomes 2 - g, so the groups appear in reverse order.
        var relabelled = data.Group!.Select(g => 2 - g).ToArray();
        var reversedLabels = data.GroupLabels.Reverse().ToArray();
        var options = new LogRankOptions { Rho = peto ? 1 : 0 };
        var a = LogRankTest.Compute(data, options);
        var b = LogRankTest.Compute(data.WithGroups(relabelled, reversedLabels), options);
        if (a.DegreesOfFreedom != b.DegreesOfFreedom) return false;
        if (Math.Abs(a.Statistic - b.Statistic) > 1e-8 * Math.Max(1, a.Statistic)) return false;
        foreach (var group in a.Groups)
        {
            var same = b.Groups.Single(x => x.Group == group.Group);
            if (same.N != group.N || Math.Abs(same.Observed - group.Observed) > 1e-9 || Math.Abs(same.Expected - group.Expected) > 1e-9)
                return false;
        }
        return true;
    }

    [Property]
    public bool Expected_events_sum_to_observed_events(Tuple<byte, bool, byte>[] rows)
    {
        var test = LogRankTest.Compute(Patients(rows, 3), new LogRankOptions());
        double observed = test.Groups.Sum(g => g.Observed), expected = test.Groups.Sum(g => g.Expected);
        return Math.Abs(observed - expected) <= 1e-9 * Math.Max(1, observed);
    }
}

/// <summary>The shared time order equals a plain stable sort, for any doubles (the radix sort's key mapping).</summary>
public class SurvivalOrderPropertyTests
{
    [Property]
    public bool Time_order_equals_a_stable_sort_with_events_first(Tuple<NormalFloat, bool>[] rows, bool coarse)
    {
        // coarse: round to integers to force many ties
        var time = rows.Select(r => coarse ? Math.Round(r.Item1.Get) : r.Item1.Get).ToArray();
        var events = rows.Select(r => r.Item2).ToArray();
        var expected = Enumerable.Range(0, time.Length).OrderBy(i => time[i]).ThenBy(i => events[i] ? 0 : 1).ThenBy(i => i);
        return expected.SequenceEqual(SurvivalOrder.ByTimeEventsFirst(time, events));
    }

    [Property]
    public bool Whole_day_times_counting_sort_equals_a_stable_sort_with_events_first(Tuple<short, bool>[] rows)
    {
        // Whole numbers over a small span take the counting-sort path; negative zero must tie with zero.
        var time = rows.Select(r => r.Item1 == 0 && r.Item2 ? -0.0 : (double)(r.Item1 % 500)).ToArray();
        var events = rows.Select(r => r.Item2).ToArray();
        var expected = Enumerable.Range(0, time.Length).OrderBy(i => time[i]).ThenBy(i => events[i] ? 0 : 1).ThenBy(i => i);
        return expected.SequenceEqual(SurvivalOrder.ByTimeEventsFirst(time, events))
            && Enumerable.Range(0, time.Length).OrderBy(i => time[i]).ThenBy(i => i).SequenceEqual(SurvivalOrder.ByTime(time, null));
    }

    [Property]
    public bool Time_sorted_patients_scattered_by_the_counting_sort_equal_a_gather_through_the_order(Tuple<short, bool, byte>[] rows)
    {
        var time = rows.Select(r => (double)Math.Abs(r.Item1 % 700)).ToArray();
        var events = rows.Select(r => r.Item2).ToArray();
        var group = rows.Select(r => r.Item3 % 3).ToArray();
        var data = new SurvivalData(time, events, group, ["a", "b", "c"]);

        var sorted = data.Sorted; // computed first: takes the fused counting-sort path for whole-number times
        var order = SurvivalOrder.ByTimeEventsFirst(time, events);
        return data.TimeOrder.SequenceEqual(order)
            && sorted.Time.SequenceEqual(order.Select(i => time[i]))
            && sorted.Event.SequenceEqual(order.Select(i => events[i]))
            && sorted.Group!.SequenceEqual(order.Select(i => group[i]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_large_cohort_scattered_on_two_cores_equals_a_gather_through_the_order_bit_for_bit(bool negativeZero)
    {
        // 300,000 rows take the two-halves scatter; with a −0 among the times the sorted times are scattered, not filled.
        var random = new Random(14);
        int n = 300_000;
        var time = Enumerable.Range(0, n).Select(_ => (double)random.Next(0, 3000)).ToArray();
        if (negativeZero) time[n / 3] = -0.0;
        var events = Enumerable.Range(0, n).Select(_ => random.Next(10) < 7).ToArray();
        var group = Enumerable.Range(0, n).Select(_ => random.Next(4)).ToArray();
        var data = new SurvivalData(time, events, group, ["a", "b", "c", "d"]);

        var sorted = data.Sorted;

        var order = Enumerable.Range(0, n).OrderBy(i => time[i]).ThenBy(i => events[i] ? 0 : 1).ThenBy(i => i).ToArray();
        Assert.Equal(order, data.TimeOrder);
        Assert.Equal(order.Select(i => BitConverter.DoubleToInt64Bits(time[i])), sorted.Time.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(order.Select(i => events[i]), sorted.Event);
        Assert.Equal(order.Select(i => group[i]), sorted.Group!);
    }

    [Property]
    public bool Grouping_positions_equals_grouping_the_identity_order(byte[] codes)
    {
        var c = codes.Select(b => b % 5).ToArray();
        var direct = SurvivalOrder.StableGroup(null, c, 5, out var directStart);
        var viaIdentity = SurvivalOrder.StableGroup(SurvivalOrder.Identity(c.Length), c, 5, out var start);
        return direct.SequenceEqual(viaIdentity) && directStart.SequenceEqual(start);
    }

    [Property]
    public bool Strata_order_equals_a_stable_sort_by_stratum_then_time(Tuple<NormalFloat, byte>[] rows)
    {
        var time = rows.Select(r => Math.Round(r.Item1.Get)).ToArray();
        var strata = rows.Select(r => r.Item2 % 4).ToArray();
        var expected = Enumerable.Range(0, time.Length).OrderBy(i => strata[i]).ThenBy(i => time[i]).ThenBy(i => i);
        return expected.SequenceEqual(SurvivalOrder.ByTime(time, strata));
    }
}

/// <summary>The O(n log n) threshold sweep agrees with a log-rank test of each split computed on its own.</summary>
public class LogRankThresholdScanPropertyTests
{
    [Property]
    public bool Every_threshold_statistic_equals_the_two_group_log_rank_test(Tuple<byte, bool, byte>[] generated)
    {
        // Four fixed patients (two events, x = 0 and 6) guarantee at least one split with 2 on each side.
        Tuple<byte, bool, byte>[] rows = [Tuple.Create((byte)3, true, (byte)0), Tuple.Create((byte)5, false, (byte)0),
            Tuple.Create((byte)7, true, (byte)6), Tuple.Create((byte)9, false, (byte)6), .. generated];
        var time = rows.Select(r => (double)(r.Item1 % 20)).ToArray(); // heavy ties
        var events = rows.Select(r => r.Item2).ToArray();
        var x = rows.Select(r => (double)(r.Item3 % 7)).ToArray();
        var data = new SurvivalData(time, events);
        var scan = LogRankThresholdScan.Scan(time, events, data.TimeOrder, x, minGroupSize: 2);
        if (scan.Thresholds.Length == 0) return false;
        for (int c = 0; c < scan.Thresholds.Length; c++)
        {
            var side = x.Select(v => v <= scan.Thresholds[c] ? 0 : 1).ToArray();
            if (side.Count(s => s == 0) != scan.LeftSizes[c]) return false;
            var test = LogRankTest.Compute(data.WithGroups(side, ["left", "right"]), new LogRankOptions());
            if (Math.Abs(test.Statistic - scan.Statistics[c]) > 1e-9 * Math.Max(1, test.Statistic)) return false;
        }
        return true;
    }
}
