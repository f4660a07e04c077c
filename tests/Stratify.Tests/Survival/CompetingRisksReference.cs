using System.Globalization;
using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Survival;

/// <summary>
/// The cases of tests/reference/competing_risks_reference.json (written by competing_risks_reference.R with R's
/// survival 3.5 and cmprsk 2.2): how each case binds its CSV (time, status and its cause codes, group, strata,
/// covariates), and R's numbers. <see cref="Bind"/> goes through <see cref="StudyBinder"/>, as the CLI does.
/// </summary>
public static class CompetingRisksReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("competing_risks_reference.json"))).RootElement);

    public static JsonElement Reference(string section, string name) => Root.Value.GetProperty(section).GetProperty(name);

    public static JsonElement Section(string section) => Root.Value.GetProperty(section);

    public static TheoryData<string> ReferenceNames(string section)
    {
        var names = new TheoryData<string>();
        foreach (var c in Root.Value.GetProperty(section).EnumerateObject()) names.Add(c.Name);
        return names;
    }

    /// <summary>The case's spec: event of interest, competing causes and censoring value as R coded them.</summary>
    public static StudySpec Spec(JsonElement c)
    {
        string Code(JsonElement v) => v.GetDouble().ToString("R", CultureInfo.InvariantCulture);
        var spec = new StudySpec
        {
            Time = c.GetProperty("time").GetString(),
            Event = c.GetProperty("status").GetString(),
            EventOfInterest = Code(c.GetProperty("interest")),
            Competing = SurvivalReference.Numbers(c.GetProperty("competing")).Select(v => v.ToString("R", CultureInfo.InvariantCulture)).ToArray(),
            CensoredValues = [Code(c.GetProperty("censored"))],
        };
        if (c.TryGetProperty("group", out var g) && g.ValueKind == JsonValueKind.String) spec = spec with { Group = g.GetString() };
        if (c.TryGetProperty("strata", out var s) && s.ValueKind == JsonValueKind.String) spec = spec with { Strata = [s.GetString()!] };
        if (c.TryGetProperty("covariates", out var covariates))
            spec = spec with
            {
                Covariates = covariates.EnumerateArray().Select(v => v.GetProperty("kind").GetString() == "numeric"
                    ? new CovariateSpec(v.GetProperty("name").GetString()!, CovariateKind.Numeric)
                    : new CovariateSpec(v.GetProperty("name").GetString()!, CovariateKind.Categorical, v.GetProperty("reference").GetString())).ToArray(),
            };
        return spec;
    }

    public static BoundStudy Bind(JsonElement c)
    {
        string file = c.GetProperty("file").GetString()!;
        var path = file.StartsWith("cr_") ? RepoPaths.ReferenceFile(Path.Combine("data", file)) : RepoPaths.Dataset(file);
        return StudyBinder.Bind(CsvCohortReader.Read(path), Spec(c));
    }
}
