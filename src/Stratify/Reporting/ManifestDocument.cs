namespace Stratify.Reporting;

/// <summary>
/// manifest.json of `stratify run`: what a reviewer needs to reproduce the run — input files with SHA-256, the
/// spec as run (YAML, with command-line overrides applied), the seed, Stratify's and its dependencies' versions,
/// the runtime, start and end times (UTC, ISO 8601) and the time each stage took. <see cref="Generator"/> ("Stratify")
/// and <see cref="Files"/> (every file of the folder the run wrote, relative, sorted) mark the folder as Stratify's:
/// a later run replaces exactly those files and keeps any other (see <see cref="Data.OutputStaging"/>). Both are null
/// in manifests of Stratify before they were added.
/// </summary>
internal sealed record ManifestDocument(
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
    IReadOnlyList<StageTimingJson> Stages,
    string? Generator = null,
    IReadOnlyList<string>? Files = null);

internal sealed record PackageVersionJson(string Name, string Version);

internal sealed record StageTimingJson(string Stage, double Seconds);
