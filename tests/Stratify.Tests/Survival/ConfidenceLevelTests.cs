using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;
using Stratify.Tests.Cli;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Survival;

/// <summary>
/// Cox intervals at levels other than 95%, against R's summary(fit, conf.int = level) and survfit(fit, newdata,
/// conf.int = level) (tests/reference/confidence_level_reference.R): 90% and 99% model-based, 80% robust (cluster
/// inst), on the rows `stratify cox datasets/lung.yaml` uses, in the library and through `stratify cox --conf-level`.
/// Largest relative difference measured: 1.5e-15 (a predicted lower limit); asserted 1e-14.
/// </summary>
public class ConfidenceLevelTests
{
    private const double Tolerance = 1e-14;
    private const string Profile = "age=60,sex=female,ph.ecog=1";

    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("confidence_level_reference.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var c in Reference.GetProperty("cases").EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    private static JsonElement Case(string name) =>
        Reference.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory, MemberData(nameof(Cases))]
    public void Hazard_ratio_intervals_and_predicted_limits_equal_R_at_the_level(string name)
    {
        var r = Case(name);
        double level = r.GetProperty("level").GetDouble();
        var spec = StudySpecReader.Read(RepoPaths.Dataset("lung.yaml"));
        if (r.GetProperty("cli").EnumerateArray().Any(a => a.GetString() == "--cluster")) spec = spec with { Cluster = "inst" };
        var bound = StudyBinder.Load(spec);
        var model = CoxProportionalHazards.Fit(bound.Time!, bound.Event!, StudyTerms.Design(bound), null,
            new CoxOptions { Cluster = bound.Cluster, ConfidenceLevel = level });

        Assert.Equal(level, model.ConfidenceLevel);
        Assert.Equal(r.GetProperty("n").GetInt32(), model.N);
        Assert.Equal(r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()), model.Coefficients.Select(c => c.Term));
        AssertClose(Numbers(r.GetProperty("hr")), model.Coefficients.Select(c => c.HazardRatio).ToArray(), Tolerance, name + " exp(coef)");
        AssertClose(Numbers(r.GetProperty("hr_lower")), model.Coefficients.Select(c => c.HazardRatioLower).ToArray(), Tolerance, name + " lower");
        AssertClose(Numbers(r.GetProperty("hr_upper")), model.Coefficients.Select(c => c.HazardRatioUpper).ToArray(), Tolerance, name + " upper");

        var row = model.Design.ProfileRow(new Dictionary<string, string> { ["age"] = "60", ["sex"] = "female", ["ph.ecog"] = "1" });
        var curve = model.PredictSurvival(row)[0];
        var predicted = r.GetProperty("predicted");
        AssertClose(Numbers(predicted.GetProperty("time")), curve.Time, 0, name + " time");
        AssertClose(Numbers(predicted.GetProperty("surv")), curve.Survival, Tolerance, name + " surv");
        AssertClose(Numbers(predicted.GetProperty("lower")), curve.Lower, Tolerance, name + " predicted lower");
        AssertClose(Numbers(predicted.GetProperty("upper")), curve.Upper, Tolerance, name + " predicted upper");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Cox_command_with_conf_level_prints_R_intervals(string name)
    {
        var r = Case(name);
        var args = new List<string> { "cox", RepoPaths.Dataset("lung.yaml"), "--predict", Profile, "--format", "json" };
        args.AddRange(r.GetProperty("cli").EnumerateArray().Select(a => a.GetString()!));
        var result = CliRunner.Run([.. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        var cox = JsonDocument.Parse(result.Out).RootElement;
        Assert.Equal(r.GetProperty("level").GetDouble(), cox.GetProperty("conf_level").GetDouble());
        var terms = cox.GetProperty("terms").EnumerateArray().ToArray();
        AssertClose(Numbers(r.GetProperty("hr_lower")), terms.Select(t => t.GetProperty("hr_lower").GetDouble()).ToArray(), Tolerance, name + " hr_lower");
        AssertClose(Numbers(r.GetProperty("hr_upper")), terms.Select(t => t.GetProperty("hr_upper").GetDouble()).ToArray(), Tolerance, name + " hr_upper");
        var curve = cox.GetProperty("predictions")[0].GetProperty("curves")[0];
        AssertClose(Numbers(r.GetProperty("predicted").GetProperty("lower")), Numbers(curve.GetProperty("lower")), Tolerance, name + " predicted lower");
        AssertClose(Numbers(r.GetProperty("predicted").GetProperty("upper")), Numbers(curve.GetProperty("upper")), Tolerance, name + " predicted upper");
    }

    [Fact]
    public void Cox_table_names_the_level_of_its_intervals()
    {
        var result = CliRunner.Run("cox", RepoPaths.Dataset("lung.yaml"), "--conf-level", "0.9");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("90% CI", result.Out);
        Assert.DoesNotContain("95% CI", result.Out);
    }

    [Theory]
    [InlineData("cox", "1.5")]
    [InlineData("cox", "0")]
    [InlineData("km", "95")]
    public void A_level_outside_0_and_1_exits_2_naming_the_option(string verb, string level)
    {
        var result = CliRunner.Run(verb, RepoPaths.Dataset("lung.yaml"), "--conf-level", level);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--conf-level", result.Error);
        Assert.Contains("strictly between 0 and 1", result.Error);
    }

    [Fact]
    public void The_library_refuses_a_level_outside_0_and_1_before_fitting()
    {
        var design = DesignMatrix.Build([CovariateTerm.Numeric("x", [1, 2, 3])]);
        var error = Assert.Throws<StratifyInputException>(() =>
            CoxProportionalHazards.Fit([1, 2, 3], [true, false, true], design, options: new CoxOptions { ConfidenceLevel = 95 }));
        Assert.Contains("strictly between 0 and 1", error.Message);
    }
}
