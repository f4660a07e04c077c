// Reading results.json and manifest.json back for `stratify report` (rebuild the report without re-running the
// analysis). System.Text.Json with JsonOutput.Options: snake_case names, null read back as NaN for doubles.
// Refused with a StratifyInputException naming the file: a missing file, text that is not JSON, JSON of another
// shape, a field that may not be null left out or null (named by its JSON path), a schema_version other than
// ResultsDocument.CurrentSchemaVersion. Unknown properties are ignored, so a
// field the report does not know (whatever it holds) never reaches the page.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Stratify.Data;

namespace Stratify.Reporting;

/// <summary>Loads the documents the subgroup report is built from, and writes the report beside them.</summary>
/// <example><code>
/// var results = SubgroupReportFiles.ReadResults("out/results.json");
/// var manifest = SubgroupReportFiles.ReadManifest(SubgroupReportFiles.ManifestBeside("out/results.json"));
/// SubgroupReportFiles.Write("out/report.html", results, manifest);
/// </code></example>
internal static class SubgroupReportFiles
{
    /// <summary>Reads results.json; throws <see cref="StratifyInputException"/> naming the file when it cannot be used.</summary>
    public static ResultsDocument ReadResults(string path)
    {
        var results = Read<ResultsDocument>(path, "a results.json of `stratify run`");
        if (results.SchemaVersion != ResultsDocument.CurrentSchemaVersion)
            throw new StratifyInputException(
                $"schema_version is '{results.SchemaVersion}', but this Stratify reads results schema {ResultsDocument.CurrentSchemaVersion}",
                path, suggestion: "Re-run `stratify run` with this version of Stratify to rebuild results.json.");
        RequireComplete(results, JsonOutput.Options.GetTypeInfo(typeof(ResultsDocument)), "", path);
        return results;
    }

    /// <summary>Reads manifest.json (same refusals as <see cref="ReadResults"/>, without a schema check beyond the shape).</summary>
    public static ManifestDocument ReadManifest(string path)
    {
        var manifest = Read<ManifestDocument>(path, "a manifest.json of `stratify run`");
        RequireComplete(manifest, JsonOutput.Options.GetTypeInfo(typeof(ManifestDocument)), "", path);
        return manifest;
    }

    /// <summary>manifest.json in the folder of <paramref name="resultsPath"/>, or null when there is none.</summary>
    public static string? ManifestBeside(string resultsPath)
    {
        var candidate = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(resultsPath)) ?? ".", "manifest.json");
        return File.Exists(candidate) ? candidate : null;
    }

    /// <summary>Renders the report and writes it (UTF-8, no byte-order mark) to <paramref name="htmlPath"/>.</summary>
    /// <remarks>Rendered first, then written through a staging folder (<see cref="OutputStaging"/>): the file appears whole or not at all.</remarks>
    public static void Write(string htmlPath, ResultsDocument results, ManifestDocument? manifest)
    {
        var html = SubgroupReport.Render(results, manifest);
        OutputStaging.WriteFile(htmlPath, staged => File.WriteAllText(staged, html, new System.Text.UTF8Encoding(false)));
    }

    private static T Read<T>(string path, string what) where T : class
    {
        if (!File.Exists(path))
            throw new StratifyInputException("file not found", path, suggestion: $"Give the path of {what}.");
        try
        {
            using var stream = File.OpenRead(path);
            return JsonOutput.Deserialize<T>(stream)
                ?? throw new StratifyInputException($"the file holds null, not {what}", path);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is long line ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}") : "";
            var member = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" ({e.Path})";
            throw new StratifyInputException($"not valid JSON for {what}{where}{member}: {FirstSentence(e.Message)}", path);
        }
    }

    /// <summary>
    /// Refuses a document in which a field that may not be null (by its C# nullability annotation) is null or
    /// absent — System.Text.Json fills an absent constructor parameter with null — naming the field's JSON path.
    /// </summary>
    private static void RequireComplete(object value, JsonTypeInfo info, string jsonPath, string file)
    {
        // Walks the compile-time JSON metadata of the declared types (names as written, nullability of each
        // property): no reflection.
        if (info.Kind == JsonTypeInfoKind.Enumerable)
        {
            if (info.ElementType is not { IsValueType: false } elementType) return;
            var elementInfo = JsonOutput.Options.GetTypeInfo(elementType);
            int index = 0;
            foreach (var item in (System.Collections.IEnumerable)value)
            {
                if (item is null) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{jsonPath}[{index}] is null"), file);
                RequireComplete(item, elementInfo, string.Create(CultureInfo.InvariantCulture, $"{jsonPath}[{index}]"), file);
                index++;
            }
            return;
        }
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
        {
            if (property.Get is null || property.PropertyType.IsValueType) continue;
            var name = (jsonPath.Length == 0 ? "" : jsonPath + ".") + property.Name;
            var child = property.Get(value);
            if (child is not null) RequireComplete(child, JsonOutput.Options.GetTypeInfo(property.PropertyType), name, file);
            else if (!property.IsGetNullable)
                throw new StratifyInputException($"{name} is missing or null", file,
                    suggestion: "The file is incomplete; re-run `stratify run` to write it again.");
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
