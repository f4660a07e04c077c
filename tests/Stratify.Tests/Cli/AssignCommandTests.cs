using System.Text.Json;
using Stratify.Data;
using Stratify.Simulation;

namespace Stratify.Tests.Cli;

/// <summary>
/// `stratify assign`: model.json places the training cohort exactly as assignments.parquet did, for every subgroup
/// method, and refuses a file it cannot read the model's features from.
/// </summary>
public class AssignCommandTests
{
    private const string LungRoles = """
        time: time
        event: status
        event_coding: 1/2
        treatment: sex
        treatment_reference: male
        design: randomised
        seed: 3
        """;

    private const string LungFeatures = """
          features:
            numeric: [age, ph.karno, wt.loss]
            ordinal:
              ph.ecog: [0, 1, 2, 3]
        """;

    private const string TrialRoles = """
        id: patient_id
        time: time
        event: event
        treatment: arm
        treatment_reference: control
        design: randomised
        seed: 3
        """;

    /// <summary>name → (data file, roles, subgroups block, validation).</summary>
    public static TheoryData<string> Methods => ["kmedoids", "kmedoids_split", "kmeans", "gmm", "hierarchical_split", "tree", "column", "interaction_tree", "stepp_split"];

    private static (string Data, string Spec) Case(string name, TempFolder dir)
    {
        string lung = RepoPaths.Dataset("lung.parquet");
        string veteran = RepoPaths.Dataset("veteran.parquet");
        string trial = dir.File("trial.parquet");
        if (name is "interaction_tree" or "stepp_split") CohortSimulator.Write(trial, 800, seed: 4, SimulationModel.For(SimulationScenario.Biomarker));
        string Clustering(string method, string k) => $"subgroups:\n  method: {method}\n{LungFeatures}\n  k: {k}\n  bootstrap: 0\n";
        return name switch
        {
            "kmedoids" => (lung, $"{LungRoles}\n{Clustering("kmedoids", "2..3")}"),
            "kmedoids_split" => (lung, $"{LungRoles}\n{Clustering("kmedoids", "3")}validation: split\n"),
            "kmeans" => (lung, $"{LungRoles}\n{Clustering("kmeans", "3")}"),
            "gmm" => (lung, $"{LungRoles}\n{Clustering("gmm", "2")}"),
            "hierarchical_split" => (lung, $"{LungRoles}\n{Clustering("hierarchical", "3")}validation: split\n"),
            "tree" => (veteran, "time: time\nevent: status\ntreatment: trt\ndesign: randomised\nsubgroups:\n  method: tree\n  features:\n    numeric: [karno, age]\n    categorical: [celltype]\n  min_node_size: 15\n"),
            "column" => (veteran, "time: time\nevent: status\ntreatment: trt\ndesign: randomised\nsubgroups:\n  method: column\n  column: celltype\n"),
            "interaction_tree" => (trial, $"{TrialRoles}\nsubgroups:\n  method: interaction_tree\n  features:\n    numeric: [biomarker, age]\n    categorical: [histology]\n    ordinal: {{ecog: [0, 1, 2, 3]}}\n  min_node_size: 40\n"),
            _ => (trial, $"{TrialRoles}\nsubgroups:\n  method: stepp\n  marker: biomarker\n  window: 150\n  overlap: 100\n  permutations: 20\nvalidation: split\n"),
        };
    }

    private static Dictionary<string, string> SubgroupById(string parquet)
    {
        var cohort = ParquetCohortReader.Read(parquet);
        var id = cohort.Columns[0];
        var subgroup = cohort["subgroup"];
        return Enumerable.Range(0, cohort.RowCount).ToDictionary(i => id.Format(i), i => subgroup.Format(i));
    }

    private static string Run(TempFolder dir, string data, string spec)
    {
        File.WriteAllText(dir.File("study.yaml"), $"data: {data}\n{spec}");
        var run = CliRunner.Run("run", dir.File("study.yaml"), "--out", dir.File("out"), "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);
        return Path.Combine(dir.File("out"), "model.json");
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void Assigning_the_training_cohort_reproduces_the_run_s_assignments(string name)
    {
        using var dir = new TempFolder();
        var (data, spec) = Case(name, dir);
        var model = Run(dir, data, spec);
        var assign = CliRunner.Run("assign", model, data, "--out", dir.File("assigned.parquet"));
        Assert.True(assign.ExitCode == 0, assign.Error);
        var expected = SubgroupById(Path.Combine(dir.File("out"), "assignments.parquet"));
        var actual = SubgroupById(dir.File("assigned.parquet"));
        Assert.True(expected.Count >= 100);
        Assert.True(expected.Values.Distinct().Count() >= 2, "the run found at least two subgroups");
        foreach (var (id, subgroup) in expected) Assert.True(actual[id] == subgroup, $"patient {id}: run {subgroup}, assign {actual[id]}");
        var method = JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("model").GetProperty("method").GetString();
        Assert.Equal(name.Replace("_split", ""), method);
        // k-medoids, k-means and mixtures place their own training patients in their fitted clusters (no tie here), so
        // the rule changes nothing; only hierarchical clusters can hold a patient nearer another centroid.
        var warnings = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement.GetProperty("warnings")
            .EnumerateArray().Select(w => w.GetProperty("text").GetString()!);
        if (name is "kmedoids" or "kmedoids_split" or "kmeans" or "gmm") Assert.DoesNotContain(warnings, w => w.Contains("nearer another subgroup"));
    }

    [Fact]
    public void Each_patient_gets_the_subgroup_s_estimated_effect_from_results_json()
    {
        using var dir = new TempFolder();
        var (data, spec) = Case("kmedoids", dir);
        var model = Run(dir, data, spec);
        Assert.Equal(0, CliRunner.Run("assign", model, data, "--out", dir.File("assigned.csv")).ExitCode);
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement;
        var effects = results.GetProperty("treatment").GetProperty("by_subgroup").EnumerateArray()
            .ToDictionary(e => e.GetProperty("subgroup").GetString()!, e => e.GetProperty("hr").GetDouble());
        var assigned = CsvCohortReader.Read(dir.File("assigned.csv"));
        var hr = (NumericColumn)assigned["hr"];
        for (int i = 0; i < assigned.RowCount; i++)
            Assert.Equal(effects[assigned["subgroup"].Format(i)], hr.Values[i]);
    }

    [Fact]
    public void Model_json_names_the_treatment_and_its_effects_as_results_json_schema_2_does()
    {
        using var dir = new TempFolder();
        var (data, spec) = Case("kmedoids", dir);
        var model = JsonDocument.Parse(File.ReadAllText(Run(dir, data, spec))).RootElement;
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement.GetProperty("treatment");
        var treatment = model.GetProperty("treatment");
        foreach (var key in new[] { "column", "reference", "treated", "design", "bottom_line" })
            Assert.Equal(results.GetProperty(key).GetRawText(), treatment.GetProperty(key).GetRawText());
        string[] shared = ["estimable", "hr", "hr_lower", "hr_upper", "p", "adjusted_for", "unadjusted", "rmst_difference", "rmst_difference_se",
            "rmst_difference_lower", "rmst_difference_upper", "verdict", "sentence"];
        foreach (var key in shared) Assert.Equal(results.GetProperty("overall").GetProperty(key).GetRawText(), treatment.GetProperty("overall").GetProperty(key).GetRawText());
        var bySubgroup = results.GetProperty("by_subgroup").EnumerateArray().ToArray();
        var subgroups = model.GetProperty("subgroups").EnumerateArray().ToArray();
        Assert.Equal(bySubgroup.Length, subgroups.Length);
        for (int s = 0; s < subgroups.Length; s++)
        {
            Assert.Equal(bySubgroup[s].GetProperty("subgroup").GetString(), subgroups[s].GetProperty("id").GetString());
            foreach (var key in shared.Append("shrunken"))
                Assert.Equal(bySubgroup[s].GetProperty(key).GetRawText(), subgroups[s].GetProperty("effect").GetProperty(key).GetRawText());
        }
    }

    [Fact]
    public void A_file_without_a_feature_is_refused_naming_the_column()
    {
        using var dir = new TempFolder();
        var (data, spec) = Case("kmeans", dir);
        var model = Run(dir, data, spec);
        var lung = ParquetCohortReader.Read(data);
        ParquetCohortWriter.Write(new Cohort(lung.Columns.Where(c => c.Name != "wt.loss").ToList(), "new"), dir.File("new.parquet"));
        var result = CliRunner.Run("assign", model, dir.File("new.parquet"), "--out", dir.File("assigned.parquet"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'wt.loss'", result.Error);
        Assert.Contains("needs this column", result.Error);
        Assert.False(File.Exists(dir.File("assigned.parquet")));
    }

    [Fact]
    public void A_level_never_seen_in_training_is_refused_naming_column_row_and_value()
    {
        using var dir = new TempFolder();
        var (data, spec) = Case("tree", dir);
        var model = Run(dir, data, spec);
        var veteran = ParquetCohortReader.Read(data);
        var celltype = Enumerable.Range(0, veteran.RowCount).Select(i => i == 4 ? "mesothelioma" : veteran["celltype"].Format(i)).ToArray();
        ParquetCohortWriter.Write(new Cohort([.. veteran.Columns.Where(c => c.Name != "celltype"), CategoricalColumn.FromStrings("celltype", celltype)], "new"),
            dir.File("new.parquet"));
        var result = CliRunner.Run("assign", model, dir.File("new.parquet"), "--out", dir.File("assigned.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'celltype', row 5", result.Error);
        Assert.Contains("'mesothelioma'", result.Error);
        Assert.False(File.Exists(dir.File("assigned.csv")));
    }

    [Fact]
    public void A_patient_missing_a_value_the_rule_needs_is_unassigned_with_the_reason()
    {
        using var dir = new TempFolder();
        var (data, spec) = Case("tree", dir);
        var model = Run(dir, data, spec);
        var veteran = ParquetCohortReader.Read(data);
        var karno = (NumericColumn)veteran["karno"];
        var missing = Enumerable.Range(0, veteran.RowCount).Select(i => i == 0).ToArray();
        ParquetCohortWriter.Write(new Cohort([.. veteran.Columns.Where(c => c.Name != "karno"), new NumericColumn("karno", karno.Values, missing)], "new"),
            dir.File("new.parquet"));
        var result = CliRunner.Run("assign", model, dir.File("new.parquet"), "--out", dir.File("assigned.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var assigned = CsvCohortReader.Read(dir.File("assigned.csv"));
        Assert.Equal("unassigned", assigned["subgroup"].Format(0));
        // No training patient lacked karno, so the run's imputation has no fill for it.
        Assert.Equal("missing karno, which no training patient lacked", assigned["not_placed_because"].Format(0));
        Assert.All(Enumerable.Range(1, assigned.RowCount - 1), i => Assert.NotEqual("unassigned", assigned["subgroup"].Format(i)));
    }

    [Fact]
    public void A_patient_missing_a_complete_case_feature_is_unassigned_and_an_imputed_one_takes_the_training_fill()
    {
        using var dir = new TempFolder();
        // lung: wt.loss and ph.karno have gaps in training; wt.loss is imputed (median of the training patients), ph.karno complete-case.
        var (data, _) = Case("kmeans", dir);
        var model = Run(dir, data, $"{LungRoles}\nsubgroups:\n  method: kmeans\n  k: 3\n  bootstrap: 0\n{LungFeatures}\n  missing:\n    default: impute\n    ph.karno: complete_case\n");
        var features = JsonDocument.Parse(File.ReadAllText(model)).RootElement.GetProperty("model").GetProperty("features").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!);
        Assert.Equal("complete_case", features["ph.karno"].GetProperty("missing").GetString());
        Assert.Equal("impute", features["wt.loss"].GetProperty("missing").GetString());
        double fill = double.Parse(features["wt.loss"].GetProperty("fill").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var lung = ParquetCohortReader.Read(data);
        var karno = (NumericColumn)lung["ph.karno"];
        var loss = (NumericColumn)lung["wt.loss"];
        int complete = Enumerable.Range(0, lung.RowCount).First(i => !karno.IsMissing(i) && !loss.IsMissing(i) && !lung["ph.ecog"].IsMissing(i) && !lung["age"].IsMissing(i));
        // Patient 0: ph.karno missing. Patient 1: wt.loss missing. Patient 2: wt.loss set to the fill by hand.
        var rows = new[] { complete, complete, complete };
        Column Pick(Column c) => c is NumericColumn n
            ? new NumericColumn(c.Name, rows.Select(r => n.Values[r]).ToArray(), rows.Select(r => n.IsMissing(r)).ToArray())
            : CategoricalColumn.FromStrings(c.Name, rows.Select(r => c.IsMissing(r) ? null : c.Format(r)).ToArray());
        Cohort Copy(double?[] lossValues, bool[] karnoMissing) => new(lung.Columns.Select(c => c.Name switch
        {
            "wt.loss" => new NumericColumn("wt.loss", lossValues.Select(v => v ?? 0).ToArray(), lossValues.Select(v => v is null).ToArray()),
            "ph.karno" => new NumericColumn("ph.karno", rows.Select(r => karno.Values[r]).ToArray(), karnoMissing),
            _ => Pick(c),
        }).ToList(), "new");
        ParquetCohortWriter.Write(Copy([loss.Values[complete], null, fill], [true, false, false]), dir.File("new.parquet"));
        var result = CliRunner.Run("assign", model, dir.File("new.parquet"), "--out", dir.File("assigned.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var assigned = CsvCohortReader.Read(dir.File("assigned.csv"));
        Assert.Equal("unassigned", assigned["subgroup"].Format(0));
        Assert.Equal("missing ph.karno", assigned["not_placed_because"].Format(0));
        Assert.NotEqual("unassigned", assigned["subgroup"].Format(1));
        Assert.Equal(assigned["subgroup"].Format(2), assigned["subgroup"].Format(1));
    }

    [Theory]
    [InlineData("{\"schema_version\": \"1.0\"}", "not a Stratify subgroup model")]
    [InlineData("not json", "not a Stratify subgroup model")]
    public void A_file_that_is_not_a_model_is_refused(string text, string message)
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("model.json"), text);
        var result = CliRunner.Run("assign", dir.File("model.json"), RepoPaths.Dataset("lung.parquet"), "--out", dir.File("a.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(File.Exists(dir.File("a.csv")));
    }
}
