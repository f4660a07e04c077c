using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>The <c>subgroups: missing:</c> key: one policy, or a default with per-feature overrides.</summary>
public class MissingSpecTests
{
    private static StudySpec Read(TempFolder dir, string subgroups)
    {
        File.WriteAllText(dir.File("study.yaml"), "time: t\nevent: e\nsubgroups:\n" + subgroups);
        return StudySpecReader.Read(dir.File("study.yaml"));
    }

    private const string Features = "  method: kmedoids\n  features:\n    numeric: [age, wt.loss]\n    categorical: [sex]\n";

    [Fact]
    public void Without_the_key_every_feature_is_imputed()
    {
        using var dir = new TempFolder();
        var spec = Read(dir, Features).Subgroups!;
        Assert.Equal(MissingPolicy.Impute, spec.MissingFor("wt.loss"));
    }

    [Theory]
    [InlineData("complete_case", MissingPolicy.CompleteCase)]
    [InlineData("complete-case", MissingPolicy.CompleteCase)]
    [InlineData("indicator", MissingPolicy.Indicator)]
    [InlineData("pairwise", MissingPolicy.Pairwise)]
    [InlineData("impute", MissingPolicy.Impute)]
    public void One_policy_applies_to_every_feature(string text, MissingPolicy policy)
    {
        using var dir = new TempFolder();
        var spec = Read(dir, Features + $"  missing: {text}\n").Subgroups!;
        Assert.All(spec.Features, f => Assert.Equal(policy, spec.MissingFor(f.Column)));
    }

    [Fact]
    public void A_mapping_gives_a_default_and_per_feature_overrides_and_the_spec_as_run_keeps_them()
    {
        using var dir = new TempFolder();
        var spec = Read(dir, Features + "  missing: {default: indicator, wt.loss: complete_case}\n");
        Assert.Equal((MissingPolicy.Indicator, MissingPolicy.CompleteCase, MissingPolicy.Indicator),
            (spec.Subgroups!.MissingFor("age"), spec.Subgroups.MissingFor("wt.loss"), spec.Subgroups.MissingFor("sex")));

        File.WriteAllText(dir.File("again.yaml"), StudySpecWriter.ToYaml(spec));
        var again = StudySpecReader.Read(dir.File("again.yaml")).Subgroups!;
        Assert.Equal(spec.Subgroups.Missing, again.Missing);
        Assert.Equal(spec.Subgroups.MissingByFeature, again.MissingByFeature);
    }

    [Fact]
    public void An_unknown_policy_is_refused_with_its_line_and_the_choices()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => Read(dir, Features + "  missing: mean\n"));
        Assert.Contains("line 8: unknown missing-value policy", error.Message);
        Assert.Equal("mean", error.Value);
        Assert.Contains("complete_case", error.Suggestion);
    }

    [Fact]
    public void An_override_for_a_column_that_is_not_a_feature_is_refused_with_the_closest_name()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => Read(dir, Features + "  missing: {wt_loss: indicator}\n"));
        Assert.Contains("'missing:' names 'wt_loss', which is not a feature", error.Message);
        Assert.Contains("wt.loss", error.Suggestion);
    }

    [Fact]
    public void Pairwise_is_refused_for_a_coordinate_method()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => Read(dir, Features.Replace("kmedoids", "kmeans") + "  missing: pairwise\n"));
        Assert.Contains("'missing: pairwise' is for k-medoids", error.Message);
        Assert.Contains("k-means needs a value for every patient", error.Message);
    }
}
