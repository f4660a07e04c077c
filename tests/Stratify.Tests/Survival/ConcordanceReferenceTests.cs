using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// CoxConcordance.Compute on its own agrees with R's concordance(Surv(time, status) ~ risk, reverse = TRUE)
/// (tests/reference/concordance_reference.R): lung with times that differ only by floating-point noise, which R
/// ties (timefix) before counting pairs.
/// </summary>
public class ConcordanceReferenceTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("concordance_reference.json"))).RootElement;

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var c in Reference.GetProperty("cases").EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Concordance_counts_pairs_on_near_equal_times_as_R_does(string name)
    {
        var r = Reference.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var cohort = CsvCohortReader.Read(RepoPaths.ReferenceFile("data/cox_lung_near_ties.csv"));
        var columns = new[] { "age", "ph.ecog", "sex" };
        var rows = Enumerable.Range(0, cohort.RowCount).Where(i => columns.All(c => !cohort[c].IsMissing(i))).ToArray();
        Assert.Equal(Reference.GetProperty("rows").GetInt32(), rows.Length);
        double[] Values(string column) => rows.Select(i => ((NumericColumn)cohort[column]).Values[i]).ToArray();
        var time = Values(r.GetProperty("time").GetString()!);
        var died = Values("status").Select(s => s == 2).ToArray();
        var risk = Values(r.GetProperty("risk").GetString()!);
        int[]? strata = r.GetProperty("strata").ValueKind == JsonValueKind.Null ? null
            : Values(r.GetProperty("strata").GetString()!).Select(v => (int)v).ToArray();

        var c = CoxConcordance.Compute(time, died, risk, strata);

        Assert.Equal(r.GetProperty("concordant").GetDouble(), c.Concordant);
        Assert.Equal(r.GetProperty("discordant").GetDouble(), c.Discordant);
        Assert.Equal(r.GetProperty("tied_risk").GetDouble(), c.TiedRisk);
        // Stratify's TiedTime counts every pair of events at the same time; R splits it into tied.y and tied.xy (tied on both).
        Assert.Equal(r.GetProperty("tied_time").GetDouble() + r.GetProperty("tied_both").GetDouble(), c.TiedTime);
        Assert.Equal(r.GetProperty("c").GetDouble(), c.C, 1e-14);
        Assert.Equal(r.GetProperty("se").GetDouble(), c.StandardError, 1e-14);
    }
}
