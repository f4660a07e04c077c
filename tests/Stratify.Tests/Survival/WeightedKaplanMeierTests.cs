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
        var options = KaplanMeierReferenceAssert.Options(r) with { Robust = WeightedReference.OptionalBool(r, "robust") };
        return (ProductLimit.Fit(data, options), NelsonAalen.Fit(data, options.Robust), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Curves_equal_survfit_with_weights(string name)
    {
        var (fit, hazard, r) = Fit(name);
        Assert.True(fit.Weighted);
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
