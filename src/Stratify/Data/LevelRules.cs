using System.Globalization;

namespace Stratify.Data;

/// <summary>
/// The one set of rules by which a column's values become the levels of a factor, for every role that needs levels
/// (treatment, group, subgroup column, strata, categorical and ordinal covariates, subgroup features, Table 1) and for
/// every declared value (an ordinal's order, a reference level, event and censored values):
/// <list type="bullet">
/// <item>a level is a value as the column formats it: text as stored, a number as R prints it ("2", "2.5", "1e+06" is
/// "1000000");</item>
/// <item>undeclared levels are the values that occur, in <see cref="LevelOrder"/> (numbers by value, then text
/// ordinally);</item>
/// <item>a declared value matches a level when both read as the same number, or else as the same text: "2.0" in a
/// spec matches the number 2 and the text "2";</item>
/// <item>a declared order keeps all its levels in its order (a level no patient has keeps its place, as R's
/// <c>factor(x, levels = )</c>), and a value outside it is refused with file, column, row and value;</item>
/// <item>a number used as a level must be finite; a missing value has the code −1 (roles that need every row
/// complete drop those rows first, <see cref="StudyBinder"/>).</item>
/// </list>
/// </summary>
/// <example><code>
/// var (codes, levels) = LevelRules.Code(source, cohort["grade"], rows, order: ["1.0", "2.0", "3.0"]); // levels "1", "2", "3"
/// </code></example>
internal static class LevelRules
{
    /// <summary>A declared value in the form a column shows it: a number as R prints it ("2.0" → "2"), text unchanged.</summary>
    public static string Canonical(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : value;

    /// <summary>True when a declared value names the level: equal as numbers, or else as text.</summary>
    public static bool Matches(string declared, string level) =>
        string.Equals(declared, level, StringComparison.Ordinal) || string.Equals(Canonical(declared), Canonical(level), StringComparison.Ordinal);

    /// <summary>The index of the level a declared value names, or −1.</summary>
    public static int IndexOf(IReadOnlyList<string> levels, string declared)
    {
        for (int l = 0; l < levels.Count; l++)
            if (string.Equals(levels[l], declared, StringComparison.Ordinal)) return l;
        for (int l = 0; l < levels.Count; l++)
            if (Matches(declared, levels[l])) return l;
        return -1;
    }

    /// <summary>
    /// Codes the column over <paramref name="rows"/>: a level index per row (−1 where missing) and the levels, in the
    /// declared <paramref name="order"/> when one is given, else the values that occur in <see cref="LevelOrder"/>.
    /// </summary>
    public static (int[] Codes, string[] Levels) Code(string source, Column column, int[] rows, IReadOnlyList<string>? order)
    {
        var (valueOfRow, texts) = StudyBinder.DistinctValues(column, rows);
        if (column is NumericColumn numeric)
            for (int k = 0; k < rows.Length; k++)
                if (valueOfRow[k] >= 0 && !double.IsFinite(numeric.Values[rows[k]]))
                    throw new StratifyInputException("a level must be a finite number or text", source, column.Name, rows[k] + 1, texts[valueOfRow[k]],
                        "Mark the value missing (empty or NA) or correct it.");
        string[] levels;
        int[] levelOfValue;
        if (order is not null)
        {
            levels = order.Select(Canonical).ToArray();
            for (int l = 0; l < levels.Length; l++)
                if (Array.IndexOf(levels, levels[l]) < l)
                    throw new StratifyInputException($"the declared levels name '{order[l]}' twice", source, column.Name, value: order[l],
                        suggestion: "List each level once.");
            // A declared level takes the column's own text where the value occurs ("2" for a declared "2.0").
            levelOfValue = new int[texts.Length];
            for (int v = 0; v < texts.Length; v++)
            {
                levelOfValue[v] = IndexOf(levels, texts[v]);
                if (levelOfValue[v] >= 0) levels[levelOfValue[v]] = texts[v];
            }
            for (int k = 0; k < rows.Length; k++)
                if (valueOfRow[k] >= 0 && levelOfValue[valueOfRow[k]] < 0)
                    throw new StratifyInputException($"value not among the declared levels ({string.Join(", ", levels)})", source, column.Name, rows[k] + 1,
                        texts[valueOfRow[k]], "Add it to the level order in the spec.");
        }
        else
        {
            levels = texts.Order(Comparer<string>.Create(LevelOrder.Compare)).ToArray();
            var index = new Dictionary<string, int>(levels.Length, StringComparer.Ordinal);
            for (int l = 0; l < levels.Length; l++) index[levels[l]] = l;
            levelOfValue = texts.Select(t => index[t]).ToArray();
        }
        // The value indices become the level codes in place (the array is this call's own).
        var codes = valueOfRow;
        for (int k = 0; k < rows.Length; k++) codes[k] = codes[k] < 0 ? -1 : levelOfValue[codes[k]];
        return (codes, levels);
    }
}
