using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Stratify.Data;

namespace Stratify.Simulation;

/// <summary>
/// The generative model of a synthetic cohort: latent subgroups that shape the baseline features and the
/// baseline hazard, a randomised treatment whose hazard ratio differs by subgroup, and censoring. Written into
/// the Parquet file's metadata (key <c>stratify.simulation</c>, JSON) so tests and benchmarks can check that
/// Stratify recovers what was planted.
/// </summary>
internal sealed record SimulationModel
{
    /// <summary>Probability of each latent subgroup.</summary>
    public double[] SubgroupProbabilities { get; init; } = [0.40, 0.35, 0.25];
    public string[] SubgroupNames { get; init; } = ["A", "B", "C"];
    /// <summary>Weibull baseline hazard h0(t) = λ k t^(k−1) per subgroup (λ per day^k).</summary>
    public double[] WeibullScale { get; init; } = [0.00025, 0.0006, 0.0015];
    public double WeibullShape { get; init; } = 1.2;
    /// <summary>Treatment hazard ratio in each subgroup: benefit in A, none in B, harm in C.</summary>
    public double[] TreatmentHazardRatio { get; init; } = [0.5, 1.0, 1.5];
    /// <summary>Log hazard ratio per year of age above 60 (within subgroup).</summary>
    public double AgeLogHazardPerYear { get; init; } = 0.01;
    public double[] AgeMean { get; init; } = [46, 62, 76];
    public double AgeSd { get; init; } = 5;
    /// <summary>P(ECOG = 0, 1, 2, 3) per subgroup.</summary>
    public double[][] EcogProbabilities { get; init; } = [[0.7, 0.25, 0.05, 0.0], [0.1, 0.7, 0.15, 0.05], [0.0, 0.1, 0.5, 0.4]];
    /// <summary>P(female) per subgroup: equal, so sex is a planted noise feature that carries no subgroup signal.</summary>
    public double[] FemaleProbability { get; init; } = [0.5, 0.5, 0.5];
    /// <summary>log biomarker ~ Normal(mean, 0.35) per subgroup.</summary>
    public double[] LogBiomarkerMean { get; init; } = [0.0, 1.2, 2.4];
    /// <summary>Positive lymph nodes ~ Poisson(mean) per subgroup.</summary>
    public double[] NodesMean { get; init; } = [0.5, 3, 7];
    public string[] Histologies { get; init; } = ["adenocarcinoma", "squamous", "large cell"];
    public double[][] HistologyProbabilities { get; init; } = [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
    /// <summary>Probability of randomisation to "treated" (else "control").</summary>
    public double TreatedProbability { get; init; } = 0.5;
    /// <summary>Administrative censoring uniform on [min, max] days, plus exponential loss to follow-up.</summary>
    public double AccrualCensorMin { get; init; } = 730;
    public double AccrualCensorMax { get; init; } = 3650;
    public double DropoutRatePerDay { get; init; } = 0.0001;
}

/// <summary>
/// Writes a synthetic cohort with planted subgroups (<see cref="SimulationModel"/>). Columns: patient_id, age,
/// sex, ecog (0–3), biomarker, nodes, histology, arm (control/treated), time (days), event (0/1) and
/// true_subgroup (the planted truth, for checking recovery; never use it as a feature). Streams row groups to
/// disk, so 10 million patients need memory for one row group only. Row group g is generated from its own
/// random stream seeded by (seed, g), so the file is identical for the same n, seed and row group size.
/// </summary>
/// <example><code>CohortSimulator.Write("cohort.parquet", n: 10_000, seed: 42);</code></example>
internal static class CohortSimulator
{
    public const string MetadataKey = "stratify.simulation";

    /// <summary>The footer's JSON: Stratify's naming and compile-time metadata, on one line.</summary>
    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<Reporting.SimulationMetadataJson> CompactJson =
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<Reporting.SimulationMetadataJson>)
        new JsonSerializerOptions(Reporting.JsonOutput.Options) { WriteIndented = false }.GetTypeInfo(typeof(Reporting.SimulationMetadataJson));
    public const int DefaultRowGroupSize = 1 << 20;

    private sealed class Chunk
    {
        public long[] Id = [];
        public double[] Age = [], Biomarker = [], Time = [];
        public int[] Ecog = [], Nodes = [], Event = [], Subgroup = [];
        public string[] Sex = [], Histology = [], Arm = [];

        public void Resize(int n)
        {
            if (Id.Length == n) return;
            Id = new long[n]; Age = new double[n]; Biomarker = new double[n]; Time = new double[n];
            Ecog = new int[n]; Nodes = new int[n]; Event = new int[n]; Subgroup = new int[n];
            Sex = new string[n]; Histology = new string[n]; Arm = new string[n];
        }
    }

    public static void Write(string path, long n, long seed, SimulationModel? model = null, int rowGroupSize = DefaultRowGroupSize, IProgress<long>? progress = null)
        => WriteAsync(path, n, seed, model, rowGroupSize, progress).GetAwaiter().GetResult();

    public static async Task WriteAsync(string path, long n, long seed, SimulationModel? model = null, int rowGroupSize = DefaultRowGroupSize,
        IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        if (n < 1) throw new StratifyInputException("the number of patients must be at least 1", "--n", value: n.ToString());
        if (n > int.MaxValue)
            throw new StratifyInputException($"at most {int.MaxValue:N0} patients: that is the most rows one cohort can hold when Stratify reads the file back", "--n", value: n.ToString());
        model ??= new SimulationModel();
        var fields = new DataField[]
        {
            new DataField<long>("patient_id"), new DataField<double>("age"), new DataField<string>("sex", false),
            new DataField<int>("ecog"), new DataField<double>("biomarker"), new DataField<int>("nodes"),
            new DataField<string>("histology", false), new DataField<string>("arm", false), new DataField<double>("time"),
            new DataField<int>("event"), new DataField<int>("true_subgroup"),
        };
        await OutputStaging.WriteFileAsync(path, async staged =>
        {
            await using var stream = File.Create(staged);
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: cancellation);
            writer.CustomMetadata = new Dictionary<string, string>
            {
                [MetadataKey] = JsonSerializer.Serialize(new Reporting.SimulationMetadataJson(n, seed, rowGroupSize, model), CompactJson),
            };
            var chunk = new Chunk();
            long groups = (n + rowGroupSize - 1) / rowGroupSize;
            for (long g = 0; g < groups; g++)
            {
                int rows = (int)Math.Min(rowGroupSize, n - g * rowGroupSize);
                chunk.Resize(rows);
                Generate(chunk, g * (long)rowGroupSize, rows, SplitMix64.ForStream(seed, g), model);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync<long>(fields[0], chunk.Id.AsMemory(), null, null, cancellation);
                await group.WriteAsync<double>(fields[1], chunk.Age.AsMemory(), null, null, cancellation);
                await group.WriteAsync(fields[2], chunk.Sex);
                await group.WriteAsync<int>(fields[3], chunk.Ecog.AsMemory(), null, null, cancellation);
                await group.WriteAsync<double>(fields[4], chunk.Biomarker.AsMemory(), null, null, cancellation);
                await group.WriteAsync<int>(fields[5], chunk.Nodes.AsMemory(), null, null, cancellation);
                await group.WriteAsync(fields[6], chunk.Histology);
                await group.WriteAsync(fields[7], chunk.Arm);
                await group.WriteAsync<double>(fields[8], chunk.Time.AsMemory(), null, null, cancellation);
                await group.WriteAsync<int>(fields[9], chunk.Event.AsMemory(), null, null, cancellation);
                await group.WriteAsync<int>(fields[10], chunk.Subgroup.AsMemory(), null, null, cancellation);
                progress?.Report(g * (long)rowGroupSize + rows);
            }
        });
    }

    /// <summary>
    /// Draws one row group. For patient i in subgroup z with treatment a (0/1):
    /// linear predictor η = a·log HR_z + β_age·(age − 60); event time T = (−log U / (λ_z e^η))^(1/k) (inverse
    /// of the Weibull cumulative hazard Λ(t) = λ_z e^η t^k); censoring C = min(Uniform(min, max), Exp(dropout));
    /// observed time = min(T, C) rounded up to whole days; event = T ≤ C.
    /// </summary>
    private static void Generate(Chunk c, long firstId, int rows, SplitMix64 random, SimulationModel m)
    {
        Span<double> two = stackalloc double[2];
        for (int i = 0; i < rows; i++)
        {
            int z = random.NextCategory(m.SubgroupProbabilities);
            c.Subgroup[i] = z + 1;
            c.Id[i] = firstId + i + 1;
            double age = Math.Clamp(m.AgeMean[z] + m.AgeSd * random.NextNormal(), 18, 100);
            c.Age[i] = Math.Round(age, 1);
            two[0] = m.FemaleProbability[z]; two[1] = 1 - two[0];
            c.Sex[i] = random.NextCategory(two) == 0 ? "female" : "male";
            c.Ecog[i] = random.NextCategory(m.EcogProbabilities[z]);
            c.Biomarker[i] = Math.Round(Math.Exp(m.LogBiomarkerMean[z] + 0.35 * random.NextNormal()), 3);
            c.Nodes[i] = random.NextPoisson(m.NodesMean[z]);
            c.Histology[i] = m.Histologies[random.NextCategory(m.HistologyProbabilities[z])];
            bool treated = random.NextDouble() < m.TreatedProbability;
            c.Arm[i] = treated ? "treated" : "control";
            double eta = (treated ? Math.Log(m.TreatmentHazardRatio[z]) : 0) + m.AgeLogHazardPerYear * (c.Age[i] - 60);
            double eventTime = Math.Pow(-Math.Log(random.NextDouble()) / (m.WeibullScale[z] * Math.Exp(eta)), 1 / m.WeibullShape);
            double censor = Math.Min(m.AccrualCensorMin + (m.AccrualCensorMax - m.AccrualCensorMin) * random.NextDouble(),
                -Math.Log(random.NextDouble()) / m.DropoutRatePerDay);
            c.Event[i] = eventTime <= censor ? 1 : 0;
            c.Time[i] = Math.Ceiling(Math.Min(eventTime, censor));
        }
    }
}
