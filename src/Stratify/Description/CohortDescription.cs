using Stratify.Data;

namespace Stratify.Description;

/// <summary>
/// What `stratify describe` reports: the schema with missingness of every column as read, and a Table 1 of the
/// analysed rows (those complete in the spec's used columns), overall and by a grouping column.
/// </summary>
internal sealed record CohortDescription(
    string Source,
    int RowsRead,
    int RowsAnalysed,
    IReadOnlyList<DroppedRows> Dropped,
    CohortSchemaSummary Schema,
    Table1 Table1);

/// <summary>Builds a <see cref="CohortDescription"/> from a study spec (or a bare data path with a grouping column).</summary>
internal static class CohortDescriber
{
    /// <summary>
    /// Variables: the spec's covariates (numeric as numeric; categorical and ordinal as categorical) and its
    /// treatment; with none declared, every column but id, time, event and the grouping column, where numbers
    /// with at most <paramref name="categoricalUpTo"/> distinct whole values (codes such as sex or grade) count
    /// as categorical.
    /// </summary>
    public static CohortDescription Describe(StudySpec spec, NumericTestPreference test = NumericTestPreference.Parametric, int categoricalUpTo = 5)
    {
        var bound = StudyBinder.Load(spec, CohortReadOptions.All);
        // Table 1 is built from the bound study: its variables and grouping carry the binder's level rules.
        var group = spec.Group is not null ? bound.Group : bound.Treatment;
        var variables = bound.Covariates.Where(c => c.Name != group?.Name).ToList();
        if (bound.Treatment is { } treatment && treatment.Name != group?.Name && variables.All(v => v.Name != treatment.Name))
            variables.Add(new BoundCovariate(new CovariateSpec(treatment.Name, CovariateKind.Categorical), null, treatment));
        if (variables.Count == 0) variables.AddRange(StudyBinder.BindUndeclared(bound, categoricalUpTo, group?.Name));
        var table = Table1Builder.Build(variables, group, new Table1Options([], NumericTest: test));
        return new CohortDescription(bound.Cohort.Source, bound.RowsRead, bound.RowCount, bound.Dropped, CohortSchemaSummary.Of(bound.Cohort), table);
    }
}
