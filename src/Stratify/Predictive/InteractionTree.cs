using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Predictive;

// Interaction tree for a two-arm treatment and a censored endpoint (Su, Zhou, Yan, Fan & Yang, "Interaction trees
// with censored survival data", Int J Biostat 2008): recursive partitioning in which each split is the one whose two
// children differ most in their treatment effect, so that the leaves are groups of patients who benefit
// differently (predictive subgroups), not groups whose prognosis differs (the survival tree's job).
//
// Split statistic. At a node, a candidate split s puts each patient in the left child (z = 1) or the right one
// (z = 0). With a = 1 for the treated (non-reference) arm, the Cox model with a baseline hazard per stratum
//     h(t) = h0_stratum(t) exp(β1 a + β2 z + β3 a z)
// is fitted without its interaction term (β3 = 0; Newton–Raphson to convergence, Efron ties), and the split is
// scored by the score test of β3 at that fit:
//     X_s = Uᵀ I⁻¹ U  at (β̂1, β̂2, 0),  1 df,
// which is R's coxph(Surv(time, status) ~ a + z + a:z, init = c(coef(coxph(Surv(time, status) ~ a + z)), 0),
// iter.max = 0)$score on the node's patients (tests/reference/interaction_tree_reference.R). The score form is
// used rather than the likelihood ratio (Su et al. use the Wald or LR test; all three are asymptotically equal under
// the null) because it needs one fit per candidate instead of two and stays finite when an arm of a child has a
// run of events that would send β3 towards infinity. The statistic does not depend on which child is coded z = 1.
// Covariates are not in the split model (as in Su et al.); strata are.
//
// Candidates. Numeric (and ordinal, by its level values) feature x with distinct values v_1 < ... < v_m in the
// node: left = {x <= v_i}. Categorical feature: its levels present in the node are ordered by the treatment effect
// within the level (the log-rank estimate U(0)/I(0) of the treated-vs-reference log HR; levels where it cannot be
// estimated last), and left = the first i levels, as Breiman's ordering trick applied to the treatment effect. A
// candidate is admissible when each child has at least MinNodeSize patients and each arm of each child at least
// MinEventsPerArm events (so that both children carry a treatment effect to compare).
//
// Search cost. Each numeric feature is sorted once for the whole tree; a node filters that order (O(n)). The sweep
// moves one patient at a time from the right child to the left one, an O(1) update of the counts the likelihood
// needs (GroupedCoxLikelihood: patients at risk and dying per event time and cell arm × side), so the only
// per-candidate work is the fit, 2–3 Newton passes from the previous candidate's estimate, each O(events) — in all
// O(candidates × events) per feature and node, with no per-patient work per candidate.
//
// Stopping rule. The best split s* = argmax X_s (ties: first feature, then smallest threshold) is made when
//     min(1, M · P(χ²₁ > X_s*)) < Alpha   and   depth < MaxDepth,
// M = the number of candidates searched at the node: every admissible threshold of a numeric feature and, for a
// categorical feature with L levels in the node, all 2^(L−1) − 1 two-way groupings (the ordering is chosen from
// the data, so the search is counted as over every grouping). Bonferroni is conservative where neighbouring cut
// points are strongly correlated, but it bounds the chance of splitting a node without interaction by Alpha
// without resampling. A permutation test was not chosen: permuting the treatment removes the main treatment effect
// with the interaction, and permuting a feature removes its prognostic effect, so neither reproduces the null of
// "same treatment effect in both children" exactly.
//
// Leaves carry the rule of their path (SplitCondition.Describe: "biomarker > 3.2 and ecog <= 1") and the patients
// and events per arm; their treatment effects are estimated by the caller (the treatment layer, on held-out patients
// under validation: split).

/// <summary>Patients and events of each arm of a node.</summary>
internal sealed record ArmCounts(int ReferencePatients, int TreatedPatients, int ReferenceEvents, int TreatedEvents)
{
    public int Patients => ReferencePatients + TreatedPatients;
    public int Events => ReferenceEvents + TreatedEvents;

    /// <summary>The counts among <paramref name="rows"/> (indices into <paramref name="treated"/> and <paramref name="died"/>).</summary>
    public static ArmCounts Of(ReadOnlySpan<int> rows, bool[] treated, bool[] died)
    {
        int n0 = 0, n1 = 0, d0 = 0, d1 = 0;
        foreach (int r in rows)
        {
            if (treated[r]) { n1++; if (died[r]) d1++; }
            else { n0++; if (died[r]) d0++; }
        }
        return new ArmCounts(n0, n1, d0, d1);
    }
}

/// <summary>The split made at an inner node: the treatment × split score statistic, its p and the Bonferroni-adjusted p over the candidates searched.</summary>
internal sealed record InteractionSplit(string Feature, bool IsNumeric, double Threshold, IReadOnlyList<string> LeftLevels, double Statistic,
    double PValue, double AdjustedPValue, int Candidates);

/// <summary>A node of an interaction tree; a leaf has no <see cref="Split"/> and no children.</summary>
internal sealed record InteractionTreeNode(
    int Depth, string Rule, IReadOnlyList<SplitCondition> Conditions, ArmCounts Counts,
    InteractionSplit? Split, InteractionTreeNode? Left, InteractionTreeNode? Right)
{
    public bool IsLeaf => Split is null;

    /// <summary>The inner nodes of this subtree, parents before children, left before right.</summary>
    public IEnumerable<InteractionTreeNode> InnerNodes()
    {
        if (IsLeaf) yield break;
        yield return this;
        foreach (var n in Left!.InnerNodes()) yield return n;
        foreach (var n in Right!.InnerNodes()) yield return n;
    }
}

/// <summary>A grown interaction tree: the root, the leaves left to right, and each patient's leaf.</summary>
internal sealed record InteractionTreeModel(InteractionTreeNode Root, IReadOnlyList<InteractionTreeNode> Leaves, IReadOnlyList<int> LeafOfPatient);

/// <summary>One admissible candidate split: its threshold (numeric) or left levels (categorical), the score statistic and the left child's size.</summary>
internal sealed record InteractionCandidate(double Threshold, IReadOnlyList<string> LeftLevels, double Statistic, int LeftPatients);

/// <summary>
/// Grows an interaction tree: splits patients where the treatment effect differs most between the two sides
/// (treatment × split score test of a Cox model), stopping when the best split is not significant after
/// Bonferroni adjustment over the candidates searched.
/// </summary>
/// <example>
/// <code>
/// var data = new SurvivalData(time, died);
/// var model = TreatmentInteractionTree.Grow(data, treated, [SurvivalTreeFeature.Numeric("biomarker", biomarker)], new InteractionTreeOptions());
/// foreach (var leaf in model.Leaves) Console.WriteLine($"{leaf.Rule}: n = {leaf.Counts.Patients}");
/// </code>
/// </example>
internal static class TreatmentInteractionTree
{
    public static InteractionTreeModel Grow(SurvivalData data, bool[] treated, IReadOnlyList<SurvivalTreeFeature> features, InteractionTreeOptions options)
    {
        var grower = new Grower(data, treated, features, options);
        var leaves = new List<InteractionTreeNode>();
        var leafOf = new int[data.Count];
        var root = grower.Node(SurvivalOrder.Identity(data.Count), 0, [], leaves, leafOf);
        return new InteractionTreeModel(root, leaves, leafOf);
    }

    /// <summary>Every admissible candidate split of one feature among <paramref name="rows"/>, with its statistic (NaN where the fit failed).</summary>
    public static IReadOnlyList<InteractionCandidate> Scan(SurvivalData data, bool[] treated, SurvivalTreeFeature feature, int[] rows, InteractionTreeOptions options)
    {
        var grower = new Grower(data, treated, [feature], options);
        return grower.Candidates(rows, 0).Candidates;
    }

    private static void Validate(SurvivalData data, bool[] treated, IReadOnlyList<SurvivalTreeFeature> features, InteractionTreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (options.MinNodeSize < 1) throw new StratifyInputException("the minimum node size must be at least 1");
        if (options.MinEventsPerArm < 1) throw new StratifyInputException("the minimum number of events per arm must be at least 1");
        if (options.MaxDepth < 0) throw new StratifyInputException("the maximum depth must be >= 0");
        if (!(options.Alpha > 0 && options.Alpha <= 1)) throw new StratifyInputException("alpha must be in (0, 1]");
        if (treated.Length != data.Count)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the treatment has {treated.Length} values but there are {data.Count} patients"), column: "treatment");
        SurvivalTreeFeature.Validate(features, data.Count);
    }

    /// <summary>Per-tree state: the shared orders and reusable buffers.</summary>
    private sealed class Grower
    {
        // Cells of the split model: arm a (0 reference, 1 treated) + 2 × side z (0 right, 1 left); rows (a, z, a·z).
        private static readonly double[] SplitDesign = [0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1];
        private static readonly double[] ArmDesign = [0, 1];
        private readonly SurvivalData _data;
        private readonly bool[] _treated;
        private readonly IReadOnlyList<SurvivalTreeFeature> _features;
        private readonly InteractionTreeOptions _options;
        private readonly double[] _time;
        private readonly int[] _riskOrder;
        private readonly int[]?[] _valueOrder;
        private readonly bool[] _inNode;
        private readonly int[] _positionOfRow;

        public Grower(SurvivalData data, bool[] treated, IReadOnlyList<SurvivalTreeFeature> features, InteractionTreeOptions options)
        {
            Validate(data, treated, features, options);
            _data = data;
            _treated = treated;
            _features = features;
            _options = options;
            _time = data.Sorted.TimeByRow;
            _riskOrder = SurvivalOrder.ByTimeEventsFirst(_time, data.Event, data.Strata);
            _inNode = new bool[data.Count];
            _positionOfRow = new int[data.Count];
            _valueOrder = new int[]?[features.Count];
            for (int f = 0; f < features.Count; f++)
            {
                if (!features[f].IsNumeric) continue;
                var keys = (double[])features[f].Values!.Clone();
                var order = SurvivalOrder.Identity(data.Count);
                Array.Sort(keys, order); // ties in any order: a candidate is evaluated only after the last of a value
                _valueOrder[f] = order;
            }
        }

        public InteractionTreeNode Node(int[] rows, int depth, List<SplitCondition> path, List<InteractionTreeNode> leaves, int[] leafOf)
        {
            var counts = ArmCounts.Of(rows, _treated, _data.Event);
            var rule = SplitCondition.Describe(path);
            var best = depth < _options.MaxDepth ? BestSplit(rows) : null;
            if (best is null || best.Value.Split.AdjustedPValue >= _options.Alpha)
            {
                foreach (int r in rows) leafOf[r] = leaves.Count;
                var leaf = new InteractionTreeNode(depth, rule, path.ToArray(), counts, null, null, null);
                leaves.Add(leaf);
                return leaf;
            }
            var (split, featureIndex, leftLevels) = best.Value;
            var feature = _features[featureIndex];
            var left = new List<int>();
            var right = new List<int>();
            foreach (int r in rows) (GoesLeft(feature, r, split.Threshold, leftLevels) ? left : right).Add(r);
            var present = feature.IsNumeric ? null : PresentLevels(rows, feature);
            var leftCondition = new SplitCondition(feature.Name, featureIndex, feature.IsNumeric, false, split.Threshold, [.. split.LeftLevels]);
            var rightCondition = new SplitCondition(feature.Name, featureIndex, feature.IsNumeric, true, split.Threshold,
                feature.IsNumeric ? [] : feature.Levels!.Where((_, code) => present![code] && !leftLevels[code]).ToArray());
            var leftNode = Node(left.ToArray(), depth + 1, [.. path, leftCondition], leaves, leafOf);
            var rightNode = Node(right.ToArray(), depth + 1, [.. path, rightCondition], leaves, leafOf);
            return new InteractionTreeNode(depth, rule, path.ToArray(), counts, split, leftNode, rightNode);
        }

        private static bool GoesLeft(SurvivalTreeFeature feature, int row, double threshold, bool[] leftLevels)
            => feature.IsNumeric ? feature.Values![row] <= threshold : leftLevels[feature.Codes![row]];

        private bool[] PresentLevels(int[] rows, SurvivalTreeFeature feature)
        {
            var present = new bool[feature.Levels!.Length];
            foreach (int r in rows) present[feature.Codes![r]] = true;
            return present;
        }

        private (InteractionSplit Split, int Feature, bool[] LeftLevels)? BestSplit(int[] rows)
        {
            if (rows.Length < 2 * _options.MinNodeSize) return null;
            int searched = 0, bestFeature = -1;
            InteractionCandidate? best = null;
            bool[] bestLeft = [];
            for (int f = 0; f < _features.Count; f++)
            {
                var (candidates, count, groupings) = Candidates(rows, f);
                searched += count;
                for (int c = 0; c < candidates.Count; c++)
                    if (candidates[c].Statistic > (best?.Statistic ?? double.NegativeInfinity))
                    {
                        best = candidates[c];
                        bestFeature = f;
                        bestLeft = groupings?[c] ?? [];
                    }
            }
            if (best is null) return null;
            double p = TailProbability.ChiSquareUpper(best.Statistic, 1);
            var feature = _features[bestFeature];
            var split = new InteractionSplit(feature.Name, feature.IsNumeric, feature.IsNumeric ? best.Threshold : double.NaN, best.LeftLevels,
                best.Statistic, p, Math.Min(1, p * searched), searched);
            return (split, bestFeature, bestLeft);
        }

        /// <summary>
        /// The admissible candidates of one feature in a node, how many candidates they count for in the Bonferroni
        /// adjustment, and for a categorical feature each candidate's left levels by code.
        /// </summary>
        public (List<InteractionCandidate> Candidates, int Count, List<bool[]>? Groupings) Candidates(int[] rows, int f)
        {
            var feature = _features[f];
            var nodeOrder = NodeOrder(rows, _riskOrder);
            var positions = RiskPositions.Build(nodeOrder, _time, _data.Event, _data.Strata, _positionOfRow);
            var likelihood = new GroupedCoxLikelihood(positions, SplitDesign, 4, 3);
            var beta = new double[3];
            beta[0] = ArmLogHazardRatio(rows, positions);

            // Patients in sweep order with the key at which each becomes left.
            int[] sweep;
            double[] key;
            string[]? orderedLevels = null;
            if (feature.IsNumeric)
            {
                sweep = NodeOrder(rows, _valueOrder[f]!);
                key = new double[sweep.Length];
                for (int i = 0; i < sweep.Length; i++) key[i] = feature.Values![sweep[i]];
            }
            else
            {
                orderedLevels = LevelsByEffect(rows, feature, positions);
                var rank = new int[feature.Levels!.Length];
                for (int l = 0; l < orderedLevels.Length; l++) rank[Array.IndexOf(feature.Levels, orderedLevels[l])] = l;
                sweep = rows.OrderBy(r => rank[feature.Codes![r]]).ThenBy(r => r).ToArray();
                key = new double[sweep.Length];
                for (int i = 0; i < sweep.Length; i++) key[i] = rank[feature.Codes![sweep[i]]];
            }

            likelihood.Clear();
            foreach (int r in rows) likelihood.Add(Arm(r), _positionOfRow[r], _data.Event[r]);
            int n = sweep.Length;
            var leftPatients = new int[2];
            var leftEvents = new int[2];
            var totalPatients = new int[2];
            var totalEvents = new int[2];
            foreach (int r in rows) { totalPatients[Arm(r)]++; if (_data.Event[r]) totalEvents[Arm(r)]++; }
            var candidates = new List<InteractionCandidate>();
            var groupings = feature.IsNumeric ? null : new List<bool[]>();
            var warm = (double[])beta.Clone();
            for (int i = 0; i < n - 1; i++)
            {
                int r = sweep[i], arm = Arm(r);
                likelihood.Move(arm, arm + 2, _positionOfRow[r], _data.Event[r]);
                leftPatients[arm]++;
                if (_data.Event[r]) leftEvents[arm]++;
                if (key[i + 1] == key[i]) continue;
                int left = i + 1;
                if (left < _options.MinNodeSize || n - left < _options.MinNodeSize) continue;
                bool enoughEvents = true;
                for (int a = 0; a < 2; a++)
                    enoughEvents &= leftEvents[a] >= _options.MinEventsPerArm && totalEvents[a] - leftEvents[a] >= _options.MinEventsPerArm;
                if (!enoughEvents) continue;
                beta.AsSpan().CopyTo(warm);
                warm[2] = 0;
                double statistic = double.NaN;
                if (likelihood.Maximise(warm, free: 2))
                {
                    statistic = likelihood.ScoreStatistic();
                    warm.AsSpan().CopyTo(beta);
                }
                if (feature.IsNumeric)
                    candidates.Add(new InteractionCandidate(key[i], [], statistic, left));
                else
                {
                    var leftLevels = new bool[feature.Levels!.Length];
                    for (int l = 0; l <= (int)key[i]; l++) leftLevels[Array.IndexOf(feature.Levels, orderedLevels![l])] = true;
                    groupings!.Add(leftLevels);
                    candidates.Add(new InteractionCandidate(double.NaN, orderedLevels![..((int)key[i] + 1)], statistic, left));
                }
            }
            int count = feature.IsNumeric || candidates.Count == 0 ? candidates.Count : (1 << (orderedLevels!.Length - 1)) - 1;
            return (candidates, count, groupings);
        }

        private int Arm(int row) => _treated[row] ? 1 : 0;

        /// <summary>The node's patients in the order of <paramref name="order"/> (a filter: no sort).</summary>
        private int[] NodeOrder(int[] rows, int[] order)
        {
            foreach (int r in rows) _inNode[r] = true;
            var result = new int[rows.Length];
            int count = 0;
            foreach (int r in order) if (_inNode[r]) result[count++] = r;
            foreach (int r in rows) _inNode[r] = false;
            return result;
        }

        /// <summary>The treated-vs-reference log HR among <paramref name="rows"/> (Cox, arm only), the warm start of the split fits; 0 when it cannot be fitted.</summary>
        private double ArmLogHazardRatio(int[] rows, RiskPositions positions)
        {
            var arm = new GroupedCoxLikelihood(positions, ArmDesign, 2, 1);
            foreach (int r in rows) arm.Add(Arm(r), _positionOfRow[r], _data.Event[r]);
            var beta = new double[1];
            return arm.Maximise(beta, free: 1) ? beta[0] : 0;
        }

        /// <summary>
        /// The categorical feature's levels present in the node, by the treated-vs-reference log-rank estimate
        /// U(0)/I(0) within the level (ascending; levels without one last), ties by level order.
        /// </summary>
        private string[] LevelsByEffect(int[] rows, SurvivalTreeFeature feature, RiskPositions positions)
        {
            int levels = feature.Levels!.Length;
            var arm = new GroupedCoxLikelihood(positions, ArmDesign, 2, 1);
            var present = PresentLevels(rows, feature);
            var effect = new double[levels];
            for (int l = 0; l < levels; l++)
            {
                if (!present[l]) continue;
                arm.Clear();
                foreach (int r in rows) if (feature.Codes![r] == l) arm.Add(Arm(r), _positionOfRow[r], _data.Event[r]);
                arm.Evaluate([0.0]);
                effect[l] = arm.Information[0] > 0 ? arm.Score[0] / arm.Information[0] : double.NaN;
            }
            return Enumerable.Range(0, levels).Where(l => present[l])
                .OrderBy(l => double.IsNaN(effect[l]) ? 1 : 0).ThenBy(l => double.IsNaN(effect[l]) ? 0 : effect[l]).ThenBy(l => l)
                .Select(l => feature.Levels[l]).ToArray();
        }
    }
}
