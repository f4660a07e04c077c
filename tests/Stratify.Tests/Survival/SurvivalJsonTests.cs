using System.Text.Json;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>The km and logrank JSON contracts.</summary>
public class SurvivalJsonTests
{
    private static SurvivalData Lung(string group) =>
        SurvivalData.FromCohort(CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")), "time", "status", group);

    [Fact]
    public void Km_json_has_the_contract_names_and_a_columnar_curve()
    {
        var fit = ProductLimit.Fit(Lung("sex"), new KaplanMeierOptions { Times = [365, 5000], RmstHorizon = 730 });
        using var doc = JsonDocument.Parse(JsonOutput.Serialize(SurvivalJson.From(fit)));
        var root = doc.RootElement;
        Assert.Equal(["conf_type", "conf_level", "groups"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("log", root.GetProperty("conf_type").GetString());
        var group = root.GetProperty("groups")[0];
        Assert.Equal(["group", "n", "events", "median", "median_lower", "median_upper", "rmst", "rmst_se", "curve", "at"],
            group.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "n_risk", "n_event", "n_censor", "survival", "se", "lower", "upper"],
            group.GetProperty("curve").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "survival", "lower", "upper", "n_risk"], group.GetProperty("at")[0].EnumerateObject().Select(p => p.Name));
        // R: print(survfit(Surv(time, status) ~ sex, lung)) median for sex=1 is 270
        Assert.Equal(270, group.GetProperty("median").GetDouble());
    }

    [Fact]
    public void Quantities_r_prints_as_na_are_null()
    {
        var fit = ProductLimit.Fit(Lung("sex"), new KaplanMeierOptions { Times = [5000] });
        using var doc = JsonDocument.Parse(JsonOutput.Serialize(SurvivalJson.From(fit)));
        var group = doc.RootElement.GetProperty("groups")[0];
        Assert.Equal(JsonValueKind.Null, group.GetProperty("rmst").ValueKind);     // no horizon requested
        Assert.Equal(JsonValueKind.Null, group.GetProperty("at")[0].GetProperty("survival").ValueKind); // beyond follow-up
    }

    [Fact]
    public void Logrank_json_has_the_contract_names_and_trend_only_when_requested()
    {
        var plain = LogRankTest.Compute(Lung("ph.ecog"), new LogRankOptions { Pairwise = PValueAdjustment.BenjaminiHochberg });
        using var doc = JsonDocument.Parse(JsonOutput.Serialize(SurvivalJson.From(plain)));
        Assert.Equal(["statistic", "df", "p", "groups", "pairwise"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["group", "n", "observed", "expected"], doc.RootElement.GetProperty("groups")[0].EnumerateObject().Select(p => p.Name));
        var pair = doc.RootElement.GetProperty("pairwise")[0];
        Assert.Equal(["group_a", "group_b", "statistic", "p", "p_adjusted", "method"], pair.EnumerateObject().Select(p => p.Name));
        Assert.Equal("BH", pair.GetProperty("method").GetString());

        var withTrend = LogRankTest.Compute(Lung("ph.ecog"), new LogRankOptions { Trend = true });
        using var doc2 = JsonDocument.Parse(JsonOutput.Serialize(SurvivalJson.From(withTrend)));
        Assert.Equal(["scores", "statistic", "df", "p"], doc2.RootElement.GetProperty("trend").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Tree_json_lists_splits_depth_first_and_leaves_left_to_right()
    {
        var model = LogRankTree.Grow(CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv")), "time", "status",
            ["karno", "celltype"], new SurvivalTreeOptions { MinNodeSize = 15 });
        using var doc = JsonDocument.Parse(JsonOutput.Serialize(SurvivalJson.From(model)));
        var root = doc.RootElement;
        Assert.Equal(["dropped_rows", "splits", "leaves"], root.EnumerateObject().Select(p => p.Name));
        var first = root.GetProperty("splits")[0];
        Assert.Equal("all patients", first.GetProperty("rule").GetString());
        Assert.Equal("karno", first.GetProperty("feature").GetString()); // R brute force: karno <= 40 (reference "tree")
        Assert.Equal(model.Leaves.Count, root.GetProperty("leaves").GetArrayLength());
        Assert.Equal(137, root.GetProperty("leaves").EnumerateArray().Sum(l => l.GetProperty("n").GetInt32()));
    }
}
