using System.Text.Json.Serialization;
using Stratify.Clustering;

namespace Stratify.Reporting;

/// <summary>
/// The JSON form of a <see cref="ClusteringResult"/> (written with <see cref="JsonOutput"/>: snake_case, NaN as null):
/// {method, distance, k, n, objective, silhouette, pac, criteria: [{k, silhouette, gap, gap_se, bic}],
///  clusters: [{cluster, size, medoid | center, stability, label, profile: [...]}], warnings}, and above the exact
/// limit stability_subsample (m of the m-out-of-n stability) and gap_sample (patients the gap statistic used).
/// The per-patient assignment is not part of it (it goes to a table keyed by patient).
/// <example><code>
/// JsonOutput.Write(ClusteringJson.From(result), Console.Out);
/// </code></example>
/// </summary>
internal sealed record ClusteringJson(string Method, string Distance, int K, int N, double Objective, double Silhouette, double Pac,
    IReadOnlyList<ClusteringCriteriaJson> Criteria, IReadOnlyList<ClusterJson> Clusters, IReadOnlyList<string> Warnings,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    double? AdjustedRandIndex = null)
{
    /// <summary>m of the m-out-of-n stability (patients per subsample); absent when stability used all patients.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? StabilitySubsample { get; init; }
    /// <summary>Patients of the random sample the gap statistic was computed on; absent when it used all patients.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? GapSample { get; init; }

    public static ClusteringJson From(ClusteringResult r) => new(r.Method, r.Distance, r.K, r.N, r.Objective, r.Silhouette, r.Pac,
        r.Criteria.Select(c => new ClusteringCriteriaJson(c.K, c.Silhouette, c.Gap, c.GapStandardError, c.Bic)).ToList(),
        r.Clusters.Select(c => new ClusterJson(c.Cluster, c.Size, c.Medoid, c.Center, c.Stability, c.Label,
            c.Profile.Select(e => new ProfileEntryJson(e.Feature, e.Level, e.ClusterValue, e.RestValue, e.Difference, e.StandardisedDifference)).ToList())).ToList(),
        r.Warnings)
    {
        StabilitySubsample = r.StabilitySubsample,
        GapSample = r.GapSample,
    };
}

/// <summary>One row of the criteria table (null where a criterion was not computed).</summary>
internal sealed record ClusteringCriteriaJson(int K, double Silhouette, double Gap, double GapSe, double Bic);

/// <summary>One cluster; exactly one of <c>medoid</c> (1-based cohort row) and <c>center</c> is present.</summary>
internal sealed record ClusterJson(int Cluster, int Size,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Medoid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Center,
    double Stability, string Label, IReadOnlyList<ProfileEntryJson> Profile);

/// <summary>A profile entry: <c>level</c> is null for numeric and ordinal features.</summary>
internal sealed record ProfileEntryJson(string Feature, string? Level, double ClusterValue, double RestValue, double Difference, double StandardisedDifference);
