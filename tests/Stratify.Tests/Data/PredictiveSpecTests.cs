using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>The spec keys of the predictive subgroup methods: interaction_tree and stepp.</summary>
public class PredictiveSpecTests
{
    private static StudySpec ReadYaml(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("study.yaml"), yaml);
        return StudySpecReader.Read(dir.File("study.yaml"));
    }

    [Fact]
    public void Reads_an_interaction_tree_with_its_limits_and_the_study_s_min_events_per_arm()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            min_events_per_arm: 8
            subgroups:
              method: interaction_tree
              features: {numeric: [biomarker, age], ordinal: {ecog: [0, 1, 2, 3]}}
              min_node_size: 40
              max_depth: 2
            """);
        var s = spec.Subgroups!;
        Assert.Equal(SubgroupMethod.InteractionTree, s.Method);
        Assert.Equal((40, 2), (s.MinNodeSize, s.MaxDepth));
        Assert.Equal(["biomarker", "age", "ecog"], s.Features.Select(f => f.Column));
        // One key for the fewest events per arm: the treatment layer's estimates and the tree's children use the same.
        var options = Stratify.Stratification.PredictiveSubgroups.TreeOptions(spec);
        Assert.Equal((40, 8, 2), (options.MinNodeSize, options.MinEventsPerArm, options.MaxDepth));
        Assert.Contains("method: interaction_tree", StudySpecWriter.ToYaml(spec));
        Assert.Contains("min_events_per_arm: 8", StudySpecWriter.ToYaml(spec));
        var nested = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "subgroups:\n  method: interaction_tree\n  features: [a]\n  min_events_per_arm: 8\n"));
        Assert.Contains("min_events_per_arm", nested.Message);
    }

    [Fact]
    public void Reads_stepp_and_binds_its_marker_as_a_numeric_feature()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            subgroups:
              method: stepp
              marker: biomarker
              window: 600
              overlap: 400
              bands: 4
              permutations: 500
            """);
        var s = spec.Subgroups!;
        Assert.Equal(SubgroupMethod.Stepp, s.Method);
        Assert.Equal(("biomarker", 600, 400, 4, 500), (s.Marker, s.WindowPatients, s.WindowOverlap, s.Bands, s.Permutations));
        Assert.Equal(new CovariateSpec("biomarker", CovariateKind.Numeric), s.Features.Single());
        var written = ReadYaml(dir, StudySpecWriter.ToYaml(spec)).Subgroups!;
        Assert.Equal((s.Marker, s.WindowPatients, s.WindowOverlap, s.Bands, s.Permutations), (written.Marker, written.WindowPatients, written.WindowOverlap, written.Bands, written.Permutations));
    }

    [Fact]
    public void Stepp_without_a_marker_and_an_interaction_tree_without_features_are_refused()
    {
        using var dir = new TempFolder();
        var stepp = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "subgroups:\n  method: stepp\n  window: 300\n"));
        Assert.Contains("line 2", stepp.Message);
        Assert.Contains("'marker: <numeric column>'", stepp.Message);
        var tree = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "subgroups:\n  method: interaction_tree\n"));
        Assert.Contains("an interaction tree needs 'features:'", tree.Message);
        var unknown = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "subgroups:\n  method: interaction\n  features: [a]\n"));
        Assert.Contains("interaction_tree or stepp", unknown.Message);
    }

    [Fact]
    public void Stepp_s_marker_is_always_complete_case_and_cannot_be_imputed()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, "subgroups:\n  method: stepp\n  marker: biomarker\n  features: [age]\n  missing: impute\n");
        Assert.Equal(MissingPolicy.CompleteCase, spec.Subgroups!.MissingFor("biomarker"));
        Assert.Equal(MissingPolicy.Impute, spec.Subgroups.MissingFor("age"));
        var error = Assert.Throws<StratifyInputException>(() =>
            ReadYaml(dir, "subgroups:\n  method: stepp\n  marker: biomarker\n  missing: {default: impute, biomarker: indicator}\n"));
        Assert.Contains("cannot be filled in", error.Message);
        Assert.Contains("biomarker", error.Message);
    }
}
