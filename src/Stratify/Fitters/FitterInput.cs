using Microsoft.Data.Analysis;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify;

/// <summary>
/// What every fitter does with its input before the estimator runs: name the kind of each variable, bind the roles
/// once through <see cref="StudyBinder"/> (the one binder: missing columns, wrong types, NaN or infinite values,
/// event codings are refused there with file, column, row and value), and bind new patients for a prediction with
/// the levels the model was fitted on.
/// </summary>
internal static class FitterInput
{
    /// <summary>
    /// The leaf of each new row of a tree fitter (survival or interaction tree): its features bound like the training
    /// ones, every value required, and <paramref name="leafOf"/> applied to each row.
    /// </summary>
    public static int[] TreeLeaves(Cohort newRows, IReadOnlyList<FittedVariable> features, Func<IReadOnlyList<SurvivalTreeFeature>, int, int> leafOf)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        var bound = BindLike(newRows, features, "feature");
        RequireComplete(bound, AllRows(newRows.RowCount), newRows.Source, "a tree prediction");
        var treeFeatures = bound.Select(StudyTreeFeatures.From).ToArray();
        var leaves = new int[newRows.RowCount];
        for (int i = 0; i < leaves.Length; i++) leaves[i] = leafOf(treeFeatures, i);
        return leaves;
    }

    /// <summary>
    /// The kind of each named variable: categorical when listed in <paramref name="categorical"/> or when the column
    /// holds text, ordinal (levels in <see cref="LevelOrder"/>) when listed in <paramref name="ordinal"/>, numeric
    /// otherwise. A name listed as categorical or ordinal must be among <paramref name="names"/>.
    /// </summary>
    public static CovariateSpec[] Variables(Cohort cohort, IReadOnlyList<string> names, IReadOnlyList<string>? categorical,
        IReadOnlyList<string>? ordinal, string role)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0) throw new StratifyInputException($"no {role} named", cohort.Source, suggestion: $"Name at least one {role} column.");
        foreach (var listed in (categorical ?? []).Concat(ordinal ?? []))
            if (!names.Contains(listed))
                throw new StratifyInputException($"listed as categorical or ordinal but not among the {role}s ({string.Join(", ", names)})",
                    cohort.Source, listed, suggestion: $"Add it to the {role}s, or remove it from the list.");
        return names.Select(name =>
        {
            if (ordinal?.Contains(name) == true) return new CovariateSpec(name, CovariateKind.Ordinal);
            bool text = cohort[name] is CategoricalColumn;
            return new CovariateSpec(name, text || categorical?.Contains(name) == true ? CovariateKind.Categorical : CovariateKind.Numeric);
        }).ToArray();
    }

    /// <summary>
    /// Binds the variables a model was fitted on over every row of <paramref name="rows"/>, with the fitted levels: a
    /// categorical or ordinal value the model did not see is refused (file, column, row, value), so each level keeps its
    /// code, its dummy and its place. Missing values are kept (NaN, code −1); see <see cref="RequireComplete"/>.
    /// </summary>
    public static IReadOnlyList<BoundCovariate> BindLike(Cohort rows, IReadOnlyList<FittedVariable> fitted, string role)
    {
        var declared = fitted.Select(v => v.Levels is null ? v.Spec : v.Spec with { Kind = CovariateKind.Ordinal, Levels = v.Levels }).ToArray();
        var bound = StudyBinder.BindVariables(rows, declared, role: role);
        return bound.Select((b, j) => b.Factor is null ? b
            : new BoundCovariate(fitted[j].Spec, null, b.Factor with { Levels = fitted[j].Levels!, Reference = fitted[j].Reference })).ToArray();
    }

    /// <summary>Refuses a missing value of any variable, naming the column and the 1-based row of the input.</summary>
    public static void RequireComplete(IReadOnlyList<BoundCovariate> variables, int[] inputRows, string source, string method)
    {
        foreach (var variable in variables)
            for (int k = 0; k < variable.Length; k++)
                if (variable.IsMissing(k))
                    throw new StratifyInputException($"{method} needs a value for every patient, and this one is missing", source, variable.Name,
                        inputRows[k] + 1, "NA", "Drop or impute incomplete rows first (k-medoids with Gower's dissimilarity accepts missing values).");
    }

    /// <summary>0, 1, …, n − 1.</summary>
    public static int[] AllRows(int n)
    {
        var rows = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        return rows;
    }

    /// <summary>The variables a model was fitted on, as the binder bound them (their levels, for a factor).</summary>
    public static FittedVariable[] Fitted(IReadOnlyList<BoundCovariate> bound) =>
        bound.Select(b => new FittedVariable(b.Spec, b.Factor?.Levels, b.Factor?.Reference ?? 0)).ToArray();
}

/// <summary>A variable a model was fitted on: its spec, and for a factor its levels (in code order) and reference.</summary>
internal sealed record FittedVariable(CovariateSpec Spec, string[]? Levels, int Reference)
{
    public string Name => Spec.Column;
}

/// <summary>Builds the DataFrames that fitted models return from <c>Summary()</c>: one typed column at a time.</summary>
internal sealed class SummaryFrame
{
    private readonly List<DataFrameColumn> _columns = [];

    public SummaryFrame Add(string name, IEnumerable<double> values)
    {
        _columns.Add(new PrimitiveDataFrameColumn<double>(name, values));
        return this;
    }

    public SummaryFrame Add(string name, IEnumerable<int> values)
    {
        _columns.Add(new PrimitiveDataFrameColumn<int>(name, values));
        return this;
    }

    public SummaryFrame Add(string name, IEnumerable<string> values)
    {
        _columns.Add(new StringDataFrameColumn(name, values));
        return this;
    }

    public DataFrame ToDataFrame() => new(_columns);
}
