using System.Globalization;
using Stratify.Data;

namespace Stratify.Description;

/// <summary>
/// A column seen as categories: a code per row (-1 = missing) into <see cref="Levels"/>. A categorical column
/// keeps its own levels and order; a numeric column (a 0/1 flag, an ECOG score) gets its distinct values in
/// ascending order, labelled as R's as.character prints them ("1", "10", "2.5").
/// </summary>
/// <example><code>var ecog = LevelCoding.Of(lung["ph.ecog"], maxLevels: 20); // Levels "0", "1", "2", "3"</code></example>
public sealed class LevelCoding
{
    private LevelCoding(string column, int[] codes, string[] levels)
    {
        Column = column;
        Codes = codes;
        Levels = levels;
    }

    public string Column { get; }
    public int[] Codes { get; }
    public string[] Levels { get; }

    /// <summary>Codes the column; throws <see cref="StratifyInputException"/> when it has more than <paramref name="maxLevels"/> levels.</summary>
    public static LevelCoding Of(Column column, int maxLevels, string? source = null)
    {
        switch (column)
        {
            case CategoricalColumn categorical:
                if (categorical.Levels.Length > maxLevels) throw TooMany(column, categorical.Levels.Length, maxLevels, source);
                return new LevelCoding(column.Name, categorical.Codes, categorical.Levels);
            case NumericColumn numeric:
                var distinct = new SortedSet<double>();
                for (int i = 0; i < numeric.Length; i++)
                {
                    if (numeric.IsMissing(i)) continue;
                    if (double.IsNaN(numeric.Values[i]))
                        throw new StratifyInputException("a category cannot be NaN", source, column.Name, row: i + 1);
                    distinct.Add(numeric.Values[i]);
                    if (distinct.Count > maxLevels) throw TooMany(column, distinct.Count, maxLevels, source, atLeast: true);
                }
                var values = distinct.ToArray();
                var codes = new int[numeric.Length];
                for (int i = 0; i < codes.Length; i++)
                    codes[i] = numeric.IsMissing(i) ? -1 : Array.BinarySearch(values, numeric.Values[i]);
                var labels = new string[values.Length];
                for (int k = 0; k < values.Length; k++) labels[k] = values[k].ToString("R", CultureInfo.InvariantCulture);
                return new LevelCoding(column.Name, codes, labels);
            default:
                throw new StratifyInputException($"column type {column.SourceType} cannot be used as categories", source, column.Name);
        }
    }

    /// <summary>Counts per level over the rows where <paramref name="include"/> is true (missing rows not counted).</summary>
    public int[] Counts(ReadOnlySpan<bool> include)
    {
        var counts = new int[Levels.Length];
        for (int i = 0; i < Codes.Length; i++)
            if (include[i] && Codes[i] >= 0) counts[Codes[i]]++;
        return counts;
    }

    private static StratifyInputException TooMany(Column column, int count, int max, string? source, bool atLeast = false) =>
        new($"has {(atLeast ? "more than " + max : count.ToString(CultureInfo.InvariantCulture))} distinct values, too many to tabulate as categories (at most {max})",
            source, column.Name, suggestion: "Summarise it as numeric, or group its values into fewer categories first.");
}
