using System.Text.Json;
using Stratify.Survival;

namespace Stratify.Tests.Predictive;

/// <summary>
/// The simulated trial of tests/reference/interaction_tree_reference.R (600 patients, times in whole weeks with heavy
/// ties, two centres as strata, a biomarker and age that modify the treatment effect, a four-level grade), as the
/// predictive tests bind it: treated = arm 1, strata = centre.
/// </summary>
internal static class InteractionTreeReference
{
    public static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("interaction_tree_reference.json"))).RootElement);

    private static JsonElement Data => Root.Value.GetProperty("data");

    public static double[] Column(string name) => Data.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static string[] Labels(string name) => Data.GetProperty(name).EnumerateArray().Select(v => v.GetString()!).ToArray();

    public static bool[] Treated => Column("arm").Select(a => a == 1).ToArray();

    public static SurvivalData Trial(bool stratified)
    {
        var centre = Labels("centre");
        var levels = centre.Distinct().Order(StringComparer.Ordinal).ToArray();
        return new SurvivalData(Column("time"), Column("status").Select(s => s == 1).ToArray(), null, null,
            stratified ? centre.Select(c => Array.IndexOf(levels, c)).ToArray() : null, stratified ? levels : null);
    }

    public static SurvivalTreeFeature Feature(string name)
    {
        if (name != "grade") return SurvivalTreeFeature.Numeric(name, Column(name));
        var grade = Labels("grade");
        var levels = grade.Distinct().Order(StringComparer.Ordinal).ToArray();
        return SurvivalTreeFeature.Categorical(name, grade.Select(g => Array.IndexOf(levels, g)).ToArray(), levels);
    }

    public static JsonElement Scan(string name) =>
        Root.Value.GetProperty("scans").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);
}
