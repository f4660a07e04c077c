using Stratify.Data;

namespace Stratify.Description;

/// <summary>
/// What `stratify describe` reports: the schema with missingness of every column as read, and a Table 1 of the
/// analysed rows (those complete in the spec's used columns), overall and by a grouping column.
/// </summary>
public sealed record CohortDescription(
    string Source,
    int RowsRead,
    int RowsAnalysed,
    IReadOnlyList<DroppedRows> Dropped,
    CohortSchemaSummary Schema,
    Table1 Table1);

/// <summary>Builds a <see cref="CohortDescription"/> from a study spec (or a bare data path with a grouping column).</summary>
public static class CohortDescriber
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
        var cohort = bound.RowsDropped == 0 ? bound.Cohort : bound.Cohort.SelectRows(bound.Rows);
        var group = spec.Group ?? spec.Treatment;
        var variables = new List<Table1Variable>();
        foreach (var c in spec.Covariates)
            if (c.Column != group) variables.Add(new Table1Variable(c.Column, c.Kind == CovariateKind.Numeric ? VariableKind.Numeric : VariableKind.Categorical));
        if (spec.Treatment is not null && spec.Treatment != group && variables.All(v => v.Column != spec.Treatment))
            variables.Add(new Table1Variable(spec.Treatment, VariableKind.Categorical));
        if (variables.Count == 0)
        {
            var roles = new HashSet<string?>([spec.Id, spec.Time, spec.Event, group]);
            foreach (var column in cohort.Columns)
                if (!roles.Contains(column.Name)) variables.Add(Table1Variable.For(column, categoricalUpTo));
        }
        var table = Table1Builder.Build(cohort, new Table1Options(variables, group, test));
        return new CohortDescription(bound.Cohort.Source, bound.RowsRead, bound.RowCount, bound.Dropped, CohortSchemaSummary.Of(bound.Cohort), table);
    }
}
