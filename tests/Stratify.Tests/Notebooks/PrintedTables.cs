using System.Globalization;

namespace Stratify.Tests.Notebooks;

/// <summary>
/// The tables a lab prints (notebooks/LabKit/Lab.cs: a title line, a header, a rule of dashes, then rows up to a
/// blank line). The rule gives each column's extent, so a cell is read by position, never by guessing at spaces.
/// </summary>
public sealed class PrintedTables
{
    private readonly Dictionary<string, (string[] Headers, Dictionary<string, string[]> Rows)> _tables = new(StringComparer.Ordinal);

    public PrintedTables(string output)
    {
        var lines = output.Replace("\r\n", "\n").Split('\n');
        for (int i = 2; i < lines.Length; i++)
        {
            if (!IsRule(lines[i])) continue;
            var spans = Spans(lines[i]);
            var headers = spans.Select(s => Cut(lines[i - 1], s)).ToArray();
            var rows = new Dictionary<string, string[]>(StringComparer.Ordinal);
            for (int r = i + 1; r < lines.Length && lines[r].Trim().Length > 0; r++)
            {
                var cells = spans.Select(s => Cut(lines[r], s)).ToArray();
                if (!rows.TryAdd(cells[0], cells)) throw new InvalidOperationException($"table '{lines[i - 2]}' has two rows '{cells[0]}'");
                Count++;
            }
            if (!_tables.TryAdd(lines[i - 2], (headers, rows))) throw new InvalidOperationException($"two tables are titled '{lines[i - 2]}'");
        }
    }

    /// <summary>Rows read, over all tables.</summary>
    public int Count { get; }

    public IReadOnlyCollection<string> Titles => _tables.Keys;

    /// <summary>The text of a cell, or a message saying which of table, row or column is missing.</summary>
    public string Cell(string table, string row, string column)
    {
        if (!_tables.TryGetValue(table, out var t)) throw new KeyNotFoundException($"no table '{table}' (tables: {string.Join(" | ", _tables.Keys)})");
        int j = Array.IndexOf(t.Headers, column);
        if (j < 0) throw new KeyNotFoundException($"table '{table}' has no column '{column}' (columns: {string.Join(" | ", t.Headers)})");
        if (!t.Rows.TryGetValue(row, out var cells)) throw new KeyNotFoundException($"table '{table}' has no row '{row}' (rows: {string.Join(" | ", t.Rows.Keys)})");
        return cells[j];
    }

    /// <summary>
    /// Half a unit in the last place printed: the widest gap between a number and its printed text when the
    /// printing rounds correctly ("0.4092" ± 5e-5, "7.307e-12" ± 5e-16, "310" ± 0.5).
    /// </summary>
    public static double Resolution(string printed)
    {
        int e = printed.IndexOfAny(['e', 'E']);
        string mantissa = e < 0 ? printed : printed[..e];
        int exponent = e < 0 ? 0 : int.Parse(printed[(e + 1)..], CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        int decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
        return 0.5 * Math.Pow(10, exponent - decimals);
    }

    private static bool IsRule(string line) => line.Contains('-') && line.All(c => c is '-' or ' ') && line.TrimStart().StartsWith('-');

    private static (int Start, int End)[] Spans(string rule)
    {
        var spans = new List<(int, int)>();
        for (int i = 0; i < rule.Length; i++)
        {
            if (rule[i] != '-') continue;
            int start = i;
            while (i < rule.Length && rule[i] == '-') i++;
            spans.Add((start, i));
        }
        return spans.ToArray();
    }

    private static string Cut(string line, (int Start, int End) span) =>
        span.Start >= line.Length ? "" : line[span.Start..Math.Min(span.End, line.Length)].Trim();
}
