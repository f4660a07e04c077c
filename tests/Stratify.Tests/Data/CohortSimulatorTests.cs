using System.Text.Json;
using Parquet;
using Stratify.Data;
using Stratify.Simulation;

namespace Stratify.Tests.Data;

public class CohortSimulatorTests
{
    [Fact]
    public void Same_n_and_seed_give_an_identical_file_and_another_seed_a_different_one()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("a.parquet"), 5000, seed: 3, rowGroupSize: 1000);
        CohortSimulator.Write(dir.File("b.parquet"), 5000, seed: 3, rowGroupSize: 1000);
        CohortSimulator.Write(dir.File("c.parquet"), 5000, seed: 4, rowGroupSize: 1000);
        Assert.Equal(File.ReadAllBytes(dir.File("a.parquet")), File.ReadAllBytes(dir.File("b.parquet")));
        Assert.NotEqual(File.ReadAllBytes(dir.File("a.parquet")), File.ReadAllBytes(dir.File("c.parquet")));
    }

    [Fact]
    public async Task The_generative_model_is_in_the_file_metadata()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("a.parquet"), 100, seed: 9);
        await using var reader = await ParquetReader.CreateAsync(dir.File("a.parquet"));
        using var json = JsonDocument.Parse(reader.CustomMetadata[CohortSimulator.MetadataKey]);
        Assert.Equal(100, json.RootElement.GetProperty("n").GetInt64());
        Assert.Equal(9, json.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(0.5, json.RootElement.GetProperty("model").GetProperty("treatment_hazard_ratio")[0].GetDouble());
        Assert.Equal("Aligned", json.RootElement.GetProperty("model").GetProperty("scenario").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("model").GetProperty("biomarker_threshold").ValueKind);
        Assert.Equal("true_subgroup A", json.RootElement.GetProperty("model").GetProperty("benefit_group").GetString());
    }

    [Fact]
    public void The_aligned_scenario_is_the_default_model()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("a.parquet"), 2000, seed: 3, rowGroupSize: 700);
        CohortSimulator.Write(dir.File("b.parquet"), 2000, seed: 3, SimulationModel.For(SimulationScenario.Aligned), rowGroupSize: 700);
        Assert.Equal(File.ReadAllBytes(dir.File("a.parquet")), File.ReadAllBytes(dir.File("b.parquet")));
        var cohort = ParquetCohortReader.Read(dir.File("a.parquet"));
        var subgroup = ((NumericColumn)cohort["true_subgroup"]).Values;
        var hr = ((NumericColumn)cohort["true_hr"]).Values;
        var benefit = ((NumericColumn)cohort["true_benefit"]).Values;
        for (int i = 0; i < cohort.RowCount; i++)
        {
            Assert.Equal(new[] { 0.5, 1.0, 1.5 }[(int)subgroup[i] - 1], hr[i]);
            Assert.Equal(subgroup[i] == 1 ? 1 : 0, benefit[i]);
        }
    }

    [Fact]
    public async Task The_biomarker_scenario_plants_benefit_above_a_threshold_unrelated_to_the_subgroups()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("b.parquet"), 20_000, seed: 5, SimulationModel.For(SimulationScenario.Biomarker));
        await using (var reader = await ParquetReader.CreateAsync(dir.File("b.parquet")))
        {
            using var json = JsonDocument.Parse(reader.CustomMetadata[CohortSimulator.MetadataKey]);
            var model = json.RootElement.GetProperty("model");
            Assert.Equal("Biomarker", model.GetProperty("scenario").GetString());
            Assert.Equal(3.2, model.GetProperty("biomarker_threshold").GetDouble());
            Assert.Equal(0.5, model.GetProperty("benefit_hazard_ratio").GetDouble());
            Assert.Equal("biomarker > 3.2", model.GetProperty("benefit_group").GetString());
        }
        var cohort = ParquetCohortReader.Read(dir.File("b.parquet"));
        var subgroup = ((NumericColumn)cohort["true_subgroup"]).Values;
        var biomarker = ((NumericColumn)cohort["biomarker"]).Values;
        var hr = ((NumericColumn)cohort["true_hr"]).Values;
        var benefit = ((NumericColumn)cohort["true_benefit"]).Values;
        for (int i = 0; i < cohort.RowCount; i++)
        {
            Assert.Equal(biomarker[i] > 3.2 ? 0.5 : 1.0, hr[i]);
            Assert.Equal(biomarker[i] > 3.2 ? 1 : 0, benefit[i]);
        }
        // log biomarker ~ Normal(1.0, 0.5) in every latent subgroup: the share above 3.2 is P(Z > (log 3.2 - 1) / 0.5) = 0.372
        // in each (binomial SD <= 0.006 per subgroup at n = 20,000), so the biomarker carries no subgroup signal.
        for (int z = 1; z <= 3; z++)
        {
            var members = Enumerable.Range(0, cohort.RowCount).Where(i => subgroup[i] == z).ToArray();
            Assert.InRange(members.Average(i => benefit[i]), 0.372 - 0.025, 0.372 + 0.025);
            Assert.InRange(members.Average(i => Math.Log(biomarker[i])), 1.0 - 0.03, 1.0 + 0.03);
        }
        // The marginal Cox HR of treatment is about the planted one on each side of the threshold (a little nearer 1
        // than 0.5 above it, since the prognostic subgroups are not in the model; about 3,000 events above, SE of
        // log HR about 0.04).
        var arm = (CategoricalColumn)cohort["arm"];
        var time = ((NumericColumn)cohort["time"]).Values;
        var died = ((NumericColumn)cohort["event"]).Values;
        double Hr(bool above)
        {
            var rows = Enumerable.Range(0, cohort.RowCount).Where(i => (benefit[i] == 1) == above).ToArray();
            var treated = rows.Select(i => arm.Levels[arm.Codes[i]] == "treated" ? 1.0 : 0.0).ToArray();
            var fit = Stratify.Survival.CoxProportionalHazards.Fit(rows.Select(i => time[i]).ToArray(), rows.Select(i => died[i] == 1).ToArray(),
                Stratify.Survival.DesignMatrix.Build([Stratify.Survival.CovariateTerm.Numeric("treated", treated)]));
            return fit.Coefficients[0].HazardRatio;
        }
        Assert.InRange(Hr(above: true), 0.45, 0.65);
        Assert.InRange(Hr(above: false), 0.88, 1.12);
    }

    [Fact]
    public void The_none_scenario_gives_every_patient_one_hazard_ratio()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("n.parquet"), 3000, seed: 5, SimulationModel.For(SimulationScenario.None));
        var cohort = ParquetCohortReader.Read(dir.File("n.parquet"));
        Assert.All(((NumericColumn)cohort["true_hr"]).Values, hr => Assert.Equal(0.7, hr));
        Assert.All(((NumericColumn)cohort["true_benefit"]).Values, b => Assert.Equal(1, b));
    }

    [Fact]
    public void The_cohort_has_the_documented_columns_and_plausible_planted_structure()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("a.parquet"), 20_000, seed: 11, rowGroupSize: 3000);
        var cohort = ParquetCohortReader.Read(dir.File("a.parquet"));
        Assert.Equal(["patient_id", "age", "sex", "ecog", "biomarker", "nodes", "histology", "arm", "time", "event", "true_subgroup", "true_hr", "true_benefit"],
            cohort.ColumnNames);
        Assert.Equal(20_000, cohort.RowCount);
        var subgroup = ((NumericColumn)cohort["true_subgroup"]).Values;
        var age = ((NumericColumn)cohort["age"]).Values;
        var time = ((NumericColumn)cohort["time"]).Values;
        var evt = ((NumericColumn)cohort["event"]).Values;
        var model = new SimulationModel();
        for (int z = 1; z <= 3; z++)
        {
            var members = Enumerable.Range(0, cohort.RowCount).Where(i => subgroup[i] == z).ToArray();
            // Subgroup shares follow the planted probabilities (binomial SD ≈ 0.0035 at n = 20,000).
            Assert.InRange(members.Length / 20_000.0, model.SubgroupProbabilities[z - 1] - 0.02, model.SubgroupProbabilities[z - 1] + 0.02);
            Assert.InRange(members.Average(i => age[i]), model.AgeMean[z - 1] - 0.5, model.AgeMean[z - 1] + 0.5);
        }
        Assert.All(time, t => Assert.True(t >= 1 && t <= model.AccrualCensorMax));
        Assert.InRange(evt.Average(), 0.2, 0.9);
        Assert.Equal(20_000, ((NumericColumn)cohort["patient_id"]).Values.Distinct().Count());
    }

    [Fact]
    public void Simulate_command_writes_the_file_and_refuses_a_zero_size()
    {
        using var dir = new TempFolder();
        var ok = Cli.CliRunner.Run("simulate", "--n", "500", "--seed", "2", "--out", dir.File("s.parquet"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(500, ParquetCohortReader.Read(dir.File("s.parquet")).RowCount);
        var bad = Cli.CliRunner.Run("simulate", "--n", "0", "--out", dir.File("t.parquet"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("at least 1", bad.Error);
        Assert.False(File.Exists(dir.File("t.parquet")));
    }

    [Fact]
    public void Simulate_command_writes_the_chosen_scenario_and_refuses_an_unknown_one()
    {
        using var dir = new TempFolder();
        var ok = Cli.CliRunner.Run("simulate", "--n", "400", "--seed", "2", "--scenario", "biomarker", "--out", dir.File("s.parquet"));
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("scenario biomarker (benefit group: biomarker > 3.2)", ok.Error);
        var biomarker = ((NumericColumn)ParquetCohortReader.Read(dir.File("s.parquet"))["biomarker"]).Values;
        var hr = ((NumericColumn)ParquetCohortReader.Read(dir.File("s.parquet"))["true_hr"]).Values;
        Assert.All(Enumerable.Range(0, 400), i => Assert.Equal(biomarker[i] > 3.2 ? 0.5 : 1.0, hr[i]));
        var bad = Cli.CliRunner.Run("simulate", "--n", "400", "--scenario", "biomarkers", "--out", dir.File("t.parquet"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown scenario", bad.Error);
        Assert.Contains("aligned, biomarker or none", bad.Error);
        Assert.False(File.Exists(dir.File("t.parquet")));
    }
}
