using System.Text.Json;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;
using Stratify.Tests.Cli;
using Stratify.Tests.Survival;

namespace Stratify.Tests.Stratification;

/// <summary>
/// `stratify run` on competing-risks data against R (tests/reference/competing_risks_run_reference.R): the bundled
/// melanoma study (subgroups = ulcer, no treatment) and the PBC trial with death as the event of interest and
/// transplantation competing (tests/reference/specs/pbc_competing.yaml: trt, subgroups = hepato, covariates age, bili,
/// albumin). Cumulative incidences are survfit's (multi-state, infinitesimal jackknife), Gray's tests cmprsk's cuminc,
/// subdistribution hazard ratios crr's, cause-specific ones coxph's.
/// </summary>
public class CompetingRisksRunTests
{
    private static readonly Lazy<JsonElement> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("competing_risks_run_reference.json"))).RootElement);

    private static double[] Numbers(JsonElement e) => SurvivalReference.Numbers(e);

    /// <summary>Within the tolerance, or NA (NaN) on both sides (R's NA limits where the incidence is 0).</summary>
    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(double.IsNaN(expected) && double.IsNaN(actual) || Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E2}, tolerance {tolerance:E0})");

    private static void Close(double[] expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], tolerance, $"{what}[{i}]");
    }

    /// <summary>Curves at every time (1e-13) and at the landmarks (1e-13, numbers at risk exact) against survfit.</summary>
    private static void SameIncidence(JsonElement expected, CumulativeIncidenceGroupJson ours, string what)
    {
        Assert.Equal(expected.GetProperty("group").GetString(), ours.Group);
        Assert.Equal((expected.GetProperty("n").GetInt32(), expected.GetProperty("events").GetInt32(), expected.GetProperty("competing_events").GetInt32()),
            (ours.N, ours.Events, ours.CompetingEvents));
        Close(Numbers(expected.GetProperty("time")), ours.Curve.Time, 0, $"{what} time");
        Assert.Equal(Numbers(expected.GetProperty("n_risk")).Select(x => (int)x), ours.Curve.NRisk);
        Close(Numbers(expected.GetProperty("cuminc")), ours.Curve.Cuminc, 1e-13, $"{what} cuminc");
        Close(Numbers(expected.GetProperty("se")), ours.Curve.Se, 1e-13, $"{what} se");
        Close(Numbers(expected.GetProperty("lower")), ours.Curve.Lower, 1e-13, $"{what} lower");
        Close(Numbers(expected.GetProperty("upper")), ours.Curve.Upper, 1e-13, $"{what} upper");
        var at = expected.GetProperty("causes")[0].GetProperty("at");
        Close(Numbers(at.GetProperty("cuminc")), ours.At.Select(a => a.Cuminc).ToArray(), 1e-13, $"{what} at landmarks");
        Close(Numbers(at.GetProperty("se")), ours.At.Select(a => a.Se).ToArray(), 1e-13, $"{what} se at landmarks");
        Assert.Equal(Numbers(at.GetProperty("n_risk")).Select(x => (int)x), ours.At.Select(a => a.NRisk));
    }

    private static void SameGray(JsonElement expected, GrayTestJson? ours, string what)
    {
        Assert.NotNull(ours);
        Close(expected.GetProperty("statistic").GetDouble(), ours.Statistic, 1e-10, $"{what} Gray statistic");
        Assert.Equal(expected.GetProperty("df").GetInt32(), ours.Df);
        Close(expected.GetProperty("p").GetDouble(), ours.P, 1e-15, $"{what} Gray p");
    }

    [Fact]
    public void Melanoma_cumulative_incidence_by_subgroup_equals_survfit_and_gray_test_equals_cuminc()
    {
        var (_, doc) = StudyRuns.Get("melanoma");
        var cr = doc.CompetingRisks!;
        var r = Reference.Value.GetProperty("melanoma");
        Assert.Equal("melanoma death", cr.EventOfInterest);
        Assert.Equal(["other death"], cr.Competing);
        Assert.Equal((57, 14, 134), (cr.Events, cr.CompetingEvents, cr.Censored));
        var groups = r.GetProperty("by_subgroup").EnumerateArray().ToArray();
        Assert.Equal(groups.Length, cr.BySubgroup.Groups.Count);
        for (int g = 0; g < groups.Length; g++)
        {
            SameIncidence(groups[g], cr.BySubgroup.Groups[g], $"melanoma {groups[g].GetProperty("group").GetString()}");
            // Other death, allowing for melanoma death first.
            var other = groups[g].GetProperty("causes")[1].GetProperty("at");
            var ours = cr.CompetingBySubgroup.Single(c => c.Group == cr.BySubgroup.Groups[g].Group && c.Cause == "other death");
            Close(Numbers(other.GetProperty("cuminc")), ours.At.Select(a => a.Cuminc).ToArray(), 1e-13, "other death at landmarks");
            Close(Numbers(other.GetProperty("upper")), ours.At.Select(a => a.Upper).ToArray(), 1e-13, "other death upper at landmarks");
        }
        SameGray(r.GetProperty("gray"), cr.BySubgroup.GrayTest, "melanoma by ulcer");
        Assert.Null(cr.Treatment);
    }

    [Fact]
    public void Pbc_treatment_effects_equal_crr_coxph_and_survfit_in_all_patients_and_each_subgroup()
    {
        var (_, doc) = StudyRuns.Get("pbc_competing");
        var cr = doc.CompetingRisks!;
        var r = Reference.Value.GetProperty("pbc_competing");
        Assert.Equal("death", cr.EventOfInterest);
        Assert.Equal(["transplant"], cr.Competing);
        var groups = r.GetProperty("by_subgroup").EnumerateArray().ToArray();
        for (int g = 0; g < groups.Length; g++) SameIncidence(groups[g], cr.BySubgroup.Groups[g], $"pbc hepato {g}");
        SameGray(r.GetProperty("gray"), cr.BySubgroup.GrayTest, "pbc by hepato");

        var treatment = cr.Treatment!;
        Assert.Equal("cause_specific_cox", treatment.InteractionModel);
        SameEffect(r.GetProperty("overall"), treatment.Overall, "all patients");
        SameGray(r.GetProperty("overall").GetProperty("gray_by_arm"), treatment.Overall.ByArm.GrayTest, "pbc by arm");
        var subgroups = r.GetProperty("subgroups").EnumerateArray().ToArray();
        Assert.Equal(subgroups.Length, treatment.BySubgroup.Count);
        for (int s = 0; s < subgroups.Length; s++) SameEffect(subgroups[s], treatment.BySubgroup[s], $"hepato {s}");

        // The bottom line's interaction test: likelihood ratio of hepato × trt in the cause-specific Cox model.
        var interaction = doc.Treatment!.Interaction;
        Close(r.GetProperty("interaction").GetProperty("statistic").GetDouble(), interaction.Statistic, 1e-10, "interaction statistic");
        Close(r.GetProperty("interaction").GetProperty("p").GetDouble(), interaction.P, 1e-10, "interaction p");
        Assert.Equal("consistent", doc.Treatment.BottomLine.Kind);
        Assert.Equal("death", doc.Treatment.CauseSpecificFor);
        Assert.Equal("Across all 312 patients, the data show no clear difference in the rate of death between trt = D-penicillamine and trt = placebo "
            + "(adjusted cause-specific HR 1.01, 95% CI 0.70–1.44; p = 0.972).", doc.Treatment.Overall.Sentence);
        Assert.All(treatment.BySubgroup, e => Assert.Equal("consistent with overall", e.Verdict));
    }

    private static void SameEffect(JsonElement expected, CompetingEffectJson ours, string what)
    {
        Assert.Equal("yes", ours.Estimable);
        Assert.Equal(["age", "bili", "albumin"], ours.AdjustedFor);
        var fg = expected.GetProperty("subdistribution");
        var sd = ours.Subdistribution!;
        Close(fg.GetProperty("hr").GetDouble(), sd.Hr, 1e-10, $"{what} subdistribution HR");
        Close(fg.GetProperty("se").GetDouble(), sd.Se, 1e-10, $"{what} subdistribution SE");
        Close(fg.GetProperty("lower").GetDouble(), sd.HrLower, 1e-10, $"{what} subdistribution lower");
        Close(fg.GetProperty("upper").GetDouble(), sd.HrUpper, 1e-10, $"{what} subdistribution upper");
        Close(fg.GetProperty("p").GetDouble(), sd.P, 1e-10, $"{what} subdistribution p");
        // finegray() + coxph: equal where no censoring time equals an event time (hepato 0); elsewhere survival moves
        // the events before the tied censorings and crr (whose convention the run follows) does not.
        var survival = fg.GetProperty("finegray_coxph");
        double gap = Math.Abs(survival.GetProperty("coef").GetDouble() - Math.Log(sd.Hr));
        if (survival.GetProperty("tied_censoring_times").GetInt32() == 0) Assert.True(gap <= 1e-10, $"{what}: finegray + coxph differs by {gap:E2}");
        else Assert.InRange(gap, 1e-7, 1e-4);
        var cox = expected.GetProperty("cause_specific");
        var cs = ours.CauseSpecific!;
        Close(cox.GetProperty("hr").GetDouble(), cs.Hr, 1e-10, $"{what} cause-specific HR");
        Close(cox.GetProperty("lower").GetDouble(), cs.HrLower, 1e-10, $"{what} cause-specific lower");
        Close(cox.GetProperty("upper").GetDouble(), cs.HrUpper, 1e-10, $"{what} cause-specific upper");
        Close(cox.GetProperty("p").GetDouble(), cs.P, 1e-10, $"{what} cause-specific p");
        var d = expected.GetProperty("differences");
        Close(Numbers(d.GetProperty("time")), ours.Differences.Select(x => x.Time).ToArray(), 0, $"{what} landmarks");
        Close(Numbers(d.GetProperty("difference")), ours.Differences.Select(x => x.Difference).ToArray(), 1e-13, $"{what} difference");
        Close(Numbers(d.GetProperty("se")), ours.Differences.Select(x => x.Se).ToArray(), 1e-13, $"{what} difference SE");
        Close(Numbers(d.GetProperty("lower")), ours.Differences.Select(x => x.Lower).ToArray(), 1e-13, $"{what} difference lower");
        Close(Numbers(d.GetProperty("upper")), ours.Differences.Select(x => x.Upper).ToArray(), 1e-13, $"{what} difference upper");
        Close(Numbers(d.GetProperty("p")), ours.Differences.Select(x => x.P).ToArray(), 1e-12, $"{what} difference p");
        var arms = expected.GetProperty("by_arm").EnumerateArray().ToArray();
        // R sorts the arms (D-penicillamine, placebo); the run puts the reference arm (placebo) first.
        foreach (var arm in arms) SameIncidence(arm, ours.ByArm.Groups.Single(g => g.Group == arm.GetProperty("group").GetString()), $"{what} arm");
    }

    [Fact]
    public void Results_json_puts_competing_risks_after_inference_and_before_the_treatment_with_the_documented_names()
    {
        var (_, doc) = StudyRuns.Get("pbc_competing");
        var json = JsonDocument.Parse(JsonOutput.Serialize(doc)).RootElement;
        Assert.Equal(["schema_version", "study", "inference", "competing_risks", "treatment"], json.EnumerateObject().Select(p => p.Name).Take(5));
        var cr = json.GetProperty("competing_risks");
        Assert.Equal(["event_of_interest", "competing", "events", "competing_events", "censored", "statement", "landmarks", "by_subgroup",
            "competing_by_subgroup", "treatment"], cr.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["interaction_model", "overall", "by_subgroup"], cr.GetProperty("treatment").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["subgroup", "estimable", "subdistribution", "cause_specific", "adjusted_for", "differences", "verdict", "sentence", "by_arm"],
            cr.GetProperty("treatment").GetProperty("overall").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["hr", "hr_lower", "hr_upper", "p", "se"], cr.GetProperty("treatment").GetProperty("overall").GetProperty("subdistribution").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["time", "difference", "se", "lower", "upper", "p"], cr.GetProperty("treatment").GetProperty("overall").GetProperty("differences")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["group", "cause", "events", "at"], cr.GetProperty("competing_by_subgroup")[0].EnumerateObject().Select(p => p.Name));
        // No restricted mean from a curve that censors the competing events.
        Assert.Equal(JsonValueKind.Null, json.GetProperty("study").GetProperty("rmst_horizon").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("treatment").GetProperty("overall").GetProperty("rmst_difference").ValueKind);
        // A study without competing risks has no such section.
        var (_, lung) = StudyRuns.Get("lung");
        Assert.False(JsonDocument.Parse(JsonOutput.Serialize(lung)).RootElement.TryGetProperty("competing_risks", out _));
    }

    [Fact]
    public void The_statement_says_what_competes_and_why_one_minus_kaplan_meier_would_overstate_the_risk()
    {
        var (_, doc) = StudyRuns.Get("melanoma");
        Assert.Equal("The event of interest is melanoma death; other death competes with it: a patient who has other death first can no longer have melanoma death. "
            + "Of the 205 patients analysed, 57 had melanoma death and 14 had other death first. The curves and percentages below are cumulative incidences "
            + "(Aalen–Johansen): the probability of having had melanoma death by a given time, allowing for other death coming first. 1 − Kaplan–Meier would "
            + "count the patients with other death as censored, as if they could still have melanoma death later; they cannot, so it would overstate the risk of melanoma death.",
            doc.CompetingRisks!.Statement.Text);
        Assert.Equal([205, 57, 14], doc.CompetingRisks.Statement.Counts.Select(c => c.Value));
    }

    [Fact]
    public void The_report_leads_with_the_competing_event_and_draws_cumulative_incidence_with_numbers_at_risk_instead_of_kaplan_meier()
    {
        var (_, doc) = StudyRuns.Get("pbc_competing");
        var html = SubgroupReport.Render(doc, null);
        int competing = html.IndexOf("<h2 id=\"competing-risks\">", StringComparison.Ordinal);
        int bottom = html.IndexOf("<h2 id=\"bottom-line\">", StringComparison.Ordinal);
        Assert.InRange(competing, 0, bottom);
        var first = html[competing..bottom];
        Assert.Contains("1 − Kaplan–Meier would count the patients with transplant as censored", first);
        Assert.Contains("<dt>Subdistribution hazard ratio (Fine–Gray)</dt><dd>HR 0.97 (95% CI 0.69–1.38), p = 0.883", first);
        Assert.Contains("<dt>Cause-specific hazard ratio (Cox)</dt><dd>HR 1.01 (95% CI 0.70–1.44), p = 0.972", first);
        Assert.Contains("<dt>Difference in cumulative incidence by 1825 days</dt><dd>+0.2 percentage points (95% CI −10.1 to +10.5; D-penicillamine − placebo, unadjusted)", first);
        Assert.Contains("<dt>Overall cause-specific hazard ratio, adjusted</dt>", html);
        // Four incidence charts (by subgroup, by arm, by arm in each of two subgroups), each with its risk table; no Kaplan–Meier chart.
        Assert.Equal(4, CountOf(html, "<title>Cumulative incidence of death by"));
        Assert.Equal(4, CountOf(html, "Number at risk</text>"));
        Assert.DoesNotContain("Kaplan–Meier estimates", html);
        Assert.Contains("Effect on the cumulative incidence of death", html);
        Assert.Contains("Latouche", html);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    [Fact]
    public void An_observational_treatment_with_propensity_weights_is_refused_with_the_reason_and_weights_none()
    {
        var spec = StudySpecReader.Read(StudyRuns.SpecPath("pbc_competing")) with { Design = StudyDesign.Observational };
        var error = Assert.Throws<StratifyInputException>(() => StratificationRun.Execute(spec));
        Assert.Contains("cannot weight an observational treatment by propensity scores with competing risks: the cumulative incidence curves and the Fine–Gray model", error.Message);
        Assert.Contains("Set weights: none", error.Message);
        // With weights: none it runs, covariate-adjusted, and says the treatment was not randomised.
        var run = StratificationRun.Execute(spec with { TreatmentWeighting = new TreatmentWeightingSpec(TreatmentWeightingMethod.None) });
        Assert.Null(run.Treatment!.Weighting);
        Assert.NotNull(run.CompetingRisks!.Treatment!.Overall.Subdistribution);
    }

    [Fact]
    public void Case_weights_and_strata_are_refused_with_the_reason()
    {
        var spec = StudySpecReader.Read(StudyRuns.SpecPath("melanoma"));
        var weighted = Assert.Throws<StratifyInputException>(() => StratificationRun.Execute(spec with { Weight = "age" }));
        Assert.Contains("cannot use case weights (weight: age) with competing risks", weighted.Message);
        var stratified = Assert.Throws<StratifyInputException>(() => StratificationRun.Execute(spec with { Strata = ["sex"] }));
        Assert.Contains("cannot stratify a competing-risks analysis (strata: sex): the Fine–Gray model, as cmprsk's crr, has no strata", stratified.Message);
    }

    [Fact]
    public void The_console_summary_leads_with_the_competing_risks()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("run", RepoPaths.Dataset("melanoma.yaml"), "--out", dir.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("Competing risks: The event of interest is melanoma death;", result.Out);
        Assert.Contains("  Cumulative incidence of melanoma death by 1826 days: subgroup absent 9.1% (5.0%–16.4%); subgroup present 39.0% (30.1%–50.5%)", result.Out);
        Assert.Contains("  Gray's test between subgroups: χ² = 26.12, df = 1, p < 0.001", result.Out);
        var csv = File.ReadAllLines(dir.File("out/tables/cumulative_incidence_by_subgroup.csv"));
        Assert.Equal("subgroup,cause,n,events,cuminc_1826,se_1826,lower_1826,upper_1826,cuminc_3652,se_3652,lower_3652,upper_3652", csv[0]);
        Assert.Equal(["absent,melanoma death,115,16,", "absent,other death,115,7,", "present,melanoma death,90,41,", "present,other death,90,7,"],
            csv.Skip(1).Select(line => string.Join(",", line.Split(',').Take(4)) + ","));
        Assert.False(File.Exists(dir.File("out/tables/competing_risks_effects.csv"))); // no treatment
    }

    [Fact]
    public void The_effects_table_holds_both_hazard_ratios_and_the_differences_as_r_computes_them()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("run", StudyRuns.SpecPath("pbc_competing"), "--out", dir.File("out"), "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        var csv = File.ReadAllLines(dir.File("out/tables/competing_risks_effects.csv"));
        Assert.StartsWith("subgroup,estimable,subdistribution_hr,subdistribution_hr_lower,subdistribution_hr_upper,subdistribution_p,subdistribution_se,"
            + "cause_specific_hr,cause_specific_hr_lower,cause_specific_hr_upper,cause_specific_p,adjusted_for,difference_1825,", csv[0]);
        Assert.Equal(4, csv.Length); // header, two subgroups, all patients
        var all = csv[3].Split(',');
        Assert.Equal(("all patients", "yes", "age;bili;albumin", "no clear difference"), (all[0], all[1], all[11], all[^1]));
        var r = Reference.Value.GetProperty("pbc_competing").GetProperty("overall");
        double Cell(int i) => double.Parse(all[i], System.Globalization.CultureInfo.InvariantCulture);
        Close(r.GetProperty("subdistribution").GetProperty("hr").GetDouble(), Cell(2), 1e-10, "subdistribution HR");
        Close(r.GetProperty("cause_specific").GetProperty("hr").GetDouble(), Cell(7), 1e-10, "cause-specific HR");
        Close(Numbers(r.GetProperty("differences").GetProperty("difference"))[0], Cell(12), 1e-13, "difference at 1825");
    }

    [Fact]
    public void A_refused_competing_risks_run_exits_2_with_the_message_and_writes_nothing()
    {
        using var dir = new TempFolder();
        var yaml = File.ReadAllText(RepoPaths.Dataset("melanoma.yaml"))
            .Replace("data: melanoma.parquet", "data: " + RepoPaths.Dataset("melanoma.parquet"), StringComparison.Ordinal) + "strata: [sex]\n";
        File.WriteAllText(dir.File("stratified.yaml"), yaml);
        var result = CliRunner.Run("run", dir.File("stratified.yaml"), "--out", dir.File("out"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot stratify a competing-risks analysis", result.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }
}
