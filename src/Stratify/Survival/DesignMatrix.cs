using Stratify.Data;

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
    {
        int p = columnNames.Length;
        if (values.Length != (long)rows * p)
            throw new ArgumentException($"values has {values.Length} entries, expected rows×columns = {rows}×{p}", nameof(values));
        if (termOfColumn.Length != p) throw new ArgumentException("one term index per column is needed", nameof(termOfColumn));
        Values = values;
        Rows = rows;
        ColumnNames = columnNames;
        TermOfColumn = termOfColumn;
        TermNames = termNames;
        TermReferences = termReferences ?? new string?[termNames.Length];
    }

    /// <summary>Row-major n×p values.</summary>
    public double[] Values { get; }
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
        var dummyLevels = new List<int[]>(); // per term: level code → design column offset within term, or -1
        for (int t = 0; t < terms.Count; t++)
        {
            var term = terms[t];
            if (term.Length != n)
                throw new StratifyInputException($"covariate has {term.Length} rows but '{terms[0].Name}' has {n}", column: term.Name);
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
        int p = names.Count;
        var values = new double[(long)n * p];
        // Fill in blocks of rows, all terms per block: the block's rows stay in cache, instead of one strided pass
        // over the whole matrix per term (p passes over n·p·8 bytes).
        // Row blocks are independent, so they are filled in parallel (the fresh array's page faults dominate).
        const int block = 2048;
        int blocks = (n + block - 1) / block;
        try
        {
            Parallel.For(0, blocks, b =>
            {
                int start = b * block;
                int end = Math.Min(n, start + block);
                int column = 0;
                for (int t = 0; t < terms.Count; t++)
                {
                    switch (terms[t])
                    {
                        case NumericTerm num:
                            for (int i = start; i < end; i++)
                            {
                                double v = num.Values[i];
                                if (!double.IsFinite(v))
                                    throw new StratifyInputException("covariate value is missing or not finite; drop incomplete rows before fitting",
                                        column: num.Name, row: i + 1, value: v.ToString(System.Globalization.CultureInfo.InvariantCulture));
                                values[(long)i * p + column] = v;
                            }
                            column++;
                            break;
                        case CategoricalTerm cat:
                            var offset = dummyLevels[t];
                            for (int i = start; i < end; i++)
                            {
                                int code = cat.Codes[i];
                                if (code < 0 || code >= cat.Levels.Length)
                                    throw new StratifyInputException("category code is missing or outside the levels; drop incomplete rows before fitting",
                                        column: cat.Name, row: i + 1, value: code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                                if (offset[code] >= 0) values[(long)i * p + offset[code]] = 1.0;
                            }
                            column += cat.Levels.Length - 1;
                            break;
                    }
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<StratifyInputException>().MinBy(x => x.Row) is { } input)
        {
            throw input; // the first bad row, whichever block found it first
        }
        var references = terms.Select(x => x is CategoricalTerm c ? c.ReferenceLevel : null).ToArray();
        return new DesignMatrix(values, n, names.ToArray(), termOf.ToArray(), terms.Select(x => x.Name).ToArray(), references);
    }
}
