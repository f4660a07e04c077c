using System.CommandLine;
using Stratify.Data;

namespace Stratify.Cli;

/// <summary>
/// The column-role flags shared by every analysis verb, and the one place that turns them (and an optional YAML
/// study spec given as the first argument) into a <see cref="StudySpec"/>. Flags override the spec's values.
/// </summary>
internal sealed class StudyOptions
{
    public Argument<string?> Input { get; } = new("input") { Description = "A study spec (.yaml) or a Parquet file/folder.", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> Data { get; } = new("--data") { Description = "Parquet file or folder of part files." };
    public Option<string?> Id { get; } = new("--id") { Description = "Patient id column (checked for duplicates)." };
    public Option<string?> Time { get; } = new("--time") { Description = "Survival time column." };
    public Option<string?> TimeUnit { get; } = new("--time-unit") { Description = "days (default), weeks, months or years." };
    public Option<string?> Event { get; } = new("--event") { Description = "Event column: 0/1, R's 1/2 (2 = event) and booleans are recognised." };
    public Option<string?> EventValue { get; } = new("--event-value") { Description = "Value(s) of the event column meaning an event, comma separated." };
    public Option<string?> CensoredValue { get; } = new("--censored-value") { Description = "Value(s) meaning censored, comma separated." };
    public Option<string?> EventOfInterest { get; } = new("--event-of-interest") { Description = "Competing risks: the value of the event column that is the event of interest (censored: --censored-value, default 0)." };
    public Option<string?> Competing { get; } = new("--competing") { Description = "Competing risks: the values of the competing causes, comma separated (default: every other value)." };
    public Option<string?> Group { get; } = new("--group") { Description = "Grouping column." };
    public Option<string?> Treatment { get; } = new("--treatment") { Description = "Treatment column." };
    public Option<string?> Covariates { get; } = new("--covariates") { Description = "Covariate columns, comma separated (numeric unless listed in --categorical)." };
    public Option<string?> Categorical { get; } = new("--categorical") { Description = "Columns to treat as categorical, comma separated." };
    public Option<string[]> Reference { get; } = new("--reference") { Description = "Reference level, col=level (repeatable).", AllowMultipleArgumentsPerToken = true };
    public Option<string?> Strata { get; } = new("--strata") { Description = "Stratification columns, comma separated." };
    public Option<string?> Cluster { get; } = new("--cluster") { Description = "Cluster column for robust standard errors (implies --robust in cox)." };
    public Option<string?> Weights { get; } = new("--weights") { Description = "Case-weight column (numbers ≥ 0), as R's weights = argument." };
    private bool _weighted;
    private bool _categoricalNamesFeatures;

    public void AddTo(Command command)
    {
        command.Arguments.Add(Input);
        foreach (var option in new Option[] { Data, Id, Time, TimeUnit, Event, EventValue, CensoredValue, EventOfInterest, Competing, Group, Treatment, Covariates, Categorical, Reference, Strata, Cluster })
            command.Options.Add(option);
    }

    /// <summary>
    /// Adds the role flags for the verbs that fit no covariates (cluster, tree): there --categorical names subgroup
    /// features, which the verb reads (see <see cref="Commands.FeatureOptions"/>), not covariates.
    /// </summary>
    public void AddForFeaturesTo(Command command)
    {
        AddTo(command);
        Categorical.Description = "Features to treat as categorical (a 0/1 or other numeric code becomes levels), comma separated.";
        _categoricalNamesFeatures = true;
    }

    /// <summary>Adds the role flags and --weights (the verbs whose estimators take case weights: km, logrank, cox).</summary>
    public void AddWithWeightsTo(Command command)
    {
        AddTo(command);
        command.Options.Add(Weights);
        _weighted = true;
    }

    public static IReadOnlyList<string> SplitList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The spec: from the YAML file given as input (if any), with every flag given overriding it.</summary>
    public StudySpec ToSpec(ParseResult parse)
    {
        var input = parse.GetValue(Input);
        StudySpec spec = input is not null && (input.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || input.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            ? StudySpecReader.Read(input)
            : new StudySpec { Data = input is null ? [] : [input] };
        if (parse.GetValue(Data) is { } data) spec = spec with { Data = [data] };
        if (parse.GetValue(Id) is { } id) spec = spec with { Id = id };
        if (parse.GetValue(Time) is { } time) spec = spec with { Time = time };
        if (parse.GetValue(TimeUnit) is { } unit) spec = spec with { TimeUnit = StudySpecReader.ParseTimeUnit(unit, "--time-unit") };
        if (parse.GetValue(Event) is { } evt) spec = spec with { Event = evt };
        if (parse.GetValue(EventValue) is { } ev) spec = spec with { EventValues = SplitList(ev), EventCoding = EventCoding.Declared };
        if (parse.GetValue(CensoredValue) is { } cv) spec = spec with { CensoredValues = SplitList(cv) };
        if (parse.GetValue(EventOfInterest) is { } interest) spec = spec with { EventOfInterest = interest };
        if (parse.GetValue(Competing) is { } competing) spec = spec with { Competing = SplitList(competing) };
        if (parse.GetValue(Group) is { } group) spec = spec with { Group = group };
        if (parse.GetValue(Treatment) is { } treatment) spec = spec with { Treatment = treatment };
        if (parse.GetValue(Strata) is { } strata) spec = spec with { Strata = SplitList(strata) };
        if (parse.GetValue(Cluster) is { } cluster) spec = spec with { Cluster = cluster };
        if (_weighted && parse.GetValue(Weights) is { } weights) spec = spec with { Weight = weights };

        var categorical = (_categoricalNamesFeatures ? [] : SplitList(parse.GetValue(Categorical))).ToHashSet(StringComparer.Ordinal);
        var references = ParseReferences(parse.GetValue(Reference) ?? []);
        if (parse.GetValue(Covariates) is { } covariates)
            spec = spec with
            {
                Covariates = SplitList(covariates).Select(c => categorical.Contains(c) || references.ContainsKey(c)
                    ? new CovariateSpec(c, CovariateKind.Categorical, references.GetValueOrDefault(c))
                    : new CovariateSpec(c, CovariateKind.Numeric)).ToArray(),
            };
        else if (categorical.Count > 0 || references.Count > 0)
            spec = spec with
            {
                Covariates = spec.Covariates.Select(c => categorical.Contains(c.Column) || references.ContainsKey(c.Column)
                    ? c with { Kind = CovariateKind.Categorical, Reference = references.TryGetValue(c.Column, out var level) ? level : c.Reference }
                    : c).ToArray(),
            };
        foreach (var name in categorical.Concat(references.Keys))
            if (spec.Covariates.All(c => c.Column != name) && name != spec.Treatment && name != spec.Group)
                throw new StratifyInputException($"'{name}' is given in --categorical or --reference but is not a covariate", "command line",
                    suggestion: "Add it to --covariates.");
        if (spec.Treatment is not null && references.TryGetValue(spec.Treatment, out var arm)) spec = spec with { TreatmentReference = arm };
        return spec;
    }

    private static Dictionary<string, string> ParseReferences(IEnumerable<string> items)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items.SelectMany(i => SplitList(i)))
        {
            int eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new StratifyInputException("--reference needs column=level", "command line", value: item, suggestion: "For example --reference rx=Obs.");
            result[item[..eq]] = item[(eq + 1)..];
        }
        return result;
    }
}
