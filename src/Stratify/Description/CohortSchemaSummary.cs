using System.Collections.Immutable;
using Stratify.Data;

namespace Stratify.Description;

/// <summary>A level of a categorical column and its number of patients.</summary>
internal sealed record LevelCount(string Level, int Count);

/// <summary>
/// What one column holds: its source type, how many values are missing (count and percent of all rows), how
/// many distinct non-missing values it has, and its range (numeric columns) or most frequent levels
/// (categorical columns; most frequent first, ties in level order).
/// </summary>
internal sealed record ColumnSchema(
    string Name,
    SourceType SourceType,
    VariableKind Kind,
    int Missing,
    double PercentMissing,
    int Distinct,
    double Minimum,
    double Maximum,
    ImmutableArray<LevelCount> TopLevels,
    string? Unit);

/// <summary>
/// A first look at a cohort, one <see cref="ColumnSchema"/> per column in file order: what <c>stratify describe</c>
/// prints before any analysis, so that a user sees types, missingness and coding at once.
/// </summary>
/// <example><code>
/// var schema = CohortSchemaSummary.Of(CsvCohortReader.Read("datasets/lung.csv"));
/// // schema.Columns[9]: wt.loss, Integer, 14 missing (6.1%), 53 distinct, min -24, max 68
/// </code></example>
internal sealed record CohortSchemaSummary(string Source, int RowCount, ImmutableArray<ColumnSchema> Columns)
{
    /// <summary>Summarises every column; categorical columns list their <paramref name="topLevels"/> most frequent levels.</summary>
    public static CohortSchemaSummary Of(Cohort cohort, int topLevels = 5)
    {
        if (topLevels < 0) throw new ArgumentOutOfRangeException(nameof(topLevels), topLevels, "the number of levels to list is not negative");
        var columns = ImmutableArray.CreateBuilder<ColumnSchema>(cohort.Columns.Count);
        foreach (var column in cohort.Columns)
            columns.Add(column switch
            {
                NumericColumn numeric => DescribeNumeric(numeric, cohort.RowCount),
                CategoricalColumn categorical => DescribeCategorical(categorical, cohort.RowCount, topLevels),
                _ => throw new StratifyInputException($"column type {column.SourceType} is not supported", cohort.Source, column.Name),
            });
        return new CohortSchemaSummary(cohort.Source, cohort.RowCount, columns.MoveToImmutable());
    }

    private static ColumnSchema DescribeNumeric(NumericColumn column, int rows)
    {
        var distinct = new HashSet<double>();
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        int missing = 0;
        var values = column.Values;
        for (int i = 0; i < values.Length; i++)
        {
            if (column.IsMissing(i)) { missing++; continue; }
            double v = values[i];
            distinct.Add(v);
            if (v < min) min = v;
            if (v > max) max = v;
        }
        if (distinct.Count == 0) { min = double.NaN; max = double.NaN; }
        return new ColumnSchema(column.Name, column.SourceType, VariableKind.Numeric, missing, Percent(missing, rows),
            distinct.Count, min, max, [], column.Unit);
    }

    private static ColumnSchema DescribeCategorical(CategoricalColumn column, int rows, int topLevels)
    {
        var counts = column.LevelCounts();
        int present = 0, missing = rows;
        foreach (int c in counts) { if (c > 0) present++; missing -= c; }
        var order = new int[counts.Length];
        for (int k = 0; k < order.Length; k++) order[k] = k;
        // Most frequent first; equal counts keep the level order (a stable sort on the count).
        var sorted = order.OrderByDescending(k => counts[k]).ThenBy(k => k).Where(k => counts[k] > 0).Take(topLevels);
        var top = sorted.Select(k => new LevelCount(column.Levels[k], counts[k])).ToImmutableArray();
        return new ColumnSchema(column.Name, column.SourceType, VariableKind.Categorical, missing, Percent(missing, rows),
            present, double.NaN, double.NaN, top, null);
    }

    private static double Percent(int count, int total) => total == 0 ? double.NaN : 100.0 * count / total;
}
