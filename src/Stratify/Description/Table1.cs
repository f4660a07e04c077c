using System.Collections.Immutable;
using Stratify.Statistics;

namespace Stratify.Description;

/// <summary>
/// A baseline-characteristics table ("Table 1"): per variable, the overall and per-group summaries, a test of
/// difference between groups and, for two groups, the standardized mean difference. Built by
/// <see cref="Table1Builder.Build"/>; rendered by Stratify.Reporting.Table1Formats (JSON, CSV, Markdown).
/// </summary>
/// <remarks>
/// Overall columns count every patient; group columns count the patients whose group is known
/// (<see cref="GroupMissingCount"/> have none). Groups are the levels of the grouping column in its order
/// (sorted values for a numeric column); "group 1 minus group 0" in the SMD is the second level minus the first.
/// </remarks>
/// <example><code>
/// var table = Table1Builder.Build(lung, new Table1Options([new("age", VariableKind.Numeric)], GroupColumn: "sex"));
/// var age = (NumericVariableSummary)table.Variables[0]; // age.ByGroup[0].Summary.Mean = 63.34 (men), age.Primary!.PValue
/// </code></example>
public sealed record Table1(
    string? GroupColumn,
    int OverallCount,
    ImmutableArray<Table1Group> Groups,
    int GroupMissingCount,
    ImmutableArray<VariableSummary> Variables,
    NumericTestPreference NumericTest);

/// <summary>One column of the table: a level of the grouping column and its number of patients.</summary>
public sealed record Table1Group(string Label, int Count);

/// <summary>
/// A test of difference between groups: its name (welch_t, anova_f, kruskal_wallis, chi_square, fisher_exact),
/// statistic, degrees of freedom (NaN where the test has none; the denominator df of F in
/// <see cref="DegreesOfFreedom2"/>) and p-value (NaN when the test is undefined, e.g. a group without values).
/// </summary>
public sealed record GroupTest(string Test, double Statistic, double DegreesOfFreedom, double DegreesOfFreedom2, double PValue);

/// <summary>The summary of one variable (numeric or categorical).</summary>
public abstract record VariableSummary(string Variable, VariableKind Kind, GroupTest? Primary, double StandardizedMeanDifference)
{
    /// <summary>Patients with no value for the variable, over all rows.</summary>
    public abstract int MissingCount { get; }
}

/// <summary>A numeric variable's summary of one column (overall or a group): the statistics and the missing count.</summary>
internal sealed record NumericCell(NumericSummary Summary, int Missing);

/// <summary>
/// A numeric variable: mean (SD), median [Q1, Q3] overall and per group; <see cref="Primary"/> and
/// <see cref="Alternative"/> are the parametric and Kruskal–Wallis tests in the order chosen by
/// <see cref="Table1Options.NumericTest"/>.
/// </summary>
internal sealed record NumericVariableSummary(
    string Variable,
    NumericCell Overall,
    ImmutableArray<NumericCell> ByGroup,
    GroupTest? Primary,
    GroupTest? Alternative,
    double StandardizedMeanDifference)
    : VariableSummary(Variable, VariableKind.Numeric, Primary, StandardizedMeanDifference)
{
    public override int MissingCount => Overall.Missing;
}

/// <summary>Level counts of one column (overall or a group); percentages are of the non-missing patients.</summary>
internal sealed record CategoricalCell(ImmutableArray<int> Counts, int Missing)
{
    public int NonMissing
    {
        get
        {
            int n = 0;
            foreach (int c in Counts) n += c;
            return n;
        }
    }

    /// <summary>Percent of the non-missing patients in level <paramref name="level"/> (NaN when none is non-missing).</summary>
    public double Percent(int level) => NonMissing == 0 ? double.NaN : 100.0 * Counts[level] / NonMissing;
}

/// <summary>A categorical variable: n (%) per level overall and per group, tested by chi-square or Fisher's exact test.</summary>
internal sealed record CategoricalVariableSummary(
    string Variable,
    ImmutableArray<string> Levels,
    CategoricalCell Overall,
    ImmutableArray<CategoricalCell> ByGroup,
    GroupTest? Primary,
    double StandardizedMeanDifference)
    : VariableSummary(Variable, VariableKind.Categorical, Primary, StandardizedMeanDifference)
{
    public override int MissingCount => Overall.Missing;
}
