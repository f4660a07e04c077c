using System.Text.Json;

namespace Stratify.Tests.Cli;

/// <summary>
/// km, logrank and cox end to end (Parquet read, binding, estimator, JSON) against R's survival 3.5 on the same
/// rows: tests/reference/cli_reference.R wrote cli_reference.json.
/// </summary>
public class SurvivalCommandTests
{
    /// <summary>Relative tolerances through the printed JSON (which keeps every digit): estimates 1e-13 (measured
    /// 1.4e-14, a Breslow coefficient), p-values 5e-13 (measured 4.1e-14 at p = 7e-7).</summary>
    private const double Estimate = 1e-13, PValue = 5e-13;

    private static readonly JsonElement Reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("cli_reference.json"))).RootElement;

    private static JsonElement RunJson(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    private static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static void Close(double expected, double actual, double relative = Estimate) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1e-300, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Fact]
    public void Km_on_the_lung_spec_matches_survfit_medians_rmst_and_landmark()
    {
        var km = RunJson("km", RepoPaths.Dataset("lung.yaml"), "--at", "365", "--rmst", "730", "--conf-type", "log-log");
        var r = Reference.GetProperty("km");
        Assert.Equal("log-log", km.GetProperty("conf_type").GetString());
        var groups = km.GetProperty("groups").EnumerateArray().ToDictionary(g => g.GetProperty("group").GetString()!);
        var names = r.GetProperty("groups").EnumerateArray().Select(g => g.GetString()!).ToArray();
        for (int i = 0; i < names.Length; i++)
        {
            var g = groups[names[i]];
            Assert.Equal(r.GetProperty("n")[i].GetInt32(), g.GetProperty("n").GetInt32());
            Assert.Equal(r.GetProperty("events")[i].GetInt32(), g.GetProperty("events").GetInt32());
            Assert.Equal(r.GetProperty("median")[i].GetDouble(), g.GetProperty("median").GetDouble());
            Assert.Equal(r.GetProperty("median_lower")[i].GetDouble(), g.GetProperty("median_lower").GetDouble());
            Assert.Equal(r.GetProperty("median_upper")[i].GetDouble(), g.GetProperty("median_upper").GetDouble());
            Close(r.GetProperty("rmst")[i].GetDouble(), g.GetProperty("rmst").GetDouble());
            Close(r.GetProperty("rmst_se")[i].GetDouble(), g.GetProperty("rmst_se").GetDouble());
            var at = g.GetProperty("at")[0];
            Close(r.GetProperty("at_survival")[i].GetDouble(), at.GetProperty("survival").GetDouble());
            Close(r.GetProperty("at_lower")[i].GetDouble(), at.GetProperty("lower").GetDouble());
            Close(r.GetProperty("at_upper")[i].GetDouble(), at.GetProperty("upper").GetDouble());
            Assert.Equal(r.GetProperty("at_n_risk")[i].GetInt32(), at.GetProperty("n_risk").GetInt32());
        }
    }

    [Fact]
    public void Km_reports_quantiles_and_nelson_aalen_on_request()
    {
        var km = RunJson("km", RepoPaths.Dataset("veteran.yaml"), "--quantiles", "0.25,0.75", "--cumhaz");
        Assert.Equal(4, km.GetProperty("quantiles").GetArrayLength()); // 2 arms × 2 quantiles
        var na = km.GetProperty("nelson_aalen")[0];
        Assert.Equal(na.GetProperty("time").GetArrayLength(), na.GetProperty("cumhaz").GetArrayLength());
    }

    [Fact]
    public void Logrank_with_peto_weights_matches_survdiff_rho_1()
    {
        var lr = RunJson("logrank", RepoPaths.Dataset("veteran.parquet"), "--time", "time", "--event", "status", "--group", "celltype", "--rho", "1");
        var r = Reference.GetProperty("logrank");
        Close(r.GetProperty("statistic").GetDouble(), lr.GetProperty("statistic").GetDouble());
        Assert.Equal(r.GetProperty("df").GetInt32(), lr.GetProperty("df").GetInt32());
        Close(r.GetProperty("p").GetDouble(), lr.GetProperty("p").GetDouble(), PValue);
        Assert.Equal(r.GetProperty("groups").EnumerateArray().Select(g => g.GetString()), lr.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()));
        for (int i = 0; i < 4; i++)
        {
            Close(r.GetProperty("observed")[i].GetDouble(), lr.GetProperty("groups")[i].GetProperty("observed").GetDouble());
            Close(r.GetProperty("expected")[i].GetDouble(), lr.GetProperty("groups")[i].GetProperty("expected").GetDouble());
        }
    }

    [Fact]
    public void Logrank_stratified_by_two_columns_matches_survdiff_with_their_combined_strata()
    {
        var lr = RunJson("logrank", RepoPaths.Dataset("gbsg.parquet"), "--time", "rfstime", "--event", "status", "--group", "hormon", "--strata", "meno,grade");
        var r = Reference.GetProperty("stratified");
        Close(r.GetProperty("statistic").GetDouble(), lr.GetProperty("statistic").GetDouble());
        for (int i = 0; i < 2; i++)
        {
            Close(r.GetProperty("observed")[i].GetDouble(), lr.GetProperty("groups")[i].GetProperty("observed").GetDouble());
            Close(r.GetProperty("expected")[i].GetDouble(), lr.GetProperty("groups")[i].GetProperty("expected").GetDouble());
        }
    }

    [Fact]
    public void Cox_with_cluster_matches_coxph_robust_and_cox_zph()
    {
        var cox = RunJson("cox", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status", "--covariates", "age,sex,ph.ecog",
            "--categorical", "sex", "--reference", "sex=male", "--cluster", "inst", "--check-ph");
        var r = Reference.GetProperty("cox");
        Assert.Equal(r.GetProperty("n").GetInt32(), cox.GetProperty("n").GetInt32());
        Assert.Equal(r.GetProperty("events").GetInt32(), cox.GetProperty("events").GetInt32());
        var terms = cox.GetProperty("terms");
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(r.GetProperty("terms")[i].GetString(), terms[i].GetProperty("term").GetString());
            Close(r.GetProperty("coef")[i].GetDouble(), terms[i].GetProperty("coef").GetDouble());
            Close(r.GetProperty("se")[i].GetDouble(), terms[i].GetProperty("se").GetDouble());
            Close(r.GetProperty("robust_se")[i].GetDouble(), terms[i].GetProperty("robust_se").GetDouble());
            Close(r.GetProperty("p")[i].GetDouble(), terms[i].GetProperty("p").GetDouble(), PValue);
        }
        Close(r.GetProperty("loglik")[0].GetDouble(), cox.GetProperty("loglik").GetProperty("null").GetDouble());
        Close(r.GetProperty("loglik")[1].GetDouble(), cox.GetProperty("loglik").GetProperty("model").GetDouble());
        Close(r.GetProperty("concordance").GetDouble(), cox.GetProperty("concordance").GetProperty("c").GetDouble());
        var zph = cox.GetProperty("ph_test");
        var chisq = Numbers(r.GetProperty("zph_chisq"));
        for (int i = 0; i < 3; i++) Close(chisq[i], zph.GetProperty("terms")[i].GetProperty("chisq").GetDouble());
        Close(chisq[3], zph.GetProperty("global").GetProperty("chisq").GetDouble());
    }

    [Fact]
    public void Cox_from_the_gbsg_spec_with_breslow_ties_matches_coxph()
    {
        var cox = RunJson("cox", RepoPaths.Dataset("gbsg.yaml"), "--ties", "breslow");
        var r = Reference.GetProperty("gbsg_cox");
        var terms = cox.GetProperty("terms");
        Assert.Equal(r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()), terms.EnumerateArray().Select(t => t.GetProperty("term").GetString()));
        for (int i = 0; i < terms.GetArrayLength(); i++)
        {
            Close(r.GetProperty("coef")[i].GetDouble(), terms[i].GetProperty("coef").GetDouble());
            Close(r.GetProperty("se")[i].GetDouble(), terms[i].GetProperty("se").GetDouble());
        }
        Close(r.GetProperty("lr").GetDouble(), cox.GetProperty("tests").GetProperty("likelihood_ratio").GetProperty("statistic").GetDouble());
    }

    [Fact]
    public void Cox_predicts_survival_for_a_covariate_profile_as_survfit_newdata()
    {
        var cox = RunJson("cox", RepoPaths.Dataset("lung.yaml"), "--predict", "age=60,sex=female,ph.ecog=1");
        var r = Reference.GetProperty("predict");
        var curve = cox.GetProperty("predictions")[0].GetProperty("curves")[0];
        var time = Numbers(curve.GetProperty("time"));
        Assert.Equal(Numbers(r.GetProperty("time")), time);
        foreach (var name in new[] { "survival", "lower", "upper" })
        {
            var expected = Numbers(r.GetProperty(name));
            var actual = Numbers(curve.GetProperty(name));
            for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i]);
        }
    }

    [Fact]
    public void A_profile_with_an_unknown_level_is_refused_with_a_suggestion()
    {
        var result = CliRunner.Run("cox", RepoPaths.Dataset("lung.yaml"), "--predict", "age=60,sex=femal,ph.ecog=1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'sex'", result.Error);
        Assert.Contains("female", result.Error);
    }

    [Theory]
    [InlineData("logrank", "the log-rank test compares groups")]
    [InlineData("cox", "a Cox model needs covariates")]
    public void Missing_roles_are_refused_with_a_suggestion(string verb, string message)
    {
        var result = CliRunner.Run(verb, RepoPaths.Dataset("veteran.parquet"), "--time", "time", "--event", "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Theory]
    [InlineData("--conf-type", "logit", "unknown confidence interval type")]
    [InlineData("--conf-level", "95", "the confidence level must lie strictly between 0 and 1")]
    [InlineData("--at", "a year", "expected non-negative numbers")]
    [InlineData("--quantiles", "1.5", "quantiles must lie strictly between 0 and 1")]
    public void Bad_km_options_exit_2(string option, string value, string message)
    {
        var result = CliRunner.Run("km", RepoPaths.Dataset("lung.yaml"), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
    }

    [Fact]
    public void A_time_column_name_typo_suggests_the_column()
    {
        var result = CliRunner.Run("km", RepoPaths.Dataset("veteran.parquet"), "--time", "tme", "--event", "status");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'tme': column not found. Did you mean 'time'?", result.Error);
    }

    [Fact]
    public void Table_output_prints_the_cox_coefficients_and_tests()
    {
        var result = CliRunner.Run("cox", RepoPaths.Dataset("veteran.yaml"), "--check-ph");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("celltype=smallcell", result.Out);
        Assert.Contains("Likelihood ratio test", result.Out);
        Assert.Contains("GLOBAL", result.Out);
    }
}
