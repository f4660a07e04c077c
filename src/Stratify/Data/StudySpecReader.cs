using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Stratify.Data;

/// <summary>
/// Reads a YAML study spec (the format is documented in the README). Every key is checked: an unknown key is an
/// error that names the line and suggests the closest known key, so a typo never silently drops a role.
/// </summary>
/// <example><code>var spec = StudySpecReader.Read("datasets/lung.yaml");</code></example>
public static class StudySpecReader
{
    private static readonly string[] TopKeys =
    [
        "title", "data", "id", "time", "time_unit", "event", "event_coding", "event_value", "censored_value",
        "treatment", "treatment_reference", "covariates", "strata", "group", "features", "output", "seed",
        "small_cell_threshold",
    ];
    private static readonly string[] CovariateKeys = ["numeric", "categorical", "ordinal"];

    public static StudySpec Read(string path)
    {
        if (!File.Exists(path))
            throw new StratifyInputException("study spec not found", path, suggestion: "Check the path to the YAML file.");
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlException e)
        {
            throw new StratifyInputException($"line {e.Start.Line}: not valid YAML ({Simplify(e)})", path,
                suggestion: "Check indentation and that lists use '- item' or [a, b].");
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet reports some structural faults (an unclosed [ or {) this way, without a position.
            throw new StratifyInputException($"not valid YAML ({e.Message.Split('\n')[0]}); check the line where a [ or {{ is opened", path,
                suggestion: "Check indentation and that lists use '- item' or [a, b].");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new StratifyInputException("the study spec must be a YAML mapping of keys such as data, time, event", path);
        return Parse(root, path);
    }

    private static string Simplify(YamlException e) => (e.InnerException?.Message ?? e.Message).Split('\n')[0];

    private static StudySpec Parse(YamlMappingNode root, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var spec = new StudySpec { SourceFile = path };
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, path);
            switch (key)
            {
                case "title": spec = spec with { Title = Scalar(value, path, key) }; break;
                case "data": spec = spec with { Data = List(value, path, key).Select(p => Path.GetFullPath(Path.Combine(folder, p))).ToArray() }; break;
                case "id": spec = spec with { Id = Scalar(value, path, key) }; break;
                case "time": spec = spec with { Time = Scalar(value, path, key) }; break;
                case "time_unit": spec = spec with { TimeUnit = ParseTimeUnit(Scalar(value, path, key), path, Line(value)) }; break;
                case "event": spec = spec with { Event = Scalar(value, path, key) }; break;
                case "event_coding": spec = spec with { EventCoding = ParseCoding(Scalar(value, path, key), path, Line(value)) }; break;
                case "event_value": spec = spec with { EventValues = List(value, path, key) }; break;
                case "censored_value": spec = spec with { CensoredValues = List(value, path, key) }; break;
                case "treatment": spec = spec with { Treatment = Scalar(value, path, key) }; break;
                case "treatment_reference": spec = spec with { TreatmentReference = Scalar(value, path, key) }; break;
                case "covariates": spec = spec with { Covariates = Covariates(value, path, key) }; break;
                case "features": spec = spec with { Features = Covariates(value, path, key) }; break;
                case "strata": spec = spec with { Strata = List(value, path, key) }; break;
                case "group": spec = spec with { Group = Scalar(value, path, key) }; break;
                case "output": spec = spec with { Output = Path.GetFullPath(Path.Combine(folder, Scalar(value, path, key))) }; break;
                case "seed": spec = spec with { Seed = Integer(value, path, key, int.MinValue) }; break;
                case "small_cell_threshold": spec = spec with { SmallCellThreshold = Integer(value, path, key, 0) }; break;
                default:
                    throw new StratifyInputException($"line {Line(keyNode)}: unknown key '{key}'", path,
                        suggestion: NameSuggestion.Hint(key, TopKeys, "key"));
            }
        }
        if (spec.EventValues.Count > 0 && spec.EventCoding == EventCoding.Auto) spec = spec with { EventCoding = EventCoding.Declared };
        return spec;
    }

    private static long Line(YamlNode node) => node.Start.Line;

    private static string Scalar(YamlNode node, string path, string? key = null)
    {
        if (node is YamlScalarNode { Value: { } v } && v.Length > 0) return v;
        throw new StratifyInputException($"line {Line(node)}: {(key is null ? "a key" : $"'{key}'")} needs a single value", path);
    }

    private static IReadOnlyList<string> List(YamlNode node, string path, string key) => node switch
    {
        YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => [s.Value!],
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, path, key)).ToArray(),
        _ => throw new StratifyInputException($"line {Line(node)}: '{key}' needs a value or a list of values", path),
    };

    private static int Integer(YamlNode node, string path, string key, int minimum)
    {
        var text = Scalar(node, path, key);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= minimum) return v;
        throw new StratifyInputException($"line {Line(node)}: '{key}' must be a whole number{(minimum == 0 ? " ≥ 0" : "")}", path, value: text);
    }

    public static TimeUnit ParseTimeUnit(string text, string? source, long? line = null)
    {
        var t = text.Trim().ToLowerInvariant().TrimEnd('s');
        return t switch
        {
            "day" => TimeUnit.Days,
            "week" => TimeUnit.Weeks,
            "month" => TimeUnit.Months,
            "year" => TimeUnit.Years,
            _ => throw new StratifyInputException($"{(line is null ? "" : $"line {line}: ")}unknown time unit", source, value: text,
                suggestion: "Use days, weeks, months or years."),
        };
    }

    public static EventCoding ParseCoding(string text, string? source, long? line = null) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => EventCoding.Auto,
        "0/1" or "01" or "zero_one" => EventCoding.ZeroOne,
        "1/2" or "r" or "one_two" => EventCoding.OneTwo,
        "boolean" or "bool" => EventCoding.Boolean,
        "declared" => EventCoding.Declared,
        _ => throw new StratifyInputException($"{(line is null ? "" : $"line {line}: ")}unknown event coding", source, value: text,
            suggestion: "Use auto, 0/1, 1/2 (R: 1 = censored, 2 = event), boolean, or give event_value and censored_value."),
    };

    /// <summary>
    /// Covariates: either a plain list (numeric unless declared otherwise elsewhere), or a mapping with
    /// numeric: [..], categorical: [col, ...] or {col: reference}, ordinal: {col: [levels in order]}.
    /// </summary>
    private static IReadOnlyList<CovariateSpec> Covariates(YamlNode node, string path, string key)
    {
        if (node is YamlSequenceNode or YamlScalarNode)
            return List(node, path, key).Select(c => new CovariateSpec(c, CovariateKind.Numeric)).ToArray();
        if (node is not YamlMappingNode map)
            throw new StratifyInputException($"line {Line(node)}: '{key}' needs numeric / categorical / ordinal lists", path);
        var result = new List<CovariateSpec>();
        foreach (var (kindNode, value) in map.Children)
        {
            var kind = Scalar(kindNode, path);
            switch (kind)
            {
                case "numeric":
                    result.AddRange(List(value, path, kind).Select(c => new CovariateSpec(c, CovariateKind.Numeric)));
                    break;
                case "categorical" when value is YamlMappingNode levels:
                    foreach (var (col, reference) in levels.Children)
                        result.Add(new CovariateSpec(Scalar(col, path), CovariateKind.Categorical,
                            reference is YamlScalarNode { Value: { Length: > 0 } r } && r != "~" && r != "null" ? r : null));
                    break;
                case "categorical":
                    result.AddRange(List(value, path, kind).Select(c => new CovariateSpec(c, CovariateKind.Categorical)));
                    break;
                case "ordinal" when value is YamlMappingNode orders:
                    foreach (var (col, order) in orders.Children)
                        result.Add(new CovariateSpec(Scalar(col, path), CovariateKind.Ordinal, null,
                            order is YamlSequenceNode ? List(order, path, Scalar(col, path)) : null));
                    break;
                case "ordinal":
                    result.AddRange(List(value, path, kind).Select(c => new CovariateSpec(c, CovariateKind.Ordinal)));
                    break;
                default:
                    throw new StratifyInputException($"line {Line(kindNode)}: unknown key '{kind}' under '{key}'", path,
                        suggestion: NameSuggestion.Hint(kind, CovariateKeys, "key"));
            }
        }
        return result;
    }
}
