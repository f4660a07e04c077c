using Stratify.Data;

namespace Stratify.Description;

/// <summary>How a Table 1 summarises a variable.</summary>
public enum VariableKind
{
    /// <summary>Mean (SD), median [Q1, Q3]; compared by Welch's t / ANOVA and Kruskal–Wallis.</summary>
    Numeric,
    /// <summary>n (%) per level; compared by chi-square or, for a sparse 2 × 2 table, Fisher's exact test.</summary>
    Categorical,
}

/// <summary>Which test of a numeric variable is the primary p-value; the other is reported as the alternative.</summary>
public enum NumericTestPreference
{
    /// <summary>Welch's t (two groups) or one-way ANOVA (more groups) primary; Kruskal–Wallis alternative. The default.</summary>
    Parametric,
    /// <summary>Kruskal–Wallis primary; Welch's t or ANOVA alternative (for skewed variables such as nodes or pgr).</summary>
    Nonparametric,
}

/// <summary>One row block of a Table 1: a column of the cohort and how to summarise it.</summary>
/// <example><code>new Table1Variable("ph.ecog", VariableKind.Categorical) // a numeric score shown as n (%) per value</code></example>
internal sealed record Table1Variable(string Column, VariableKind Kind)
{
    /// <summary>The variable as the binder binds it: numeric, or categorical (levels by <c>LevelRules</c>).</summary>
    public CovariateSpec ToCovariateSpec() => new(Column, Kind == VariableKind.Numeric ? CovariateKind.Numeric : CovariateKind.Categorical);

    /// <summary>
    /// The natural kind of a column (<see cref="StudyBinder.NaturalKind"/>): text is categorical; numbers are numeric
    /// unless every value is an integer and there are at most <paramref name="categoricalUpTo"/> distinct values
    /// (0 = never), e.g. 5 makes sex, ECOG and grade categorical but keeps age numeric.
    /// </summary>
    public static Table1Variable For(Column column, int categoricalUpTo = 0) =>
        new(column.Name, StudyBinder.NaturalKind(column, categoricalUpTo) == CovariateKind.Numeric ? VariableKind.Numeric : VariableKind.Categorical);
}

/// <summary>
/// What <see cref="Table1Builder.Build"/> computes: the variables (in display order), an optional grouping
/// column, the primary numeric test, and when Fisher's exact test replaces chi-square.
/// </summary>
/// <example><code>
/// var options = new Table1Options([new("age", VariableKind.Numeric), new("ph.ecog", VariableKind.Categorical)], GroupColumn: "sex");
/// Table1 table = Table1Builder.Build(CsvCohortReader.Read("datasets/lung.csv"), options);
/// </code></example>
internal sealed record Table1Options(
    IReadOnlyList<Table1Variable> Variables,
    string? GroupColumn = null,
    NumericTestPreference NumericTest = NumericTestPreference.Parametric,
    double FisherExpectedBelow = 5,
    int MaxGroups = 20,
    int MaxLevels = 50);
