// Table 1 — baseline characteristics by group, computed as the R reference script
// tests/reference/table1_reference.R does (close to R's tableone, except that tableone's chisq.test keeps
// Yates' correction for 2 × 2 tables and never switches to Fisher by itself):
// - Numeric: mean (SD) and median [Q1, Q3] (R quantile type 7) of the non-missing values, plus the missing
//   count. Tests over the groups' non-missing values: two groups → Welch's t (t.test, var.equal = FALSE);
//   more → one-way ANOVA F (anova(lm)); and Kruskal–Wallis (kruskal.test) in every case. The primary p is the
//   parametric test unless Table1Options.NumericTest says Nonparametric; the other is the alternative.
//   Groups without values are left out of ANOVA and Kruskal–Wallis (R drops unused factor levels); Welch's t
//   needs two values in each group, otherwise p is NaN (R stops with an error).
// - Categorical: n (%) per level, percent of the non-missing; missing count. Test on the levels × groups table
//   with all-zero levels and groups removed: if that table is 2 × 2 and any expected count is below
//   Table1Options.FisherExpectedBelow (5), Fisher's exact test (fisher.test); otherwise Pearson's chi-square
//   without continuity correction (chisq.test(correct = FALSE)). Fewer than two levels or groups: no p (NaN).
// - SMD only with exactly two groups, group 1 (second level) minus group 0 (first): see
//   Stratify.Statistics.StandardizedMeanDifference (numeric, binary, Yang & Dalton multi-level).
// Patients with a missing group value count in the overall column only.
using System.Collections.Immutable;
using System.Globalization;
using Stratify.Data;
using Stratify.Statistics;

namespace Stratify.Description;

/// <summary>
/// Computes a <see cref="Table1"/> from bound variables (<see cref="StudyBinder"/>: the binder's level rules and
/// validation; missing values kept), or from cohort columns, which it binds the same way first.
/// </summary>
/// <example><code>
/// var lung = CsvCohortReader.Read("datasets/lung.csv");
/// var table = Table1Builder.Build(lung, new Table1Options(
///     [new("age", VariableKind.Numeric), new("ph.ecog", VariableKind.Categorical)], GroupColumn: "sex"));
/// </code></example>
internal static class Table1Builder
{
    /// <summary>Binds the columns <paramref name="options"/> names (every row, missing values kept) and describes them.</summary>
    public static Table1 Build(Cohort cohort, Table1Options options)
    {
        if (options.Variables.Count == 0)
            throw new StratifyInputException("no variables to describe", cohort.Source, suggestion: "Name at least one column.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in options.Variables)
        {
            if (!seen.Add(variable.Column))
                throw new StratifyInputException("the variable is listed twice", cohort.Source, variable.Column);
            if (variable.Column == options.GroupColumn)
                throw new StratifyInputException("the grouping column cannot also be a variable of the table", cohort.Source, variable.Column);
            if (variable.Kind == VariableKind.Numeric && cohort[variable.Column] is not NumericColumn)
                throw new StratifyInputException("holds text, so it cannot be summarised as numeric", cohort.Source, variable.Column,
                    suggestion: "Describe it as categorical.");
        }
        var variables = StudyBinder.BindVariables(cohort, options.Variables.Select(v => v.ToCovariateSpec()).ToArray(), role: "Table 1 variable");
        var groups = options.GroupColumn is null ? null
            : StudyBinder.BindVariables(cohort, [new CovariateSpec(options.GroupColumn, CovariateKind.Categorical)], role: "group")[0].Factor;
        return Build(variables, groups, options, cohort.Source);
    }

    /// <summary>
    /// Describes bound variables (a numeric one as numeric; a categorical or ordinal one by its levels, in the bound
    /// order) by <paramref name="groups"/> (a code per row, −1 = no group: counted in the overall column only). All
    /// arrays cover the same rows. <paramref name="options"/> gives the tests and limits (its variable list and group
    /// column are not used).
    /// </summary>
    public static Table1 Build(IReadOnlyList<BoundCovariate> variables, Factor? groups, Table1Options? options = null) =>
        Build(variables, groups, options ?? new Table1Options([]), null);

    private static Table1 Build(IReadOnlyList<BoundCovariate> variables, Factor? groups, Table1Options options, string? source)
    {
        if (variables.Count == 0)
            throw new StratifyInputException("no variables to describe", source, suggestion: "Name at least one column.");
        int n = variables[0].Length;
        var grouping = Grouping.Of(groups, n, options.MaxGroups, source);
        var summaries = ImmutableArray.CreateBuilder<VariableSummary>(variables.Count);
        foreach (var variable in variables)
        {
            if (variable.Length != n) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"variable {variable.Name} has {variable.Length} rows, expected {n}"));
            summaries.Add(variable.Kind == CovariateKind.Numeric
                ? DescribeNumeric(variable.Name, variable.Values!, grouping, options)
                : DescribeCategorical(CheckLevels(variable.Factor!, options.MaxLevels, source), grouping, options));
        }
        var table1Groups = ImmutableArray.CreateBuilder<Table1Group>(grouping.Count);
        for (int g = 0; g < grouping.Count; g++) table1Groups.Add(new Table1Group(grouping.Labels[g], grouping.Sizes[g]));
        return new Table1(groups?.Name, n, table1Groups.MoveToImmutable(), grouping.MissingCount, summaries.MoveToImmutable(), options.NumericTest);
    }

    private static Factor CheckLevels(Factor factor, int maxLevels, string? source) => factor.LevelCount <= maxLevels ? factor
        : throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"has {factor.LevelCount.ToString(CultureInfo.InvariantCulture)} distinct values, too many to tabulate as categories (at most {maxLevels})"),
            source, factor.Name, suggestion: "Summarise it as numeric, or group its values into fewer categories first.");

    private static NumericVariableSummary DescribeNumeric(string name, double[] numbers, Grouping grouping, Table1Options options)
    {
        var values = GroupedValues.Of(numbers, grouping);
        var overall = new NumericCell(NumericSummary.OfSorted(values.AllSorted), values.Missing);
        var byGroup = ImmutableArray.CreateBuilder<NumericCell>(grouping.Count);
        for (int g = 0; g < grouping.Count; g++)
            byGroup.Add(new NumericCell(NumericSummary.OfSorted(values.Group(g)), values.MissingByGroup[g]));
        GroupTest? parametric = null, rank = null;
        double smd = double.NaN;
        if (grouping.Count >= 2)
        {
            if (grouping.Count == 2)
            {
                var t = WelchTTest.Compute(values.Group(0), values.Group(1));
                parametric = new GroupTest(WelchTTestResult.TestName, t.Statistic, t.DegreesOfFreedom, double.NaN, t.PValue);
                smd = StandardizedMeanDifference.Numeric(values.Group(1), values.Group(0));
            }
            else
            {
                var f = OneWayAnova.Compute(new GroupedSample(values.Grouped, values.GroupCodes, grouping.Count));
                parametric = new GroupTest(FTestResult.TestName, f.Statistic, f.NumeratorDegreesOfFreedom, f.DenominatorDegreesOfFreedom, f.PValue);
            }
            // The merged sorted sample lets MidRanks rank in one pass, without a second sort.
            var (merged, mergedCodes) = values.MergeGroups();
            var h = KruskalWallisTest.Compute(new GroupedSample(merged, mergedCodes, grouping.Count));
            rank = new GroupTest(h.Test, h.Statistic, h.DegreesOfFreedom, double.NaN, h.PValue);
        }
        bool parametricFirst = options.NumericTest == NumericTestPreference.Parametric;
        return new NumericVariableSummary(name, overall, byGroup.MoveToImmutable(),
            parametricFirst ? parametric : rank, parametricFirst ? rank : parametric, smd);
    }

    /// <summary>
    /// A numeric column's non-missing values: all of them sorted, and those with a known group laid out group by
    /// group (each group's span sorted), with the missing counts.
    /// </summary>
    private sealed class GroupedValues
    {
        public required double[] AllSorted { get; init; }
        public required double[] Grouped { get; init; }
        public required int[] GroupCodes { get; init; }
        public required int[] Starts { get; init; }
        public required int Missing { get; init; }
        public required int[] MissingByGroup { get; init; }

        public ReadOnlySpan<double> Group(int g) => Grouped.AsSpan(Starts[g], Starts[g + 1] - Starts[g]);

        /// <summary>From values with NaN where missing (as the binder leaves them).</summary>
        public static GroupedValues Of(double[] values, Grouping grouping)
        {
            int n = values.Length, groups = grouping.Count;
            var sizes = new int[groups];
            var missingByGroup = new int[groups];
            int present = 0, missing = 0;
            for (int i = 0; i < n; i++)
            {
                int g = grouping.Codes[i];
                if (double.IsNaN(values[i])) { missing++; if (g >= 0) missingByGroup[g]++; continue; }
                present++;
                if (g >= 0) sizes[g]++;
            }
            var starts = new int[groups + 1];
            for (int g = 0; g < groups; g++) starts[g + 1] = starts[g] + sizes[g];
            var all = new double[present];
            var grouped = new double[starts[groups]];
            var codes = new int[grouped.Length];
            var next = (int[])starts.Clone();
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                if (double.IsNaN(values[i])) continue;
                all[k++] = values[i];
                int g = grouping.Codes[i];
                if (g < 0) continue;
                codes[next[g]] = g;
                grouped[next[g]++] = values[i];
            }
            Array.Sort(all);
            for (int g = 0; g < groups; g++) Array.Sort(grouped, starts[g], sizes[g]);
            return new GroupedValues
            {
                AllSorted = all, Grouped = grouped, GroupCodes = codes, Starts = starts,
                Missing = missing, MissingByGroup = missingByGroup,
            };
        }

        /// <summary>The grouped values in ascending order with their group codes (a k-way merge of the sorted groups).</summary>
        public (double[] Values, int[] Codes) MergeGroups()
        {
            int groups = Starts.Length - 1;
            var merged = new double[Grouped.Length];
            var codes = new int[Grouped.Length];
            var head = Starts[..groups];
            for (int k = 0; k < merged.Length; k++)
            {
                int best = -1;
                for (int g = 0; g < groups; g++)
                    if (head[g] < Starts[g + 1] && (best < 0 || Grouped[head[g]] < Grouped[head[best]])) best = g;
                merged[k] = Grouped[head[best]++];
                codes[k] = best;
            }
            return (merged, codes);
        }
    }

    private static CategoricalVariableSummary DescribeCategorical(Factor coding, Grouping grouping, Table1Options options)
    {
        int levels = coding.Levels.Length, groups = grouping.Count;
        var overallCounts = new int[levels];
        var table = new int[levels * Math.Max(groups, 1)];
        int missing = 0;
        var missingByGroup = new int[groups];
        for (int i = 0; i < coding.Codes.Length; i++)
        {
            int level = coding.Codes[i], g = grouping.Codes[i];
            if (level < 0) { missing++; if (g >= 0) missingByGroup[g]++; continue; }
            overallCounts[level]++;
            if (g >= 0) table[level * groups + g]++;
        }
        var byGroup = ImmutableArray.CreateBuilder<CategoricalCell>(groups);
        var groupCounts = new int[groups][];
        for (int g = 0; g < groups; g++)
        {
            groupCounts[g] = new int[levels];
            for (int l = 0; l < levels; l++) groupCounts[g][l] = table[l * groups + g];
            byGroup.Add(new CategoricalCell(ImmutableArray.Create(groupCounts[g]), missingByGroup[g]));
        }
        GroupTest? test = groups >= 2 ? TestIndependence(table, levels, groups, options.FisherExpectedBelow) : null;
        double smd = groups == 2 ? StandardizedMeanDifference.Categorical(groupCounts[1], groupCounts[0]) : double.NaN;
        return new CategoricalVariableSummary(coding.Name, ImmutableArray.Create(coding.Levels),
            new CategoricalCell(ImmutableArray.Create(overallCounts), missing), byGroup.MoveToImmutable(), test, smd);
    }

    /// <summary>Chi-square, or Fisher's exact test for a sparse 2 × 2, on the table without empty levels and groups.</summary>
    private static GroupTest TestIndependence(int[] table, int levels, int groups, double fisherExpectedBelow)
    {
        var keptLevels = new List<int>(levels);
        var keptGroups = new List<int>(groups);
        for (int l = 0; l < levels; l++)
        {
            int total = 0;
            for (int g = 0; g < groups; g++) total += table[l * groups + g];
            if (total > 0) keptLevels.Add(l);
        }
        for (int g = 0; g < groups; g++)
        {
            int total = 0;
            for (int l = 0; l < levels; l++) total += table[l * groups + g];
            if (total > 0) keptGroups.Add(g);
        }
        int rows = keptLevels.Count, columns = keptGroups.Count;
        if (rows < 2 || columns < 2)
            return new GroupTest(ContingencyTestResult.TestName, double.NaN, double.NaN, double.NaN, double.NaN);
        var tested = new int[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) tested[i * columns + j] = table[keptLevels[i] * groups + keptGroups[j]];
        var chi = PearsonChiSquareTest.Compute(tested, rows, columns);
        if (rows == 2 && columns == 2 && chi.MinimumExpected < fisherExpectedBelow)
        {
            var fisher = FisherExactTest.TwoByTwo(tested[0], tested[1], tested[2], tested[3]);
            return new GroupTest(FisherExactResult.TestName, double.NaN, double.NaN, double.NaN, fisher.PValue);
        }
        return new GroupTest(ContingencyTestResult.TestName, chi.Statistic, chi.DegreesOfFreedom, double.NaN, chi.PValue);
    }

    /// <summary>The group code of every row (-1 = no group or missing), the group labels and sizes.</summary>
    private sealed record Grouping(int[] Codes, string[] Labels, int[] Sizes, int MissingCount)
    {
        public int Count => Labels.Length;

        public static Grouping Of(Factor? groups, int n, int maxGroups, string? source)
        {
            if (groups is null) return new Grouping(Enumerable.Repeat(-1, n).ToArray(), [], [], 0);
            if (groups.Codes.Length != n) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the grouping has {groups.Codes.Length} rows, expected {n}"));
            var coding = CheckLevels(groups, maxGroups, source);
            var sizes = coding.Counts();
            int missing = 0;
            foreach (int code in coding.Codes) if (code < 0) missing++;
            return new Grouping(coding.Codes, coding.Levels, sizes, missing);
        }
    }
}
