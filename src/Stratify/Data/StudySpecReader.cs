using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Stratify.Data;

/// <summary>
/// Reads a YAML study spec (the format is documented in the README). Every key is checked: an unknown key is an
/// error that names the line and suggests the closest known key, so a typo never silently drops a role.
/// Limits, checked before YamlDotNet builds a node (its loader recurses, so deep nesting overflowed the stack, and
/// aliases can expand without bound — "billion laughs"): at most <see cref="MaxBytes"/> bytes, nesting
/// <see cref="MaxDepth"/> deep and <see cref="MaxNodes"/> nodes with every alias expanded. A spec needs a few
/// hundred bytes, four levels and a hundred nodes. The path must be a non-empty regular file: a folder, a device
/// (/dev/zero never ends) or a pipe is refused without being read.
/// </summary>
/// <example><code>var spec = StudySpecReader.Read("datasets/lung.yaml");</code></example>
public static class StudySpecReader
{
    private static readonly string[] TopKeys =
    [
        "title", "endpoint", "data", "id", "time", "time_unit", "event", "event_coding", "event_value", "censored_value",
        "event_of_interest", "competing",
        "treatment", "treatment_reference", "covariates", "strata", "cluster", "group", "subgroups", "landmarks", "rmst_horizon",
        "validation", "output", "seed", "small_cell_threshold", "weight", "entry", "start", "stop",
        "design", "interaction_alpha", "min_events_per_arm", "weights",
    ];
    private static readonly string[] WeightingKeys = ["method", "trim"];
    private static readonly string[] SubgroupKeys =
    [
        "method", "column", "features", "k", "bootstrap", "min_node_size", "max_depth", "missing",
        "marker", "window", "overlap", "bands", "permutations",
    ];
    private static readonly string[] ValidationKeys = ["mode", "fraction", "seed"];
    private static readonly string[] CovariateKeys = ["numeric", "categorical", "ordinal"];

    /// <summary>The most subgroups a run finds or takes from a column (k of clustering included): each adds a Cox term.</summary>
    public const int MaxSubgroups = 50;
    /// <summary>The most bootstrap replicates (stability) or gap reference sets: R's clusterboot uses 100 by default; 1,000 already pins a Jaccard mean to ±0.01.</summary>
    public const int MaxReplicates = 1000;
    public const int MaxBytes = 1 << 20;

    /// <summary>Refuses a count of replicates (a command-line flag) outside 0..<see cref="MaxReplicates"/>, with <paramref name="suggestion"/>.</summary>
    public static void CheckReplicates(int count, string option, string suggestion)
    {
        if (count is < 0 or > MaxReplicates)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"must be from 0 to {MaxReplicates:N0}"), option, value: count.ToString(CultureInfo.InvariantCulture), suggestion: suggestion);
    }
    public const int MaxDepth = 32;
    public const int MaxNodes = 10_000;

    public static StudySpec Read(string path)
    {
        var text = ReadText(path);
        var yaml = new YamlStream();
        try
        {
            CheckShape(text, path);
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {e.Start.Line}: not valid YAML ({Simplify(e)})"), path,
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

    /// <summary>The spec's text, refused without reading when the path is not a non-empty regular file of at most <see cref="MaxBytes"/>.</summary>
    private static string ReadText(string path)
    {
        long length = InputFile.Require(path, "a study spec", "study spec not found", "Check the path to the YAML file.");
        if (length > MaxBytes)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the study spec is {length:N0} bytes, more than the {MaxBytes:N0} a spec may have (a spec is a few hundred bytes)"), path);
        try
        {
            using var reader = new StreamReader(path);
            var buffer = new char[MaxBytes + 1];
            int read = reader.ReadBlock(buffer, 0, buffer.Length);
            if (read > MaxBytes)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the study spec grew beyond the {MaxBytes:N0} bytes a spec may have while it was read"), path);
            return new string(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StratifyInputException($"cannot read the study spec ({e.Message})", path);
        }
    }

    /// <summary>
    /// Walks the parser's events (no tree is built, nothing recurses) and refuses nesting deeper than
    /// <see cref="MaxDepth"/> or more than <see cref="MaxNodes"/> nodes once every alias is expanded (each alias counts
    /// the nodes of the anchored value it stands for).
    /// </summary>
    private static void CheckShape(string text, string path)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<(AnchorName Anchor, long NodesBefore)>();
        var expanded = new Dictionary<AnchorName, long>();
        long nodes = 0;
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case MappingStart or SequenceStart:
                    if (open.Count >= MaxDepth)
                        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {current.Start.Line}: nested more than {MaxDepth} levels deep (a study spec needs four)"), path,
                            suggestion: "Check for unbalanced [ or { brackets.");
                    open.Push((((NodeEvent)current).Anchor, nodes));
                    nodes++;
                    break;
                case MappingEnd or SequenceEnd:
                    var (anchor, before) = open.Pop();
                    if (!anchor.IsEmpty) expanded[anchor] = nodes - before;
                    break;
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty) expanded[scalar.Anchor] = 1;
                    break;
                case AnchorAlias alias:
                    nodes += expanded.GetValueOrDefault(alias.Value, 1);
                    break;
            }
            if (nodes > MaxNodes)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {current.Start.Line}: more than {MaxNodes:N0} values once its aliases (*name) are expanded (a study spec has about a hundred)"), path,
                    suggestion: "Remove the aliases that repeat other aliases.");
        }
    }

    private static StudySpec Parse(YamlMappingNode root, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var spec = new StudySpec { SourceFile = path };
        long? timeLine = null, stopLine = null;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode, path);
            if (key == "time") timeLine = Line(keyNode);
            if (key == "stop") stopLine = Line(keyNode);
            if (timeLine is not null && stopLine is not null)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Math.Max(timeLine.Value, stopLine.Value)}: 'stop' is the time column of start/stop rows, and 'time' is given too"), path,
                    suggestion: "Give either time: (one row per patient, with entry: for delayed entry) or start: and stop: (several rows per patient).");
            switch (key)
            {
                case "entry": spec = spec with { Entry = Scalar(value, path, key) }; break;
                case "start": spec = spec with { Start = Scalar(value, path, key) }; break;
                case "stop": spec = spec with { Time = Scalar(value, path, key) }; break;
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
                case "event_of_interest": spec = spec with { EventOfInterest = Scalar(value, path, key) }; break;
                case "competing": spec = spec with { Competing = List(value, path, key) }; break;
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
                case "weight": spec = spec with { Weight = Scalar(value, path, key) }; break;
                case "output": spec = spec with { Output = Path.GetFullPath(Path.Combine(folder, Scalar(value, path, key))) }; break;
                case "seed": spec = spec with { Seed = Integer(value, path, key, int.MinValue) }; break;
                case "small_cell_threshold": spec = spec with { SmallCellThreshold = Integer(value, path, key, 0) }; break;
                case "design": spec = spec with { Design = ParseDesign(Scalar(value, path, key), path, Line(value)) }; break;
                case "interaction_alpha": spec = spec with { InteractionAlpha = Alpha(value, path, key) }; break;
                case "min_events_per_arm": spec = spec with { MinEventsPerArm = Integer(value, path, key, 1) }; break;
                case "weights": spec = spec with { TreatmentWeighting = Weighting(value, path) }; break;
                default:
                    throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(keyNode)}: unknown key '{key}'"), path,
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
        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: {(key is null ? "a key" : $"'{key}'")} needs a single value"), path);
    }

    private static IReadOnlyList<string> List(YamlNode node, string path, string key) => node switch
    {
        YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => [s.Value!],
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c, path, key)).ToArray(),
        _ => throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' needs a value or a list of values"), path),
    };

    private static int Integer(YamlNode node, string path, string key, int minimum, int maximum = int.MaxValue)
    {
        var text = Scalar(node, path, key);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= minimum && v <= maximum) return v;
        if (maximum < int.MaxValue && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long big) && big > maximum)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' is at most {maximum:N0}"), path, value: text,
                suggestion: key == "bootstrap" ? string.Create(CultureInfo.InvariantCulture, $"{maximum:N0} replicates already estimate a stability to ±0.01; 20 to 100 are usual.") : null);
        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' must be a whole number{(minimum == 0 ? " ≥ 0" : "")}"), path, value: text);
    }

    private static double Number(string text, YamlNode node, string path, string key)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && v > 0) return v;
        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' needs positive numbers (times in the study's time unit)"), path, value: text);
    }

    private static IEnumerable<(string Key, YamlNode Value, YamlNode KeyNode)> Entries(YamlNode node, string path, string key, string[] known)
    {
        if (node is not YamlMappingNode map)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' needs keys: {string.Join(", ", known)}"), path);
        foreach (var (k, v) in map.Children)
        {
            var name = Scalar(k, path);
            if (!known.Contains(name))
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(k)}: unknown key '{name}' under '{key}'"), path, suggestion: NameSuggestion.Hint(name, known, "key"));
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
        _ => throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}unknown subgroup method", source, value: text,
            suggestion: "Use kmedoids, kmeans, gmm, hierarchical, tree, column, interaction_tree or stepp."),
    };

    /// <summary>k as a number ("3") or a range ("2..6").</summary>
    public static (int Min, int Max) ParseK(string text, string? source, long? line = null)
    {
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], out int lo) && int.TryParse(parts[^1], out int hi) && lo >= 2 && hi >= lo)
        {
            if (hi <= MaxSubgroups) return (lo, hi);
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}k is at most {MaxSubgroups} (each subgroup adds a term to every model and a curve to every chart)"), source, value: text);
        }
        throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}k must be a whole number ≥ 2 or a range such as 2..8", source, value: text);
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
                case "bootstrap": spec = spec with { Bootstrap = Integer(value, path, key, 0, MaxReplicates) }; break;
                case "min_node_size": spec = spec with { MinNodeSize = Integer(value, path, key, 1) }; break;
                case "max_depth": spec = spec with { MaxDepth = Integer(value, path, key, 1) }; break;
                case "marker": spec = spec with { Marker = Scalar(value, path, key) }; break;
                case "window": spec = spec with { WindowPatients = Integer(value, path, key, 2) }; break;
                case "overlap": spec = spec with { WindowOverlap = Integer(value, path, key, 0) }; break;
                case "bands": spec = spec with { Bands = Integer(value, path, key, 2) }; break;
                case "permutations": spec = spec with { Permutations = Integer(value, path, key, 0) }; break;
                case "missing": spec = Missing(spec, value, path); break;
            }
        }
        if (spec.Method == SubgroupMethod.Stepp)
        {
            if (spec.Marker is null)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: subgroups by STEPP need 'marker: <numeric column>'"), path);
            if (spec.Features.All(f => f.Column != spec.Marker))
                spec = spec with { Features = [new CovariateSpec(spec.Marker, CovariateKind.Numeric), .. spec.Features] };
        }
        if (spec.Method == SubgroupMethod.Stepp && spec.MissingByFeature.TryGetValue(spec.Marker!, out var markerPolicy) && markerPolicy != MissingPolicy.CompleteCase)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: STEPP's marker '{spec.Marker}' cannot be filled in: a patient without it has no place on the marker's axis"), path,
                value: spec.Marker, suggestion: "Leave the marker out of missing: (it is always complete_case).");
        if (spec.Method == SubgroupMethod.Column && spec.Column is null)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: subgroups by column need 'column: <name>'"), path);
        if (spec.Method is SubgroupMethod.InteractionTree && spec.Features.Count == 0)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: an interaction tree needs 'features:' (the candidate split variables)"), path);
        if (spec.Method is not SubgroupMethod.Column and not SubgroupMethod.SurvivalTree && spec.Features.Count == 0)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: clustering needs 'features:' (numeric / categorical / ordinal columns)"), path);
        foreach (var (column, _) in spec.MissingByFeature)
            if (spec.Features.All(f => f.Column != column))
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: 'missing:' names '{column}', which is not a feature"), path, value: column,
                    suggestion: NameSuggestion.Hint(column, spec.Features.Select(f => f.Column).ToArray()));
        if (spec.Method is not SubgroupMethod.KMedoids and not SubgroupMethod.Column && spec.Features.Any(f => spec.MissingFor(f.Column) == MissingPolicy.Pairwise))
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: 'missing: pairwise' is for k-medoids (Gower leaves a missing feature out of the pair); ") +
                $"{MethodInWords(spec.Method)} needs a value for every patient", path, suggestion: "Use impute, indicator or complete_case.");
        return spec;
    }

    private static string MethodInWords(SubgroupMethod method) => method switch
    {
        SubgroupMethod.KMeans => "k-means",
        SubgroupMethod.GaussianMixture => "a Gaussian mixture",
        SubgroupMethod.Hierarchical => "Ward's hierarchical clustering",
        SubgroupMethod.SurvivalTree => "the survival tree",
        SubgroupMethod.InteractionTree => "the interaction tree",
        SubgroupMethod.Stepp => "STEPP",
        _ => "a subgroup column",
    };

    /// <summary>The missing-value policies users write; each maps to a <see cref="MissingPolicy"/>.</summary>
    public static MissingPolicy ParseMissing(string text, string? source, long? line = null) => text.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "impute" => MissingPolicy.Impute,
        "indicator" => MissingPolicy.Indicator,
        "complete_case" or "complete_cases" or "drop" => MissingPolicy.CompleteCase,
        "pairwise" => MissingPolicy.Pairwise,
        _ => throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}unknown missing-value policy", source, value: text,
            suggestion: "Use impute (default), indicator, complete_case or pairwise (k-medoids only)."),
    };

    /// <summary>missing: impute, or a mapping {default: impute, wt.loss: indicator} with per-feature overrides.</summary>
    private static SubgroupSpec Missing(SubgroupSpec spec, YamlNode node, string path)
    {
        if (node is YamlScalarNode)
            return spec with { Missing = ParseMissing(Scalar(node, path, "missing"), path, Line(node)) };
        if (node is not YamlMappingNode map)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: 'missing' needs a policy (impute, indicator, complete_case, pairwise) or a mapping of feature: policy"), path);
        var byFeature = new Dictionary<string, MissingPolicy>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var name = Scalar(keyNode, path);
            var policy = ParseMissing(Scalar(value, path, name), path, Line(value));
            if (name == "default") spec = spec with { Missing = policy };
            else byFeature[name] = policy;
        }
        return spec with { MissingByFeature = byFeature };
    }

    private static ValidationSpec Validation(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text })
            return text.Trim().ToLowerInvariant() switch
            {
                "none" => new ValidationSpec(),
                "split" => new ValidationSpec { Mode = ValidationMode.Split },
                _ => throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: unknown validation mode"), path, value: text, suggestion: "Use none or split."),
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
                        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(value)}: validation fraction must be between 0.1 and 0.9"), path, value: text2);
                    spec = spec with { Fraction = f };
                    break;
                case "seed": spec = spec with { Seed = Integer(value, path, key, int.MinValue) }; break;
            }
        }
        return spec;
    }

    /// <summary>What `design:` means, in the words of the error a missing or unknown value gets.</summary>
    public const string DesignExplanation =
        "Use design: randomised when the treatment was assigned by chance in a randomised trial (the arms then differ only by chance), "
        + "or design: observational when clinicians or patients chose it (a registry, tumour bank or cohort: treated and untreated "
        + "patients may differ in ways that also affect outcome, so differences are reported as associations, not effects).";

    public static StudyDesign ParseDesign(string text, string? source, long? line = null) => text.Trim().ToLowerInvariant() switch
    {
        "randomised" or "randomized" => StudyDesign.Randomised,
        "observational" => StudyDesign.Observational,
        _ => throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}unknown design", source, value: text, suggestion: DesignExplanation),
    };

    /// <summary><c>weights: iptw</c>, <c>weights: none</c>, or <c>weights: {method: iptw, trim: 0.01}</c>.</summary>
    private static TreatmentWeightingSpec Weighting(YamlNode node, string path)
    {
        static TreatmentWeightingMethod Method(string text, YamlNode node, string path) => text.Trim().ToLowerInvariant() switch
        {
            "iptw" => TreatmentWeightingMethod.Iptw,
            "none" => TreatmentWeightingMethod.None,
            _ => throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: unknown weighting method"), path, value: text,
                suggestion: "Use iptw (stabilised inverse-probability-of-treatment weights) or none. A column of case weights is the key weight:."),
        };
        if (node is YamlScalarNode { Value: { } text }) return new TreatmentWeightingSpec(Method(text, node, path));
        var spec = new TreatmentWeightingSpec(TreatmentWeightingMethod.Iptw);
        foreach (var (key, value, _) in Entries(node, path, "weights", WeightingKeys))
        {
            var text2 = Scalar(value, path, key);
            switch (key)
            {
                case "method": spec = spec with { Method = Method(text2, value, path) }; break;
                case "trim":
                    if (!double.TryParse(text2, NumberStyles.Float, CultureInfo.InvariantCulture, out double trim) || !(trim > 0 && trim < 0.5))
                        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(value)}: the weight trim must lie strictly between 0 and 0.5"), path, value: text2,
                            suggestion: "trim: 0.01 clips every weight to the 1st–99th percentiles of the weights.");
                    spec = spec with { Trim = trim };
                    break;
            }
        }
        return spec;
    }

    private static double Alpha(YamlNode node, string path, string key)
    {
        var text = Scalar(node, path, key);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && v < 1) return v;
        throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' must be a probability between 0 and 1 (exclusive)"), path, value: text,
            suggestion: "The usual choice is 0.05; some guidelines use 0.10 or 0.01 for interaction tests.");
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
            _ => throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}unknown time unit", source, value: text,
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
        _ => throw new StratifyInputException($"{(line is null ? "" : string.Create(CultureInfo.InvariantCulture, $"line {line}: "))}unknown event coding", source, value: text,
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
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(node)}: '{key}' needs numeric / categorical / ordinal lists"), path);
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
                    throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {Line(kindNode)}: unknown key '{kind}' under '{key}'"), path,
                        suggestion: NameSuggestion.Hint(kind, CovariateKeys, "key"));
            }
        }
        return result;
    }
}
