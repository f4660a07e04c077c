using System.Globalization;
using System.Text;

namespace Stratify.Data;

/// <summary>
/// Reads a CSV export (RFC 4180: comma separated, double-quoted fields, header row) into a <see cref="Cohort"/>,
/// inferring each column's type from all its values: integer, float, boolean (true/false), ISO date
/// (yyyy-MM-dd, as days since 1970-01-01), otherwise text (a categorical column). Empty cells and NA are missing.
/// Used by <c>stratify import</c>; analyses read Parquet.
/// </summary>
public static class CsvCohortReader
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static Cohort Read(string path)
    {
        InputFile.Require(path, "a CSV file", "file not found", "Check the path; relative paths are taken from the current folder.");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var position = new CsvPosition(path);
        var header = ReadRecord(reader, position, out _) ?? throw new StratifyInputException("the file is empty: no header row", path);
        var names = header.Select(h => h ?? "").ToArray();
        for (int j = 0; j < names.Length; j++)
        {
            if (names[j].Length == 0) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"header field {j + 1} is empty: every column needs a name"), path);
            for (int k = 0; k < j; k++)
                if (names[k] == names[j]) throw new StratifyInputException("the header names this column twice", path, names[j]);
        }
        var cells = names.Select(_ => new List<string?>()).ToArray();
        long row = 0;
        while (ReadRecord(reader, position, out bool blank) is { } record)
        {
            if (blank) continue;
            row++;
            if (record.Count != names.Length)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"row has {record.Count} fields but the header has {names.Length}"), path, row: row,
                    suggestion: "Check for an unquoted comma or a missing field.");
            for (int j = 0; j < names.Length; j++)
            {
                var v = record[j];
                cells[j].Add(string.IsNullOrWhiteSpace(v) || v == "NA" ? null : v.Trim());
            }
        }
        var columns = new Column[names.Length];
        for (int j = 0; j < names.Length; j++) columns[j] = Infer(names[j], cells[j]);
        return new Cohort(columns, path);
    }

    private static Column Infer(string name, List<string?> values)
    {
        int n = values.Count;
        bool allInt = true, allNum = true, allBool = true, allDate = true, any = false;
        foreach (var v in values)
        {
            if (v is null) continue;
            any = true;
            if (allInt && !long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) allInt = false;
            if (allNum && !double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) allNum = false;
            if (allBool && !bool.TryParse(v, out _)) allBool = false;
            if (allDate && !DateTime.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) allDate = false;
        }
        if (!any) return new NumericColumn(name, Enumerable.Repeat(double.NaN, n).ToArray(), Enumerable.Repeat(true, n).ToArray(), SourceType.Float);
        if (allNum || allBool || allDate)
        {
            var data = new double[n];
            var missing = new bool[n];
            for (int i = 0; i < n; i++)
            {
                var v = values[i];
                if (v is null) { data[i] = double.NaN; missing[i] = true; continue; }
                data[i] = allNum ? double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)
                    : allBool ? (bool.Parse(v) ? 1 : 0)
                    : (DateTime.ParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) - Epoch).TotalDays;
            }
            var type = allInt ? SourceType.Integer : allNum ? SourceType.Float : allBool ? SourceType.Boolean : SourceType.Date;
            return new NumericColumn(name, data, missing, type, type == SourceType.Date ? "days since 1970-01-01" : null);
        }
        return CategoricalColumn.FromStrings(name, values);
    }

    /// <summary>The file being read and the line (1-based) the reader is on, for messages.</summary>
    private sealed class CsvPosition(string path)
    {
        public string Path { get; } = path;
        public long Line { get; set; } = 1;
    }

    /// <summary>
    /// Reads one record; null at end of file. Handles quoted fields with commas, quotes and newlines. A quoted field
    /// still open at the end of the file is refused, naming the line where it opened: reading on would swallow every
    /// later row into one field.
    /// </summary>
    private static List<string?>? ReadRecord(TextReader reader, CsvPosition position, out bool blank)
    {
        blank = false;
        int c = reader.Read();
        if (c < 0) return null;
        var fields = new List<string?>();
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        long quoteLine = 0;
        while (true)
        {
            if (quoted)
            {
                if (c < 0)
                    throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"line {quoteLine}: a quoted field opens here and is never closed"), position.Path,
                        suggestion: "Close the quote; a quote inside a quoted field is written twice (\"\").");
                if (c == '\n') position.Line++;
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else field.Append((char)c);
            }
            else if (c == '"' && field.Length == 0) { quoted = true; wasQuoted = true; quoteLine = position.Line; }
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); wasQuoted = false; }
            else if (c == '\r') { if (reader.Peek() == '\n') reader.Read(); position.Line++; break; }
            else if (c == '\n') { position.Line++; break; }
            else if (c < 0) break;
            else field.Append((char)c);
            c = reader.Read();
        }
        fields.Add(field.ToString());
        blank = fields.Count == 1 && fields[0]!.Length == 0 && !wasQuoted;
        return fields;
    }
}
