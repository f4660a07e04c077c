using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// A Cox fit against a reference case of coxph output (weights_reference.R, counting_reference.R; R's side is written
/// by reference_common.R's coxph_summary): counts, terms, coefficients with model-based and robust SE, z, p, limits,
/// centres and iterations; log-likelihoods, the likelihood-ratio, Wald, score and robust score tests and concordance;
/// and the baseline survfit of the fit.
/// </summary>
internal static class CoxReferenceAssert
{
    /// <summary>R's term names (a factor's column is the covariate name followed by its level) in Stratify's spelling, column=level.</summary>
    public static string[] Terms(JsonElement r)
    {
        var categorical = ReferenceCases.Covariates(r).Where(c => c.Kind == CovariateKind.Categorical).Select(c => c.Column).ToArray();
        return r.GetProperty("terms").EnumerateArray().Select(t =>
        {
            string term = t.GetString()!;
            string? factor = categorical.FirstOrDefault(c => term.StartsWith(c, StringComparison.Ordinal) && term.Length > c.Length);
            return factor is null ? term : $"{factor}={term[factor.Length..]}";
        }).ToArray();
    }

    public static void CoefficientsEqual(CoxModel model, JsonElement r, string name, double tolerance, double pTolerance)
    {
        Assert.Equal(r.GetProperty("robust").GetBoolean(), model.Robust);
        Assert.Equal(r.GetProperty("n").GetInt32(), model.N);
        Assert.Equal(r.GetProperty("events").GetInt32(), model.Events);
        Assert.Equal(Terms(r), model.Coefficients.Select(c => c.Term));
        AssertClose(Numbers(r.GetProperty("coef")), model.Coefficients.Select(c => c.Coefficient).ToArray(), tolerance, name + " coef");
        AssertClose(Numbers(r.GetProperty("se")), model.Coefficients.Select(c => c.StandardError).ToArray(), tolerance, name + " se");
        AssertClose(Numbers(r.GetProperty("robust_se")), model.Coefficients.Select(c => c.RobustStandardError).ToArray(), tolerance, name + " robust se");
        AssertClose(Numbers(r.GetProperty("z")), model.Coefficients.Select(c => c.Z).ToArray(), tolerance, name + " z");
        AssertClose(Numbers(r.GetProperty("p")), model.Coefficients.Select(c => c.PValue).ToArray(), pTolerance, name + " p");
        AssertClose(Numbers(r.GetProperty("hr_lower")), model.Coefficients.Select(c => c.HazardRatioLower).ToArray(), tolerance, name + " lower");
        AssertClose(Numbers(r.GetProperty("hr_upper")), model.Coefficients.Select(c => c.HazardRatioUpper).ToArray(), tolerance, name + " upper");
        AssertClose(Numbers(r.GetProperty("means")), model.Means, tolerance, name + " means");
        Assert.Equal(r.GetProperty("iterations").GetInt32(), model.Iterations);
    }

    public static void TestsAndConcordanceEqual(CoxModel model, JsonElement r, string name, double tolerance, double pTolerance)
    {
        AssertClose(Number(r.GetProperty("loglik").GetProperty("null")), model.LogLikNull, tolerance, name + " loglik null");
        AssertClose(Number(r.GetProperty("loglik").GetProperty("model")), model.LogLik, tolerance, name + " loglik");
        foreach (var (property, test) in new[] { ("likelihood_ratio", model.LikelihoodRatio), ("wald", model.Wald), ("score", model.Score) })
            TestEqual(r.GetProperty(property), test, $"{name} {property}", tolerance, pTolerance);
        if (r.GetProperty("robust_score").ValueKind == JsonValueKind.Null) Assert.Null(model.RobustScore);
        else TestEqual(r.GetProperty("robust_score"), model.RobustScore!, name + " robust score", tolerance, pTolerance);
        var concordance = r.GetProperty("concordance");
        AssertClose(Number(concordance.GetProperty("c")), model.Concordance.C, tolerance, name + " concordance");
        AssertClose(Number(concordance.GetProperty("se")), model.Concordance.StandardError, tolerance, name + " concordance se");
        AssertClose(Number(concordance.GetProperty("concordant")), model.Concordance.Concordant, tolerance, name + " concordant pairs");
        AssertClose(Number(concordance.GetProperty("discordant")), model.Concordance.Discordant, tolerance, name + " discordant pairs");
        AssertClose(Number(concordance.GetProperty("tied_risk")), model.Concordance.TiedRisk, tolerance, name + " pairs tied on risk");
        AssertClose(Number(concordance.GetProperty("tied_time")), model.Concordance.TiedTime, tolerance, name + " pairs tied on time");
    }

    public static void BaselineEqual(CoxModel model, JsonElement r, string name, double tolerance)
    {
        var baseline = r.GetProperty("baseline");
        var curves = model.BaselineSurvival();
        AssertClose(Numbers(baseline.GetProperty("time")), curves.SelectMany(c => c.Time).ToArray(), 0, name + " time");
        AssertClose(Numbers(baseline.GetProperty("surv")), curves.SelectMany(c => c.Survival).ToArray(), tolerance, name + " surv");
        AssertClose(Numbers(baseline.GetProperty("std_err")), curves.SelectMany(c => c.StandardError).ToArray(), tolerance, name + " std.err");
        AssertClose(Numbers(baseline.GetProperty("lower")), curves.SelectMany(c => c.Lower).ToArray(), tolerance, name + " lower");
        AssertClose(Numbers(baseline.GetProperty("upper")), curves.SelectMany(c => c.Upper).ToArray(), tolerance, name + " upper");
    }

    public static void TestEqual(JsonElement r, CoxTest test, string what, double tolerance, double pTolerance)
    {
        AssertClose(Number(r.GetProperty("statistic")), test.Statistic, tolerance, what + " statistic");
        Assert.Equal(r.GetProperty("df").GetInt32(), test.DegreesOfFreedom);
        AssertClose(Number(r.GetProperty("p")), test.PValue, pTolerance, what + " p");
    }
}
