using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Description;

/// <summary>
/// The numbers R computed in tests/reference/table1_reference.R (written to table1_reference.json), and the
/// tolerance checks the tests share (relative; each the largest difference measured, with room for other CPUs).
/// </summary>
internal static class Table1Reference
{
    /// <summary>Means, SDs, quantiles, test statistics, SMDs: measured 1.9e-13 (a Welch t and an SMD computed from
    /// differences of means; summaries alone 3.5e-14).</summary>
    public const double SummaryTolerance = 5e-13;
    /// <summary>p-values: measured 5.1e-12 at p = 1e-173 (the tail multiplies the statistic's relative error).</summary>
    public const double PValueTolerance = 2e-11;

    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("table1_reference.json"))).RootElement);

    public static JsonElement Json => Root.Value;

    public static JsonElement Table(string name)
    {
        foreach (var table in Json.GetProperty("tables").EnumerateArray())
            if (table.GetProperty("name").GetString() == name) return table;
        throw new KeyNotFoundException(name);
    }

    public static JsonElement Variable(string table, string variable)
    {
        foreach (var v in Table(table).GetProperty("variables").EnumerateArray())
            if (v.GetProperty("variable").GetString() == variable) return v;
        throw new KeyNotFoundException($"{table}/{variable}");
    }

    /// <summary>Every (table, variable) pair of the reference with the given kind, for theories; with
    /// <paramref name="groups"/>, only those whose grouping has that many groups in R's table.</summary>
    public static TheoryData<string, string> Variables(string kind, int? groups = null)
    {
        var data = new TheoryData<string, string>();
        foreach (var table in Json.GetProperty("tables").EnumerateArray())
            foreach (var v in table.GetProperty(kind).EnumerateArray())
            {
                string name = table.GetProperty("name").GetString()!;
                if (groups is int k && Variable(name, v.GetString()!).GetProperty("by_group").GetArrayLength() != k) continue;
                data.Add(name, v.GetString()!);
            }
        return data;
    }

    public static Cohort Cohort(string table) => CsvCohortReader.Read(RepoPaths.Dataset(Table(table).GetProperty("dataset").GetString()!));

    public static string GroupColumn(string table) => Table(table).GetProperty("group_column").GetString()!;

    /// <summary>R's number, NaN for null.</summary>
    public static double Number(this JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        return value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();
    }

    public static int[] Integers(this JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        if (value.ValueKind == JsonValueKind.Number) return [value.GetInt32()];
        return value.EnumerateArray().Select(e => e.GetInt32()).ToArray();
    }

    public static double[] Doubles(this JsonElement element, string property)
    {
        var value = element.GetProperty(property);
        if (value.ValueKind == JsonValueKind.Number) return [value.GetDouble()];
        return value.EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    /// <summary>Asserts |actual - expected| ≤ tolerance · |expected| (both NaN counts as equal).</summary>
    public static void Close(double expected, double actual, double relativeTolerance, string what = "")
    {
        if (double.IsNaN(expected)) { Assert.True(double.IsNaN(actual), $"{what}: expected NaN (R NA), got {actual}"); return; }
        double difference = Math.Abs(actual - expected);
        Assert.True(difference <= relativeTolerance * Math.Abs(expected) || difference == 0,
            $"{what}: expected {expected:R}, got {actual:R} (relative difference {difference / Math.Abs(expected):E2})");
    }

    /// <summary>
    /// The non-missing values of a numeric column in each group of the grouping column (groups in the order of
    /// its sorted distinct values, as R's sort(unique(g))).
    /// </summary>
    public static double[][] ValuesByGroup(Cohort cohort, string variable, string groupColumn)
    {
        var values = (NumericColumn)cohort[variable];
        var (codes, levels) = GroupCodes(cohort[groupColumn]);
        var result = new List<double>[levels];
        for (int g = 0; g < levels; g++) result[g] = [];
        for (int i = 0; i < values.Length; i++)
            if (!values.IsMissing(i) && codes[i] >= 0) result[codes[i]].Add(values.Values[i]);
        return result.Select(l => l.ToArray()).ToArray();
    }

    private static (int[] Codes, int Levels) GroupCodes(Column column)
    {
        if (column is CategoricalColumn categorical) return (categorical.Codes, categorical.Levels.Length);
        var numeric = (NumericColumn)column;
        var distinct = numeric.Values.Where((_, i) => !numeric.IsMissing(i)).Distinct().OrderBy(v => v).ToArray();
        var codes = new int[numeric.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = numeric.IsMissing(i) ? -1 : Array.IndexOf(distinct, numeric.Values[i]);
        return (codes, distinct.Length);
    }
}
