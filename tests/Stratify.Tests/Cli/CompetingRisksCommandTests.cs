using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Survival;

namespace Stratify.Tests.Cli;

/// <summary>
/// cuminc, km and cox on competing-risks data end to end (Parquet read, binding, estimator, JSON), against R on the
/// bundled Melanoma (tests/reference/competing_risks_reference.json, whose CSV codes are the Parquet file's labels:
/// status 1 = melanoma death, 2 = alive, 3 = other death; sex 0/1 = female/male; ulcer 0/1 = absent/present), and
/// every refusal of the competing-risks flags.
/// </summary>
public class CompetingRisksCommandTests
{
    private static readonly string Melanoma = RepoPaths.Dataset("melanoma.yaml");

    private static JsonElement RunJson(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    private static CliRunner.Result Refused(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.DoesNotContain("   at ", result.Error); // a message, never a stack trace
        return result;
    }

    private static double[] Numbers(JsonElement e) => SurvivalReference.Numbers(e);

    [Fact]
    public void Cuminc_json_has_exactly_the_documented_shape()
    {
        var json = RunJson("cuminc", Melanoma, "--at", "1826");
        Assert.Equal(["event_of_interest", "competing", "conf_type", "conf_level", "variance", "groups", "gray_test"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("melanoma death", json.GetProperty("event_of_interest").GetString());
        Assert.Equal(["other death"], json.GetProperty("competing").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(("log", "infinitesimal-jackknife"), (json.GetProperty("conf_type").GetString(), json.GetProperty("variance").GetString()));
        var group = json.GetProperty("groups")[0];
        Assert.Equal(["group", "n", "events", "competing_events", "curve", "at"], group.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "n_risk", "cuminc", "se", "lower", "upper"], group.GetProperty("curve").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "cuminc", "se", "lower", "upper", "n_risk"], group.GetProperty("at")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["statistic", "df", "p"], json.GetProperty("gray_test").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Cuminc_on_the_melanoma_spec_equals_survfit_and_a_stratified_gray_test_equals_cuminc()
    {
        var json = RunJson("cuminc", Melanoma, "--strata", "sex", "--at", "1826,3652");
        var r = CompetingRisksReference.Reference("cuminc", "melanoma_by_ulcer_strata_sex");
        string[] labels = ["absent", "present"]; // ulcer 0, 1
        var groups = r.GetProperty("groups").EnumerateArray().ToArray();
        for (int g = 0; g < 2; g++)
        {
            var ours = json.GetProperty("groups")[g];
            var cause = groups[g].GetProperty("causes")[0];
            Assert.Equal(labels[g], ours.GetProperty("group").GetString());
            Assert.Equal(groups[g].GetProperty("n").GetInt32(), ours.GetProperty("n").GetInt32());
            SurvivalReference.AssertExact(Numbers(groups[g].GetProperty("time")), Numbers(ours.GetProperty("curve").GetProperty("time")), "time");
            SurvivalReference.AssertExact(Numbers(groups[g].GetProperty("n_risk")), Numbers(ours.GetProperty("curve").GetProperty("n_risk")), "n_risk");
            foreach (var (field, reference) in new[] { ("cuminc", "pstate"), ("se", "std_err"), ("lower", "lower"), ("upper", "upper") })
                SurvivalReference.AssertClose(Numbers(cause.GetProperty(reference)), Numbers(ours.GetProperty("curve").GetProperty(field)), 1e-12, field);
            var at = cause.GetProperty("at");
            for (int i = 0; i < 2; i++)
            {
                var a = ours.GetProperty("at")[i];
                SurvivalReference.AssertClose(at.GetProperty("pstate")[i].GetDouble(), a.GetProperty("cuminc").GetDouble(), 1e-12, "cuminc at");
                SurvivalReference.AssertClose(at.GetProperty("lower")[i].GetDouble(), a.GetProperty("lower").GetDouble(), 1e-12, "lower at");
                Assert.Equal(at.GetProperty("n_risk")[i].GetInt32(), a.GetProperty("n_risk").GetInt32());
            }
        }
        var gray = r.GetProperty("gray")[0];
        SurvivalReference.AssertClose(gray.GetProperty("statistic").GetDouble(), json.GetProperty("gray_test").GetProperty("statistic").GetDouble(), 1e-12, "Gray statistic");
        SurvivalReference.AssertClose(gray.GetProperty("p").GetDouble(), json.GetProperty("gray_test").GetProperty("p").GetDouble(), 1e-10, "Gray p");
    }

    [Fact]
    public void Cuminc_with_aalen_variance_reports_cmprsks_variance()
    {
        var json = RunJson("cuminc", Melanoma, "--group", "sex", "--at", "1826,3652", "--variance", "aalen");
        Assert.Equal("aalen", json.GetProperty("variance").GetString());
        var r = CompetingRisksReference.Reference("cuminc", "melanoma_by_sex");
        for (int g = 0; g < 2; g++)
        {
            var timepoints = r.GetProperty("groups")[g].GetProperty("causes")[0].GetProperty("timepoints");
            for (int i = 0; i < 2; i++)
            {
                double se = json.GetProperty("groups")[g].GetProperty("at")[i].GetProperty("se").GetDouble();
                SurvivalReference.AssertClose(timepoints.GetProperty("var")[i].GetDouble(), se * se, 1e-12, "variance at");
            }
        }
    }

    [Fact]
    public void Cuminc_table_names_the_competing_event_the_variance_and_grays_test()
    {
        var result = CliRunner.Run("cuminc", Melanoma);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Aalen–Johansen; competing: other death; log 95% limits, infinitesimal-jackknife variance; time in days", result.Out);
        Assert.Contains("Cumulative incidence of melanoma death", result.Out);
        Assert.Contains("Gray's test (melanoma death): chi-square = 26.12 on 1 df, p < 0.001", result.Out);
        Assert.Contains("(1 − Kaplan–Meier would overstate it)", result.Out);
        Assert.Contains("│ 1826 │", result.Out); // the spec's landmarks
    }

    [Fact]
    public void Km_refuses_declared_competing_risks_and_says_why_and_what_to_use()
    {
        var error = Refused("km", Melanoma).Error;
        Assert.StartsWith($"error: {Melanoma}, column 'status': the event column holds competing risks (melanoma death vs other death).", error);
        Assert.Contains("1 − Kaplan–Meier estimates the risk in a world without the competing causes and overstates the actual risk of melanoma death", error);
        Assert.Contains("stratify cuminc", error);
    }

    [Fact]
    public void Km_refuses_an_undeclared_event_column_with_more_than_two_values()
    {
        var error = Refused("km", RepoPaths.Dataset("melanoma.parquet"), "--time", "time", "--event", "status").Error;
        Assert.Contains("column 'status': the event column holds 3 values (alive, melanoma death, other death), more than censored and event", error);
        Assert.Contains("overstates the actual risk", error);
        Assert.Contains("stratify cuminc", error);
    }

    [Fact]
    public void Cox_on_competing_risks_is_cause_specific_and_says_so()
    {
        var json = RunJson("cox", Melanoma);
        var block = json.GetProperty("competing_risks");
        Assert.Equal("cause-specific", block.GetProperty("model").GetString());
        Assert.Equal(("melanoma death", 14, 134), (block.GetProperty("event_of_interest").GetString(), block.GetProperty("competing_events").GetInt32(), block.GetProperty("censored").GetInt32()));
        Assert.Equal(57, json.GetProperty("events").GetInt32());
        var table = CliRunner.Run("cox", Melanoma).Out;
        Assert.Contains("Cause-specific Cox model for melanoma death", table);
        Assert.Contains("patients with a competing event (other death) are censored at its time", table);
        Assert.False(RunJson("cox", RepoPaths.Dataset("lung.yaml")).TryGetProperty("competing_risks", out _)); // not on two-state data
    }

    [Fact]
    public void Fine_gray_json_is_the_cox_shape_with_crrs_sandwich_and_equals_crr()
    {
        var json = RunJson("cox", Melanoma, "--model", "fine-gray");
        var r = CompetingRisksReference.Reference("fine_gray", "melanoma");
        var rTerms = r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var names = new Dictionary<string, string> { ["age"] = "age", ["thickness"] = "thickness", ["sex=male"] = "sex", ["ulcer=present"] = "ulcer" };
        Assert.Equal(["n", "events", "ties", "terms", "loglik", "tests", "concordance", "iterations", "converged", "warnings", "ph_test", "conf_level", "competing_risks"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("breslow", json.GetProperty("ties").GetString());
        foreach (var term in json.GetProperty("terms").EnumerateArray())
        {
            int k = Array.IndexOf(rTerms, names[term.GetProperty("term").GetString()!]);
            SurvivalReference.AssertClose(r.GetProperty("crr").GetProperty("coef")[k].GetDouble(), term.GetProperty("coef").GetDouble(), 1e-9, "coef");
            SurvivalReference.AssertClose(r.GetProperty("crr").GetProperty("se")[k].GetDouble(), term.GetProperty("se").GetDouble(), 1e-9, "se");
            Assert.Equal(term.GetProperty("se").GetDouble(), term.GetProperty("robust_se").GetDouble());
        }
        Assert.Equal(JsonValueKind.Null, json.GetProperty("concordance").GetProperty("c").ValueKind);
        var block = json.GetProperty("competing_risks");
        Assert.Equal("fine-gray", block.GetProperty("model").GetString());
        Assert.Contains("crr sandwich", block.GetProperty("variance").GetString());
        SurvivalReference.AssertClose(r.GetProperty("crr").GetProperty("loglik").GetDouble(), json.GetProperty("loglik").GetProperty("model").GetDouble(), 1e-9, "loglik");
    }

    [Fact]
    public void Fine_gray_predictions_equal_predict_crr_and_carry_the_total_over_causes()
    {
        var json = RunJson("cox", Melanoma, "--model", "fine-gray", "--predict", "sex=male,age=60,thickness=3,ulcer=present");
        var prediction = json.GetProperty("competing_risks").GetProperty("predictions")[0];
        var r = CompetingRisksReference.Reference("fine_gray", "melanoma").GetProperty("predicted");
        SurvivalReference.AssertExact(Numbers(r.GetProperty("time")), Numbers(prediction.GetProperty("time")), "time");
        SurvivalReference.AssertClose(Numbers(r.GetProperty("cuminc")), Numbers(prediction.GetProperty("cuminc")), 1e-9, "cuminc");
        var total = CompetingRisksReference.Section("cause_totals").GetProperty("melanoma");
        SurvivalReference.AssertClose(total.GetProperty("maximum").GetDouble(), prediction.GetProperty("cause_total_maximum").GetDouble(), 1e-9, "total");
        Assert.Equal(JsonValueKind.Null, prediction.GetProperty("cause_total_above_one_from").ValueKind);
        Assert.Empty(json.GetProperty("warnings").EnumerateArray());
    }

    [Fact]
    public void Fine_gray_warns_when_the_causes_own_predictions_add_up_above_one()
    {
        // Both causes four times as fast at x = 1 as at x = 0 (deterministic draws): each cause's own model gets a
        // positive coefficient, so at x = 3 both predicted cumulative incidences approach 1 (R's crr: 0.71 + 0.94).
        using var dir = new TempFolder();
        int n = 200;
        var time = new double[n];
        var status = new double[n];
        var x = new double[n];
        for (int i = 1; i <= n; i++)
        {
            x[i - 1] = i > n / 2 ? 1 : 0;
            double u = i * 0.618034 % 1, v = i * 0.414214 % 1;
            time[i - 1] = -Math.Log(u) / (x[i - 1] == 1 ? 4 : 0.5);
            status[i - 1] = i % 7 == 0 ? 0 : v < 0.5 ? 1 : 2;
        }
        ParquetCohortWriter.Write(new Cohort([new NumericColumn("time", time), new NumericColumn("status", status, null, SourceType.Integer), new NumericColumn("x", x, null, SourceType.Integer)], "sim"),
            dir.File("sim.parquet"));
        string[] args = ["cox", dir.File("sim.parquet"), "--time", "time", "--event", "status", "--event-of-interest", "1", "--competing", "2", "--covariates", "x", "--model", "fine-gray", "--predict", "x=3"];
        var json = RunJson(args);
        var prediction = json.GetProperty("competing_risks").GetProperty("predictions")[0];
        Assert.True(prediction.GetProperty("cause_total_maximum").GetDouble() > 1.5);
        Assert.True(prediction.GetProperty("cause_total_above_one_from").GetDouble() > 0);
        Assert.Contains(json.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("For the profile x=3, the causes' own Fine–Gray models predict cumulative incidences that add up to"));
        Assert.Contains("warning: For the profile x=3", CliRunner.Run(args).Out);
    }

    [Fact]
    public void Fine_gray_table_says_what_a_subdistribution_hazard_ratio_means()
    {
        var result = CliRunner.Run("cox", Melanoma, "--model", "fine-gray", "--predict", "baseline");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Fine–Gray model for melanoma death: n = 205, events = 57, competing events (other death) = 14, censored = 134; breslow ties", result.Out);
        Assert.Contains("Subdistribution hazard ratios (Fine & Gray 1999)", result.Out);
        Assert.Contains("Predicted cumulative incidence of melanoma death for baseline: F(1826) = ", result.Out);
    }

    [Theory]
    [InlineData(new[] { "cuminc", "--variance", "greenwood" }, "--variance: unknown variance (value: 'greenwood')")]
    [InlineData(new[] { "cuminc", "--rho", "NaN" }, "--rho: rho must be a finite number")]
    [InlineData(new[] { "cox", "--model", "aalen" }, "--model: unknown model (value: 'aalen')")]
    [InlineData(new[] { "cox", "--model", "fine-gray", "--ties", "efron" }, "--ties: a Fine–Gray model uses Breslow ties (as cmprsk's crr) (value: 'efron')")]
    [InlineData(new[] { "cox", "--model", "fine-gray", "--strata", "sex" }, "a Fine–Gray model has no strata here")]
    [InlineData(new[] { "cox", "--model", "fine-gray", "--cluster", "year" }, "a Fine–Gray model takes no cluster column")]
    [InlineData(new[] { "cox", "--model", "fine-gray", "--check-ph" }, "--check-ph tests the proportional hazards of a Cox model")]
    [InlineData(new[] { "cox", "--model", "fine-gray", "--weights", "age" }, "a Fine–Gray model takes no case weights here")]
    [InlineData(new[] { "cuminc", "--competing", "melanoma death" }, "a competing cause is the event of interest itself (value: 'melanoma death')")]
    public void Bad_competing_risks_options_are_refused(string[] args, string message)
    {
        var error = Refused([args[0], Melanoma, .. args[1..]]).Error;
        Assert.Contains(message, error);
    }

    [Theory]
    [InlineData("cuminc", "cumulative incidence needs the event of interest among the event column's causes")]
    [InlineData("fine-gray", "a Fine–Gray model needs competing risks")]
    public void Cuminc_and_fine_gray_refuse_data_without_an_event_of_interest(string verb, string message)
    {
        string[] args = verb == "cuminc" ? ["cuminc", RepoPaths.Dataset("lung.yaml")] : ["cox", RepoPaths.Dataset("lung.yaml"), "--model", "fine-gray"];
        var error = Refused(args).Error;
        Assert.Contains(message, error);
        Assert.Contains("--event-of-interest", error);
    }

    [Fact]
    public void Run_refuses_competing_risks_until_the_pipeline_handles_them()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("cr.yaml"), $"""
            data: {RepoPaths.Dataset("melanoma.parquet")}
            time: time
            event: status
            event_of_interest: melanoma death
            competing: [other death]
            censored_value: alive
            subgroups:
              method: column
              column: ulcer
            """);
        var error = Refused("run", dir.File("cr.yaml"), "--out", dir.File("out"), "--quiet").Error;
        Assert.Contains("stratify run does not analyse competing risks yet", error);
        Assert.Contains("stratify cuminc", error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Logrank_on_competing_risks_says_it_is_cause_specific()
    {
        var result = CliRunner.Run("logrank", Melanoma);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Cause-specific: patients with a competing event (other death) are censored", result.Out);
    }

    [Fact]
    public void Cuminc_refuses_a_spec_weight_it_would_otherwise_ignore()
    {
        using var dir = new TempFolder();
        var spec = File.ReadAllText(Melanoma).Replace("data: melanoma.parquet", $"data: {RepoPaths.Dataset("melanoma.parquet")}") + "\nweight: age\n";
        File.WriteAllText(dir.File("weighted.yaml"), spec);
        Assert.Contains("cumulative incidence takes no case weights here", Refused("cuminc", dir.File("weighted.yaml")).Error);
    }
}
