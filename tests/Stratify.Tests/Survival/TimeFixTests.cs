using System.Text.Json;
using FsCheck;
using FsCheck.Xunit;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// <see cref="TimeFix"/> (the one near-tie merge behind Kaplan–Meier, log-rank and Cox) gives the times R's
/// <c>aeqSurv</c> gives (expected values: the "timefix" section of tests/reference/cox_reference.json, written by
/// tests/reference/cox_reference.R with survival 3.5), and leaves whole-number times alone.
/// </summary>
public class TimeFixTests
{
    public static IEnumerable<object[]> Cases() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("cox_reference.json"))).RootElement
            .GetProperty("timefix").EnumerateArray().Select(c => new object[] { c.GetProperty("name").GetString()! });

    private static (double[] Time, double[] Fixed) Case(string name)
    {
        var c = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("cox_reference.json"))).RootElement
            .GetProperty("timefix").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        return (CoxReferenceCase.Numbers(c.GetProperty("time")), CoxReferenceCase.Numbers(c.GetProperty("fixed")));
    }

    /// <summary>Sorts, merges and puts the times back in input order, as a caller with an order does.</summary>
    private static double[] Merged(double[] time)
    {
        var order = SurvivalOrder.ByTime(time, null);
        var sorted = order.Select(row => time[row]).ToArray();
        TimeFix.MergeNearTies(sorted);
        var byRow = new double[time.Length];
        for (int k = 0; k < order.Length; k++) byRow[order[k]] = sorted[k];
        return byRow;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Merges_near_equal_times_exactly_as_aeqSurv(string name)
    {
        var (time, expected) = Case(name);
        // R: aeqSurv(Surv(time, rep(1, n)))[, 1]; bit-for-bit, including which value of a merged run survives.
        Assert.Equal(expected, Merged(time));
    }

    [Fact]
    public void Measures_each_gap_from_the_previous_distinct_time_so_a_chain_of_small_gaps_merges_whole()
    {
        // R: aeqSurv(Surv(c(1, 1 + 1e-8, 1 + 2e-8, 1 + 3e-8, 2), rep(1, 5))) gives 1 1 1 1 2, though 3e-8 > 1.49e-8.
        var (time, expected) = Case("chain_from_previous_gap");
        Assert.Equal([1, 1, 1, 1, 2], expected);
        Assert.Equal(expected, Merged(time));
    }

    [Fact]
    public void Lung_days_are_left_unchanged()
    {
        var lung = CsvCohortReader.Read(RepoPaths.Dataset("lung.csv"));
        var days = ((NumericColumn)lung["time"]).Values;
        var sorted = days.Order().ToArray();
        var copy = (double[])sorted.Clone();
        Assert.False(TimeFix.MergeNearTies(sorted));
        Assert.Equal(copy, sorted);
    }

    /// <summary>
    /// Whole numbers up to 10⁶ are one apart or equal: 1 &gt; 1.49e-8 and 1/mean &gt; 1.49e-8 for any mean below 6.7e7, so
    /// aeqSurv never ties them.
    /// </summary>
    [Property]
    public bool Whole_number_times_are_a_no_op(int[] values)
    {
        var sorted = values.Select(v => (double)(Math.Abs((long)v) % 1_000_001)).Order().ToArray();
        var copy = (double[])sorted.Clone();
        return !TimeFix.MergeNearTies(sorted) && sorted.SequenceEqual(copy);
    }
}
