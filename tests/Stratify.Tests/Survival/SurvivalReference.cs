using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The R reference values of tests/reference/km_logrank_reference.json (written by km_logrank_reference.R with
/// survival 3.5) and the comparison rules of the survival tests (relative differences; counts, times and medians
/// exactly; R's NA, JSON null, must be NaN here). Each tolerance is the largest difference measured over the 25 KM
/// and 23 log-rank cases, with room for other CPUs.
/// </summary>
internal static class SurvivalReference
{
    /// <summary>S(t), standard errors, cumulative hazards, RMST, observed and expected counts, variances: measured
    /// 5.0e-15, which is the rounding of the reference JSON's 15 significant digits.</summary>
    public const double EstimateTolerance = 1e-14;
    /// <summary>Confidence limits: measured 1.1e-13, a log-log lower limit where S(t) is near 0 (the transform
    /// log(−log S) amplifies the last bits of S).</summary>
    public const double LimitTolerance = 5e-13;
    /// <summary>χ² statistics (overall, pairwise, trend): measured 2.4e-13, a quadratic form that cancels when the
    /// statistic is small (a pairwise χ² of 8e-4 agrees to 1.3e-13).</summary>
    public const double StatisticTolerance = 1e-12;
    /// <summary>p-values: measured 5.5e-13 at p = 1.5e-44 (the p of a χ² of x carries about x/2 times the statistic's
    /// relative error).</summary>
    public const double PValueTolerance = 2e-12;

    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("km_logrank_reference.json"))).RootElement);

    public static JsonElement Case(string section, string name)
    {
        foreach (var c in Root.Value.GetProperty(section).EnumerateArray())
            if (c.GetProperty("name").GetString() == name) return c;
        throw new InvalidOperationException($"no {section} reference case '{name}'");
    }

    public static TheoryData<string> Names(string section)
    {
        var names = new TheoryData<string>();
        foreach (var c in Root.Value.GetProperty(section).EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    /// <summary>The case's CSV bound as the R script bound it (rows with NA in a used column dropped).</summary>
    public static SurvivalData Data(JsonElement c, bool withStrata = false)
    {
        var cohort = CsvCohortReader.Read(Path.Combine(RepoPaths.Root, c.GetProperty("file").GetString()!));
        string? strata = withStrata ? OptionalString(c, "strata") : null;
        return SurvivalData.FromCohort(cohort, c.GetProperty("time").GetString()!, c.GetProperty("status").GetString()!,
            OptionalString(c, "group"), strata);
    }

    public static string? OptionalString(JsonElement c, string property)
        => c.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static double Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? double.NaN : value.GetDouble();

    public static double[] Numbers(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array) return [Number(array)]; // jsonlite unboxes length-1 vectors
        var values = new double[array.GetArrayLength()];
        int i = 0;
        foreach (var v in array.EnumerateArray()) values[i++] = Number(v);
        return values;
    }

    /// <summary>Relative difference |actual - expected| / |expected| (absolute when expected is 0); 0 when both are NA.</summary>
    public static double RelativeDifference(double expected, double actual)
    {
        if (double.IsNaN(expected) && double.IsNaN(actual)) return 0;
        if (double.IsNaN(expected) != double.IsNaN(actual)) return double.PositiveInfinity;
        if (expected == actual) return 0;
        return Math.Abs(actual - expected) / (expected == 0 ? 1 : Math.Abs(expected));
    }

    /// <summary>Asserts agreement element by element and returns the largest relative difference.</summary>
    public static double AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, R has {expected.Length}");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = RelativeDifference(expected[i], actual[i]);
            Assert.True(d <= tolerance, $"{what}[{i}]: R {expected[i]:R}, Stratify {actual[i]:R} (relative difference {d:E2})");
            max = Math.Max(max, d);
        }
        return max;
    }

    public static double AssertClose(double expected, double actual, double tolerance, string what)
        => AssertClose([expected], [actual], tolerance, what);

    public static void AssertExact(double[] expected, double[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, R has {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(expected[i].Equals(actual[i]), $"{what}[{i}]: R {expected[i]:R}, Stratify {actual[i]:R}");
    }

    public static double[] AsDoubles(int[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = values[i];
        return result;
    }
}
