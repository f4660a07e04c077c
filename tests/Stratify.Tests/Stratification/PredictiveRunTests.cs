using Stratify.Data;
using Stratify.Reporting;
using Stratify.Simulation;
using Stratify.Stratification;

namespace Stratify.Tests.Stratification;

/// <summary>
/// `stratify run` with predictive subgroups on simulated trials whose truth is known: a treatment benefit above a
/// biomarker threshold of 3.2 (HR 0.5) and none below it, the biomarker unrelated to the prognostic subgroups.
/// </summary>
public class PredictiveRunTests
{
    private static StudySpec Spec(TempFolder dir, string subgroups, string validation = "none", SimulationScenario scenario = SimulationScenario.Biomarker, string treatment = "treatment: arm\ntreatment_reference: control\ndesign: randomised\n")
    {
        CohortSimulator.Write(dir.File("trial.parquet"), 3000, seed: 21, SimulationModel.For(scenario));
        File.WriteAllText(dir.File("trial.yaml"), $"""
            data: trial.parquet
            id: patient_id
            time: time
            event: event
            {treatment}subgroups:
            {subgroups}
            validation: {validation}
            output: out
            seed: 5
            """.Replace("\n\n", "\n"));
        return StudySpecReader.Read(dir.File("trial.yaml"));
    }

    private const string TreeFeatures = """
              method: interaction_tree
              features:
                numeric: [age, biomarker, nodes]
                categorical: [histology, sex]
                ordinal: {ecog: [0, 1, 2, 3]}
              min_node_size: 50
            """;

    [Fact]
    public void An_honest_interaction_tree_finds_the_planted_threshold_and_estimates_on_the_held_out_half()
    {
        using var dir = new TempFolder();
        var run = StratificationRun.Execute(Spec(dir, TreeFeatures, validation: "split"));
        var tree = run.Subgroups.InteractionTree!;
        var root = tree.Root.Split!;
        Assert.Equal("biomarker", root.Feature);
        Assert.InRange(root.Threshold, 3.2 * 0.9, 3.2 * 1.1);
        Assert.True(root.AdjustedPValue < 0.05);
        // The tree saw only the discovery half; every effect comes from the other half.
        Assert.Equal(1500, tree.Root.Counts.Patients);
        Assert.Equal(1500, run.EstimationRows.Length);
        Assert.All(run.EstimationRows, r => Assert.False(run.InDiscovery[r]));
        var above = run.Subgroups.Rules.ToList().FindIndex(r => r!.StartsWith("biomarker >", StringComparison.Ordinal));
        var effects = run.Treatment!.BySubgroup;
        Assert.Equal(BottomLineKind.Differs, run.Treatment.BottomLine);
        Assert.Equal(TreatmentVerdict.Benefit, effects[above].Verdict);
        Assert.Equal(TreatmentVerdict.NoClearDifference, effects[1 - above].Verdict);
        var doc = ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
        Assert.Equal("interaction_tree", doc.Discovery.Method);
        Assert.True(doc.Discovery.InteractionTree!.Honest);
        Assert.DoesNotContain(run.Warnings, w => w.ToString().Contains("optimistic"));
        // The leaves carry the treatment layer's adjusted estimates, as treatment.by_subgroup does.
        Assert.Equal(effects[above].Adjusted!.HazardRatio, doc.Discovery.InteractionTree.Leaves[above].Hr);
        Assert.Equal(doc.Treatment!.BySubgroup[above].Hr, doc.Discovery.InteractionTree.Leaves[above].Hr);
        // The report draws the tree and, on its first screen after the bottom line, says which rule defined the subgroups.
        var html = SubgroupReport.Render(doc, null);
        Assert.Contains("aria-label=\"Interaction tree for arm: 1 split, 2 subgroups\"", html);
        int bottomLine = html.IndexOf("The treatment effect appears to differ", StringComparison.Ordinal);
        int rule = html.IndexOf("Which patients benefit more? The subgroups are the leaves of an interaction tree", StringComparison.Ordinal);
        int question = html.IndexOf("The question", StringComparison.Ordinal);
        Assert.True(bottomLine >= 0 && rule > bottomLine && question > rule, $"bottom line {bottomLine}, rule {rule}, question {question}");
        Assert.Contains("A rule found in the data is exploratory until it is confirmed in independent patients (Wang et al. 2007; Rothwell 2005; EMA 2019)", html);
        Assert.Contains("Su X, Zhou T, Yan X, Fan J, Yang S. Interaction trees with censored survival data", html);
    }

    [Fact]
    public void An_interaction_tree_grown_and_estimated_on_the_same_patients_warns_that_its_estimates_are_optimistic()
    {
        using var dir = new TempFolder();
        var run = StratificationRun.Execute(Spec(dir, TreeFeatures));
        Assert.Contains(run.Warnings, w => w.ToString().Contains("optimistic") && w.ToString().Contains("validation: split"));
        var doc = ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
        Assert.False(doc.Discovery.InteractionTree!.Honest);
        Assert.StartsWith("optimistic", doc.Discovery.InteractionTree.Estimates);
    }

    [Fact]
    public void An_interaction_tree_without_a_split_is_a_finding_one_subgroup_and_the_overall_effect_for_all()
    {
        // One common HR (0.7): the best root split does not pass the Bonferroni-adjusted test, so there is one leaf.
        using var dir = new TempFolder();
        var run = StratificationRun.Execute(Spec(dir, TreeFeatures, scenario: SimulationScenario.None));
        Assert.Single(run.Subgroups.Ids);
        Assert.Single(run.Subgroups.InteractionTree!.Leaves);
        Assert.Contains(run.Warnings, w => w.ToString().Contains("no subgroup whose treatment effect differs was found"));
        // Nothing to compare between subgroups: no log-rank test, no Cox model by subgroup, no interaction test.
        Assert.Null(run.LogRank);
        Assert.Null(run.Cox);
        Assert.Null(run.Treatment!.Interaction);
        Assert.Equal(BottomLineKind.Consistent, run.Treatment.BottomLine);
        Assert.Equal(TreatmentVerdict.ConsistentWithOverall, run.Treatment.BySubgroup.Single().Verdict);
        var doc = ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
        Assert.Equal("consistent", doc.Treatment!.BottomLine.Kind);
        Assert.True(double.IsNaN(doc.Treatment.BottomLine.InteractionP));
        Assert.StartsWith("No subgroup whose treatment effect differs was found (at the stated alpha, 0.05)", doc.Treatment.BottomLine.Sentence);
        Assert.Null(doc.Survival.LogRank);
        Assert.Null(doc.Survival.Cox);
        Assert.Contains("No subgroup whose treatment effect differs was found", SubgroupReport.Render(doc, null));
    }

    [Fact]
    public void An_interaction_tree_without_a_treatment_is_refused()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => StratificationRun.Execute(Spec(dir, TreeFeatures, treatment: "")));
        Assert.Contains("no treatment is named", error.Message);
    }

    [Fact]
    public void Stepp_without_a_treatment_is_refused()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<StratifyInputException>(() => StratificationRun.Execute(Spec(dir, "  method: stepp\n  marker: biomarker\n", treatment: "")));
        Assert.Contains("STEPP compares the treatment's effect between patients, but no treatment is named", error.Message);
    }

    [Fact]
    public void Stepp_subgroups_are_bands_of_about_equal_size_with_the_windows_alongside()
    {
        using var dir = new TempFolder();
        var run = StratificationRun.Execute(Spec(dir, """
              method: stepp
              marker: biomarker
              window: 500
              overlap: 350
              bands: 3
              permutations: 99
            """));
        Assert.Equal(["A", "B", "C"], run.SubgroupFactor.Levels);
        var cuts = run.Subgroups.BandCuts!;
        Assert.Equal($"biomarker <= {cuts[0]:R}", run.Subgroups.Rules[0]);
        Assert.Equal($"{cuts[0]:R} < biomarker <= {cuts[1]:R}", run.Subgroups.Rules[1]);
        Assert.Equal($"biomarker > {cuts[1]:R}", run.Subgroups.Rules[2]);
        Assert.All(run.SubgroupFactor.Counts(), n => Assert.InRange(n, 990, 1010));
        var biomarker = ((NumericColumn)run.Study.Cohort["biomarker"]).Values;
        for (int i = 0; i < run.EstimationRows.Length; i++)
        {
            double value = biomarker[run.Study.Rows[run.EstimationRows[i]]];
            int band = value <= cuts[0] ? 0 : value <= cuts[1] ? 1 : 2;
            Assert.Equal(band, run.SubgroupFactor.Codes[i]);
        }
        // The planted benefit lies above 3.2: only the top band (cut near the 67th centile, about 2.6) shows it.
        Assert.Equal(TreatmentVerdict.Benefit, run.Treatment!.BySubgroup[2].Verdict);
        var stepp = run.Subgroups.Stepp!;
        Assert.True(stepp.Windows.Count >= 10);
        Assert.True(stepp.Test!.PValue <= 0.02, $"p = {stepp.Test.PValue}");
        var doc = ResultsMapping.ToDocument(run, RunOutput.Inputs(run));
        Assert.Equal("stepp", doc.Discovery.Method);
        Assert.Equal(stepp.Windows.Count, doc.Discovery.Stepp!.Windows.Count);
        var html = SubgroupReport.Render(doc, null);
        Assert.Contains("aria-label=\"Treatment hazard ratio by biomarker, in", html);
        Assert.Contains("Which patients benefit more? The subgroups are bands of biomarker cut at its quantiles", html);
        Assert.Contains("Bonetti M, Gelber RD. Patterns of treatment effects in subsets of patients in clinical trials", html);
    }
}
