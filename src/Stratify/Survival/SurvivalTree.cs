using System.Globalization;
using Stratify.Data;
using Stratify.Statistics;

namespace Stratify.Survival;

// Survival tree by recursive partitioning on the two-sample log-rank statistic (Ciampi et al., Comput Stat Data
// Anal 1986; LeBlanc & Crowley, Biometrics 1993, "split by maximal log-rank"), with a multiplicity-adjusted
// stopping rule in the spirit of conditional inference trees (Hothorn, Hornik & Zeileis, JCGS 2006), simplified
// to Bonferroni:
//   At a node, every candidate split s of every feature is scored by the log-rank chi-square X_s (1 df, as
//   survdiff on the node's patients, two groups, no weights; all thresholds of a numeric feature in one
//   O(n log n) sweep, see LogRankThresholdScan). Candidates: numeric feature x with distinct values
//   v_1 < ... < v_m: left = {x <= v_i}, i < m; categorical feature: levels ordered by their event rate in the node
//   (events / patients, ties by level order), left = the first i levels (Breiman et al. 1984 ordering trick,
//   applied to the event rate). Candidates leaving fewer than MinNodeSize patients on a side are not counted.
//   The best split s* = argmax X_s (ties: first feature, then smallest threshold) is made when
//   min(1, M * P(chi2_1 > X_s*)) < alpha, M = number of candidates at the node, and depth < MaxDepth.
// Patients with a missing value in any feature are dropped first (complete cases), the number is reported.
// Leaves carry their rule (the conjunction of conditions on the path, with bounds on one feature merged),
// size, events and Kaplan–Meier median (print.survfit rule).

/// <summary>A candidate splitting variable: numeric (thresholds) or categorical (groups of levels).</summary>
/// <example><code>SurvivalTreeFeature.Numeric("age", ages); SurvivalTreeFeature.Categorical("celltype", codes, levels)</code></example>
public sealed class SurvivalTreeFeature
{
    private SurvivalTreeFeature(string name, double[]? values, int[]? codes, string[]? levels)
    {
        Name = name;
        Values = values;
        Codes = codes;
        Levels = levels;
    }

    public string Name { get; }
    /// <summary>Numeric values (no NaN); null for a categorical feature.</summary>
    public double[]? Values { get; }
    /// <summary>Level codes (no -1); null for a numeric feature.</summary>
    public int[]? Codes { get; }
    public string[]? Levels { get; }
    public bool IsNumeric => Values is not null;

    public static SurvivalTreeFeature Numeric(string name, double[] values) => new(name, values, null, null);

    /// <summary>Refuses features of the wrong length or with missing numeric values (trees take complete cases).</summary>
    internal static void Validate(IReadOnlyList<SurvivalTreeFeature> features, int patients)
    {
        foreach (var f in features)
        {
            int length = f.IsNumeric ? f.Values!.Length : f.Codes!.Length;
            if (length != patients)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"feature has {length} values but there are {patients} patients"), column: f.Name);
            if (f.IsNumeric && Array.Exists(f.Values!, double.IsNaN))
                throw new StratifyInputException("feature has missing values: drop incomplete rows first", column: f.Name);
        }
    }
    public static SurvivalTreeFeature Categorical(string name, int[] codes, string[] levels) => new(name, null, codes, levels);

    /// <summary>
    /// Ordered levels (0-based codes in level order) as a numeric candidate: thresholds on the level values when every
    /// level is a number (ECOG 0–3, so a rule reads "ph.ecog &lt;= 1"), else on the ranks 0, 1, 2, ….
    /// </summary>
    public static SurvivalTreeFeature Ordinal(string name, int[] codes, string[] levels)
    {
        var levelValues = OrdinalLevelValues(levels);
        var values = new double[codes.Length];
        for (int i = 0; i < values.Length; i++) values[i] = levelValues[codes[i]];
        return Numeric(name, values);
    }

    /// <summary>The value a tree compares for each ordered level: its number when every level is one (ECOG 0–3), else its rank 0, 1, 2, ….</summary>
    internal static double[] OrdinalLevelValues(IReadOnlyList<string> levels)
    {
        var values = new double[levels.Count];
        bool numeric = true;
        for (int l = 0; l < values.Length; l++)
            numeric &= double.TryParse(levels[l], NumberStyles.Float, CultureInfo.InvariantCulture, out values[l]);
        if (!numeric) for (int l = 0; l < values.Length; l++) values[l] = l;
        return values;
    }
}

/// <summary>One condition on a path: numeric <c>x &lt;= t</c> or <c>x &gt; t</c>, or categorical <c>x in {levels}</c>.</summary>
public sealed record SplitCondition(string Feature, int FeatureIndex, bool IsNumeric, bool Above, double Threshold, string[] LevelsIn)
{
    public override string ToString() => IsNumeric
        ? $"{Feature} {(Above ? ">" : "<=")} {Threshold.ToString("R", CultureInfo.InvariantCulture)}"
        : $"{Feature} in {{{string.Join(", ", LevelsIn)}}}";

    /// <summary>Whether a value of a numeric (or ordinal, as its level value) feature meets the condition.</summary>
    internal bool Admits(double value) => Above ? value > Threshold : value <= Threshold;

    /// <summary>Whether a level of a categorical feature meets the condition.</summary>
    internal bool Admits(string level) => Array.IndexOf(LevelsIn, level) >= 0;

    /// <summary>
    /// A path's conditions as one rule a clinician can apply ("biomarker > 3.2 and ecog <= 1"), with the bounds on
    /// one numeric feature merged ("50 &lt; age &lt;= 65") and, for a categorical feature, only its last (narrowest)
    /// condition; "all patients" for the empty path.
    /// </summary>
    internal static string Describe(IReadOnlyList<SplitCondition> path)
    {
        if (path.Count == 0) return "all patients";
        var parts = new List<string>();
        foreach (int f in path.Select(c => c.FeatureIndex).Distinct())
        {
            var conditions = path.Where(c => c.FeatureIndex == f).ToArray();
            string name = conditions[0].Feature;
            if (!conditions[0].IsNumeric)
            {
                parts.Add(conditions[^1].ToString()); // later conditions are subsets of earlier ones
                continue;
            }
            double lower = conditions.Where(c => c.Above).Select(c => c.Threshold).DefaultIfEmpty(double.NegativeInfinity).Max();
            double upper = conditions.Where(c => !c.Above).Select(c => c.Threshold).DefaultIfEmpty(double.PositiveInfinity).Min();
            string lo = lower.ToString("R", CultureInfo.InvariantCulture), hi = upper.ToString("R", CultureInfo.InvariantCulture);
            parts.Add(double.IsInfinity(lower) ? $"{name} <= {hi}"
                : double.IsInfinity(upper) ? $"{name} > {lo}"
                : $"{lo} < {name} <= {hi}");
        }
        return string.Join(" and ", parts);
    }
}

/// <summary>The split made at an inner node.</summary>
public sealed record SurvivalTreeSplit(string Feature, bool IsNumeric, double Threshold, string[] LeftLevels, double Statistic,
    double PValue, double AdjustedPValue, int Candidates);

/// <summary>A node of the tree; a leaf has no <see cref="Split"/> and no children.</summary>
public sealed record SurvivalTreeNode(
    int Depth, string Rule, IReadOnlyList<SplitCondition> Conditions, int N, int Events, double Median,
    SurvivalTreeSplit? Split, SurvivalTreeNode? Left, SurvivalTreeNode? Right)
{
    public bool IsLeaf => Split is null;
}

/// <summary>A grown tree: the root, the leaves left to right, and each patient's leaf.</summary>
public sealed record SurvivalTreeModel(SurvivalTreeNode Root, IReadOnlyList<SurvivalTreeNode> Leaves, int[] LeafOfPatient, int DroppedRows)
{
    /// <summary>
    /// The leaf whose every condition row <paramref name="row"/> of <paramref name="features"/> meets (the features the
    /// tree was grown on, in the same order, for these or other patients; a level is matched by its text), or −1.
    /// </summary>
    public int LeafOf(IReadOnlyList<SurvivalTreeFeature> features, int row) => LeafOf(_paths, features, row);

    /// <summary>Each leaf's path conditions, taken once.</summary>
    private readonly IReadOnlyList<SplitCondition>[] _paths = Leaves.Select(l => l.Conditions).ToArray();

    /// <summary>The first of <paramref name="leaves"/> (each its path's conditions) whose every condition the row meets, or −1.</summary>
    internal static int LeafOf(IReadOnlyList<IReadOnlyList<SplitCondition>> leaves, IReadOnlyList<SurvivalTreeFeature> features, int row)
    {
        for (int leaf = 0; leaf < leaves.Count; leaf++)
        {
            bool all = true;
            foreach (var c in leaves[leaf])
            {
                var f = features[c.FeatureIndex];
                if (!(c.IsNumeric ? c.Admits(f.Values![row]) : c.Admits(f.Levels![f.Codes![row]]))) { all = false; break; }
            }
            if (all) return leaf;
        }
        return -1;
    }
}

/// <summary>
/// Grows a survival tree that splits patients where their survival differs most (maximal log-rank statistic),
/// stopping when the best split is not significant after Bonferroni adjustment.
/// </summary>
/// <example>
/// <code>
/// var model = LogRankTree.Grow(CsvCohortReader.Read("datasets/veteran.csv"), "time", "status",
///     ["karno", "age", "celltype"], new SurvivalTreeOptions { MinNodeSize = 15 });
/// foreach (var leaf in model.Leaves) Console.WriteLine($"{leaf.Rule}: n = {leaf.N}, median {leaf.Median}");
/// </code>
/// </example>
internal static class LogRankTree
{
    /// <summary>
    /// Binds the columns through <see cref="StudyBinder"/> (text columns categorical, numbers numeric; rows missing a
    /// used value dropped and counted) and grows the tree.
    /// </summary>
    public static SurvivalTreeModel Grow(Cohort cohort, string time, string status, IReadOnlyList<string> features, SurvivalTreeOptions options)
    {
        var study = StudyBinder.Bind(cohort, new StudySpec
        {
            Time = time,
            Event = status,
            Covariates = features.Select(f => new CovariateSpec(f, cohort[f] is CategoricalColumn ? CovariateKind.Categorical : CovariateKind.Numeric)).ToArray(),
        });
        return Grow(SurvivalData.From(study), study.Covariates.Select(StudyTreeFeatures.From).ToArray(), options) with { DroppedRows = study.RowsDropped };
    }

    public static SurvivalTreeModel Grow(SurvivalData data, IReadOnlyList<SurvivalTreeFeature> features, SurvivalTreeOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsCountingProcess)
            throw new StratifyInputException("the survival tree does not take counting-process data (delayed entry or start/stop rows): its splits are survdiff's log-rank tests, which have no form for them",
                column: "entry", suggestion: "Grow the tree on right-censored data.");
        if (options.MinNodeSize < 1) throw new StratifyInputException("the minimum node size must be at least 1");
        if (options.MaxDepth < 0) throw new StratifyInputException("the maximum depth must be >= 0");
        if (!(options.Alpha > 0 && options.Alpha <= 1)) throw new StratifyInputException("alpha must be in (0, 1]");
        SurvivalTreeFeature.Validate(features, data.Count);
        var grower = new Grower(data, features, options);
        var all = new int[data.Count];
        for (int i = 0; i < all.Length; i++) all[i] = i;
        var leaves = new List<SurvivalTreeNode>();
        var leafOf = new int[data.Count];
        var root = grower.Node(all, 0, [], leaves, leafOf);
        return new SurvivalTreeModel(root, leaves, leafOf, 0);
    }

    /// <summary>Per-tree state: the shared time order and reusable buffers.</summary>
    private sealed class Grower(SurvivalData data, IReadOnlyList<SurvivalTreeFeature> features, SurvivalTreeOptions options)
    {
        private readonly bool[] _inNode = new bool[data.Count];
        private readonly int[] _side = new int[data.Count];
        private readonly int[] _nodeOrder = new int[data.Count];

        public SurvivalTreeNode Node(int[] rows, int depth, List<SplitCondition> path, List<SurvivalTreeNode> leaves, int[] leafOf)
        {
            int events = 0;
            foreach (int r in rows) if (data.Event[r]) events++;
            string rule = SplitCondition.Describe(path);
            double median = Median(rows);
            var best = depth < options.MaxDepth ? BestSplit(rows) : null;
            if (best is null || best.Value.Split.AdjustedPValue >= options.Alpha)
            {
                foreach (int r in rows) leafOf[r] = leaves.Count;
                var leaf = new SurvivalTreeNode(depth, rule, path.ToArray(), rows.Length, events, median, null, null, null);
                leaves.Add(leaf);
                return leaf;
            }
            var (split, featureIndex, leftLevels) = best.Value;
            var feature = features[featureIndex];
            var left = new List<int>();
            var right = new List<int>();
            foreach (int r in rows)
                (GoesLeft(feature, r, split.Threshold, leftLevels) ? left : right).Add(r);
            var leftCondition = new SplitCondition(feature.Name, featureIndex, feature.IsNumeric, false, split.Threshold, split.LeftLevels);
            var rightCondition = new SplitCondition(feature.Name, featureIndex, feature.IsNumeric, true, split.Threshold,
                feature.IsNumeric ? [] : feature.Levels!.Where((_, code) => !leftLevels[code] && Present(rows, featureIndex, code)).ToArray());
            var leftNode = Node(left.ToArray(), depth + 1, [.. path, leftCondition], leaves, leafOf);
            var rightNode = Node(right.ToArray(), depth + 1, [.. path, rightCondition], leaves, leafOf);
            return new SurvivalTreeNode(depth, rule, path.ToArray(), rows.Length, events, median, split, leftNode, rightNode);
        }

        private bool Present(int[] rows, int featureIndex, int code)
        {
            var codes = features[featureIndex].Codes!;
            foreach (int r in rows) if (codes[r] == code) return true;
            return false;
        }

        private static bool GoesLeft(SurvivalTreeFeature feature, int row, double threshold, bool[] leftLevels)
            => feature.IsNumeric ? feature.Values![row] <= threshold : leftLevels[feature.Codes![row]];

        private double Median(int[] rows)
        {
            // The node's patients share the tree's time order (a filter, not a sort; times validated once).
            return rows.Length == 0 ? double.NaN : ProductLimit.Fit(data.Subset(rows), new KaplanMeierOptions()).Curves[0].Median.Time;
        }

        /// <summary>The node's patients in the shared time order (a filter: no sort).</summary>
        private int NodeOrder(int[] rows)
        {
            foreach (int r in rows) _inNode[r] = true;
            int count = 0;
            foreach (int r in data.TimeOrder) if (_inNode[r]) _nodeOrder[count++] = r;
            foreach (int r in rows) _inNode[r] = false;
            return count;
        }

        private (SurvivalTreeSplit Split, int Feature, bool[] LeftLevels)? BestSplit(int[] rows)
        {
            int n = rows.Length;
            if (n < 2 * options.MinNodeSize) return null;
            int count = NodeOrder(rows);
            var order = _nodeOrder.AsSpan(0, count).ToArray();
            int[] bounds = [0, count];
            int candidates = 0;
            double bestStatistic = double.NegativeInfinity;
            (double Threshold, int Feature, bool[] LeftLevels) best = (double.NaN, -1, []);
            for (int f = 0; f < features.Count; f++)
            {
                var feature = features[f];
                if (feature.IsNumeric)
                {
                    var scores = LogRankThresholdScan.Scan(data.Sorted.TimeByRow, data.Event, order, feature.Values!, options.MinNodeSize);
                    candidates += scores.Thresholds.Length;
                    for (int c = 0; c < scores.Thresholds.Length; c++)
                        if (scores.Statistics[c] > bestStatistic)
                        {
                            bestStatistic = scores.Statistics[c];
                            best = (scores.Thresholds[c], f, []);
                        }
                    continue;
                }
                foreach (var leftLevels in LevelGroupings(feature, rows))
                {
                    int leftCount = 0;
                    foreach (int r in rows)
                    {
                        bool goesLeft = leftLevels[feature.Codes![r]];
                        _side[r] = goesLeft ? 0 : 1;
                        if (goesLeft) leftCount++;
                    }
                    if (leftCount < options.MinNodeSize || n - leftCount < options.MinNodeSize) continue;
                    candidates++;
                    var sums = LogRankTest.Accumulate(data.Sorted.TimeByRow, data.Event, _side, 2, order, bounds, 0);
                    double statistic = LogRankTest.ChiSquare(sums, 2).Statistic;
                    if (statistic > bestStatistic)
                    {
                        bestStatistic = statistic;
                        best = (double.NaN, f, leftLevels);
                    }
                }
            }
            if (candidates == 0) return null;
            double p = TailProbability.ChiSquarePValue(bestStatistic, 1);
            var chosen = features[best.Feature];
            var leftNames = chosen.IsNumeric ? [] : chosen.Levels!.Where((_, code) => best.LeftLevels[code] && Present(rows, best.Feature, code)).ToArray();
            var split = new SurvivalTreeSplit(chosen.Name, chosen.IsNumeric, chosen.IsNumeric ? best.Threshold : double.NaN, leftNames,
                bestStatistic, p, Math.Min(1, p * candidates), candidates);
            return (split, best.Feature, best.LeftLevels);
        }

        /// <summary>Candidate left groups of a categorical feature: prefixes of the node's levels ordered by event rate.</summary>
        private IEnumerable<bool[]> LevelGroupings(SurvivalTreeFeature feature, int[] rows)
        {
            int levels = feature.Levels!.Length;
            var patients = new int[levels];
            var events = new int[levels];
            foreach (int r in rows)
            {
                patients[feature.Codes![r]]++;
                if (data.Event[r]) events[feature.Codes[r]]++;
            }
            var present = Enumerable.Range(0, levels).Where(l => patients[l] > 0)
                .OrderBy(l => (double)events[l] / patients[l]).ThenBy(l => l).ToArray();
            for (int i = 1; i < present.Length; i++)
            {
                var left = new bool[levels];
                for (int j = 0; j < i; j++) left[present[j]] = true;
                yield return left;
            }
        }
    }
}
