using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Cli;

/// <summary>The weighted lung cohort of weights_reference.R as Parquet files: as written by R, and with one bad weight.</summary>
public sealed class WeightedLungFiles : IDisposable
{
    private readonly TempFolder _folder = new();

    public WeightedLungFiles()
    {
        var cohort = CsvCohortReader.Read(RepoPaths.ReferenceFile(Path.Combine("data", "weights_lung.csv")));
        ParquetCohortWriter.Write(cohort, Lung);
        ParquetCohortWriter.Write(WithWeight(cohort, 2, -1.5), Negative);
        ParquetCohortWriter.Write(WithWeight(cohort, 4, 0), Zero);
        File.WriteAllText(Spec, $"data: {Lung}\ntime: time\nevent: status\ngroup: sex\nweight: w_frac\n");
    }

    public string Lung => _folder.File("lung_weights.parquet");
    /// <summary>Row 3 of the file has w_frac = −1.5.</summary>
    public string Negative => _folder.File("lung_negative.parquet");
    /// <summary>Row 5 of the file has w_frac = 0.</summary>
    public string Zero => _folder.File("lung_zero.parquet");
    /// <summary>A spec naming the weight column with the key weight:.</summary>
    public string Spec => _folder.File("lung_weights.yaml");

    private static Cohort WithWeight(Cohort cohort, int row, double weight)
    {
        var columns = cohort.Columns.Select(c =>
        {
            if (c.Name != "w_frac") return c;
            var values = (double[])((NumericColumn)c).Values.Clone();
            values[row] = weight;
            return new NumericColumn(c.Name, values, null, SourceType.Float);
        }).ToArray();
        return new Cohort(columns, cohort.Source);
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// km, logrank and cox with --weights (or the spec key weight:) end to end against R (weights_reference.json), the
/// JSON's weights object, and every refusal a weight can cause.
/// </summary>
public class WeightedCommandTests(WeightedLungFiles files) : IClassFixture<WeightedLungFiles>
{
    /// <summary>Largest relative difference measured: 1.7e-15 (through the printed JSON, which keeps every digit).</summary>
    private const double Tolerance = 1e-14;

    private JsonElement RunJson(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    /// <summary>Table titles wrap: compare with every run of white space as one space.</summary>
    private static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static CliRunner.Result Refused(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        return result;
    }

    [Fact]
    public void Km_with_weights_prints_survfit_with_weights_and_names_the_column()
    {
        var km = RunJson("km", files.Spec, "--rmst", "500", "--at", "365");
        var r = WeightedReference.Case("km", "lung_sex_frac_log");
        Assert.Equal("w_frac", km.GetProperty("weights").GetProperty("column").GetString());
        Assert.Equal("infinitesimal jackknife", km.GetProperty("weights").GetProperty("variance").GetString());
        var groups = km.GetProperty("groups").EnumerateArray().ToArray();
        var curves = r.GetProperty("curves").EnumerateArray().ToArray();
        var at = r.GetProperty("at");
        for (int g = 0; g < 2; g++)
        {
            var curve = groups[g].GetProperty("curve");
            AssertClose(Numbers(curves[g].GetProperty("surv")), Numbers(curve.GetProperty("survival")), Tolerance, "surv");
            AssertClose(Numbers(curves[g].GetProperty("se")), Numbers(curve.GetProperty("se")), Tolerance, "se");
            AssertClose(Numbers(curves[g].GetProperty("n_risk")), Numbers(curve.GetProperty("weighted_n_risk")), Tolerance, "n.risk");
            AssertClose(Number(curves[g].GetProperty("events")), groups[g].GetProperty("weighted_events").GetDouble(), Tolerance, "events");
            AssertClose(Number(curves[g].GetProperty("rmst")), groups[g].GetProperty("rmst").GetDouble(), Tolerance, "rmst");
            AssertClose(Number(curves[g].GetProperty("median")), groups[g].GetProperty("median").GetDouble(), 0, "median");
            var reported = groups[g].GetProperty("at")[0];
            int i = Array.IndexOf(Numbers(at.GetProperty("time")), 365.0, g == 0 ? 0 : 2);
            AssertClose(Numbers(at.GetProperty("n_risk"))[i], reported.GetProperty("weighted_n_risk").GetDouble(), Tolerance, "n.risk at 365");
            AssertClose(Numbers(at.GetProperty("surv"))[i], reported.GetProperty("survival").GetDouble(), Tolerance, "surv at 365");
        }
        var table = CliRunner.Run("km", files.Lung, "--time", "time", "--event", "status", "--group", "sex", "--weights", "w_frac");
        Assert.Contains("weighted by w_frac, robust (infinitesimal jackknife) SE", OneLine(table.Out));
    }

    [Fact]
    public void Km_without_weights_writes_no_weighted_fields()
    {
        var result = CliRunner.Run("km", files.Lung, "--time", "time", "--event", "status", "--group", "sex", "--format", "json");
        Assert.DoesNotContain("weight", result.Out);
    }

    [Fact]
    public void Logrank_with_weights_is_the_robust_score_test_of_the_weighted_cox_model()
    {
        var lr = RunJson("logrank", files.Spec);
        var r = WeightedReference.Case("logrank", "lung_sex_frac");
        AssertClose(Number(r.GetProperty("robust").GetProperty("statistic")), lr.GetProperty("statistic").GetDouble(), Tolerance, "statistic");
        AssertClose(Numbers(r.GetProperty("expected")), lr.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("expected").GetDouble()).ToArray(), Tolerance, "expected");
        var weights = lr.GetProperty("weights");
        Assert.Equal(("w_frac", "robust"), (weights.GetProperty("column").GetString(), weights.GetProperty("variance").GetString()));
        Assert.StartsWith("score test of the weighted Cox model", weights.GetProperty("test").GetString());
        Assert.Contains("Weighted log-rank (score test of the Cox model weighted by w_frac, Efron ties, robust variance)", OneLine(CliRunner.Run("logrank", files.Spec).Out));
    }

    [Fact]
    public void Cox_with_weights_equals_coxph_with_weights_and_its_robust_default()
    {
        var cox = RunJson("cox", files.Lung, "--time", "time", "--event", "status", "--covariates", "age,sex,ph.ecog", "--weights", "w_frac");
        var r = WeightedReference.Case("cox", "lung_frac_efron");
        var terms = cox.GetProperty("terms").EnumerateArray().ToArray();
        AssertClose(Numbers(r.GetProperty("coef")), terms.Select(t => t.GetProperty("coef").GetDouble()).ToArray(), Tolerance, "coef");
        AssertClose(Numbers(r.GetProperty("se")), terms.Select(t => t.GetProperty("se").GetDouble()).ToArray(), Tolerance, "se");
        AssertClose(Numbers(r.GetProperty("robust_se")), terms.Select(t => t.GetProperty("robust_se").GetDouble()).ToArray(), Tolerance, "robust se");
        AssertClose(Number(r.GetProperty("robust_score").GetProperty("statistic")), cox.GetProperty("tests").GetProperty("robust_score").GetProperty("statistic").GetDouble(), Tolerance, "robust score");
        AssertClose(Number(r.GetProperty("concordance").GetProperty("se")), cox.GetProperty("concordance").GetProperty("se").GetDouble(), Tolerance, "concordance se");
        Assert.Equal(("w_frac", "robust"), (cox.GetProperty("weights").GetProperty("column").GetString(), cox.GetProperty("weights").GetProperty("variance").GetString()));
    }

    [Fact]
    public void Cox_with_whole_number_weights_is_model_based_unless_robust_is_asked_for()
    {
        string[] args = ["cox", files.Lung, "--time", "time", "--event", "status", "--covariates", "age,sex,ph.ecog", "--weights", "w_int", "--ties", "breslow"];
        Assert.Equal("model-based", RunJson(args).GetProperty("weights").GetProperty("variance").GetString());
        var robust = RunJson([.. args, "--robust"]);
        var r = WeightedReference.Case("cox", "lung_int_breslow_robust");
        AssertClose(Numbers(r.GetProperty("robust_se")), robust.GetProperty("terms").EnumerateArray().Select(t => t.GetProperty("robust_se").GetDouble()).ToArray(), Tolerance, "robust se");
    }

    [Fact]
    public void A_negative_weight_is_refused_with_file_column_row_and_value()
    {
        var result = Refused("km", files.Negative, "--time", "time", "--event", "status", "--weights", "w_frac");
        Assert.Contains("column 'w_frac', row 3: case weight is negative (value: '-1.5')", result.Error);
    }

    [Fact]
    public void A_weight_of_0_is_refused_by_cox_and_logrank_but_not_by_km()
    {
        Assert.Contains("column 'w_frac', row 5: a case weight of 0 cannot enter a Cox model",
            Refused("cox", files.Zero, "--time", "time", "--event", "status", "--covariates", "age", "--weights", "w_frac").Error);
        Assert.Contains("column 'w_frac', row 5: a case weight of 0 cannot enter the weighted log-rank test",
            Refused("logrank", files.Zero, "--time", "time", "--event", "status", "--group", "sex", "--weights", "w_frac").Error);
        Assert.Equal(0, CliRunner.Run("km", files.Zero, "--time", "time", "--event", "status", "--weights", "w_frac").ExitCode);
    }

    [Fact]
    public void An_unknown_weight_column_is_refused_with_a_suggestion()
    {
        Assert.Contains("column 'w_fracc': column not found", Refused("km", files.Lung, "--time", "time", "--event", "status", "--weights", "w_fracc").Error);
    }

    [Fact]
    public void Weights_are_refused_with_the_ph_check_and_with_fleming_harrington_rho()
    {
        Assert.Contains("--check-ph is not available with --weights",
            Refused("cox", files.Lung, "--time", "time", "--event", "status", "--covariates", "age", "--weights", "w_frac", "--check-ph").Error);
        Assert.Contains("the Fleming–Harrington test (rho > 0) has no weighted form",
            Refused("logrank", files.Spec, "--rho", "1").Error);
    }
}
