using Stratify.Data;
using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// One covariate as a model term: either a numeric column (one design column) or a categorical column
/// (treatment-coded: one 0/1 dummy per non-reference level, named <c>column=level</c>, as R's
/// <c>contr.treatment</c>). Build with <see cref="Numeric"/> or <see cref="Categorical"/>.
/// </summary>
/// <example>
/// <code>
/// var terms = new[] { CovariateTerm.Numeric("age", age), CovariateTerm.Categorical("celltype", codes, levels, "adeno") };
/// var x = DesignMatrix.Build(terms);   // columns: age, celltype=large, celltype=smallcell, celltype=squamous
/// </code>
/// </example>
public abstract record CovariateTerm(string Name)
{
    public abstract int Length { get; }

    public static NumericTerm Numeric(string name, double[] values) => new(name, values);

    /// <summary>A factor term; <paramref name="reference"/> defaults to the first level in <see cref="LevelOrder"/> order.</summary>
    public static CategoricalTerm Categorical(string name, int[] codes, string[] levels, string? reference = null)
        => new(name, codes, levels, reference);

    /// <summary>The term of a cohort column: numeric columns as they are, categorical ones treatment-coded.</summary>
    public static CovariateTerm FromColumn(Column column, string? reference = null) => column switch
    {
        NumericColumn n => Numeric(n.Name, n.Values),
        CategoricalColumn c => Categorical(c.Name, c.Codes, c.Levels, reference),
        _ => throw new StratifyInputException("column type cannot be a covariate", column: column.Name),
    };
}

/// <summary>A numeric covariate: one design column holding the values as they are.</summary>
public sealed record NumericTerm(string Name, double[] Values) : CovariateTerm(Name)
{
    public override int Length => Values.Length;
}

/// <summary>A categorical covariate: codes index <see cref="Levels"/>; one dummy column per level except the reference.</summary>
public sealed record CategoricalTerm(string Name, int[] Codes, string[] Levels, string? Reference) : CovariateTerm(Name)
{
    public override int Length => Codes.Length;

    /// <summary>The reference level: the one given, else the first level in sorted order.</summary>
    public string ReferenceLevel
    {
        get
        {
            if (Reference is not null) return Reference;
            var sorted = (string[])Levels.Clone();
            Array.Sort(sorted, LevelOrder.Compare);
            return sorted[0];
        }
    }
}

/// <summary>
/// The n×p model matrix of a regression, row-major in one contiguous array (row i occupies
/// <c>Values[i*p .. i*p+p)</c>), with the name of each column (<c>age</c>, <c>celltype=large</c>) and, for each
/// column, the index of the term it codes (so that tests per term, such as <see cref="ProportionalHazardsTest"/>,
/// can group a factor's dummies). No intercept: the Cox partial likelihood has none.
/// A matrix from <see cref="Build"/> keeps its terms' columns and makes the row-major values only when they are first
/// read: the Cox fit reads the columns itself and writes each row once, straight into its time-sorted copy.
/// </summary>
/// <example>
/// <code>
/// var lung = CsvCohortReader.Read("datasets/lung.csv");
/// var x = DesignMatrix.Build(new[] { CovariateTerm.FromColumn(lung["age"]), CovariateTerm.FromColumn(lung["sex"]) });
/// </code>
/// </example>
public sealed class DesignMatrix
{
    public DesignMatrix(double[] values, int rows, string[] columnNames, int[] termOfColumn, string[] termNames,
        string?[]? termReferences = null)
        : this(rows, columnNames, termOfColumn, termNames, termReferences)
    {
        int p = columnNames.Length;
        if (values.Length != (long)rows * p)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"values has {values.Length} entries, expected rows×columns = {rows}×{p}"), nameof(values));
        _values = values;
    }

    /// <summary>A matrix kept as its terms' own columns (see <see cref="Build"/>): the row-major values are made on first use.</summary>
    private DesignMatrix(CovariateTerm[] terms, int[][] dummyColumn, int rows, string[] columnNames, int[] termOfColumn, string[] termNames,
        string?[] termReferences)
        : this(rows, columnNames, termOfColumn, termNames, termReferences)
    {
        _terms = terms;
        _dummyColumn = dummyColumn;
    }

    private DesignMatrix(int rows, string[] columnNames, int[] termOfColumn, string[] termNames, string?[]? termReferences)
    {
        if (termOfColumn.Length != columnNames.Length) throw new ArgumentException("one term index per column is needed", nameof(termOfColumn));
        Rows = rows;
        ColumnNames = columnNames;
        TermOfColumn = termOfColumn;
        TermNames = termNames;
        TermReferences = termReferences ?? new string?[termNames.Length];
    }

    // Either the row-major values, or the terms they are made of (numeric values; categorical codes with, per level
    // code, its dummy's design column or −1 for the reference level). A Cox fit reads the terms' columns directly and
    // writes them once, in time order, into its own matrix: the n×p values in row order are then never made.
    private double[]? _values;
    private readonly CovariateTerm[]? _terms;
    private readonly int[][]? _dummyColumn;

    /// <summary>Row-major n×p values (made from the terms on first use when the matrix was built from them).</summary>
    public double[] Values => _values ?? LazyInitializer.EnsureInitialized(ref _values, MakeValues);
    public int Rows { get; }
    public int Columns => ColumnNames.Length;
    public string[] ColumnNames { get; }
    /// <summary>For each column, the index into <see cref="TermNames"/> of the covariate it codes.</summary>
    public int[] TermOfColumn { get; }
    /// <summary>The covariates as given (one name per term, e.g. <c>celltype</c>).</summary>
    public string[] TermNames { get; }
    /// <summary>For each term, the reference level of a categorical term (no dummy column), null for a numeric one.</summary>
    public string?[] TermReferences { get; }

    /// <summary>
    /// The design row of one covariate profile given as text per term, e.g. { age: "60", celltype: "smallcell" }:
    /// numbers for numeric terms, a level for categorical ones (the reference level gives all-zero dummies).
    /// Used for <see cref="CoxModel.PredictSurvival(ReadOnlySpan{double})"/>.
    /// </summary>
    public double[] ProfileRow(IReadOnlyDictionary<string, string> values)
    {
        var row = new double[Columns];
        for (int t = 0; t < TermNames.Length; t++)
        {
            string term = TermNames[t];
            if (!values.TryGetValue(term, out var text))
                throw new StratifyInputException("the profile gives no value for this covariate", column: term);
            if (TermReferences[t] is null)
            {
                int column = Array.IndexOf(TermOfColumn, t);
                if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out row[column]))
                    throw new StratifyInputException("the profile value of a numeric covariate is not a number", column: term, value: text);
                continue;
            }
            if (text == TermReferences[t]) continue;
            int dummy = Array.IndexOf(ColumnNames, $"{term}={text}");
            if (dummy < 0)
            {
                var levels = ColumnNames.Where((_, j) => TermOfColumn[j] == t).Select(c => c[(term.Length + 1)..]).Append(TermReferences[t]!).ToArray();
                throw new StratifyInputException("the profile names a level the covariate does not have", column: term, value: text,
                    suggestion: NameSuggestion.Hint(text, levels, "level"));
            }
            row[dummy] = 1;
        }
        return row;
    }

    public double this[int row, int column] => Values[row * Columns + column];

    /// <summary>The design columns of each term, in column order.</summary>
    public int[][] ColumnsOfTerms()
    {
        var lists = new List<int>[TermNames.Length];
        for (int t = 0; t < lists.Length; t++) lists[t] = new List<int>();
        for (int j = 0; j < Columns; j++) lists[TermOfColumn[j]].Add(j);
        return lists.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>
    /// Builds the matrix from complete covariates (the binder has dropped rows with a missing value).
    /// Throws <see cref="StratifyInputException"/> when lengths differ, a numeric value is not finite, a code is
    /// outside the levels, or the reference level is unknown.
    /// </summary>
    public static DesignMatrix Build(IReadOnlyList<CovariateTerm> terms)
    {
        if (terms.Count == 0) throw new StratifyInputException("a model needs at least one covariate");
        int n = terms[0].Length;
        var names = new List<string>();
        var termOf = new List<int>();
        var dummyLevels = new List<int[]>(); // per term: level code → its dummy's design column, or -1
        for (int t = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            if (term.Length != n)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"covariate has {term.Length} rows but '{terms[0].Name}' has {n}"), column: term.Name);
            for (int k = 0; k < t; k++)
                if (terms[k].Name == term.Name) throw new StratifyInputException("covariate is named twice", column: term.Name);
            if (term is NumericTerm)
            {
                names.Add(term.Name);
                termOf.Add(t);
                dummyLevels.Add(Array.Empty<int>());
            }
            else if (term is CategoricalTerm c)
            {
                string reference = c.ReferenceLevel;
                int referenceCode = Array.IndexOf(c.Levels, reference);
                if (referenceCode < 0)
                    throw new StratifyInputException("reference level is not a level of the column", column: c.Name, value: reference,
                        suggestion: NameSuggestion.Hint(reference, c.Levels, "level"));
                var order = Enumerable.Range(0, c.Levels.Length).Where(i => i != referenceCode).ToArray();
                Array.Sort(order, (a, b) => LevelOrder.Compare(c.Levels[a], c.Levels[b]));
                var offset = new int[c.Levels.Length];
                Array.Fill(offset, -1);
                foreach (int level in order)
                {
                    offset[level] = names.Count;
                    names.Add($"{c.Name}={c.Levels[level]}");
                    termOf.Add(t);
                }
                dummyLevels.Add(offset);
            }
        }
        // Check every value once here, so that the values made later (in any order) need no checks.
        StratifyInputException? firstBad = null;
        for (int t = 0; t < terms.Count; t++)
            if (FirstBadRow(terms[t]) is { } bad && (firstBad is null || bad.Row < firstBad.Row)) firstBad = bad;
        if (firstBad is not null) throw firstBad; // the first bad row of all terms (the first term's at a tie)
        var references = terms.Select(x => x is CategoricalTerm c ? c.ReferenceLevel : null).ToArray();
        return new DesignMatrix(terms.ToArray(), dummyLevels.ToArray(), n, names.ToArray(), termOf.ToArray(), terms.Select(x => x.Name).ToArray(), references);
    }

    /// <summary>The error for a term's first value that is not finite (numeric) or not a level (categorical); null when all are.</summary>
    private static StratifyInputException? FirstBadRow(CovariateTerm term)
    {
        switch (term)
        {
            case NumericTerm num:
                int i = FirstNonFinite(num.Values);
                return i < 0 ? null : new StratifyInputException("covariate value is missing or not finite; drop incomplete rows before fitting",
                    column: num.Name, row: i + 1, value: num.Values[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            case CategoricalTerm cat:
                for (int k = 0; k < cat.Codes.Length; k++)
                    if ((uint)cat.Codes[k] >= (uint)cat.Levels.Length)
                        return new StratifyInputException("category code is missing or outside the levels; drop incomplete rows before fitting",
                            column: cat.Name, row: k + 1, value: cat.Codes[k].ToString(System.Globalization.CultureInfo.InvariantCulture));
                return null;
            default:
                throw new ArgumentException($"unknown term type {term.GetType().Name}");
        }
    }

    /// <summary>The index of the first NaN or ±∞, or −1 (x − x is 0 exactly when x is finite).</summary>
    private static int FirstNonFinite(double[] values)
    {
        int i = 0, width = System.Numerics.Vector<double>.Count;
        for (; i <= values.Length - width; i += width)
        {
            var v = new System.Numerics.Vector<double>(values, i);
            if (!System.Numerics.Vector.EqualsAll(v - v, System.Numerics.Vector<double>.Zero)) break;
        }
        for (; i < values.Length; i++) if (!double.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>
    /// Writes rows [start, end) of the matrix, row-major, into <paramref name="target"/> (length (end − start)·p), from the
    /// values or straight from the terms' columns, a term at a time.
    /// </summary>
    internal void CopyRows(int start, int end, Span<double> target)
    {
        int p = Columns;
        if (_terms is null)
        {
            _values.AsSpan(start * p, (end - start) * p).CopyTo(target);
            return;
        }
        target[..((end - start) * p)].Clear();
        int column = 0;
        for (int t = 0; t < _terms.Length; t++)
        {
            switch (_terms[t])
            {
                case NumericTerm num:
                    var values = num.Values;
                    for (int i = start; i < end; i++) target[(i - start) * p + column] = values[i];
                    column++;
                    break;
                case CategoricalTerm cat:
                    var dummy = _dummyColumn![t];
                    var codes = cat.Codes;
                    for (int i = start; i < end; i++)
                        if (dummy[codes[i]] >= 0) target[(i - start) * p + dummy[codes[i]]] = 1.0;
                    column += cat.Levels.Length - 1;
                    break;
            }
        }
    }

    /// <summary>
    /// Design column j as it is stored: (array, first index, stride) over the rows, a numeric term's own values (stride 1)
    /// or the row-major values (stride p); null for a categorical dummy of a matrix built from its terms (values 0 and 1).
    /// </summary>
    internal (double[] Values, int Offset, int Stride)? StoredColumn(int j)
    {
        if (_terms is null) return (_values!, j, Columns);
        return _terms[TermOfColumn[j]] is NumericTerm num ? (num.Values, 0, 1) : null;
    }

    private double[] MakeValues()
    {
        int n = Rows, p = Columns;
        var values = new double[(long)n * p];
        // Blocks of rows, all terms per block (the block stays in cache), in parallel (the fresh array's page faults dominate).
        const int block = 2048;
        Parallel.For(0, (n + block - 1) / block, b =>
        {
            int start = b * block, end = Math.Min(n, start + block);
            CopyRows(start, end, values.AsSpan(start * p, (end - start) * p));
        });
        return values;
    }
}
