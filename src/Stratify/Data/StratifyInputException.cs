using System.Globalization;

namespace Stratify.Data;

/// <summary>
/// Input that Stratify refuses: a missing or unreadable file, a column that does not exist or has the wrong type
/// for its role, a value outside its coding, an unknown spec key. The CLI turns it into exit code 2 and prints
/// <see cref="Exception.Message"/>, which names the file, column, row and value and, where one helps, a suggestion.
/// Library callers can read the parts from the properties.
/// </summary>
public sealed class StratifyInputException : Exception
{
    public StratifyInputException(string problem, string? file = null, string? column = null, long? row = null,
        string? value = null, string? suggestion = null)
        : base(Compose(problem, file, column, row, value, suggestion))
    {
        Problem = problem;
        File = file;
        Column = column;
        Row = row;
        Value = value;
        Suggestion = suggestion;
    }

    /// <summary>What is wrong, in one sentence without the location.</summary>
    public string Problem { get; }
    public string? File { get; }
    public string? Column { get; }
    /// <summary>1-based data row number (the header is not counted), as a spreadsheet user would count.</summary>
    public long? Row { get; }
    public string? Value { get; }
    public string? Suggestion { get; }

    private static string Compose(string problem, string? file, string? column, long? row, string? value, string? suggestion)
    {
        var where = new List<string>(3);
        if (file is not null) where.Add(file);
        if (column is not null) where.Add($"column '{column}'");
        if (row is not null) where.Add(string.Create(CultureInfo.InvariantCulture, $"row {row}"));
        var text = where.Count > 0 ? $"{string.Join(", ", where)}: {problem}" : problem;
        if (value is not null) text += $" (value: '{value}')";
        if (suggestion is not null) text += $". {suggestion}";
        return text;
    }
}
