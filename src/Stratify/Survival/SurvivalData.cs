using System.Globalization;
using Stratify.Data;

namespace Stratify.Survival;

/// <summary>
/// Right-censored survival data as every Stratify estimator consumes it: one entry per patient of follow-up
/// <see cref="Time"/> and <see cref="Event"/> (true = the event happened at that time, false = censored), an
/// optional grouping (the curves to estimate or compare), optional strata (a stratified log-rank test) and optional
/// case weights (R's <c>weights =</c>: finite, ≥ 0; null = every patient weighs 1, which takes the unweighted code).
/// Groups and strata are int codes into their label arrays, in label order.
/// </summary>
/// <remarks>
/// The ascending time order is computed once, on first use, and shared by all estimators fitted on the same
/// instance (<see cref="TimeOrder"/>). The instance must not be mutated after construction.
/// <example>
/// <code>
/// var cohort = CsvCohortReader.Read("datasets/lung.csv");
/// var data = SurvivalData.FromCohort(cohort, time: "time", status: "status", group: "sex");
/// var km = ProductLimit.Fit(data, new KaplanMeierOptions());
/// </code>
/// </example>
/// </remarks>
internal sealed class SurvivalData
{
    private int[]? _timeOrder;
    private TimeSortedPatients? _sorted;

    /// <summary>Validates and wraps the arrays (not copied). Times and weights must be finite and non-negative.</summary>
    public SurvivalData(double[] time, bool[] @event, int[]? group = null, string[]? groupLabels = null,
        int[]? strata = null, string[]? strataLabels = null, double[]? weights = null)
        : this(CheckTimes(time, @event), @event, group, groupLabels, strata, strataLabels, CheckWeights(weights, time.Length), timesValidated: true)
    {
    }

    /// <summary>
    /// Wraps times (and weights) the caller vouches for (<paramref name="timesValidated"/>): a bound study's, validated
    /// once by the binder, or a subset of data of this type. Group and stratum codes are checked.
    /// </summary>
    private SurvivalData(double[] time, bool[] @event, int[]? group, string[]? groupLabels, int[]? strata, string[]? strataLabels,
        double[]? weights, bool timesValidated)
    {
        _ = timesValidated;
        Time = time;
        Event = @event;
        Weights = weights;
        (Group, GroupLabels) = CheckCodes(group, groupLabels, time.Length, "group");
        (Strata, StrataLabels) = CheckCodes(strata, strataLabels, time.Length, "strata");
    }

    private static double[]? CheckWeights(double[]? weights, int n)
    {
        if (weights is null) return null;
        if (weights.Length != n)
            throw new StratifyInputException($"weights has {weights.Length} values but time has {n}", column: "weights");
        for (int i = 0; i < weights.Length; i++)
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
                throw new StratifyInputException("a case weight must be a finite number >= 0", column: "weights", row: i + 1,
                    value: weights[i].ToString("R", CultureInfo.InvariantCulture));
        return weights;
    }

    private static double[] CheckTimes(double[] time, bool[] @event)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(@event);
        if (@event.Length != time.Length)
            throw new StratifyInputException($"event has {@event.Length} values but time has {time.Length}", column: "event");
        for (int i = 0; i < time.Length; i++)
        {
            double t = time[i];
            if (!double.IsFinite(t) || t < 0)
                throw new StratifyInputException("survival time must be a finite number >= 0", column: "time", row: i + 1,
                    value: t.ToString("R", CultureInfo.InvariantCulture));
        }
        return time;
    }

    public double[] Time { get; }
    public bool[] Event { get; }
    /// <summary>Group code per patient (0-based into <see cref="GroupLabels"/>); null = one group ("all").</summary>
    public int[]? Group { get; }
    public string[] GroupLabels { get; }
    /// <summary>Stratum code per patient; null = unstratified.</summary>
    public int[]? Strata { get; }
    public string[] StrataLabels { get; }
    /// <summary>Case weight per patient (R's <c>weights =</c>); null = unweighted.</summary>
    public double[]? Weights { get; }

    /// <summary>
    /// True when a weight is not a whole number: R's survfit and coxph then default to a robust variance
    /// (<c>has.rwt</c> in survfitKM and coxph).
    /// </summary>
    public bool HasFractionalWeights => CaseWeights.AnyFractional(Weights);

    public int Count => Time.Length;
    public int GroupCount => GroupLabels.Length;
    public int StrataCount => StrataLabels.Length;

    /// <summary>
    /// Patients in ascending time order, events before censorings at a tied time, then by row (stable);
    /// computed once by <see cref="SurvivalOrder.ByTimeEventsFirst"/> and shared.
    /// </summary>
    public int[] TimeOrder => _timeOrder ??= SurvivalOrder.ByTimeEventsFirst(Time, Event);

    internal bool HasTimeOrder => _timeOrder is not null;

    /// <summary>Records an order computed elsewhere (by the same rule) so that it is not computed again.</summary>
    internal void ShareTimeOrder(int[] order) => _timeOrder ??= order;

    /// <summary>
    /// Time, event, group and stratum permuted into <see cref="TimeOrder"/> (one gather pass, computed once), so
    /// that the estimators read contiguous memory instead of jumping through the order.
    /// </summary>
    internal TimeSortedPatients Sorted => _sorted ??= TimeSortedPatients.From(this);

    /// <summary>The same patients with another grouping (for example a split candidate); shares the time order.</summary>
    public SurvivalData WithGroups(int[] group, string[] groupLabels)
    {
        var data = new SurvivalData(Time, Event, group, groupLabels, Strata, Strata is null ? null : StrataLabels, Weights, timesValidated: true);
        data._timeOrder = _timeOrder;
        return data;
    }

    /// <summary>
    /// The patients at <paramref name="rows"/> (indices into this data, ascending), with their groups and strata. The
    /// times are not validated again, and not sorted again: the subset's time order is this data's order with the
    /// other patients filtered out (computed here once if it was not yet), which is the order a sort would give.
    /// R's timefix is applied to the subset's own times when an estimator first needs them, as R applies it per call.
    /// </summary>
    public SurvivalData Subset(int[] rows)
    {
        var order = TimeOrder;
        var position = new int[Count];
        Array.Fill(position, -1);
        for (int k = 0; k < rows.Length; k++)
        {
            if (k > 0 && rows[k] <= rows[k - 1]) throw new ArgumentException("subset rows must be ascending", nameof(rows));
            position[rows[k]] = k;
        }
        var subsetOrder = new int[rows.Length];
        int at = 0;
        foreach (int row in order) if (position[row] >= 0) subsetOrder[at++] = position[row];
        var data = new SurvivalData(RowSelection.Pick(Time, rows), RowSelection.Pick(Event, rows),
            Group is null ? null : RowSelection.Pick(Group, rows), Group is null ? null : GroupLabels,
            Strata is null ? null : RowSelection.Pick(Strata, rows), Strata is null ? null : StrataLabels,
            Weights is null ? null : RowSelection.Pick(Weights, rows), timesValidated: true);
        data._timeOrder = subsetOrder;
        return data;
    }

    /// <summary>
    /// The survival arrays of a bound, validated study (<see cref="StudyBinder"/>), grouped by
    /// <paramref name="group"/> (for example the spec's group column, the treatment or the subgroups) and stratified
    /// by the study's strata.
    /// </summary>
    public static SurvivalData From(BoundStudy study, Factor? group = null)
    {
        if (study.Time is null || study.Event is null)
            throw new StratifyInputException("a survival analysis needs a time and an event column", study.Spec.SourceFile ?? study.Cohort.Source,
                suggestion: "Give both time and event (--time and --event).");
        // The binder validated the times and weights once, at the boundary.
        return new SurvivalData(study.Time, study.Event, group?.Codes, group?.Levels, study.Strata?.Codes, study.Strata?.Levels, study.Weights, timesValidated: true);
    }

    /// <summary>
    /// Binds survival columns of a cohort through <see cref="StudyBinder"/> (the one place event codings, missing
    /// values and validation are handled): status 0/1 (1 = event), R's 1/2 (2 = event) or boolean; rows missing a
    /// used value are dropped, as R's default <c>na.action = na.omit</c> does, and counted in
    /// <paramref name="droppedRows"/>. A numeric group column becomes one level per distinct value ("1", "2").
    /// </summary>
    public static SurvivalData FromCohort(Cohort cohort, string time, string status, string? group, string? strata,
        out int droppedRows)
    {
        var study = StudyBinder.Bind(cohort, new StudySpec
        {
            Time = time,
            Event = status,
            Group = group,
            Strata = strata is null ? [] : [strata],
        });
        droppedRows = study.RowsDropped;
        return From(study, study.Group);
    }

    /// <inheritdoc cref="FromCohort(Cohort, string, string, string?, string?, out int)"/>
    public static SurvivalData FromCohort(Cohort cohort, string time, string status, string? group = null, string? strata = null)
        => FromCohort(cohort, time, status, group, strata, out _);

    /// <summary>Checks group or strata codes (one per patient, ≥ 0, each with a label); null codes = one group "all".</summary>
    internal static (int[]? Codes, string[] Labels) CheckCodes(int[]? codes, string[]? labels, int n, string what)
    {
        if (codes is null) return (null, ["all"]);
        if (codes.Length != n)
            throw new StratifyInputException($"{what} has {codes.Length} values but time has {n}", column: what);
        int max = -1;
        for (int i = 0; i < n; i++)
        {
            if (codes[i] < 0)
                throw new StratifyInputException($"{what} code must be >= 0 (missing values must be dropped first)", column: what,
                    row: i + 1, value: codes[i].ToString(CultureInfo.InvariantCulture));
            if (codes[i] > max) max = codes[i];
        }
        if (labels is null)
        {
            labels = new string[max + 1];
            for (int l = 0; l <= max; l++) labels[l] = (l + 1).ToString(CultureInfo.InvariantCulture);
        }
        else if (max >= labels.Length)
            throw new StratifyInputException($"{what} code {max} has no label ({labels.Length} labels given)", column: what);
        return (codes, labels);
    }
}

/// <summary>
/// The patients of a <see cref="SurvivalData"/> laid out in ascending time (see <see cref="SurvivalData.Sorted"/>),
/// with R's <c>timefix</c> applied (<see cref="TimeFix"/>: survival's aeqSurv, applied by survfit and survdiff by
/// default), so that times computed by floating-point arithmetic tie as R ties them.
/// </summary>
internal sealed class TimeSortedPatients
{
    private TimeSortedPatients(double[] time, double[] timeByRow, bool[] @event, int[]? group, int[]? strata, double[]? weight)
    {
        Weight = weight;
        Time = time;
        TimeByRow = timeByRow;
        Event = @event;
        Group = group;
        Strata = strata;
    }

    /// <summary>Times in ascending order (after timefix).</summary>
    public double[] Time { get; }
    /// <summary>The same times indexed by row (the data's own array when timefix changed nothing).</summary>
    public double[] TimeByRow { get; }
    public bool[] Event { get; }
    public int[]? Group { get; }
    public int[]? Strata { get; }
    /// <summary>Case weights in time order; null when the data are unweighted.</summary>
    public double[]? Weight { get; }
    public int Count => Time.Length;

    public static TimeSortedPatients From(SurvivalData data)
    {
        int n = data.Count;
        var time = new double[n];
        var events = new bool[n];
        var group = data.Group is null ? null : new int[n];
        var strata = data.Strata is null ? null : new int[n];
        var weight = data.Weights is null ? null : new double[n];
        int[] order;
        if (!data.HasTimeOrder && WholeNumberBuckets.Plan(data.Time, data.Event) is { } buckets)
        {
            // Whole-number times: the counting sort scatters the patients straight into their sorted places while
            // reading the rows in order (no random reads through the order afterwards), and yields the order too.
            order = new int[n];
            for (int row = 0; row < n; row++)
            {
                int k = buckets.Next(data.Time[row], data.Event[row]);
                order[k] = row;
                time[k] = data.Time[row];
                events[k] = data.Event[row];
                if (group is not null) group[k] = data.Group![row];
                if (strata is not null) strata[k] = data.Strata![row];
                if (weight is not null) weight[k] = data.Weights![row];
            }
            data.ShareTimeOrder(order);
        }
        else
        {
            order = data.TimeOrder;
            for (int k = 0; k < n; k++)
            {
                int row = order[k];
                time[k] = data.Time[row];
                events[k] = data.Event[row];
                if (group is not null) group[k] = data.Group![row];
                if (strata is not null) strata[k] = data.Strata![row];
                if (weight is not null) weight[k] = data.Weights![row];
            }
        }
        var timeByRow = TimeFix.MergeNearTies(time, order, data.Time);
        return new TimeSortedPatients(time, timeByRow, events, group, strata, weight);
    }
}
