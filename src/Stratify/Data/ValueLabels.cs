namespace Stratify.Data;

/// <summary>
/// Replaces a column's codes by readable labels (sex 1 → male, 2 → female), turning it into a categorical
/// column. Every value present must have a label, so a typo in the mapping cannot silently produce missing values.
/// </summary>
internal static class ValueLabels
{
    /// <summary>Parses "1:male,2:female" into a code → label map.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string column, string mapping)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in mapping.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = pair.IndexOf(':');
            if (colon <= 0 || colon == pair.Length - 1)
                throw new StratifyInputException("a label needs value:label", column: column, value: pair, suggestion: "For example --label sex=1:male,2:female.");
            result[pair[..colon].Trim()] = pair[(colon + 1)..].Trim();
        }
        return result;
    }

    public static CategoricalColumn Apply(Column column, IReadOnlyDictionary<string, string> labels, string source)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var codes = new int[column.Length];
        for (int i = 0; i < column.Length; i++)
        {
            if (column.IsMissing(i)) { codes[i] = -1; continue; }
            var value = column.Format(i);
            if (!labels.TryGetValue(value, out var label))
                throw new StratifyInputException("value has no label in the mapping", source, column.Name, i + 1, value,
                    $"Add {value}:<label> to the mapping.");
            if (!index.TryGetValue(label, out int code)) { code = index.Count; index.Add(label, code); }
            codes[i] = code;
        }
        // Keep the mapping's order (1:male, 2:female → male first), which is the order the user wrote.
        var ordered = labels.Values.Distinct().Where(index.ContainsKey).ToArray();
        var remap = new int[index.Count];
        for (int k = 0; k < ordered.Length; k++) remap[index[ordered[k]]] = k;
        for (int i = 0; i < codes.Length; i++) if (codes[i] >= 0) codes[i] = remap[codes[i]];
        return new CategoricalColumn(column.Name, codes, ordered, SourceType.String);
    }
}
