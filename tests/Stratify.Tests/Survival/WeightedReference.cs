using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The cases of tests/reference/weights_reference.json (written by weights_reference.R with survival 3.5): weighted
/// survfit, the weighted log-rank as coxph's score test, and weighted coxph. Each case names its CSV, columns and
/// options; <see cref="Bind"/> binds the data through <see cref="StudyBinder"/> (weight column included), dropping the
/// rows R dropped as incomplete.
/// </summary>
public static class WeightedReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("weights_reference.json"))).RootElement);

    public static JsonElement Case(string section, string name) => Root.Value.GetProperty(section).GetProperty(name);

    public static TheoryData<string> Names(string section, Func<JsonElement, bool>? where = null)
    {
        var names = new TheoryData<string>();
        foreach (var c in Root.Value.GetProperty(section).EnumerateObject())
            if (where is null || where(c.Value)) names.Add(c.Name);
        return names;
    }

    public static Cohort Cohort(JsonElement c) => CsvCohortReader.Read(RepoPaths.ReferenceFile(Path.Combine("data", c.GetProperty("file").GetString()!)));

    /// <summary>The case's study: time, event, weight, group, strata, cluster and covariates as the R script used them.</summary>
    public static BoundStudy Bind(JsonElement c)
    {
        var covariates = new List<CovariateSpec>();
        if (c.TryGetProperty("covariates", out var list))
            foreach (var cv in list.EnumerateArray())
                covariates.Add(cv.GetProperty("kind").GetString() == "numeric"
                    ? new CovariateSpec(cv.GetProperty("name").GetString()!, CovariateKind.Numeric)
                    : new CovariateSpec(cv.GetProperty("name").GetString()!, CovariateKind.Categorical, cv.GetProperty("reference").GetString()));
        string? strata = SurvivalReference.OptionalString(c, "strata");
        return StudyBinder.Bind(Cohort(c), new StudySpec
        {
            Time = c.GetProperty("time").GetString(),
            Event = c.GetProperty("status").GetString(),
            Weight = c.GetProperty("weight").GetString(),
            Group = SurvivalReference.OptionalString(c, "group"),
            Strata = strata is null ? [] : [strata],
            Cluster = SurvivalReference.OptionalString(c, "cluster"),
            Covariates = covariates,
        });
    }

    /// <summary>R's value (null = NA) as a double, also for an optional property.</summary>
    public static bool? OptionalBool(JsonElement c, string property)
        => c.TryGetProperty(property, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
