using System.Globalization;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Stratify.Data;

namespace Stratify.Simulation;

/// <summary>
/// Which treatment-effect structure a simulated trial plants (<see cref="SimulationModel.For"/>):
/// <see cref="Aligned"/> makes the groups that differ in features the same as the groups that differ in treatment
/// effect; <see cref="Biomarker"/> makes the effect depend on a biomarker threshold unrelated to those groups;
/// <see cref="None"/> gives every patient one common hazard ratio.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SimulationScenario>))]
internal enum SimulationScenario
{
    /// <summary>Latent subgroups A, B, C shape features and baseline hazard, and the treatment HR is 0.5, 1.0, 1.5 in them.</summary>
    Aligned,
    /// <summary>The same prognostic subgroups; treatment HR 0.5 above a biomarker threshold and 1.0 below, the biomarker independent of the subgroups.</summary>
    Biomarker,
    /// <summary>The same prognostic subgroups; one common treatment HR (0.7) for every patient.</summary>
    None,
}

/// <summary>
/// The generative model of a synthetic cohort: latent subgroups that shape the baseline features and the
/// baseline hazard, a randomised treatment whose hazard ratio differs by subgroup or by a biomarker threshold (or
/// not at all), and censoring. Written into the Parquet file's metadata (key <c>stratify.simulation</c>, JSON) so
/// tests and benchmarks can check that Stratify recovers what was planted. The defaults are the aligned scenario.
/// </summary>
internal sealed record SimulationModel
{
    /// <summary>The planted treatment-effect structure (the values below are that scenario's).</summary>
    public SimulationScenario Scenario { get; init; } = SimulationScenario.Aligned;
    /// <summary>Probability of each latent subgroup.</summary>
    public double[] SubgroupProbabilities { get; init; } = [0.40, 0.35, 0.25];
    public string[] SubgroupNames { get; init; } = ["A", "B", "C"];
    /// <summary>Weibull baseline hazard h0(t) = λ k t^(k−1) per subgroup (λ per day^k).</summary>
    public double[] WeibullScale { get; init; } = [0.00025, 0.0006, 0.0015];
    public double WeibullShape { get; init; } = 1.2;
    /// <summary>
    /// Treatment hazard ratio in each subgroup (aligned: benefit in A, none in B, harm in C; none: 0.7 in all;
    /// biomarker: 1.0 in all, the ratio of patients at or below the threshold).
    /// </summary>
    public double[] TreatmentHazardRatio { get; init; } = [0.5, 1.0, 1.5];
    /// <summary>Biomarker scenario: patients whose biomarker is above this value have <see cref="BenefitHazardRatio"/>; NaN (null in JSON) otherwise.</summary>
    public double BiomarkerThreshold { get; init; } = double.NaN;
    /// <summary>Biomarker scenario: the treatment hazard ratio above the threshold; NaN (null in JSON) otherwise.</summary>
    public double BenefitHazardRatio { get; init; } = double.NaN;
    /// <summary>Log hazard ratio per year of age above 60 (within subgroup).</summary>
    public double AgeLogHazardPerYear { get; init; } = 0.01;
    public double[] AgeMean { get; init; } = [46, 62, 76];
    public double AgeSd { get; init; } = 5;
    /// <summary>P(ECOG = 0, 1, 2, 3) per subgroup.</summary>
    public double[][] EcogProbabilities { get; init; } = [[0.7, 0.25, 0.05, 0.0], [0.1, 0.7, 0.15, 0.05], [0.0, 0.1, 0.5, 0.4]];
    /// <summary>P(female) per subgroup: equal, so sex is a planted noise feature that carries no subgroup signal.</summary>
    public double[] FemaleProbability { get; init; } = [0.5, 0.5, 0.5];
    /// <summary>log biomarker ~ Normal(mean, <see cref="LogBiomarkerSd"/>) per subgroup (equal means: unrelated to the subgroups).</summary>
    public double[] LogBiomarkerMean { get; init; } = [0.0, 1.2, 2.4];
    public double LogBiomarkerSd { get; init; } = 0.35;
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

    /// <summary>
    /// The planted benefit group in words: the patients whose planted treatment hazard ratio is below 1 (column
    /// <c>true_benefit</c> = 1). Aligned: latent subgroup A; biomarker: biomarker above the threshold; none: every
    /// patient (one common effect, so no group benefits more than another).
    /// </summary>
    public string BenefitGroup => Scenario switch
    {
        SimulationScenario.Biomarker => $"biomarker > {BiomarkerThreshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}",
        SimulationScenario.None => "all patients (one common hazard ratio)",
        _ => string.Join(" or ", SubgroupNames.Where((_, z) => TreatmentHazardRatio[z] < 1).Select(n => $"true_subgroup {n}")),
    };

    /// <summary>The planted treatment hazard ratio of a patient in latent subgroup <paramref name="subgroup"/> (0-based) with this biomarker value.</summary>
    public double HazardRatio(int subgroup, double biomarker) =>
        biomarker > BiomarkerThreshold ? BenefitHazardRatio : TreatmentHazardRatio[subgroup];

    /// <summary>
    /// The model of a scenario: aligned is the default model; biomarker draws log biomarker ~ Normal(1.0, 0.5) in
    /// every subgroup (so the biomarker says nothing about the subgroups) and plants HR 0.5 above 3.2 (about 37% of
    /// patients) and 1.0 at or below it; none plants HR 0.7 everywhere. Features, baseline hazards and censoring
    /// are the aligned model's in all three.
    /// </summary>
    public static SimulationModel For(SimulationScenario scenario) => scenario switch
    {
        SimulationScenario.Biomarker => new SimulationModel
        {
            Scenario = scenario,
            TreatmentHazardRatio = [1.0, 1.0, 1.0],
            BiomarkerThreshold = 3.2,
            BenefitHazardRatio = 0.5,
            LogBiomarkerMean = [1.0, 1.0, 1.0],
            LogBiomarkerSd = 0.5,
        },
        SimulationScenario.None => new SimulationModel { Scenario = scenario, TreatmentHazardRatio = [0.7, 0.7, 0.7] },
        _ => new SimulationModel(),
    };
}

/// <summary>
/// Writes a synthetic cohort with planted subgroups (<see cref="SimulationModel"/>). Columns: patient_id, age,
/// sex, ecog (0–3), biomarker, nodes, histology, arm (control/treated), time (days), event (0/1), and the planted
/// truth for checking recovery (never use it as a feature): true_subgroup (1, 2, 3 for A, B, C), true_hr (the
/// patient's planted treatment hazard ratio) and true_benefit (1 where true_hr is below 1). Streams row groups to
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
        public double[] HazardRatio = [];
        public int[] Ecog = [], Nodes = [], Event = [], Subgroup = [], Benefit = [];
        public string[] Sex = [], Histology = [], Arm = [];

        public void Resize(int n)
        {
            if (Id.Length == n) return;
            Id = new long[n]; Age = new double[n]; Biomarker = new double[n]; Time = new double[n];
            Ecog = new int[n]; Nodes = new int[n]; Event = new int[n]; Subgroup = new int[n];
            HazardRatio = new double[n]; Benefit = new int[n];
            Sex = new string[n]; Histology = new string[n]; Arm = new string[n];
        }
    }

    public static void Write(string path, long n, long seed, SimulationModel? model = null, int rowGroupSize = DefaultRowGroupSize, IProgress<long>? progress = null)
        => WriteAsync(path, n, seed, model, rowGroupSize, progress).GetAwaiter().GetResult();

    public static async Task WriteAsync(string path, long n, long seed, SimulationModel? model = null, int rowGroupSize = DefaultRowGroupSize,
        IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        if (n < 1) throw new StratifyInputException("the number of patients must be at least 1", "--n", value: n.ToString(CultureInfo.InvariantCulture));
        if (n > int.MaxValue)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"at most {int.MaxValue:N0} patients: that is the most rows one cohort can hold when Stratify reads the file back"), "--n", value: n.ToString(CultureInfo.InvariantCulture));
        model ??= new SimulationModel();
        var fields = new DataField[]
        {
            new DataField<long>("patient_id"), new DataField<double>("age"), new DataField<string>("sex", false),
            new DataField<int>("ecog"), new DataField<double>("biomarker"), new DataField<int>("nodes"),
            new DataField<string>("histology", false), new DataField<string>("arm", false), new DataField<double>("time"),
            new DataField<int>("event"), new DataField<int>("true_subgroup"), new DataField<double>("true_hr"),
            new DataField<int>("true_benefit"),
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
                await group.WriteAsync<double>(fields[11], chunk.HazardRatio.AsMemory(), null, null, cancellation);
                await group.WriteAsync<int>(fields[12], chunk.Benefit.AsMemory(), null, null, cancellation);
                progress?.Report(g * (long)rowGroupSize + rows);
            }
        });
    }

    /// <summary>
    /// Draws one row group. For patient i in subgroup z with biomarker b and treatment a (0/1):
    /// linear predictor η = a·log HR(z, b) + β_age·(age − 60), HR(z, b) = the benefit HR when b is above the
    /// biomarker threshold, else HR_z (<see cref="SimulationModel.HazardRatio"/>); event time T = (−log U / (λ_z e^η))^(1/k) (inverse
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
            c.Biomarker[i] = Math.Round(Math.Exp(m.LogBiomarkerMean[z] + m.LogBiomarkerSd * random.NextNormal()), 3);
            c.Nodes[i] = random.NextPoisson(m.NodesMean[z]);
            c.Histology[i] = m.Histologies[random.NextCategory(m.HistologyProbabilities[z])];
            bool treated = random.NextDouble() < m.TreatedProbability;
            c.Arm[i] = treated ? "treated" : "control";
            double hazardRatio = m.HazardRatio(z, c.Biomarker[i]);
            c.HazardRatio[i] = hazardRatio;
            c.Benefit[i] = hazardRatio < 1 ? 1 : 0;
            double eta = (treated ? Math.Log(hazardRatio) : 0) + m.AgeLogHazardPerYear * (c.Age[i] - 60);
            double eventTime = Math.Pow(-Math.Log(random.NextDouble()) / (m.WeibullScale[z] * Math.Exp(eta)), 1 / m.WeibullShape);
            double censor = Math.Min(m.AccrualCensorMin + (m.AccrualCensorMax - m.AccrualCensorMin) * random.NextDouble(),
                -Math.Log(random.NextDouble()) / m.DropoutRatePerDay);
            c.Event[i] = eventTime <= censor ? 1 : 0;
            c.Time[i] = Math.Ceiling(Math.Min(eventTime, censor));
        }
    }
}
