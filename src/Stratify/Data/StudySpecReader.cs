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
        "title", "endpoint", "data", "id", "time", "time_unit", "event", "event_coding", "event_value", "censored_value",
        "treatment", "treatment_reference", "covariates", "strata", "cluster", "group", "subgroups", "landmarks", "rmst_horizon",
        "validation", "output", "seed", "small_cell_threshold",
    ];
    private static readonly string[] SubgroupKeys =
    [
        "method", "column", "features", "k", "bootstrap", "min_node_size", "max_depth",
        "min_events_per_arm", "marker", "window", "overlap", "bands", "permutations",
    ];
    private static readonly string[] ValidationKeys = ["mode", "fraction", "seed"];
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
                case "endpoint": spec = spec with { Endpoint = Scalar(value, path, key) }; break;
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
                case "subgroups": spec = spec with { Subgroups = Subgroups(value, path) }; break;
                case "landmarks": spec = spec with { Landmarks = List(value, path, key).Select(v => Number(v, value, path, key)).ToArray() }; break;
                case "rmst_horizon": spec = spec with { RmstHorizon = Number(Scalar(value, path, key), value, path, key) }; break;
                case "validation": spec = spec with { Validation = Validation(value, path) }; break;
                case "strata": spec = spec with { Strata = List(value, path, key) }; break;
                case "group": spec = spec with { Group = Scalar(value, path, key) }; break;
                case "cluster": spec = spec with { Cluster = Scalar(value, path, key) }; break;
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

    private static double Number(string text, YamlNode node, string path, string key)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0) return v;
        throw new StratifyInputException($"line {Line(node)}: '{key}' needs positive numbers (times in the study's time unit)", path, value: text);
    }

    private static IEnumerable<(string Key, YamlNode Value, YamlNode KeyNode)> Entries(YamlNode node, string path, string key, string[] known)
    {
        if (node is not YamlMappingNode map)
            throw new StratifyInputException($"line {Line(node)}: '{key}' needs keys: {string.Join(", ", known)}", path);
        foreach (var (k, v) in map.Children)
        {
            var name = Scalar(k, path);
            if (!known.Contains(name))
                throw new StratifyInputException($"line {Line(k)}: unknown key '{name}' under '{key}'", path, suggestion: NameSuggestion.Hint(name, known, "key"));
            yield return (name, v, k);
        }
    }

    /// <summary>The method names users write; each maps to a <see cref="SubgroupMethod"/>.</summary>
    public static SubgroupMethod ParseMethod(string text, string? source, long? line = null) => text.Trim().ToLowerInvariant().Replace('_', '-') switch
    {
        "kmedoids" or "k-medoids" or "pam" => SubgroupMethod.KMedoids,
        "kmeans" or "k-means" => SubgroupMethod.KMeans,
        "gmm" or "mixture" or "gaussian-mixture" => SubgroupMethod.GaussianMixture,
        "hierarchical" or "ward" or "agglomerative" => SubgroupMethod.Hierarchical,
        "tree" or "survival-tree" => SubgroupMethod.SurvivalTree,
        "column" => SubgroupMethod.Column,
        "interaction-tree" => SubgroupMethod.InteractionTree,
        "stepp" => SubgroupMethod.Stepp,
        _ => throw new StratifyInputException($"{(line is null ? "" : $"line {line}: ")}unknown subgroup method", source, value: text,
            suggestion: "Use kmedoids, kmeans, gmm, hierarchical, tree, column, interaction_tree or stepp."),
    };

    /// <summary>k as a number ("3") or a range ("2..6").</summary>
    public static (int Min, int Max) ParseK(string text, string? source, long? line = null)
    {
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out int lo) && int.TryParse(parts[^1], out int hi) && lo >= 2 && hi >= lo && hi <= 50)
            return (lo, hi);
        throw new StratifyInputException($"{(line is null ? "" : $"line {line}: ")}k must be a whole number ≥ 2 or a range such as 2..8", source, value: text);
    }

    private static SubgroupSpec Subgroups(YamlNode node, string path)
    {
        var spec = new SubgroupSpec();
        foreach (var (key, value, keyNode) in Entries(node, path, "subgroups", SubgroupKeys))
        {
            switch (key)
            {
                case "method": spec = spec with { Method = ParseMethod(Scalar(value, path, key), path, Line(value)) }; break;
                case "column": spec = spec with { Column = Scalar(value, path, key) }; break;
                case "features": spec = spec with { Features = Covariates(value, path, key) }; break;
                case "k":
                    var (lo, hi) = ParseK(Scalar(value, path, key), path, Line(value));
                    spec = spec with { KMin = lo, KMax = hi };
                    break;
                case "bootstrap": spec = spec with { Bootstrap = Integer(value, path, key, 0) }; break;
                case "min_node_size": spec = spec with { MinNodeSize = Integer(value, path, key, 1) }; break;
                case "max_depth": spec = spec with { MaxDepth = Integer(value, path, key, 1) }; break;
                case "min_events_per_arm": spec = spec with { MinEventsPerArm = Integer(value, path, key, 1) }; break;
                case "marker": spec = spec with { Marker = Scalar(value, path, key) }; break;
                case "window": spec = spec with { WindowPatients = Integer(value, path, key, 2) }; break;
                case "overlap": spec = spec with { WindowOverlap = Integer(value, path, key, 0) }; break;
                case "bands": spec = spec with { Bands = Integer(value, path, key, 2) }; break;
                case "permutations": spec = spec with { Permutations = Integer(value, path, key, 0) }; break;
            }
        }
        if (spec.Method == SubgroupMethod.Stepp)
        {
            if (spec.Marker is null)
                throw new StratifyInputException($"line {Line(node)}: subgroups by STEPP need 'marker: <numeric column>'", path);
            if (spec.Features.All(f => f.Column != spec.Marker))
                spec = spec with { Features = [new CovariateSpec(spec.Marker, CovariateKind.Numeric), .. spec.Features] };
        }
        if (spec.Method == SubgroupMethod.Column && spec.Column is null)
            throw new StratifyInputException($"line {Line(node)}: subgroups by column need 'column: <name>'", path);
        if (spec.Method is SubgroupMethod.InteractionTree && spec.Features.Count == 0)
            throw new StratifyInputException($"line {Line(node)}: an interaction tree needs 'features:' (the candidate split variables)", path);
        if (spec.Method is not SubgroupMethod.Column and not SubgroupMethod.SurvivalTree && spec.Features.Count == 0)
            throw new StratifyInputException($"line {Line(node)}: clustering needs 'features:' (numeric / categorical / ordinal columns)", path);
        return spec;
    }

    private static ValidationSpec Validation(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text })
            return text.Trim().ToLowerInvariant() switch
            {
                "none" => new ValidationSpec(),
                "split" => new ValidationSpec { Mode = ValidationMode.Split },
                _ => throw new StratifyInputException($"line {Line(node)}: unknown validation mode", path, value: text, suggestion: "Use none or split."),
            };
        var spec = new ValidationSpec();
        foreach (var (key, value, _) in Entries(node, path, "validation", ValidationKeys))
        {
            var text2 = Scalar(value, path, key);
            switch (key)
            {
                case "mode": spec = spec with { Mode = Validation(value, path).Mode }; break;
                case "fraction":
                    if (!double.TryParse(text2, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) || f <= 0.1 || f >= 0.9)
                        throw new StratifyInputException($"line {Line(value)}: validation fraction must be between 0.1 and 0.9", path, value: text2);
                    spec = spec with { Fraction = f };
                    break;
                case "seed": spec = spec with { Seed = Integer(value, path, key, int.MinValue) }; break;
            }
        }
        return spec;
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
