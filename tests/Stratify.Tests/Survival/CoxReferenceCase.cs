using System.Globalization;
using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// One model of tests/reference/cox_reference.json (written by tests/reference/cox_reference.R with R's coxph):
/// how to bind the data (file, time, status, covariates, strata, cluster, ties) and R's results. <see cref="Fit"/>
/// binds the same complete rows R used and fits the model with Stratify.
/// </summary>
public sealed class CoxReferenceCase
{
    private static readonly Lazy<JsonElement> Models = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("cox_reference.json"))).RootElement.GetProperty("models"));

    private CoxReferenceCase(string name, JsonElement r)
    {
        Name = name;
        R = r;
    }

    public string Name { get; }
    /// <summary>R's output for this model.</summary>
    public JsonElement R { get; }

    public static CoxReferenceCase Load(string name) => new(name, Models.Value.GetProperty(name));

    public static IEnumerable<object[]> Names() => Models.Value.EnumerateObject().Select(m => new object[] { m.Name });

    public double[] Numbers(string property) => Numbers(R.GetProperty(property));

    public static double[] Numbers(JsonElement array) =>
        array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? double.NaN : v.GetDouble()).ToArray();

    public CoxModel Fit(CoxOptions? options = null)
    {
        var bound = Bind();
        options ??= new CoxOptions
        {
            Ties = R.GetProperty("ties").GetString() == "breslow" ? CoxTies.Breslow : CoxTies.Efron,
            Robust = R.GetProperty("robust").GetBoolean(),
            Cluster = bound.Cluster,
        };
        return CoxProportionalHazards.Fit(bound.Time, bound.Event, bound.Design, bound.Strata, options);
    }

    public BoundCox Bind()
    {
        string file = R.GetProperty("file").GetString()!;
        var path = file.StartsWith("cox_") ? RepoPaths.ReferenceFile(Path.Combine("data", file)) : RepoPaths.Dataset(file);
        var cohort = CsvCohortReader.Read(path);
        var covariates = R.GetProperty("covariates").EnumerateArray().ToArray();
        string? strata = R.GetProperty("strata").ValueKind == JsonValueKind.String ? R.GetProperty("strata").GetString() : null;
        string? cluster = R.GetProperty("cluster").ValueKind == JsonValueKind.String ? R.GetProperty("cluster").GetString() : null;
        var used = new List<string> { R.GetProperty("time").GetString()!, R.GetProperty("status").GetString()! };
        used.AddRange(covariates.Select(c => c.GetProperty("name").GetString()!));
        if (strata is not null) used.Add(strata);
        if (cluster is not null) used.Add(cluster);
        var rows = Enumerable.Range(0, cohort.RowCount).Where(i => used.All(u => !cohort[u].IsMissing(i))).ToArray();

        var time = Values(cohort[used[0]], rows);
        double eventValue = R.GetProperty("event_value").GetDouble();
        var died = Values(cohort[used[1]], rows).Select(v => v == eventValue).ToArray();
        var terms = new List<CovariateTerm>();
        foreach (var c in covariates)
        {
            string name = c.GetProperty("name").GetString()!;
            var column = cohort[name];
            if (c.GetProperty("kind").GetString() == "numeric") terms.Add(CovariateTerm.Numeric(name, Values(column, rows)));
            else
            {
                var labels = rows.Select(column.Format).ToArray();
                var levels = labels.Distinct().ToArray();
                var codes = labels.Select(l => Array.IndexOf(levels, l)).ToArray();
                terms.Add(CovariateTerm.Categorical(name, codes, levels, c.GetProperty("reference").GetString()));
            }
        }
        int[]? Codes(string? column) => column is null ? null : Values(cohort[column], rows).Select(v => (int)v).ToArray();
        return new BoundCox(time, died, DesignMatrix.Build(terms), Codes(strata), Codes(cluster));
    }

    private static double[] Values(Column column, int[] rows) => column switch
    {
        NumericColumn n => rows.Select(i => n.Values[i]).ToArray(),
        _ => rows.Select(i => double.Parse(column.Format(i), CultureInfo.InvariantCulture)).ToArray(),
    };

    public override string ToString() => Name;
}

public sealed record BoundCox(double[] Time, bool[] Event, DesignMatrix Design, int[]? Strata, int[]? Cluster);
