using System.Text.Json;
using Stratify.Survival;
using Xunit.Abstractions;
using static Stratify.Tests.Survival.CompetingRisksReference;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Aalen–Johansen cumulative incidence and Gray's test against R on Melanoma (MASS), the competing-risks view of
/// rotterdam, simulated data with known cause-specific hazards (heavy ties between causes and with censorings, heavy
/// censoring) and hand-made edge cases (a group without the event of interest, one without competing events, a group
/// of one patient, events at time 0). References: survfit(Surv(time, factor(status)) ~ group) for the curve with the
/// infinitesimal-jackknife variance, its limits and numbers at risk; cmprsk's cuminc/timepoints for Aalen's variance
/// and Gray's test (tests/reference/competing_risks_reference.R).
/// Tolerances: estimates, standard errors and limits 1e-12 relative (measured: at most 2.4e-14); variances 1e-12 relative (absolute below 1e-15);
/// Gray's statistic 1e-12, p 1e-10; times and counts exact.
/// </summary>
public class CumulativeIncidenceReferenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> Cases => ReferenceNames("cuminc");

    /// <summary>The cases with more than one group (cuminc tests them).</summary>
    public static TheoryData<string> GroupedCases
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var c in Section("cuminc").EnumerateObject())
                if (c.Value.GetProperty("gray").ValueKind != JsonValueKind.Null) names.Add(c.Name);
            return names;
        }
    }

    private static (JsonElement R, CompetingRisksData Data) Load(string name)
    {
        var c = Reference("cuminc", name);
        var bound = Bind(c);
        return (c, CompetingRisksData.From(bound, bound.Group));
    }

    private static CumulativeIncidenceEstimate Fit(JsonElement c, CompetingRisksData data, CumulativeIncidenceVariance variance) =>
        AalenJohansen.Fit(data, new CumulativeIncidenceOptions { Variance = variance, Times = Numbers(c.GetProperty("times")) });

    private static IEnumerable<(JsonElement Group, JsonElement Cause, CumulativeIncidenceCurve Curve)> Pairs(JsonElement c, CumulativeIncidenceEstimate fit)
    {
        var groups = c.GetProperty("groups").EnumerateArray().ToArray();
        int causes = fit.CauseLabels.Count - 1;
        Assert.Equal(groups.Length * causes, fit.Curves.Count);
        foreach (var g in groups)
            foreach (var k in g.GetProperty("causes").EnumerateArray())
            {
                int cause = k.GetProperty("cause").GetInt32();
                var curve = fit.Curves.Single(x => x.Group == g.GetProperty("group").GetString() && x.Cause == cause);
                yield return (g, k, curve);
            }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Times_and_numbers_at_risk_equal_survfit_exactly(string name)
    {
        var (c, data) = Load(name);
        foreach (var (g, _, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.InfinitesimalJackknife)))
        {
            Assert.Equal(g.GetProperty("n").GetInt32(), curve.N);
            AssertExact(Numbers(g.GetProperty("time")), curve.Time, "time");
            AssertExact(Numbers(g.GetProperty("n_risk")), AsDoubles(curve.NRisk), "n.risk");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Estimate_jackknife_se_and_log_limits_equal_survfit(string name)
    {
        var (c, data) = Load(name);
        double max = 0;
        foreach (var (g, k, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.InfinitesimalJackknife)))
        {
            string what = $"{g.GetProperty("group").GetString()} cause {curve.Cause}";
            max = Math.Max(max, AssertClose(Numbers(k.GetProperty("pstate")), curve.CumulativeIncidence, Tolerance, $"{what} pstate"));
            max = Math.Max(max, AssertClose(Numbers(k.GetProperty("std_err")), curve.StandardError, Tolerance, $"{what} std.err"));
            max = Math.Max(max, AssertClose(Numbers(k.GetProperty("lower")), curve.Lower, Tolerance, $"{what} lower"));
            max = Math.Max(max, AssertClose(Numbers(k.GetProperty("upper")), curve.Upper, Tolerance, $"{what} upper"));
        }
        output.WriteLine($"{name}: max relative difference to survfit {max:E2}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Values_at_times_equal_summary_survfit(string name)
    {
        var (c, data) = Load(name);
        foreach (var (g, k, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.InfinitesimalJackknife)))
        {
            var at = k.GetProperty("at");
            var times = Numbers(at.GetProperty("time"));
            var ours = times.Select(curve.ValueAt).ToArray();
            AssertClose(Numbers(at.GetProperty("pstate")), ours.Select(a => a.CumulativeIncidence).ToArray(), Tolerance, "pstate at");
            AssertClose(Numbers(at.GetProperty("std_err")), ours.Select(a => a.StandardError).ToArray(), Tolerance, "std.err at");
            AssertClose(Numbers(at.GetProperty("lower")), ours.Select(a => a.Lower).ToArray(), Tolerance, "lower at");
            AssertClose(Numbers(at.GetProperty("upper")), ours.Select(a => a.Upper).ToArray(), Tolerance, "upper at");
            AssertExact(Numbers(at.GetProperty("n_risk")), ours.Select(a => (double)a.NRisk).ToArray(), "n.risk at");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Aalen_variance_equals_cuminc_at_every_corner_of_its_steps(string name)
    {
        var (c, data) = Load(name);
        double max = 0;
        foreach (var (_, k, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.Aalen)))
        {
            var cm = k.GetProperty("cmprsk");
            var time = Numbers(cm.GetProperty("time"));
            var est = Numbers(cm.GetProperty("est"));
            var variance = Numbers(cm.GetProperty("var"));
            // cuminc lists both corners of every step; the right-continuous value at a time is its last corner.
            for (int i = 0; i < time.Length; i++)
            {
                if (i + 1 < time.Length && time[i + 1] == time[i]) continue;
                var at = curve.ValueAt(time[i]);
                max = Math.Max(max, AssertClose(est[i], at.CumulativeIncidence, Tolerance, $"est at {time[i]}"));
                max = Math.Max(max, AssertVariance(variance[i], at.StandardError, $"var at {time[i]}"));
            }
        }
        output.WriteLine($"{name}: max relative difference to cuminc {max:E2}");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Aalen_values_at_times_equal_timepoints_including_NA_beyond_follow_up(string name)
    {
        var (c, data) = Load(name);
        foreach (var (_, k, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.Aalen)))
        {
            var tp = k.GetProperty("timepoints");
            var times = Numbers(tp.GetProperty("time"));
            var est = Numbers(tp.GetProperty("est"));
            var variance = Numbers(tp.GetProperty("var"));
            for (int i = 0; i < times.Length; i++)
            {
                var at = curve.ValueAt(times[i]);
                AssertClose(est[i], at.CumulativeIncidence, Tolerance, $"timepoints est at {times[i]}");
                if (double.IsNaN(variance[i])) Assert.True(double.IsNaN(at.StandardError), $"timepoints var at {times[i]}: R NA, Stratify {at.StandardError}");
                else AssertVariance(variance[i], at.StandardError, $"timepoints var at {times[i]}");
            }
            Assert.True(double.IsNaN(est[^1]), "the reference's last time lies beyond follow-up");
        }
    }

    [Theory, MemberData(nameof(GroupedCases))]
    public void Gray_test_equals_cuminc_for_every_cause(string name)
    {
        var (c, data) = Load(name);
        foreach (var r in c.GetProperty("gray").EnumerateArray())
        {
            int cause = r.GetProperty("cause").GetInt32();
            var test = GrayTest.Compute(data, cause, c.GetProperty("rho").GetDouble());
            AssertClose(r.GetProperty("statistic").GetDouble(), test.Statistic, Tolerance, $"cause {cause} statistic");
            Assert.Equal(r.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
            AssertClose(r.GetProperty("p").GetDouble(), test.PValue, 1e-10, $"cause {cause} p");
            output.WriteLine($"{name} cause {cause}: chi2 {test.Statistic:R} (R {r.GetProperty("statistic").GetDouble():R})");
        }
    }

    [Fact]
    public void Without_groups_there_is_no_Gray_test_as_in_cuminc()
    {
        var (c, data) = Load("melanoma_overall");
        Assert.Equal(JsonValueKind.Null, c.GetProperty("gray").ValueKind);
        Assert.Throws<Stratify.Data.StratifyInputException>(() => GrayTest.Compute(data));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Event_and_competing_counts_per_group_match_the_data(string name)
    {
        var (c, data) = Load(name);
        foreach (var (g, _, curve) in Pairs(c, Fit(c, data, CumulativeIncidenceVariance.InfinitesimalJackknife)))
        {
            int events = 0, competing = 0;
            for (int i = 0; i < data.Count; i++)
            {
                if (data.Group is not null && data.GroupLabels[data.Group[i]] != curve.Group) continue;
                if (data.Cause[i] == curve.Cause) events++;
                else if (data.Cause[i] != 0) competing++;
            }
            Assert.Equal(events, curve.Events);
            Assert.Equal(competing, curve.CompetingEvents);
            Assert.Equal(events, curve.NEvent.Sum());
        }
    }

    /// <summary>Our se² against cmprsk's variance: 1e-12 relative, or absolute below 1e-15 (cmprsk's sums can round to a tiny negative).</summary>
    private static double AssertVariance(double expected, double se, string what)
    {
        double actual = se * se, difference = Math.Abs(actual - expected);
        double relative = difference / Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(difference <= 1e-15 || relative <= Tolerance, $"{what}: R {expected:R}, Stratify {actual:R} (relative difference {relative:E2})");
        return difference <= 1e-15 ? 0 : relative;
    }
}
