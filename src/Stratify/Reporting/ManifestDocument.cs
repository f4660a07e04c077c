namespace Stratify.Reporting;

/// <summary>
/// manifest.json of `stratify run`: what a reviewer needs to reproduce the run — input files with SHA-256, the
/// spec as run (YAML, with command-line overrides applied), the seed, Stratify's and its dependencies' versions,
/// the runtime, start and end times (UTC, ISO 8601) and the time each stage took.
/// </summary>
public sealed record ManifestDocument(
    string SchemaVersion,
    string StratifyVersion,
    string Runtime,
    IReadOnlyList<PackageVersionJson> Dependencies,
    IReadOnlyList<DataFileJson> Inputs,
    string SpecFile,
    string Spec,
    int Seed,
    string StartedUtc,
    string FinishedUtc,
    IReadOnlyList<StageTimingJson> Stages);

public sealed record PackageVersionJson(string Name, string Version);

public sealed record StageTimingJson(string Stage, double Seconds);
