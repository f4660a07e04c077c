using System.Text.Json;
using Stratify.Clustering;
using Stratify.Data;

namespace Stratify.Tests.Clustering;

/// <summary>
/// The reference values written by tests/reference/cluster_reference.R (R's cluster package) and
/// tests/reference/kmeans_reference.py (scikit-learn), and the feature sets both sides build from the bundled CSVs.
/// </summary>
internal static class ClusterReference
{
    private static readonly Lazy<JsonElement> R = new(() => Load("cluster_reference.json"));
    private static readonly Lazy<JsonElement> Python = new(() => Load("kmeans_reference.json"));

    public static JsonElement FromR => R.Value;
    public static JsonElement FromSklearn => Python.Value;

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile(file))).RootElement;

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();
    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>The feature sets of cluster_reference.R (same columns, roles and level orders).</summary>
    public static IReadOnlyList<FeatureSpec> Specs(string dataset) => dataset switch
    {
        "lung" => [new("age", FeatureRole.Numeric), new("sex", FeatureRole.Categorical), new("ph.ecog", FeatureRole.Ordinal),
            new("wt.loss", FeatureRole.Numeric), new("meal.cal", FeatureRole.Numeric)],
        "veteran" => [new("celltype", FeatureRole.Categorical), new("karno", FeatureRole.Numeric), new("age", FeatureRole.Numeric),
            new("diagtime", FeatureRole.Numeric), new("prior", FeatureRole.Categorical), new("trt", FeatureRole.Categorical)],
        "gbsg" => [new("age", FeatureRole.Numeric), new("meno", FeatureRole.Categorical), new("size", FeatureRole.Numeric),
            new("grade", FeatureRole.Ordinal), new("nodes", FeatureRole.Numeric), new("pgr", FeatureRole.Numeric), new("er", FeatureRole.Numeric)],
        "rotterdam" => [new("age", FeatureRole.Numeric), new("meno", FeatureRole.Categorical),
            new("size", FeatureRole.Ordinal, LevelOrder: ["<=20", "20-50", ">50"]), new("grade", FeatureRole.Ordinal),
            new("nodes", FeatureRole.Numeric), new("er", FeatureRole.Numeric)],
        _ => throw new ArgumentException(dataset),
    };

    private static readonly Dictionary<string, Cohort> Cohorts = new();

    public static Cohort Cohort(string dataset)
    {
        lock (Cohorts)
        {
            if (!Cohorts.TryGetValue(dataset, out var c)) Cohorts[dataset] = c = CsvCohortReader.Read(RepoPaths.Dataset(dataset + ".csv"));
            return c;
        }
    }

    public static FeatureSet Features(string dataset, MissingPolicy missing = MissingPolicy.Pairwise) =>
        FeatureSet.FromCohort(Cohort(dataset), Specs(dataset), missing);

    public static double MaxAbsDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) || double.IsNaN(b[i])) { Assert.True(double.IsNaN(a[i]) && double.IsNaN(b[i]), $"NaN mismatch at {i}"); continue; }
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }
        return max;
    }
}
