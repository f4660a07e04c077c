using System.Text.Json;
using Stratify.Survival;
using Xunit.Abstractions;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Kaplan–Meier and Nelson–Aalen against R's survfit (survival 3.5) on the bundled cohorts and the synthetic edge
/// cases (heavy ties, a group without events, a single event, curves flat at S = 0.5 and falling to 0).
/// Reference: tests/reference/km_logrank_reference.R, section "km".
/// </summary>
public class KaplanMeierReferenceTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases => Names("km");

    private static (JsonElement Reference, KaplanMeierEstimate Fit, NelsonAalenEstimate Hazard) FitCase(string name)
    {
        var c = Case("km", name);
        var options = new KaplanMeierOptions
        {
            ConfidenceType = c.GetProperty("conf_type").GetString() switch
            {
                "log" => SurvivalConfidenceType.Log,
                "log-log" => SurvivalConfidenceType.LogLog,
                _ => SurvivalConfidenceType.Plain,
            },
            ConfidenceLevel = c.GetProperty("conf_level").GetDouble(),
            Times = c.GetProperty("times").ValueKind == JsonValueKind.Array && c.GetProperty("times").GetArrayLength() == 0
                ? [] : Numbers(c.GetProperty("times")),
            RmstHorizon = c.GetProperty("tau").ValueKind == JsonValueKind.Null ? null : c.GetProperty("tau").GetDouble(),
        };
        var data = SurvivalReference.Data(c);
        return (c, ProductLimit.Fit(data, options), NelsonAalen.Fit(data));
    }

    private static IEnumerable<(JsonElement R, KaplanMeierCurve Curve, int Index)> Curves(string name, out NelsonAalenEstimate hazard)
    {
        var (c, fit, na) = FitCase(name);
        hazard = na;
        var reference = c.GetProperty("curves").EnumerateArray().ToArray();
        Assert.Equal(reference.Length, fit.Curves.Count);
        return reference.Select((r, i) => (r, fit.Curves[i], i));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Risk_table_counts_equal_survfit_exactly(string name)
    {
        foreach (var (r, curve, _) in Curves(name, out _))
        {
            Assert.Equal(r.GetProperty("group").GetString(), curve.Group);
            Assert.Equal(r.GetProperty("n").GetInt32(), curve.N);
            Assert.Equal(r.GetProperty("events").GetInt32(), curve.Events);
            AssertExact(Numbers(r.GetProperty("time")), curve.Time, "time");
            AssertExact(Numbers(r.GetProperty("n_risk")), AsDoubles(curve.NRisk), "n.risk");
            AssertExact(Numbers(r.GetProperty("n_event")), AsDoubles(curve.NEvent), "n.event");
            AssertExact(Numbers(r.GetProperty("n_censor")), AsDoubles(curve.NCensor), "n.censor");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Survival_greenwood_se_and_limits_equal_survfit(string name)
    {
        double max = 0;
        foreach (var (r, curve, _) in Curves(name, out _))
        {
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("surv")), curve.Survival, EstimateTolerance, "surv"));
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("se")), curve.StandardError, EstimateTolerance, "std.err * surv"));
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("lower")), curve.Lower, LimitTolerance, "lower"));
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("upper")), curve.Upper, LimitTolerance, "upper"));
        }
        output.WriteLine($"{name}: max relative difference {max:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Nelson_aalen_cumulative_hazard_and_se_equal_survfit(string name)
    {
        double max = 0;
        foreach (var (r, _, i) in Curves(name, out var hazard))
        {
            var curve = hazard.Curves[i];
            AssertExact(Numbers(r.GetProperty("time")), curve.Time, "time");
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("cumhaz")), curve.CumulativeHazard, EstimateTolerance, "cumhaz"));
            max = Math.Max(max, AssertClose(Numbers(r.GetProperty("std_chaz")), curve.StandardError, EstimateTolerance, "std.chaz"));
        }
        output.WriteLine($"{name}: max relative difference {max:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Median_and_limits_equal_print_survfit_exactly(string name)
    {
        foreach (var (r, curve, _) in Curves(name, out _))
            AssertExact(
                [Number(r.GetProperty("median")), Number(r.GetProperty("median_lower")), Number(r.GetProperty("median_upper"))],
                [curve.Median.Time, curve.Median.Lower, curve.Median.Upper], $"median of {curve.Group}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quantiles_and_limits_equal_quantile_survfit_exactly(string name)
    {
        foreach (var (r, curve, _) in Curves(name, out _))
        {
            var q = r.GetProperty("quantiles");
            var p = Numbers(q.GetProperty("p"));
            var mine = p.Select(curve.Quantile).ToArray();
            AssertExact(Numbers(q.GetProperty("time")), mine.Select(x => x.Time).ToArray(), $"quantile of {curve.Group}");
            AssertExact(Numbers(q.GetProperty("lower")), mine.Select(x => x.Lower).ToArray(), $"quantile lower of {curve.Group}");
            AssertExact(Numbers(q.GetProperty("upper")), mine.Select(x => x.Upper).ToArray(), $"quantile upper of {curve.Group}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Restricted_mean_and_se_equal_print_survfit_rmean(string name)
    {
        double max = 0;
        foreach (var (r, curve, _) in Curves(name, out _))
        {
            double expected = Number(r.GetProperty("rmst"));
            if (double.IsNaN(expected)) { Assert.Null(curve.Rmst); continue; }
            Assert.NotNull(curve.Rmst);
            max = Math.Max(max, AssertClose(expected, curve.Rmst!.Value.Mean, EstimateTolerance, "rmean"));
            max = Math.Max(max, AssertClose(Number(r.GetProperty("rmst_se")), curve.Rmst.Value.StandardError, EstimateTolerance, "se(rmean)"));
        }
        output.WriteLine($"{name}: max relative difference {max:E2}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Values_at_requested_times_equal_summary_survfit_times(string name)
    {
        foreach (var (r, curve, _) in Curves(name, out _))
        {
            var at = r.GetProperty("at");
            var times = Numbers(at.GetProperty("time"));
            if (at.GetProperty("time").ValueKind == JsonValueKind.Array && at.GetProperty("time").GetArrayLength() == 0) times = [];
            // R reports the times up to the last follow-up (extend = FALSE); later ones are NaN with nobody at risk here.
            var reported = curve.At.Where(a => !double.IsNaN(a.Survival)).ToArray();
            Assert.All(curve.At.Where(a => double.IsNaN(a.Survival)), a => Assert.Equal(0, a.NRisk));
            AssertExact(times, reported.Select(a => a.Time).ToArray(), "times");
            AssertExact(Numbers(at.GetProperty("n_risk")).Take(times.Length).ToArray(), reported.Select(a => (double)a.NRisk).ToArray(), "n.risk");
            AssertClose(Numbers(at.GetProperty("surv")).Take(times.Length).ToArray(), reported.Select(a => a.Survival).ToArray(), EstimateTolerance, "surv");
            AssertClose(Numbers(at.GetProperty("se")).Take(times.Length).ToArray(), reported.Select(a => a.StandardError).ToArray(), EstimateTolerance, "std.err");
            AssertClose(Numbers(at.GetProperty("lower")).Take(times.Length).ToArray(), reported.Select(a => a.Lower).ToArray(), LimitTolerance, "lower");
            AssertClose(Numbers(at.GetProperty("upper")).Take(times.Length).ToArray(), reported.Select(a => a.Upper).ToArray(), LimitTolerance, "upper");
        }
    }
}
