using Stratify.Reporting;

namespace Stratify.Tests.Reporting;

/// <summary>What the treatment sentences may claim (RunSentences), on the GBSG fixture.</summary>
public class RunSentencesTests
{
    private static TreatmentTailoringJson Treatment(string kind, string evidence, double p) =>
        SubgroupReportFixture.Results().Treatment! with { BottomLine = new BottomLineJson(kind, p, 0.05, evidence, "") };

    [Theory]
    [InlineData("exploratory", "found and tested on the same patients, so this is exploratory")]
    [InlineData("held_out", "not inflated by the search; but they were not specified before the trial, so this supports a hypothesis rather than confirming it (EMA 2019)")]
    [InlineData("pre_defined", "confirmatory only if this subgroup analysis was specified in the trial protocol before the data were seen")]
    public void A_difference_between_subgroups_is_worded_by_how_the_subgroups_were_obtained(string evidence, string expected)
    {
        var sentence = RunSentences.BottomLine(Treatment("differs", evidence, 0.003));
        Assert.StartsWith("The treatment effect appears to differ between the subgroups (test of interaction p = 0.00300, below 0.05)", sentence);
        Assert.Contains(expected, sentence);
    }

    [Fact]
    public void Without_interaction_evidence_the_overall_estimate_is_the_guide_for_every_subgroup()
    {
        var sentence = RunSentences.BottomLine(Treatment("consistent", "exploratory", 0.72));
        Assert.Contains("test of interaction p = 0.720; a difference is claimed only when p < 0.05", sentence);
        Assert.Contains("The overall estimate is the best guide for every subgroup", sentence);
        Assert.Contains("a modest difference cannot be ruled out", sentence);
    }

    [Fact]
    public void Without_an_interaction_test_the_sentence_says_why()
    {
        var sentence = RunSentences.BottomLine(Treatment("not_estimable", "exploratory", double.NaN));
        Assert.Contains("could not be tested: fewer than two subgroups have enough patients and events in both arms", sentence);
    }

    [Theory]
    [InlineData("benefit", "randomised", "patients given hormon = tamoxifen had longer recurrence-free survival than those given hormon = none")]
    [InlineData("harm", "randomised", "patients given hormon = tamoxifen had shorter recurrence-free survival than those given hormon = none")]
    [InlineData("benefit", "observational", "hormon = tamoxifen was associated with longer recurrence-free survival than hormon = none")]
    [InlineData("harm", "observational", "hormon = tamoxifen was associated with shorter recurrence-free survival than hormon = none")]
    [InlineData("no clear difference", "observational", "the data show no clear association between hormon = tamoxifen (against hormon = none) and recurrence-free survival")]
    public void A_subgroup_verdict_is_causal_sounding_only_under_randomisation(string verdict, string design, string expected)
    {
        var results = SubgroupReportFixture.Results();
        var treatment = results.Treatment! with { Design = design };
        var effect = treatment.BySubgroup[0] with { Verdict = verdict };
        var sentence = RunSentences.Effect(results.Study, treatment, effect, "≤ 3 positive nodes").ToString();
        Assert.StartsWith("In subgroup A (n = 373; ≤ 3 positive nodes), ", sentence);
        Assert.Contains(expected, sentence);
        Assert.Contains("(adjusted HR 0.71, 95% CI 0.51–0.99; p = 0.0430)", sentence);
        Assert.Contains("the difference in mean recurrence-free survival time (hormon = tamoxifen − hormon = none) was +96.4 days (95% CI +21.7 to +171.1; unadjusted)", sentence);
    }

    [Fact]
    public void An_effect_too_small_to_estimate_says_why_and_states_no_estimate()
    {
        var results = SubgroupReportFixture.Results();
        var small = results.Treatment!.BySubgroup[2];
        var sentence = RunSentences.Effect(results.Study, results.Treatment, small, "age under 26");
        Assert.Equal("In subgroup C (n = <5; age under 26), one arm has too few patients to estimate the treatment effect (each arm needs at least 5).",
            sentence.Render(RunSentences.MaskedCounts(5)));
        var events = RunSentences.Effect(results.Study, results.Treatment, small with { Estimable = "too_few_events" }, "age under 26");
        Assert.Contains("one arm has too few events to estimate the treatment effect (each arm needs at least 5)", events.ToString());
    }
}
