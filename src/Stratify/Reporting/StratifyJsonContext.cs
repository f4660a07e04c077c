using System.Text.Json.Serialization;
using Stratify.Simulation;

namespace Stratify.Reporting;

/// <summary>
/// Compile-time JSON metadata for every document Stratify writes or reads (System.Text.Json source generation):
/// no reflection at run time, so the ahead-of-time compiled (Native AOT) `stratify` and the JIT-run library
/// serialize through the same code. <see cref="JsonOutput.Options"/> resolves types only through this context;
/// a new document type must be listed here, or serializing it fails at once (in every test that writes it).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(KaplanMeierJson))]
[JsonSerializable(typeof(LogRankJson))]
[JsonSerializable(typeof(SurvivalTreeJson))]
[JsonSerializable(typeof(CoxJson))]
[JsonSerializable(typeof(CoxModelJson))]
[JsonSerializable(typeof(CumulativeIncidenceJson))]
[JsonSerializable(typeof(ClusteringJson))]
[JsonSerializable(typeof(Table1Document))]
[JsonSerializable(typeof(CohortSchemaDocument))]
[JsonSerializable(typeof(CohortDescriptionDocument))]
[JsonSerializable(typeof(ResultsDocument))]
[JsonSerializable(typeof(ManifestDocument))]
[JsonSerializable(typeof(SimulationMetadataJson))]
internal sealed partial class StratifyJsonContext : JsonSerializerContext;

/// <summary>What `stratify simulate` stores in the Parquet footer under <see cref="CohortSimulator.MetadataKey"/>.</summary>
internal sealed record SimulationMetadataJson(long N, long Seed, int RowGroupSize, SimulationModel Model);
