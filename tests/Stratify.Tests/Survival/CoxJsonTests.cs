using System.Text.Json;
using Stratify.Reporting;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>The Cox report's JSON has exactly the documented shape and writes R's NA as null.</summary>
public class CoxJsonTests
{
    private static JsonElement Written(string model)
    {
        var fit = CoxReferenceCase.Load(model).Fit();
        var json = JsonOutput.Serialize(CoxJson.From(fit, ProportionalHazardsTest.Compute(fit)));
        return JsonDocument.Parse(json).RootElement.GetProperty("cox");
    }

    [Fact]
    public void Report_has_the_documented_fields_in_order()
    {
        var cox = Written("veteran");
        Assert.Equal(new[] { "n", "events", "ties", "terms", "loglik", "tests", "concordance", "iterations", "converged", "warnings", "ph_test", "conf_level" },
            cox.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "term", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p", "robust_se" },
            cox.GetProperty("terms")[0].EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "likelihood_ratio", "wald", "score" }, cox.GetProperty("tests").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "statistic", "df", "p" }, cox.GetProperty("tests").GetProperty("wald").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(new[] { "chisq", "df", "p" }, cox.GetProperty("ph_test").GetProperty("global").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal("efron", cox.GetProperty("ties").GetString());
        Assert.Equal("celltype=large", cox.GetProperty("terms")[1].GetProperty("term").GetString());
    }

    [Fact]
    public void Aliased_term_is_written_with_null_estimates()
    {
        // R: coxph(Surv(time, status) ~ x1 + x2 + x3) on cox_collinear.csv gives NA for x2 = 2·x1.
        var x2 = Written("collinear").GetProperty("terms")[1];
        Assert.Equal("x2", x2.GetProperty("term").GetString());
        foreach (var field in new[] { "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p", "robust_se" })
            Assert.Equal(JsonValueKind.Null, x2.GetProperty(field).ValueKind);
    }
}
