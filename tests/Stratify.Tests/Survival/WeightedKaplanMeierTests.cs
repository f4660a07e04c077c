using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Weighted Kaplan–Meier against R's survfit(Surv(time, status) ~ group, weights = w) (weights_reference.R):
/// weighted n.risk / n.event / n.censor, S(t), its standard error (infinitesimal jackknife with fractional weights,
/// Greenwood on weighted counts with whole-number ones or robust = FALSE), the log / log-log / plain limits, medians,
/// RMST and S at chosen times, and the weighted Nelson–Aalen cumulative hazard with R's std.chaz.
/// </summary>
public class WeightedKaplanMeierTests
{
    /// <summary>Largest relative difference measured: 4.4e-15 (summation order of the weight sums).</summary>
    private const double Tolerance = 1e-14;

    public static TheoryData<string> Cases => WeightedReference.Names("km");

    /// <summary>The cases for which R also reported summary(fit, times = ).</summary>
    public static TheoryData<string> CasesWithTimes => WeightedReference.Names("km", c => c.TryGetProperty("at", out _));

    private static (KaplanMeierEstimate Fit, NelsonAalenEstimate Hazard, JsonElement R) Fit(string name)
    {
        var r = WeightedReference.Case("km", name);
        var bound = WeightedReference.Bind(r);
        var data = SurvivalData.From(bound, bound.Group);
        var options = new KaplanMeierOptions
        {
            ConfidenceType = r.GetProperty("conf_type").GetString() switch { "log-log" => SurvivalConfidenceType.LogLog, "plain" => SurvivalConfidenceType.Plain, _ => SurvivalConfidenceType.Log },
            RmstHorizon = r.GetProperty("tau").ValueKind == JsonValueKind.Null ? null : r.GetProperty("tau").GetDouble(),
            Times = r.TryGetProperty("at", out var at) ? Numbers(at.GetProperty("times")) : [],
            Robust = WeightedReference.OptionalBool(r, "robust"),
        };
        return (ProductLimit.Fit(data, options), NelsonAalen.Fit(data, options.Robust), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Curves_equal_survfit_with_weights(string name)
    {
        var (fit, hazard, r) = Fit(name);
        Assert.True(fit.Weighted);
        Assert.Equal(r.GetProperty("fit_robust").GetBoolean(), fit.Variance == KaplanMeierVariance.InfinitesimalJackknife);
        var curves = r.GetProperty("curves").EnumerateArray().ToArray();
        Assert.Equal(curves.Length, fit.Curves.Count);
        for (int g = 0; g < curves.Length; g++)
        {
            var rc = curves[g];
            var curve = fit.Curves[g];
            string at = $"{name} {curve.Group}";
            Assert.Equal(rc.GetProperty("group").GetString(), curve.Group);
            Assert.Equal(rc.GetProperty("n").GetInt32(), curve.N);
            AssertClose(Numbers(rc.GetProperty("time")), curve.Time, 0, $"{at} time");
            AssertClose(Numbers(rc.GetProperty("n_risk")), curve.WeightedNRisk!, Tolerance, $"{at} n.risk");
            AssertClose(Numbers(rc.GetProperty("n_event")), curve.WeightedNEvent!, Tolerance, $"{at} n.event");
            AssertClose(Numbers(rc.GetProperty("n_censor")), curve.WeightedNCensor!, Tolerance, $"{at} n.censor");
            AssertClose(Numbers(rc.GetProperty("surv")), curve.Survival, Tolerance, $"{at} surv");
            AssertClose(Numbers(rc.GetProperty("se")), curve.StandardError, Tolerance, $"{at} std.err");
            AssertClose(Numbers(rc.GetProperty("lower")), curve.Lower, Tolerance, $"{at} lower");
            AssertClose(Numbers(rc.GetProperty("upper")), curve.Upper, Tolerance, $"{at} upper");
            AssertClose(Number(rc.GetProperty("events")), curve.WeightedEvents, Tolerance, $"{at} events");
            AssertClose(Number(rc.GetProperty("median")), curve.Median.Time, 0, $"{at} median");
            AssertClose(Number(rc.GetProperty("median_lower")), curve.Median.Lower, 0, $"{at} median lower");
            AssertClose(Number(rc.GetProperty("median_upper")), curve.Median.Upper, 0, $"{at} median upper");
            if (rc.TryGetProperty("rmst", out var rmst))
            {
                AssertClose(Number(rmst), curve.Rmst!.Value.Mean, Tolerance, $"{at} rmst");
                AssertClose(Number(rc.GetProperty("rmst_se")), curve.Rmst!.Value.StandardError, Tolerance, $"{at} rmst se");
            }
            var na = hazard.Curves[g];
            AssertClose(Numbers(rc.GetProperty("cumhaz")), na.CumulativeHazard, Tolerance, $"{at} cumhaz");
            AssertClose(Numbers(rc.GetProperty("std_chaz")), na.StandardError, Tolerance, $"{at} std.chaz");
        }
    }

    [Theory, MemberData(nameof(CasesWithTimes))]
    public void Survival_at_requested_times_equals_summary_survfit(string name)
    {
        var (fit, _, r) = Fit(name);
        var at = r.GetProperty("at");
        var groups = at.GetProperty("group").EnumerateArray().Select(g => g.GetString()!).ToArray();
        var times = Numbers(at.GetProperty("time"));
        for (int i = 0; i < groups.Length; i++)
        {
            var curve = fit.Curves.Single(c => c.Group == groups[i]);
            var s = curve.At.Single(a => a.Time == times[i]);
            string what = $"{name} {groups[i]} t={times[i]}";
            AssertClose(Numbers(at.GetProperty("surv"))[i], s.Survival, Tolerance, what + " surv");
            AssertClose(Numbers(at.GetProperty("se"))[i], s.StandardError, Tolerance, what + " se");
            AssertClose(Numbers(at.GetProperty("lower"))[i], s.Lower, Tolerance, what + " lower");
            AssertClose(Numbers(at.GetProperty("upper"))[i], s.Upper, Tolerance, what + " upper");
            AssertClose(Numbers(at.GetProperty("n_risk"))[i], s.WeightedNRisk, Tolerance, what + " n.risk");
        }
    }
}
