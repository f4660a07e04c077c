using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Kaplan–Meier and Nelson–Aalen fits against a reference case of survfit output (weights_reference.R,
/// counting_reference.R): per curve the times, R's (weighted) n.risk / n.event / n.censor, S(t), its standard error, the
/// limits, events, median with limits, RMST with SE, cumulative hazard and std.chaz; and summary(fit, times = ).
/// </summary>
internal static class KaplanMeierReferenceAssert
{
    /// <summary>The case's options: confidence type, RMST horizon (tau) and the times of summary(fit, times = ).</summary>
    public static KaplanMeierOptions Options(JsonElement r) => new()
    {
        ConfidenceType = r.GetProperty("conf_type").GetString() switch { "log-log" => SurvivalConfidenceType.LogLog, "plain" => SurvivalConfidenceType.Plain, _ => SurvivalConfidenceType.Log },
        RmstHorizon = r.GetProperty("tau").ValueKind == JsonValueKind.Null ? null : r.GetProperty("tau").GetDouble(),
        Times = r.TryGetProperty("at", out var at) ? Numbers(at.GetProperty("times")) : [],
    };

    public static void CurvesEqual(KaplanMeierEstimate fit, NelsonAalenEstimate hazard, JsonElement r, string name, double tolerance)
    {
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
            AssertClose(Numbers(rc.GetProperty("n_risk")), curve.WeightedNRisk ?? AsDoubles(curve.NRisk), tolerance, $"{at} n.risk");
            AssertClose(Numbers(rc.GetProperty("n_event")), curve.WeightedNEvent ?? AsDoubles(curve.NEvent), tolerance, $"{at} n.event");
            AssertClose(Numbers(rc.GetProperty("n_censor")), curve.WeightedNCensor ?? AsDoubles(curve.NCensor), tolerance, $"{at} n.censor");
            AssertClose(Numbers(rc.GetProperty("surv")), curve.Survival, tolerance, $"{at} surv");
            AssertClose(Numbers(rc.GetProperty("se")), curve.StandardError, tolerance, $"{at} std.err");
            AssertClose(Numbers(rc.GetProperty("lower")), curve.Lower, tolerance, $"{at} lower");
            AssertClose(Numbers(rc.GetProperty("upper")), curve.Upper, tolerance, $"{at} upper");
            AssertClose(Number(rc.GetProperty("events")), curve.WeightedEvents, tolerance, $"{at} events");
            AssertClose(Number(rc.GetProperty("median")), curve.Median.Time, 0, $"{at} median");
            AssertClose(Number(rc.GetProperty("median_lower")), curve.Median.Lower, 0, $"{at} median lower");
            AssertClose(Number(rc.GetProperty("median_upper")), curve.Median.Upper, 0, $"{at} median upper");
            if (rc.TryGetProperty("rmst", out var rmst))
            {
                AssertClose(Number(rmst), curve.Rmst!.Value.Mean, tolerance, $"{at} rmst");
                AssertClose(Number(rc.GetProperty("rmst_se")), curve.Rmst!.Value.StandardError, tolerance, $"{at} rmst se");
            }
            var na = hazard.Curves[g];
            AssertClose(Numbers(rc.GetProperty("cumhaz")), na.CumulativeHazard, tolerance, $"{at} cumhaz");
            AssertClose(Numbers(rc.GetProperty("std_chaz")), na.StandardError, tolerance, $"{at} std.chaz");
        }
    }

    public static void AtTimesEqual(KaplanMeierEstimate fit, JsonElement r, string name, double tolerance)
    {
        var at = r.GetProperty("at");
        var groups = at.GetProperty("group").EnumerateArray().Select(g => g.GetString()!).ToArray();
        var times = Numbers(at.GetProperty("time"));
        for (int i = 0; i < groups.Length; i++)
        {
            var curve = fit.Curves.Single(c => c.Group == groups[i]);
            var s = curve.At.Single(a => a.Time == times[i]);
            string what = $"{name} {groups[i]} t={times[i]}";
            AssertClose(Numbers(at.GetProperty("surv"))[i], s.Survival, tolerance, what + " surv");
            AssertClose(Numbers(at.GetProperty("se"))[i], s.StandardError, tolerance, what + " se");
            AssertClose(Numbers(at.GetProperty("lower"))[i], s.Lower, tolerance, what + " lower");
            AssertClose(Numbers(at.GetProperty("upper"))[i], s.Upper, tolerance, what + " upper");
            AssertClose(Numbers(at.GetProperty("n_risk"))[i], s.WeightedNRisk, tolerance, what + " n.risk");
        }
    }
}
