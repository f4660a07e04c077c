using Stratify.Data;

namespace Stratify.Tests.Data;

public class StudySpecReaderTests
{
    private static StudySpec ReadYaml(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("study.yaml"), yaml);
        return StudySpecReader.Read(dir.File("study.yaml"));
    }

    [Fact]
    public void Reads_every_role_with_paths_relative_to_the_spec_folder()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            title: Trial
            data: [a.parquet, parts/]
            id: pid
            time: t
            time_unit: months
            event: dead
            event_value: [yes]
            censored_value: no
            treatment: arm
            treatment_reference: placebo
            covariates:
              numeric: [age]
              categorical: {sex: f, site: ~}
              ordinal: {ecog: [0, 1, 2]}
            strata: [centre]
            group: arm
            output: results
            seed: 7
            small_cell_threshold: 10
            """);
        Assert.Equal([Path.Combine(dir.Path, "a.parquet"), Path.Combine(dir.Path, "parts")], spec.Data.Select(p => p.TrimEnd('/')).ToArray());
        Assert.Equal(TimeUnit.Months, spec.TimeUnit);
        Assert.Equal(EventCoding.Declared, spec.EventCoding);
        Assert.Equal(["yes"], spec.EventValues);
        Assert.Equal(["no"], spec.CensoredValues);
        Assert.Equal(
            [new CovariateSpec("age", CovariateKind.Numeric), new CovariateSpec("sex", CovariateKind.Categorical, "f"),
             new CovariateSpec("site", CovariateKind.Categorical)],
            spec.Covariates.Take(3).ToArray());
        Assert.Equal(["0", "1", "2"], spec.Covariates[3].Levels);
        Assert.Equal(Path.Combine(dir.Path, "results"), spec.Output);
        Assert.Equal(7, spec.Seed);
        Assert.Equal(10, spec.SmallCellThreshold);
    }

    [Fact]
    public void An_unknown_key_names_its_line_and_suggests_the_closest_key()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "data: x.parquet\ncovariate: [age]\n"));
        Assert.Equal($"{dir.File("study.yaml")}: line 2: unknown key 'covariate'. Did you mean 'covariates'?", error.Message);
    }

    [Fact]
    public void An_unknown_covariate_kind_suggests_the_closest()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "covariates:\n  numerics: [age]\n"));
        Assert.Contains("line 2: unknown key 'numerics' under 'covariates'. Did you mean 'numeric'?", error.Message);
    }

    [Fact]
    public void Invalid_yaml_names_the_line()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "data: [a\ntime: t\n"));
        Assert.Contains("not valid YAML", error.Message);
        Assert.Contains("study.yaml", error.Message);
    }

    [Fact]
    public void An_unknown_time_unit_lists_the_units()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "time_unit: fortnights\n"));
        Assert.Contains("unknown time unit (value: 'fortnights'). Use days, weeks, months or years.", error.Message);
    }

    [Fact]
    public void A_missing_spec_file_is_refused()
    {
        var error = Assert.Throws<StratifyInputException>(() => StudySpecReader.Read("/no/study.yaml"));
        Assert.StartsWith("/no/study.yaml: study spec not found", error.Message);
    }

    [Theory]
    [InlineData("lung.yaml")]
    [InlineData("gbsg.yaml")]
    [InlineData("rotterdam.yaml")]
    [InlineData("veteran.yaml")]
    public void Every_bundled_spec_binds_its_bundled_data(string file)
    {
        var bound = StudyBinder.Load(StudySpecReader.Read(RepoPaths.Dataset(file)));
        Assert.True(bound.RowCount > 100);
        Assert.True(bound.EventCount > 0);
    }
}

public class StudySpecSubgroupTests
{
    private static StudySpec ReadYaml(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("study.yaml"), yaml);
        return StudySpecReader.Read(dir.File("study.yaml"));
    }

    [Fact]
    public void Reads_subgroups_landmarks_horizon_and_validation()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            subgroups:
              method: k-medoids
              features:
                numeric: [age, nodes]
                categorical: [grade]
              k: 2..5
              bootstrap: 20
            landmarks: [365, 730]
            rmst_horizon: 1825
            validation: {mode: split, fraction: 0.6, seed: 3}
            """);
        Assert.Equal(SubgroupMethod.KMedoids, spec.Subgroups!.Method);
        Assert.Equal((2, 5), (spec.Subgroups.KMin, spec.Subgroups.KMax));
        Assert.Equal(20, spec.Subgroups.Bootstrap);
        Assert.Equal(3, spec.Subgroups.Features.Count);
        Assert.Equal([365.0, 730.0], spec.Landmarks);
        Assert.Equal(1825.0, spec.RmstHorizon);
        Assert.Equal(new ValidationSpec { Mode = ValidationMode.Split, Fraction = 0.6, Seed = 3 }, spec.Validation);
    }

    [Theory]
    [InlineData("subgroups:\n  methd: kmeans\n", "unknown key 'methd' under 'subgroups'. Did you mean 'method'?")]
    [InlineData("subgroups:\n  method: dbscan\n", "unknown subgroup method (value: 'dbscan')")]
    [InlineData("subgroups:\n  method: kmeans\n  features: [age]\n  k: 1\n", "k must be a whole number ≥ 2 or a range such as 2..8 (value: '1')")]
    [InlineData("subgroups:\n  method: kmeans\n", "clustering needs 'features:'")]
    [InlineData("subgroups:\n  method: column\n", "subgroups by column need 'column: <name>'")]
    [InlineData("validation: {mode: split, fraction: 0.99}\n", "validation fraction must be between 0.1 and 0.9 (value: '0.99')")]
    [InlineData("landmarks: [365, -1]\n", "'landmarks' needs positive numbers")]
    public void Bad_subgroup_and_validation_settings_are_refused(string yaml, string message)
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, yaml));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Reads_the_design_the_interaction_threshold_and_the_fewest_events_per_arm()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            treatment: chemo
            design: observational
            interaction_alpha: 0.1
            min_events_per_arm: 10
            """);
        Assert.Equal(StudyDesign.Observational, spec.Design);
        Assert.Equal(0.1, spec.InteractionAlpha);
        Assert.Equal(10, spec.MinEventsPerArm);
        Assert.Equal(StudyDesign.Randomised, ReadYaml(dir, "design: randomized").Design);
        var defaults = ReadYaml(dir, "treatment: arm");
        Assert.Null(defaults.Design);
        Assert.Equal(0.05, defaults.InteractionAlpha);
        Assert.Equal(5, defaults.MinEventsPerArm);
    }

    [Theory]
    [InlineData("design: maybe", "unknown design")]
    [InlineData("interaction_alpha: 1.5", "'interaction_alpha' must be a probability between 0 and 1")]
    [InlineData("interaction_alpha: 0", "'interaction_alpha' must be a probability between 0 and 1")]
    [InlineData("min_events_per_arm: 0", "'min_events_per_arm' must be a whole number")]
    public void Bad_design_and_treatment_thresholds_are_refused(string yaml, string message)
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, yaml));
        Assert.Contains(message, error.Message);
        Assert.Contains("line 1", error.Message);
    }

    [Fact]
    public void An_unknown_design_says_what_each_design_means()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "design: trial"));
        Assert.Contains("design: randomised when the treatment was assigned by chance", error.Message);
        Assert.Contains("design: observational when clinicians or patients chose it", error.Message);
    }

    [Fact]
    public void Reads_the_treatment_weighting_as_a_word_or_with_a_trim()
    {
        using var dir = new TempFolder();
        Assert.Equal(new TreatmentWeightingSpec(TreatmentWeightingMethod.Iptw), ReadYaml(dir, "weights: iptw").TreatmentWeighting);
        Assert.Equal(new TreatmentWeightingSpec(TreatmentWeightingMethod.None), ReadYaml(dir, "weights: none").TreatmentWeighting);
        Assert.Equal(new TreatmentWeightingSpec(TreatmentWeightingMethod.Iptw, 0.01), ReadYaml(dir, "weights: {method: iptw, trim: 0.01}").TreatmentWeighting);
        Assert.Null(ReadYaml(dir, "design: observational").TreatmentWeighting);
    }

    [Theory]
    [InlineData("weights: ipw", "unknown weighting method (value: 'ipw')")]
    [InlineData("weights: {method: iptw, trim: 0.6}", "the weight trim must lie strictly between 0 and 0.5")]
    [InlineData("weights: {method: iptw, trimming: 0.01}", "unknown key 'trimming' under 'weights'")]
    public void Bad_treatment_weighting_is_refused(string yaml, string message)
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, yaml));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void The_spec_as_run_writes_the_design_the_weighting_and_the_thresholds_back()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, """
            treatment: chemo
            design: observational
            weights: {method: iptw, trim: 0.02}
            interaction_alpha: 0.1
            min_events_per_arm: 8
            """);
        var again = ReadYaml(dir, StudySpecWriter.ToYaml(spec));
        Assert.Equal((spec.Design, spec.TreatmentWeighting, spec.InteractionAlpha, spec.MinEventsPerArm),
            (again.Design, again.TreatmentWeighting, again.InteractionAlpha, again.MinEventsPerArm));
    }
}
