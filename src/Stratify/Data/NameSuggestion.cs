namespace Stratify.Data;

/// <summary>
/// Finds the known name closest to a misspelt one (case-insensitive Levenshtein distance), so that an error can
/// say "did you mean 'ph.ecog'?". A candidate is offered only when it is plausibly a typo: distance at most
/// max(2, a third of the name's length).
/// </summary>
internal static class NameSuggestion
{
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = candidate; }
        }
        int limit = Math.Max(2, name.Length / 3);
        return best is not null && bestDistance <= limit ? best : null;
    }

    /// <summary>"Did you mean 'x'?" or, when nothing is close, the list of known names.</summary>
    public static string Hint(string name, IReadOnlyCollection<string> candidates, string kind = "column")
    {
        var closest = Closest(name, candidates);
        if (closest is not null) return $"Did you mean '{closest}'?";
        var shown = candidates.Take(20).Select(c => $"'{c}'");
        return $"Known {kind}s: {string.Join(", ", shown)}{(candidates.Count > 20 ? ", ..." : "")}";
    }

    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
