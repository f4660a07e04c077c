using Microsoft.Data.Analysis;

namespace Stratify.Data;

/// <summary>
/// A cohort as read from disk: named columns of equal length, in file order, and the file(s) they came from.
/// Rows are patients. Columnar and immutable once built; analyses bind the columns they need by role
/// (see <c>StudyBinding</c>).
/// </summary>
public sealed class Cohort
{
    private readonly Dictionary<string, Column> _byName;

    public Cohort(IReadOnlyList<Column> columns, string source, IReadOnlyDictionary<string, string>? unusable = null,
        IReadOnlyList<CohortInput>? inputs = null, IReadOnlyList<string>? notRead = null)
    {
        Unusable = unusable ?? new Dictionary<string, string>();
        Inputs = inputs ?? [];
        NotRead = notRead ?? [];
        if (columns.Count > 0 && columns.Any(c => c.Length != columns[0].Length))
            throw new ArgumentException("columns differ in length");
        Columns = columns;
        Source = source;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        _byName = new Dictionary<string, Column>(StringComparer.Ordinal);
        foreach (var c in columns) _byName[c.Name] = c;
    }

    public IReadOnlyList<Column> Columns { get; }
    /// <summary>Columns present in the file that Stratify cannot use, with what they are (e.g. "a nested list field").</summary>
    public IReadOnlyDictionary<string, string> Unusable { get; }
    /// <summary>Columns the file holds that were not read, because the analysis does not use them (see <see cref="CohortReadOptions"/>).</summary>
    public IReadOnlyList<string> NotRead { get; }
    /// <summary>The files read, in order, with the SHA-256 of the bytes decoded when they were hashed.</summary>
    public IReadOnlyList<CohortInput> Inputs { get; }
    public int RowCount { get; }
    /// <summary>The file or folder the cohort was read from, for messages.</summary>
    public string Source { get; }

    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    public bool Contains(string name) => _byName.ContainsKey(name);

    public bool TryGet(string name, out Column column) => _byName.TryGetValue(name, out column!);

    /// <summary>The named column, or a <see cref="StratifyInputException"/> that suggests the closest name.</summary>
    public Column this[string name]
    {
        get
        {
            if (_byName.TryGetValue(name, out var c)) return c;
            if (Unusable.TryGetValue(name, out var what))
                throw new StratifyInputException($"Stratify cannot use this column: it is {what}", Source, name,
                    suggestion: "Store it as a number, boolean, text, date or timestamp column.");
            if (NotRead.Contains(name))
                throw new InvalidOperationException($"column '{name}' was not read: add its role to StudySpec.UsedColumns()");
            throw new StratifyInputException("column not found", Source, name,
                suggestion: NameSuggestion.Hint(name, [.. Columns.Select(x => x.Name), .. NotRead, .. Unusable.Keys]));
        }
    }

    /// <summary>The cohort restricted to the given rows (0-based, in the given order); columns are copied.</summary>
    public Cohort SelectRows(int[] rows)
    {
        var columns = new List<Column>(Columns.Count);
        foreach (var column in Columns)
        {
            switch (column)
            {
                case NumericColumn n:
                {
                    var values = new double[rows.Length];
                    var missing = n.Missing is null ? null : new bool[rows.Length];
                    for (int k = 0; k < rows.Length; k++)
                    {
                        values[k] = n.Values[rows[k]];
                        if (missing is not null) missing[k] = n.Missing![rows[k]];
                    }
                    columns.Add(new NumericColumn(n.Name, values, missing, n.SourceType, n.Unit));
                    break;
                }
                case CategoricalColumn c:
                {
                    var codes = new int[rows.Length];
                    for (int k = 0; k < rows.Length; k++) codes[k] = c.Codes[rows[k]];
                    columns.Add(new CategoricalColumn(c.Name, codes, c.Levels, c.SourceType));
                    break;
                }
            }
        }
        return new Cohort(columns, Source, Unusable, Inputs, NotRead);
    }

    /// <summary>
    /// A cohort from a Microsoft.Data.Analysis DataFrame (values copied; a null is a missing value). Roles are bound
    /// and validated later, by <see cref="StudyBinder"/>, as for a file.
    /// </summary>
    /// <param name="source">What messages call the data (default "DataFrame").</param>
    public static Cohort FromDataFrame(DataFrame frame, string source = "DataFrame") => InMemoryCohort.FromDataFrame(frame, source);

    /// <summary>
    /// A cohort from an ML.NET IDataView (values copied; a NaN in a floating-point column is a missing value, ML.NET's
    /// convention; empty text is missing).
    /// </summary>
    /// <param name="source">What messages call the data (default "IDataView").</param>
    public static Cohort FromDataView(Microsoft.ML.IDataView view, string source = "IDataView") => InMemoryCohort.FromDataView(view, source);

    /// <summary>A Microsoft.Data.Analysis DataFrame view of the cohort (copies the values).</summary>
    public DataFrame ToDataFrame() => new(Columns.Select(c => c.ToDataFrameColumn()));
}
