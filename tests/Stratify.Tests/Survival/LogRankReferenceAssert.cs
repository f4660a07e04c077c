using System.Text.Json;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// A log-rank result against a reference case of coxph score tests on the groups (weights_reference.R,
/// counting_reference.R; R's side written by reference_common.R's group_score_tests): the model-based or robust
/// statistic with its df and p, groups with n, observed and expected, the Holm-adjusted pairwise tests and the trend.
/// </summary>
internal static class LogRankReferenceAssert
{
    public static void ScoreTestEqual(LogRankResult result, JsonElement r, bool robust, string name, double tolerance, double pTolerance)
    {
        var expected = r.GetProperty(robust ? "robust" : "model");
        Assert.Equal(robust, result.Robust);
        AssertClose(Number(expected.GetProperty("statistic")), result.Statistic, tolerance, name + " statistic");
        Assert.Equal(expected.GetProperty("df").GetInt32(), result.DegreesOfFreedom);
        AssertClose(Number(expected.GetProperty("p")), result.PValue, pTolerance, name + " p");

        Assert.Equal(r.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), result.Groups.Select(g => g.Group));
        Assert.Equal(r.GetProperty("n").EnumerateArray().Select(n => n.GetInt32()), result.Groups.Select(g => g.N));
        AssertClose(Numbers(r.GetProperty("observed")), result.Groups.Select(g => g.Observed).ToArray(), tolerance, name + " observed");
        AssertClose(Numbers(r.GetProperty("expected")), result.Groups.Select(g => g.Expected).ToArray(), tolerance, name + " expected");

        var pairs = r.GetProperty("pairwise");
        AssertClose(Numbers(pairs.GetProperty(robust ? "robust" : "model")), result.Pairwise.Select(p => p.Statistic).ToArray(), tolerance, name + " pairs");
        AssertClose(Numbers(pairs.GetProperty(robust ? "robust_holm" : "model_holm")), result.Pairwise.Select(p => p.PAdjusted).ToArray(), pTolerance, name + " holm");
        Assert.Equal(pairs.GetProperty("group_a").EnumerateArray().Select(g => g.GetString()), result.Pairwise.Select(p => p.GroupA));

        var trend = r.GetProperty("trend").GetProperty(robust ? "robust" : "model");
        AssertClose(Number(trend.GetProperty("statistic")), result.Trend!.Statistic, tolerance, name + " trend");
    }
}
