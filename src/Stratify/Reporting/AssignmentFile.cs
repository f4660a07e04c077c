using System.Globalization;
using System.Text;
using Stratify.Data;

namespace Stratify.Reporting;

/// <summary>
/// Writes patient id → subgroup (and optional extra columns such as split membership) as Parquet (.parquet) or
/// CSV (.csv), chosen by the file's extension. Written in a staging folder and moved into place (<see cref="OutputStaging"/>).
/// </summary>
internal static class AssignmentFile
{
    /// <summary>
    /// Checks an --out path before the analysis (a .parquet or .csv name, never an input of <paramref name="spec"/>;
    /// see <see cref="OutputPath.CheckFile"/>); null stays null (no file asked for).
    /// </summary>
    public static string? CheckPath(string? path, StudySpec spec)
    {
        if (path is null) return null;
        var full = OutputPath.CheckFile(path, "--out", [spec.SourceFile, .. spec.Data]);
        if (Path.GetExtension(full).ToLowerInvariant() is not (".csv" or ".parquet"))
            throw new StratifyInputException("the assignments file must end in .parquet or .csv", "--out", value: path);
        return full;
    }

    public static void Write(string path, BoundStudy study, string[] subgroupOfRow, IReadOnlyDictionary<string, string[]>? extra = null)
    {
        var ids = new string[study.RowCount];
        for (int k = 0; k < ids.Length; k++) ids[k] = study.PatientId(k);
        string idName = study.IdColumn?.Name ?? "row";
        var columns = new List<(string Name, string[] Values)> { (idName, ids), ("subgroup", subgroupOfRow) };
        if (extra is not null) columns.AddRange(extra.Select(kv => (kv.Key, kv.Value)));
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".csv") WriteCsv(path, columns);
        else if (extension == ".parquet") WriteParquet(path, columns, study.IdColumn);
        else throw new StratifyInputException("the assignments file must end in .parquet or .csv", "--out", value: path);
    }

    private static void WriteParquet(string path, List<(string Name, string[] Values)> columns, Column? idColumn)
    {
        var cohortColumns = new List<Column>();
        foreach (var (name, values) in columns)
        {
            bool numericId = cohortColumns.Count == 0 && (idColumn is null or NumericColumn)
                && values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
            cohortColumns.Add(numericId
                ? new NumericColumn(name, values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray(), null, SourceType.Integer)
                : CategoricalColumn.FromStrings(name, values));
        }
        ParquetCohortWriter.Write(new Cohort(cohortColumns, path), path);
    }

    private static void WriteCsv(string path, List<(string Name, string[] Values)> columns) =>
        OutputStaging.WriteFile(path, staged =>
        {
            using var writer = new StreamWriter(staged, false, new UTF8Encoding(false));
            writer.Write(string.Join(",", columns.Select(c => TabularText.QuoteCsv(c.Name))) + "\n");
            int n = columns[0].Values.Length;
            for (int i = 0; i < n; i++)
                writer.Write(string.Join(",", columns.Select(c => TabularText.QuoteCsv(c.Values[i]))) + "\n");
        });
}
