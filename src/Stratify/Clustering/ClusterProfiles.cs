namespace Stratify.Clustering;

/// <summary>How one feature (or one level of a categorical feature) differs between a cluster and the other patients.</summary>
/// <param name="Level">The level for a categorical feature; null for numeric and ordinal features.</param>
/// <param name="ClusterValue">Mean (numeric; ordinal: mean rank 1..L) or proportion (level) in the cluster.</param>
/// <param name="RestValue">The same among all other patients.</param>
/// <param name="Difference">ClusterValue − RestValue.</param>
/// <param name="StandardisedDifference">Difference / sqrt((s²_cluster + s²_rest) / 2); for a level the variances are
/// p(1 − p) (Austin 2009, Stat Med 28:3083). ±∞ when both variances are 0 but the values differ (perfect separation;
/// JSON null), 0 when nothing differs.</param>
public sealed record ProfileEntry(string Feature, string? Level, double ClusterValue, double RestValue, double Difference, double StandardisedDifference);

/// <summary>A cluster's profile: every feature's difference, sorted by |standardised difference|, and a short label.</summary>
public sealed record ClusterProfile(int Cluster, int Size, IReadOnlyList<ProfileEntry> Entries, string Label);

/// <summary>
/// Cluster profiles: what sets each cluster apart from the rest of the cohort.
/// Label rule: take the entries with |standardised difference| ≥ 0.5 (a "medium" difference; Cohen 1988), at most
/// one per feature, categorical levels only when over-represented (positive difference), the 3 largest, in that order;
/// if none reaches 0.5 the single largest entry is used when it reaches 0.2, otherwise the label is "no distinctive
/// feature". Wording: numeric "higher x"/"lower x" (age: "older"/"younger"); ordinal "x ≥ m" or "x ≤ m" with m the
/// cluster's median level; level "x = level"; a missing-value indicator "x missing". Patients with the assignment −1
/// (no subgroup) are in neither the cluster nor the rest.
/// <example><code>
/// var profiles = ClusterProfiles.Describe(features, fit.Assignment, fit.K);   // profiles[0].Label, e.g. "older, ph.ecog ≥ 2"
/// </code></example>
/// </summary>
internal static class ClusterProfiles
{
    public const double LabelThreshold = 0.5;
    public const double FallbackThreshold = 0.2;

    public static IReadOnlyList<ClusterProfile> Describe(FeatureSet features, int[] assignment, int k)
    {
        var counts = new int[k];
        foreach (int c in assignment) if (c >= 0) counts[c]++;
        var result = new List<ClusterProfile>(k);
        for (int c = 0; c < k; c++)
        {
            var entries = new List<ProfileEntry>();
            var medianLevel = new Dictionary<string, string>();
            foreach (var f in features.Features)
            {
                if (f.Role == FeatureRole.Categorical)
                {
                    for (int level = 1; level <= f.Levels!.Length; level++)
                    {
                        var (pin, pout) = Proportions(f.Values, assignment, c, level);
                        entries.Add(Entry(f.Name, f.Levels[level - 1], pin, pout, pin * (1 - pin), pout * (1 - pout)));
                    }
                    continue;
                }
                var (mIn, vIn, mOut, vOut) = Moments(f.Values, assignment, c);
                entries.Add(Entry(f.Name, null, mIn, mOut, vIn, vOut));
                if (f.Role == FeatureRole.Ordinal) medianLevel[f.Name] = f.Levels![MedianCode(f.Values, assignment, c) - 1];
            }
            entries.Sort((a, b) => Math.Abs(b.StandardisedDifference).CompareTo(Math.Abs(a.StandardisedDifference)));
            result.Add(new ClusterProfile(c, counts[c], entries, Label(entries, features, medianLevel)));
        }
        return result;
    }

    private static ProfileEntry Entry(string feature, string? level, double inside, double outside, double varIn, double varOut)
    {
        double diff = inside - outside;
        double pooled = Math.Sqrt((varIn + varOut) / 2);
        double smd = pooled > 0 ? diff / pooled : diff == 0 || double.IsNaN(diff) ? 0 : Math.CopySign(double.PositiveInfinity, diff);
        return new ProfileEntry(feature, level, inside, outside, diff, smd);
    }

    private static string Label(List<ProfileEntry> entries, FeatureSet features, Dictionary<string, string> medianLevel)
    {
        var roles = features.Features.ToDictionary(f => f.Name, f => f);
        var chosen = new List<ProfileEntry>();
        foreach (var e in entries)
        {
            if (chosen.Count == 3 || Math.Abs(e.StandardisedDifference) < LabelThreshold) break;
            if (e.Level is not null && e.Difference <= 0) continue;
            if (chosen.Any(x => x.Feature == e.Feature)) continue;
            chosen.Add(e);
        }
        if (chosen.Count == 0)
        {
            var top = entries.FirstOrDefault(e => e.Level is null || e.Difference > 0);
            if (top is null || Math.Abs(top.StandardisedDifference) < FallbackThreshold) return "no distinctive feature";
            chosen.Add(top);
        }
        return string.Join(", ", chosen.Select(e => Words(e, roles[e.Feature], medianLevel)));
    }

    private static string Words(ProfileEntry e, Feature feature, Dictionary<string, string> medianLevel)
    {
        bool up = e.Difference > 0;
        if (feature.IsMissingIndicator)
        {
            string name = feature.Name.Replace(" (missing)", "", StringComparison.Ordinal);
            return e.Level == "1" ? $"{name} missing" : $"{name} recorded";
        }
        switch (feature.Role)
        {
            case FeatureRole.Categorical: return $"{e.Feature} = {e.Level}";
            case FeatureRole.Ordinal: return up ? $"{e.Feature} ≥ {medianLevel[e.Feature]}" : $"{e.Feature} ≤ {medianLevel[e.Feature]}";
            default:
                if (e.Feature.Equals("age", StringComparison.OrdinalIgnoreCase)) return up ? "older" : "younger";
                return up ? $"higher {e.Feature}" : $"lower {e.Feature}";
        }
    }

    private static (double In, double Out) Proportions(double[] codes, int[] assignment, int c, int level)
    {
        int nIn = 0, nOut = 0, hitIn = 0, hitOut = 0;
        for (int i = 0; i < codes.Length; i++)
        {
            if (double.IsNaN(codes[i]) || assignment[i] < 0) continue;
            bool hit = codes[i] == level;
            if (assignment[i] == c) { nIn++; if (hit) hitIn++; }
            else { nOut++; if (hit) hitOut++; }
        }
        return (nIn == 0 ? double.NaN : (double)hitIn / nIn, nOut == 0 ? double.NaN : (double)hitOut / nOut);
    }

    private static (double MeanIn, double VarIn, double MeanOut, double VarOut) Moments(double[] values, int[] assignment, int c)
    {
        double sIn = 0, sOut = 0;
        int nIn = 0, nOut = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]) || assignment[i] < 0) continue;
            if (assignment[i] == c) { sIn += values[i]; nIn++; } else { sOut += values[i]; nOut++; }
        }
        double mIn = sIn / nIn, mOut = sOut / nOut, ssIn = 0, ssOut = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]) || assignment[i] < 0) continue;
            if (assignment[i] == c) ssIn += (values[i] - mIn) * (values[i] - mIn); else ssOut += (values[i] - mOut) * (values[i] - mOut);
        }
        return (mIn, nIn > 1 ? ssIn / (nIn - 1) : 0, mOut, nOut > 1 ? ssOut / (nOut - 1) : 0);
    }

    private static int MedianCode(double[] codes, int[] assignment, int c)
    {
        var inside = new List<double>();
        for (int i = 0; i < codes.Length; i++) if (assignment[i] == c && !double.IsNaN(codes[i])) inside.Add(codes[i]);
        if (inside.Count == 0) return 1;
        inside.Sort();
        return (int)inside[(inside.Count - 1) / 2];
    }
}
