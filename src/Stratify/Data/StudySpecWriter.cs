using System.Globalization;
using System.Text;

namespace Stratify.Data;

/// <summary>
/// Writes a spec back as YAML in the reader's format (the manifest's "spec as run": command-line overrides
/// applied, paths absolute). Reading the text back with <see cref="StudySpecReader"/> gives the same spec.
/// </summary>
internal static class StudySpecWriter
{
    public static string ToYaml(StudySpec spec)
    {
        var text = new StringBuilder();
        void Line(string key, string? value) { if (value is not null) text.Append(key).Append(": ").Append(Quote(value)).Append('\n'); }
        void List(string key, IEnumerable<string> values, string indent = "")
        {
            var items = values.ToArray();
            if (items.Length > 0) text.Append(indent).Append(key).Append(": [").Append(string.Join(", ", items.Select(Quote))).Append("]\n");
        }
        Line("title", spec.Title);
        Line("endpoint", spec.Endpoint);
        List("data", spec.Data);
        Line("id", spec.Id);
        Line(spec.Start is null ? "time" : "stop", spec.Time);
        Line("entry", spec.Entry);
        Line("start", spec.Start);
        Line("time_unit", spec.TimeUnit.ToString().ToLowerInvariant());
        Line("event", spec.Event);
        Line("event_coding", spec.EventCoding switch
        {
            EventCoding.ZeroOne => "0/1",
            EventCoding.OneTwo => "1/2",
            EventCoding.Boolean => "boolean",
            EventCoding.Declared => "declared",
            _ => "auto",
        });
        List("event_value", spec.EventValues);
        List("censored_value", spec.CensoredValues);
        Line("event_of_interest", spec.EventOfInterest);
        List("competing", spec.Competing);
        Line("treatment", spec.Treatment);
        Line("treatment_reference", spec.TreatmentReference);
        if (spec.Design is { } design) Line("design", design == StudyDesign.Observational ? "observational" : "randomised");
        if (spec.TreatmentWeighting is { } weighting)
        {
            text.Append("weights:\n  method: ").Append(weighting.Method == TreatmentWeightingMethod.Iptw ? "iptw" : "none").Append('\n');
            if (weighting.Trim is double trim) text.Append("  trim: ").Append(Number(trim)).Append('\n');
        }
        Covariates("covariates", spec.Covariates, text, "");
        List("strata", spec.Strata);
        Line("cluster", spec.Cluster);
        Line("weight", spec.Weight);
        Line("group", spec.Group);
        if (spec.Subgroups is { } s)
        {
            text.Append("subgroups:\n");
            text.Append("  method: ").Append(MethodKey(s.Method)).Append('\n');
            if (s.Column is not null) text.Append("  column: ").Append(Quote(s.Column)).Append('\n');
            Covariates("features", s.Features, text, "  ");
            text.Append("  k: ").Append(s.KMin == s.KMax ? s.KMin.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{s.KMin}..{s.KMax}")).Append('\n');
            text.Append("  bootstrap: ").Append(s.Bootstrap.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("  min_node_size: ").Append(s.MinNodeSize.ToString(CultureInfo.InvariantCulture)).Append('\n');
            text.Append("  max_depth: ").Append(s.MaxDepth.ToString(CultureInfo.InvariantCulture)).Append('\n');
            if (s.Method == SubgroupMethod.Stepp)
            {
                text.Append("  marker: ").Append(Quote(s.Marker!)).Append('\n');
                if (s.WindowPatients is int window) text.Append("  window: ").Append(window.ToString(CultureInfo.InvariantCulture)).Append('\n');
                if (s.WindowOverlap is int overlap) text.Append("  overlap: ").Append(overlap.ToString(CultureInfo.InvariantCulture)).Append('\n');
                text.Append("  bands: ").Append(s.Bands.ToString(CultureInfo.InvariantCulture)).Append('\n');
                text.Append("  permutations: ").Append(s.Permutations.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            text.Append("  missing:\n    default: ").Append(MissingName(s.Missing)).Append('\n');
            foreach (var (column, policy) in s.MissingByFeature.OrderBy(m => m.Key, StringComparer.Ordinal))
                text.Append("    ").Append(Quote(column)).Append(": ").Append(MissingName(policy)).Append('\n');
        }
        List("landmarks", spec.Landmarks.Select(Number));
        if (spec.RmstHorizon is double tau) Line("rmst_horizon", Number(tau));
        text.Append("validation:\n  mode: ").Append(spec.Validation.Mode == ValidationMode.Split ? "split" : "none").Append('\n');
        text.Append("  fraction: ").Append(Number(spec.Validation.Fraction)).Append('\n');
        if (spec.Validation.Seed is int vs) text.Append("  seed: ").Append(vs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        Line("output", spec.Output);
        text.Append("seed: ").Append(spec.Seed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("small_cell_threshold: ").Append(spec.SmallCellThreshold.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("interaction_alpha: ").Append(Number(spec.InteractionAlpha)).Append('\n');
        text.Append("min_events_per_arm: ").Append(spec.MinEventsPerArm.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static void Covariates(string key, IReadOnlyList<CovariateSpec> covariates, StringBuilder text, string indent)
    {
        if (covariates.Count == 0) return;
        text.Append(indent).Append(key).Append(":\n");
        var numeric = covariates.Where(c => c.Kind == CovariateKind.Numeric).Select(c => Quote(c.Column)).ToArray();
        if (numeric.Length > 0) text.Append(indent).Append("  numeric: [").Append(string.Join(", ", numeric)).Append("]\n");
        var categorical = covariates.Where(c => c.Kind == CovariateKind.Categorical).ToArray();
        if (categorical.Length > 0)
        {
            text.Append(indent).Append("  categorical:\n");
            foreach (var c in categorical) text.Append(indent).Append("    ").Append(Quote(c.Column)).Append(": ").Append(c.Reference is null ? "~" : Quote(c.Reference)).Append('\n');
        }
        var ordinal = covariates.Where(c => c.Kind == CovariateKind.Ordinal).ToArray();
        if (ordinal.Length > 0)
        {
            text.Append(indent).Append("  ordinal:\n");
            foreach (var c in ordinal)
                text.Append(indent).Append("    ").Append(Quote(c.Column)).Append(": ")
                    .Append(c.Levels is null ? "~" : "[" + string.Join(", ", c.Levels.Select(Quote)) + "]").Append('\n');
        }
    }

    /// <summary>A missing-value policy as the spec writes it (impute, indicator, complete_case, pairwise).</summary>
    internal static string MissingName(MissingPolicy policy) => policy switch
    {
        MissingPolicy.Indicator => "indicator",
        MissingPolicy.CompleteCase => "complete_case",
        MissingPolicy.Pairwise => "pairwise",
        _ => "impute",
    };

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Double-quoted YAML scalar with backslash escapes, so any text reads back unchanged.</summary>
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

    /// <summary>A subgroup method as the spec's <c>method:</c> key spells it (and results.json reports it).</summary>
    internal static string MethodKey(SubgroupMethod method) => method switch
    {
        SubgroupMethod.KMedoids => "kmedoids",
        SubgroupMethod.KMeans => "kmeans",
        SubgroupMethod.GaussianMixture => "gmm",
        SubgroupMethod.Hierarchical => "hierarchical",
        SubgroupMethod.SurvivalTree => "tree",
        SubgroupMethod.InteractionTree => "interaction_tree",
        SubgroupMethod.Stepp => "stepp",
        _ => "column",
    };
}
