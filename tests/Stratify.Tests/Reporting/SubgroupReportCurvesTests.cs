using Stratify.Reporting;

namespace Stratify.Tests.Reporting;

public class SubgroupReportCurvesTests
{
    // Hand-made curve: distinct times 2, 5, 9 with 10, 7, 3 at risk; censorings at 5 (one) and 9 (three).
    private static readonly KaplanMeierCurveJson Curve = new([2, 5, 9], [10, 7, 3], [2, 3, 0], [1, 1, 3],
        [0.8, 0.457, 0.457], [0.13, 0.16, 0.16], [0.6, 0.23, 0.23], [1, 0.9, 0.9]);

    [Theory]
    // Hand-worked: nice steps are 1, 2, 2.5, 5 × 10^k; 2659 days (GBSG) → 500 gives 6 ticks; 7.3 → 1 gives 8 (2 would give only 4).
    [InlineData(2659, new double[] { 0, 500, 1000, 1500, 2000, 2500 })]
    [InlineData(1000, new double[] { 0, 200, 400, 600, 800, 1000 })]
    [InlineData(30, new double[] { 0, 5, 10, 15, 20, 25, 30 })]
    [InlineData(7.3, new double[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    public void Tick_times_are_zero_and_multiples_of_the_nice_step_giving_closest_to_six_ticks_within_the_follow_up(double maxTime, double[] expected)
    {
        Assert.Equal(expected, SubgroupReportCurves.TickTimes(maxTime));
    }

    [Fact]
    public void Number_at_risk_is_n_risk_at_the_first_curve_time_at_or_after_the_tick_and_zero_beyond_the_last()
    {
        // Hand count: before the first time all 10; at t = 2 the 10 followed to 2; at 4 the 7 followed to 5; at 9 the 3; after 9 none.
        Assert.Equal([10, 10, 7, 3, 0], SubgroupReportCurves.AtRisk(Curve, [0, 2, 4, 9, 10]));
    }

    [Fact]
    public void Censoring_marks_sit_at_times_with_censored_patients_at_the_survival_of_that_time()
    {
        var group = new KaplanMeierGroupJson("A", 10, 5, 5, 2, double.NaN, double.NaN, double.NaN, Curve, []);

        var curve = SubgroupReportCurves.Curve(group, "Subgroup A", [0, 5, 10]);

        Assert.Equal([2.0, 5, 9], curve.CensorTimes);
        Assert.Equal([0.8, 0.457, 0.457], curve.CensorSurvival);
        Assert.Equal([10, 7, 0], curve.AtRisk);
        Assert.Equal(10, curve.PatientCount);
    }
}
