using Stratify.Predictive;
using Stratify.Stratification;

namespace Stratify.Reporting;

/// <summary>
/// An interaction tree as `stratify tree --interaction --format json` prints it and results.json's
/// <c>discovery.interaction_tree</c> holds it: the treatment arms, whether the leaf effects are <c>honest</c>
/// (estimated on patients the tree never saw) with the sizes of both parts, the splits (parents first) with their
/// interaction statistic, p and Bonferroni-adjusted p, and the leaves with their rule, counts per arm among the
/// discovery patients and treatment effect among the estimation patients.
/// </summary>
internal sealed record InteractionTreeJson(
    string Treatment, string Reference, string Treated,
    bool Honest, string Estimates, int DiscoveryN, int EstimationN, int DroppedRows,
    IReadOnlyList<InteractionSplitJson> Splits,
    IReadOnlyList<InteractionLeafJson> Leaves);

/// <summary>
/// One split: the node's depth, its <c>path</c> from the root ("" the root, then L or R per step: "RL" is the left child
/// of the root's right child; left = the condition holds), rule and size, the feature and threshold (numeric) or left
/// levels, the score statistic (1 df), p, Bonferroni-adjusted p and candidates searched.
/// </summary>
internal sealed record InteractionSplitJson(int Depth, string Path, string Node, int N, string Feature, double Threshold, IReadOnlyList<string> LeftLevels,
    double Statistic, double P, double AdjustedP, int Candidates);

/// <summary>
/// One leaf: its subgroup id and rule; patients and events per arm among the discovery patients; and the treatment
/// effect among its estimation patients (<c>estimation_n</c>) as the treatment layer estimates it: the HR adjusted for
/// <c>adjusted_for</c> with 95% CI and p, RMST difference with 95% CI (null where too few patients or events).
/// </summary>
internal sealed record InteractionLeafJson(string Subgroup, string Rule, int ReferencePatients, int TreatedPatients, int ReferenceEvents, int TreatedEvents,
    int EstimationN, double Hr, double HrLower, double HrUpper, double P, double RmstDifference, double RmstDifferenceLower, double RmstDifferenceUpper,
    IReadOnlyList<string> AdjustedFor);

/// <summary>
/// A STEPP analysis (`stratify stepp --format json`, results.json's <c>discovery.stepp</c>): the marker and arms,
/// the window sizes (n2 patients per window, n1 the most two consecutive windows share), the RMST horizon, every
/// window, the overall effect and the permutation test of heterogeneity (null without permutations).
/// </summary>
internal sealed record SteppJson(
    string Marker, string Treatment, string Reference, string Treated,
    int PatientsPerWindow, int Overlap, double RmstHorizon,
    IReadOnlyList<SteppWindowJson> Windows,
    SteppEffectJson Overall,
    SteppTestJson? Test);

/// <summary>One window: its marker range and median, patients and events per arm, and the effect.</summary>
internal sealed record SteppWindowJson(int Window, double MarkerLower, double MarkerUpper, double MarkerMedian,
    int ReferencePatients, int TreatedPatients, int ReferenceEvents, int TreatedEvents, SteppEffectJson Effect);

/// <summary>Treated vs reference: log HR with its SE, HR with 95% CI, RMST difference with SE and 95% CI (null where not estimable).</summary>
internal sealed record SteppEffectJson(double LogHr, double LogHrSe, double Hr, double HrLower, double HrUpper,
    double RmstDifference, double RmstDifferenceSe, double RmstDifferenceLower, double RmstDifferenceUpper);

/// <summary>The heterogeneity test: what the statistic is, its value, the permutation p, the number of permutations and the seed.</summary>
internal sealed record SteppTestJson(string Method, double Statistic, double P, int Permutations, long Seed);

/// <summary>Maps interaction trees and STEPP analyses to their JSON shapes.</summary>
internal static class PredictiveJson
{
    public const string SteppTestMethod = "supremum over windows of |log HR(window) - log HR(overall)| / its permutation SD; " +
        "window memberships permuted within each arm; p = (1 + #permutations at least as large) / (1 + permutations)";

    public static InteractionTreeJson From(InteractionTreeModel model, string treatment, (string Reference, string Treated) arms,
        bool honest, int discoveryN, int estimationN, int droppedRows, IReadOnlyList<TreatmentEffect?> leafEffects)
    {
        var splits = new List<InteractionSplitJson>();
        void Walk(InteractionTreeNode n, string path)
        {
            if (n.IsLeaf) return;
            splits.Add(new InteractionSplitJson(n.Depth, path, n.Rule, n.Counts.Patients, n.Split!.Feature,
                n.Split.Threshold, n.Split.LeftLevels, n.Split.Statistic, n.Split.PValue, n.Split.AdjustedPValue, n.Split.Candidates));
            Walk(n.Left!, path + "L");
            Walk(n.Right!, path + "R");
        }
        Walk(model.Root, "");
        double z = Statistics.TailProbability.NormalCriticalValue(0.95);
        var leaves = model.Leaves.Select((l, i) =>
        {
            var e = leafEffects[i];
            var hr = e?.Adjusted;
            double difference = e?.RmstDifference ?? double.NaN, se = e?.RmstDifferenceSe ?? double.NaN;
            return new InteractionLeafJson(SubgroupFinder.Letter(i), l.Rule, l.Counts.ReferencePatients, l.Counts.TreatedPatients,
                l.Counts.ReferenceEvents, l.Counts.TreatedEvents, e?.N ?? 0,
                hr?.HazardRatio ?? double.NaN, hr?.Lower ?? double.NaN, hr?.Upper ?? double.NaN, hr?.PValue ?? double.NaN,
                difference, difference - z * se, difference + z * se, e?.AdjustedFor ?? []);
        }).ToArray();
        return new InteractionTreeJson(treatment, arms.Reference, arms.Treated, honest,
            honest ? "honest: every effect is estimated on patients the tree did not see"
                : "optimistic: the effects are estimated on the patients that chose the splits, so they overstate how much the effect differs",
            discoveryN, estimationN, droppedRows, splits, leaves);
    }

    public static SteppJson From(SteppResult result, string treatment, (string Reference, string Treated) arms) => new(
        result.Marker, treatment, arms.Reference, arms.Treated, result.PatientsPerWindow, result.Overlap, result.RmstHorizon,
        result.Windows.Select(w => new SteppWindowJson(w.Index, w.MarkerLower, w.MarkerUpper, w.MarkerMedian, w.Counts.ReferencePatients,
            w.Counts.TreatedPatients, w.Counts.ReferenceEvents, w.Counts.TreatedEvents, Effect(w.Effect))).ToArray(),
        Effect(result.Overall),
        result.Test is { } t ? new SteppTestJson(SteppTestMethod, t.Statistic, t.PValue, t.Permutations, t.Seed) : null);

    private static SteppEffectJson Effect(TreatmentContrast e) => new(e.LogHazardRatio, e.StandardError, e.HazardRatio, e.HazardRatioLower,
        e.HazardRatioUpper, e.RmstDifference, e.RmstDifferenceStandardError, e.RmstDifferenceLower, e.RmstDifferenceUpper);
}
