using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;
using Stratify.Predictive;
using Stratify.Stratification;
using Stratify.Survival;

namespace Stratify;

/// <summary>
/// An interaction tree for a two-arm treatment (Su, Zhou, Yan, Fan &amp; Yang, Int J Biostat 2008): recursive
/// partitioning whose every split is the one where the treatment's effect differs most between the two children (the
/// score test of the treatment × split interaction in a Cox model, equal to R's <c>coxph</c> on the same two children),
/// made only when its Bonferroni-adjusted p-value over the candidates searched is below
/// <see cref="InteractionTreeOptions.Alpha"/>; see <see cref="TreatmentInteractionTree"/> for the candidates and the
/// stopping rule. Its leaves are rules that group patients by how much they benefit, not by prognosis. A tree grown
/// and read on the same patients is exploratory: confirm its rules on other patients (the pipeline's
/// <c>validation: split</c> does that) before acting on them.
/// </summary>
/// <example><code>
/// var tree = new InteractionTree(new InteractionTreeOptions { MinNodeSize = 50 })
///     .Fit(trial, time: "time", @event: "status", treatment: "arm", reference: "control", features: ["biomarker", "age"]);
/// Console.WriteLine(tree.Summary());   // one row per leaf: its rule, patients and events per arm
/// </code></example>
public sealed class InteractionTree(InteractionTreeOptions? options = null)
{
    public InteractionTreeOptions Options { get; } = options ?? new InteractionTreeOptions();

    /// <inheritdoc cref="Fit(Cohort, string, string, string, string?, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public InteractionTreeFit Fit(DataFrame data, string time, string @event, string treatment, string? reference, IReadOnlyList<string> features,
        IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataFrame(data), time, @event, treatment, reference, features, categorical, ordinal);

    /// <inheritdoc cref="Fit(Cohort, string, string, string, string?, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/>
    public InteractionTreeFit Fit(IDataView data, string time, string @event, string treatment, string? reference, IReadOnlyList<string> features,
        IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null) =>
        Fit(Cohort.FromDataView(data), time, @event, treatment, reference, features, categorical, ordinal);

    /// <summary>
    /// Grows the tree on the rows complete in time, event, treatment and every feature (the others are counted in
    /// <see cref="InteractionTreeFit.RowsDropped"/>). <paramref name="treatment"/> must have two levels;
    /// <paramref name="reference"/> names the comparator (null: the first level in sorted order). A text feature, or one
    /// listed in <paramref name="categorical"/>, splits on groups of levels; one in <paramref name="ordinal"/> on
    /// thresholds of its levels; any other on thresholds.
    /// </summary>
    public InteractionTreeFit Fit(Cohort data, string time, string @event, string treatment, string? reference, IReadOnlyList<string> features,
        IReadOnlyList<string>? categorical = null, IReadOnlyList<string>? ordinal = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = StudyBinder.Bind(data, new StudySpec
        {
            Time = time,
            Event = @event,
            Treatment = treatment,
            TreatmentReference = reference,
            Covariates = FitterInput.Variables(data, features, categorical, ordinal, "feature"),
        });
        var treated = PredictiveSubgroups.Treated(study, "an interaction tree");
        var survival = new SurvivalData(study.Time!, study.Event!);
        var model = TreatmentInteractionTree.Grow(survival, treated, study.Covariates.Select(StudyTreeFeatures.From).ToArray(), Options);
        var arms = study.Treatment!;
        return new InteractionTreeFit(model, FitterInput.Fitted(study.Covariates), arms.Levels[arms.Reference],
            arms.Levels[1 - arms.Reference], study.Rows, study.RowsDropped);
    }
}

/// <summary>One leaf of a fitted interaction tree: its rule, and its patients and events in each arm.</summary>
public sealed record InteractionTreeLeaf(int Leaf, string Rule, int ReferencePatients, int TreatedPatients, int ReferenceEvents, int TreatedEvents);

/// <summary>
/// One split of a fitted interaction tree (parents before children): the rule of the node it splits, the feature,
/// the treatment × split score statistic (1 df), its p-value and its Bonferroni-adjusted p-value over the
/// <see cref="Candidates"/> searched at that node; where it cuts: <see cref="Threshold"/> for a numeric or ordinal feature
/// (patients at or below it go left), <see cref="LeftLevels"/> for a categorical one.
/// </summary>
public sealed record InteractionTreeSplit(string Node, string Feature, double Statistic, double PValue, double AdjustedPValue, int Candidates)
{
    /// <summary>
    /// The cut point of a numeric or ordinal feature ("feature &lt;= Threshold" goes left; an ordinal feature is compared by
    /// its levels' numbers when every level is one, such as ECOG 0–3, else by their ranks 0, 1, 2, …); NaN for a categorical one.
    /// </summary>
    public double Threshold { get; init; } = double.NaN;
    /// <summary>The levels of a categorical feature that go left; empty for a numeric or ordinal one.</summary>
    public IReadOnlyList<string> LeftLevels { get; init; } = [];
}

/// <summary>
/// A fitted interaction tree: its splits with their interaction tests, its leaves with their arms' counts, each analysed
/// row's leaf, and <see cref="Predict(Cohort)"/> for new patients. No split is a finding: no subgroup whose treatment
/// effect differs was found at the stated alpha. Immutable.
/// </summary>
public sealed class InteractionTreeFit
{
    private readonly InteractionTreeModel _model;
    private readonly FittedVariable[] _features;

    internal InteractionTreeFit(InteractionTreeModel model, FittedVariable[] features, string referenceArm, string treatedArm, int[] rows, int rowsDropped)
    {
        _model = model;
        _features = features;
        ReferenceArm = referenceArm;
        TreatedArm = treatedArm;
        Leaves = model.Leaves.Select((l, i) => new InteractionTreeLeaf(i, l.Rule, l.Counts.ReferencePatients, l.Counts.TreatedPatients,
            l.Counts.ReferenceEvents, l.Counts.TreatedEvents)).ToArray().AsReadOnly();
        Splits = model.Root.InnerNodes().Select(n => new InteractionTreeSplit(n.Rule, n.Split!.Feature, n.Split.Statistic, n.Split.PValue,
            n.Split.AdjustedPValue, n.Split.Candidates)
        {
            Threshold = n.Split.IsNumeric ? n.Split.Threshold : double.NaN,
            LeftLevels = n.Split.IsNumeric ? [] : InLevelOrder(n.Split.LeftLevels, features.First(f => f.Name == n.Split.Feature).Levels).AsReadOnly(),
        }).ToArray().AsReadOnly();
        Labels = model.LeafOfPatient.ToArray().AsReadOnly();
        Rows = ((int[])rows.Clone()).AsReadOnly();
        RowsDropped = rowsDropped;
    }

    /// <summary>A categorical split's left levels in the order of the feature's levels (the search orders them by effect).</summary>
    private static string[] InLevelOrder(IReadOnlyList<string> left, string[]? levels) =>
        levels is null ? [.. left] : levels.Where(left.Contains).ToArray();

    /// <summary>The comparator arm (the treatment's reference level) and the treated arm.</summary>
    public string ReferenceArm { get; }
    public string TreatedArm { get; }
    /// <summary>The leaves, left to right.</summary>
    public IReadOnlyList<InteractionTreeLeaf> Leaves { get; }
    /// <summary>The splits made, parents before children, left before right (empty when the root was not split).</summary>
    public IReadOnlyList<InteractionTreeSplit> Splits { get; }
    /// <summary>The leaf of each analysed row (see <see cref="Rows"/>).</summary>
    public IReadOnlyList<int> Labels { get; }
    /// <summary>The rows of the input the tree was grown on (0-based), complete in every used column.</summary>
    public IReadOnlyList<int> Rows { get; }
    /// <summary>Rows left out for a missing time, event, treatment or feature.</summary>
    public int RowsDropped { get; }

    /// <summary>One row per leaf: leaf, rule, and patients and events of each arm.</summary>
    public DataFrame Summary() => new SummaryFrame()
        .Add("leaf", Leaves.Select(l => l.Leaf))
        .Add("rule", Leaves.Select(l => l.Rule))
        .Add("n_reference", Leaves.Select(l => l.ReferencePatients))
        .Add("n_treated", Leaves.Select(l => l.TreatedPatients))
        .Add("events_reference", Leaves.Select(l => l.ReferenceEvents))
        .Add("events_treated", Leaves.Select(l => l.TreatedEvents))
        .ToDataFrame();

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(DataFrame newRows) => Predict(Cohort.FromDataFrame(newRows));

    /// <inheritdoc cref="Predict(Cohort)"/>
    public int[] Predict(IDataView newRows) => Predict(Cohort.FromDataView(newRows));

    /// <summary>
    /// The leaf of each new row: the one whose every condition it meets (the treatment is not needed). Every feature
    /// needs a value; a level the tree was not grown on is refused. On the analysed training rows it gives
    /// <see cref="Labels"/>.
    /// </summary>
    public int[] Predict(Cohort newRows)
    {
        var rules = _model.Leaves.Select(l => l.Conditions).ToArray();
        return FitterInput.TreeLeaves(newRows, _features, (features, row) => SurvivalTreeModel.LeafOf(rules, features, row));
    }
}
