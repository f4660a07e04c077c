namespace Stratify.Data;

/// <summary>Stacks cohorts with the same columns (several data paths in one spec) into one.</summary>
internal static class CohortConcatenation
{
    public static Cohort Concat(IReadOnlyList<Cohort> cohorts)
    {
        var first = cohorts[0];
        foreach (var other in cohorts.Skip(1))
            foreach (var column in first.Columns)
                if (!other.TryGet(column.Name, out var match) || (match is NumericColumn) != (column is NumericColumn))
                    throw new StratifyInputException(match is null ? "column missing from this data path" : "column type differs between data paths",
                        other.Source, column.Name, suggestion: $"All data paths must share the columns of {first.Source}.");
        int n = cohorts.Sum(c => c.RowCount);
        var columns = new List<Column>();
        foreach (var column in first.Columns)
        {
            var parts = cohorts.Select(c => c[column.Name]).ToArray();
            if (column is NumericColumn)
            {
                var values = new double[n];
                var missing = new bool[n];
                int at = 0;
                foreach (NumericColumn p in parts.Cast<NumericColumn>())
                {
                    p.Values.CopyTo(values, at);
                    if (p.Missing is not null) p.Missing.CopyTo(missing, at);
                    at += p.Length;
                }
                columns.Add(new NumericColumn(column.Name, values, missing, column.SourceType, ((NumericColumn)column).Unit));
            }
            else
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                var codes = new int[n];
                int at = 0;
                foreach (CategoricalColumn p in parts.Cast<CategoricalColumn>())
                {
                    var map = p.Levels.Select(l => index.TryGetValue(l, out int c) ? c : index[l] = index.Count).ToArray();
                    for (int i = 0; i < p.Length; i++) codes[at + i] = p.Codes[i] < 0 ? -1 : map[p.Codes[i]];
                    at += p.Length;
                }
                columns.Add(CategoricalColumn.FromCodes(column.Name, codes, index, column.SourceType));
            }
        }
        return new Cohort(columns, string.Join(", ", cohorts.Select(c => c.Source)), first.Unusable,
            cohorts.SelectMany(c => c.Inputs).ToArray(), first.NotRead);
    }
}
