using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify;

/// <summary>
/// A survival tree: recursive partitioning on the maximal two-sample log-rank statistic, a split made only when its
/// Bonferroni-adjusted p-value is below <see cref="SurvivalTreeOptions.Alpha"/>; see <see cref="LogRankTree"/> for the
/// candidates, the tie rule and the stopping rule. (The treatment-interaction tree of predictive subgroups takes the
/// same shape: a fitter with its options, <c>Fit</c> and a fitted model with <c>Summary()</c> and <c>Predict</c>.)
/// </summary>
/// <example><code>
/// var tree = new SurvivalTree(new SurvivalTreeOptions { MinNodeSize = 15 })
///     .Fit(DataFrame.LoadCsv("datasets/veteran.csv"), time: "time", @event: "status", features: ["karno", "age", "celltype"]);
/// Console.WriteLine(tree.Summary());   // one row per leaf: its rule, size, events and median
/// </code></example>
public sealed class SurvivalTree(SurvivalTreeOptions? options = null)
{
    public SurvivalTreeOptions Options { get; } = options ?? new SurvivalTreeOptions();

    /// <inheritdoc cref="Fit(Cohort, string, string, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public SurvivalTreeFit Fit(DataFrame data, string time, string @event, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null) => Fit(Cohort.FromDataFrame(data), time, @event, features, categorical, ordinal);

    /// <inheritdoc cref="Fit(Cohort, string, string, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public SurvivalTreeFit Fit(IDataView data, string time, string @event, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null) => Fit(Cohort.FromDataView(data), time, @event, features, categorical, ordinal);

    /// <summary>
    /// Grows the tree on the rows complete in time, event and every feature (the others are counted in
    /// <see cref="SurvivalTreeFit.RowsDropped"/>). A text feature, or one listed in <paramref name="categorical"/>, splits
    /// on groups of levels; one listed in <paramref name="ordinal"/> on thresholds of its levels; any other on thresholds.
    /// </summary>
    public SurvivalTreeFit Fit(Cohort data, string time, string @event, IReadOnlyList<string> features, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? ordinal = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = StudyBinder.Bind(data, new StudySpec
        {
            Time = time,
            Event = @event,
            Covariates = FitterInput.Variables(data, features, categorical, ordinal, "feature"),
        });
        var model = LogRankTree.Grow(SurvivalData.From(study), study.Covariates.Select(StudyTreeFeatures.From).ToArray(), Options);
        return new SurvivalTreeFit(model, FitterInput.Fitted(study.Covariates), study.Rows, study.RowsDropped);
    }
}

/// <summary>One leaf of a fitted survival tree: its rule (the conditions on its path), size, events and Kaplan–Meier median.</summary>
public sealed record SurvivalTreeLeaf(int Leaf, string Rule, int N, int Events, double Median);

/// <summary>
/// A fitted survival tree: its leaves with their rules, each analysed row's leaf, and <see cref="Predict(Cohort)"/> for
/// new patients. Immutable.
/// </summary>
public sealed class SurvivalTreeFit
{
    private readonly SurvivalTreeModel _model;
    private readonly FittedVariable[] _features;

    internal SurvivalTreeFit(SurvivalTreeModel model, FittedVariable[] features, int[] rows, int rowsDropped)
    {
        _model = model;
        _features = features;
        Leaves = model.Leaves.Select((l, i) => new SurvivalTreeLeaf(i, l.Rule, l.N, l.Events, l.Median)).ToArray().AsReadOnly();
        Labels = ((int[])model.LeafOfPatient.Clone()).AsReadOnly();
        Rows = ((int[])rows.Clone()).AsReadOnly();
        RowsDropped = rowsDropped;
    }

    /// <summary>The leaves, left to right.</summary>
    public IReadOnlyList<SurvivalTreeLeaf> Leaves { get; }
    /// <summary>The leaf of each analysed row (see <see cref="Rows"/>).</summary>
    public IReadOnlyList<int> Labels { get; }
    /// <summary>The rows of the input the tree was grown on (0-based), complete in every used column.</summary>
    public IReadOnlyList<int> Rows { get; }
    /// <summary>Rows left out for a missing time, event or feature.</summary>
    public int RowsDropped { get; }

    /// <summary>One row per leaf: leaf, rule, n, events, median (NaN = not reached).</summary>
    public DataFrame Summary() => new SummaryFrame()
        .Add("leaf", Leaves.Select(l => l.Leaf))
        .Add("rule", Leaves.Select(l => l.Rule))
        .Add("n", Leaves.Select(l => l.N))
        .Add("events", Leaves.Select(l => l.Events))
        .Add("median", Leaves.Select(l => l.Median))
        .ToDataFrame();

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(DataFrame newRows) => Predict(Cohort.FromDataFrame(newRows));

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(IDataView newRows) => Predict(Cohort.FromDataView(newRows));

    /// <summary>
    /// The leaf of each new row: the one whose every condition it meets. Every feature needs a value; a level the tree
    /// was not grown on is refused. On the analysed training rows it gives <see cref="Labels"/>.
    /// </summary>
    public int[] Predict(Cohort newRows) => FitterInput.TreeLeaves(newRows, _features, _model.LeafOf);
}
