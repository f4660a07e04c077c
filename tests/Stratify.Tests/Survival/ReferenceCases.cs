using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Survival;

/// <summary>
/// One reference file of R cases keyed by section and name (tests/reference/*.json written with named lists): the
/// cases, their names for a theory, the CSV each case names (under tests/reference/data) and its covariates as the R
/// script declared them.
/// </summary>
public sealed class ReferenceCases(string fileName)
{
    private readonly Lazy<JsonElement> _root = new(() => JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile(fileName))).RootElement);

    public JsonElement Case(string section, string name) => _root.Value.GetProperty(section).GetProperty(name);

    public TheoryData<string> Names(string section, Func<JsonElement, bool>? where = null)
    {
        var names = new TheoryData<string>();
        foreach (var c in _root.Value.GetProperty(section).EnumerateObject())
            if (where is null || where(c.Value)) names.Add(c.Name);
        return names;
    }

    public static Cohort Cohort(JsonElement c) => CsvCohortReader.Read(RepoPaths.ReferenceFile(Path.Combine("data", c.GetProperty("file").GetString()!)));

    /// <summary>The case's covariates: {name, kind: numeric | categorical, reference}.</summary>
    public static IReadOnlyList<CovariateSpec> Covariates(JsonElement c)
    {
        var covariates = new List<CovariateSpec>();
        if (c.TryGetProperty("covariates", out var list))
            foreach (var cv in list.EnumerateArray())
                covariates.Add(cv.GetProperty("kind").GetString() == "numeric"
                    ? new CovariateSpec(cv.GetProperty("name").GetString()!, CovariateKind.Numeric)
                    : new CovariateSpec(cv.GetProperty("name").GetString()!, CovariateKind.Categorical, cv.GetProperty("reference").GetString()));
        return covariates;
    }
}
