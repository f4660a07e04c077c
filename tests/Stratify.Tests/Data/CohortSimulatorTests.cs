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
    }

    [Fact]
    public void The_cohort_has_the_documented_columns_and_plausible_planted_structure()
    {
        using var dir = new TempFolder();
        CohortSimulator.Write(dir.File("a.parquet"), 20_000, seed: 11, rowGroupSize: 3000);
        var cohort = ParquetCohortReader.Read(dir.File("a.parquet"));
        Assert.Equal(["patient_id", "age", "sex", "ecog", "biomarker", "nodes", "histology", "arm", "time", "event", "true_subgroup"], cohort.ColumnNames);
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
}
