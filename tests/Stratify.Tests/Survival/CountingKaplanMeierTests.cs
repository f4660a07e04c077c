using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Kaplan–Meier on counting-process data against R's survfit (counting_reference.R): delayed entry,
/// survfit(Surv(entry, time, status) ~ group), and start/stop rows, survfit(Surv(start, stop, event) ~ group, id = id):
/// n.risk (entry &lt; t ≤ stop), n.event, n.censor (with id, the end of a continued row is no censoring), S(t), its
/// standard error (Greenwood, or the infinitesimal jackknife clustered by patient with fractional weights), the limits,
/// medians, RMST and S at chosen times, and the Nelson–Aalen cumulative hazard with R's std.chaz.
/// </summary>
public class CountingKaplanMeierTests
{
    /// <summary>
    /// Largest relative difference measured over the 11 cases: S and RMST 2.1e-15, standard errors, limits and the RMST's SE
    /// 2.7e-14, Nelson–Aalen 1.8e-14; counts and medians exact.
    /// </summary>
    private const double Tolerance = 1e-13;

    public static TheoryData<string> Cases => CountingReference.Names("km");

    /// <summary>The cases for which R also reported summary(fit, times = ).</summary>
    public static TheoryData<string> CasesWithTimes => CountingReference.Names("km", c => c.TryGetProperty("at", out _));

    private static (KaplanMeierEstimate Fit, NelsonAalenEstimate Hazard, JsonElement R) Fit(string name)
    {
        var r = CountingReference.Case("km", name);
        var bound = CountingReference.Bind(r);
        var data = SurvivalData.From(bound, bound.Group);
        Assert.True(data.IsCountingProcess);
        var options = KaplanMeierReferenceAssert.Options(r);
        return (ProductLimit.Fit(data, options), NelsonAalen.Fit(data), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Curves_equal_survfit_on_counting_process_data(string name)
    {
        var (fit, hazard, r) = Fit(name);
        Assert.Equal(r.GetProperty("fit_robust").GetBoolean(), fit.Variance == KaplanMeierVariance.InfinitesimalJackknife);
        KaplanMeierReferenceAssert.CurvesEqual(fit, hazard, r, name, Tolerance);
    }

    [Theory, MemberData(nameof(CasesWithTimes))]
    public void Survival_at_requested_times_equals_summary_survfit(string name)
    {
        var (fit, _, r) = Fit(name);
        KaplanMeierReferenceAssert.AtTimesEqual(fit, r, name, Tolerance);
    }
}
