using System.Globalization;
using Stratify.Data;

namespace Stratify.Survival;

/// <summary>
/// Survival data as every Stratify estimator consumes it: one entry per row of follow-up <see cref="Time"/> and
/// <see cref="Event"/> (true = the event happened at that time, false = censored), an optional grouping (the curves to
/// estimate or compare), optional strata (a stratified log-rank test) and optional case weights (R's <c>weights =</c>:
/// finite, ≥ 0; null = every patient weighs 1, which takes the unweighted code). Groups and strata are int codes into
/// their label arrays, in label order.
/// <para>Counting-process data (R's <c>Surv(entry, time, event)</c>) add <see cref="Entry"/>: the row is at risk on
/// (entry, time] only. With one row per patient this is delayed entry (left truncation); with <see cref="Patient"/>
/// codes, several rows per patient are the intervals of long-format data with time-varying covariates,
/// <c>Surv(start, stop, event)</c> with an id (<see cref="PatientIntervals"/>). Without <see cref="Entry"/> the data
/// are right-censored and every estimator takes its right-censored code, unchanged.</para>
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

    /// <summary>
    /// Validates and wraps the arrays (not copied). Times and weights must be finite and non-negative; an entry finite,
    /// ≥ 0 and before its time; the intervals of a patient must not overlap, and only a patient's last may end in an
    /// event (<see cref="PatientIntervals"/>).
    /// </summary>
    public SurvivalData(double[] time, bool[] @event, int[]? group = null, string[]? groupLabels = null,
        int[]? strata = null, string[]? strataLabels = null, double[]? weights = null, double[]? entry = null, int[]? patient = null)
        : this(CheckTimes(time, @event), @event, group, groupLabels, strata, strataLabels, CheckWeights(weights, time.Length),
            CheckEntries(entry, time), CheckPatients(patient, entry, time, @event), timesValidated: true)
    {
    }

    /// <summary>
    /// Wraps times (and weights) the caller vouches for (<paramref name="timesValidated"/>): a bound study's, validated
    /// once by the binder, or a subset of data of this type. Group and stratum codes are checked.
    /// </summary>
    private SurvivalData(double[] time, bool[] @event, int[]? group, string[]? groupLabels, int[]? strata, string[]? strataLabels,
        double[]? weights, double[]? entry, int[]? patient, bool timesValidated)
    {
        _ = timesValidated;
        Time = time;
        Event = @event;
        Weights = weights;
        Entry = entry;
        Patient = patient;
        (Group, GroupLabels) = CheckCodes(group, groupLabels, time.Length, "group");
        (Strata, StrataLabels) = CheckCodes(strata, strataLabels, time.Length, "strata");
    }

    private static double[]? CheckWeights(double[]? weights, int n)
    {
        if (weights is null) return null;
        if (weights.Length != n)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"weights has {weights.Length} values but time has {n}"), column: "weights");
        for (int i = 0; i < weights.Length; i++)
            if (!double.IsFinite(weights[i]) || weights[i] < 0)
                throw new StratifyInputException("a case weight must be a finite number >= 0", column: "weights", row: i + 1,
                    value: weights[i].ToString("R", CultureInfo.InvariantCulture));
        return weights;
    }

    private static double[]? CheckEntries(double[]? entry, double[] time)
    {
        if (entry is null) return null;
        if (entry.Length != time.Length)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"entry has {entry.Length} values but time has {time.Length}"), column: "entry");
        for (int i = 0; i < entry.Length; i++)
            if (!double.IsFinite(entry[i]) || entry[i] < 0 || !(entry[i] < time[i]))
                throw new StratifyInputException("an entry (start) time must be a finite number >= 0 and before the row's time", column: "entry",
                    row: i + 1, value: entry[i].ToString("R", CultureInfo.InvariantCulture));
        return entry;
    }

    private static int[]? CheckPatients(int[]? patient, double[]? entry, double[] time, bool[] @event)
    {
        if (patient is null) return null;
        if (entry is null)
            throw new StratifyInputException("patient codes describe several (start, stop] rows per patient: give the start (entry) times too", column: "patient");
        if (patient.Length != time.Length)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"patient has {patient.Length} values but time has {time.Length}"), column: "patient");
        foreach (int p in patient)
            if (p < 0) throw new StratifyInputException("a patient code must be >= 0", column: "patient", value: p.ToString(CultureInfo.InvariantCulture));
        if (PatientIntervals.Check(entry, time, @event, patient) is { } problem)
            throw new StratifyInputException(problem.Problem == IntervalProblem.Overlap
                    ? string.Create(CultureInfo.InvariantCulture, $"the intervals of patient {patient[problem.Row]} overlap (rows {problem.OtherRow + 1} and {problem.Row + 1})")
                    : string.Create(CultureInfo.InvariantCulture, $"patient {patient[problem.Row]} has an event before their last interval (row {problem.OtherRow + 1} follows it)"),
                column: "patient", row: problem.Row + 1);
        return patient;
    }

    private static double[] CheckTimes(double[] time, bool[] @event)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(@event);
        if (@event.Length != time.Length)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"event has {@event.Length} values but time has {time.Length}"), column: "event");
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
    /// Entry (start) time per row: the row is at risk on (entry, time] only (delayed entry, or the start of an interval
    /// of long-format data); null = right-censored data, every row at risk from time 0.
    /// </summary>
    public double[]? Entry { get; }
    /// <summary>
    /// Patient code per row when a patient has several (start, stop] rows (long-format data); null = each row is its
    /// own patient. The cluster of the robust variances (R's <c>cluster = id</c>, survfit's <c>id =</c>).
    /// </summary>
    public int[]? Patient { get; }

    /// <summary>True for counting-process data (an entry or start time per row): R's <c>Surv(entry, time, event)</c>.</summary>
    public bool IsCountingProcess => Entry is not null;
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
        var data = new SurvivalData(Time, Event, group, groupLabels, Strata, Strata is null ? null : StrataLabels, Weights, Entry, Patient, timesValidated: true);
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
            Weights is null ? null : RowSelection.Pick(Weights, rows), Entry is null ? null : RowSelection.Pick(Entry, rows),
            Patient is null ? null : RowSelection.Pick(Patient, rows), timesValidated: true);
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
        return new SurvivalData(study.Time, study.Event, group?.Codes, group?.Levels, study.Strata?.Codes, study.Strata?.Levels, study.Weights,
            study.Entry, study.Patient, timesValidated: true);
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
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{what} has {codes.Length} values but time has {n}"), column: what);
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
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{what} code {max} has no label ({labels.Length} labels given)"), column: what);
        return (codes, labels);
    }
}

/// <summary>
/// The patients of a <see cref="SurvivalData"/> laid out in ascending time (see <see cref="SurvivalData.Sorted"/>),
/// with R's <c>timefix</c> applied (<see cref="TimeFix"/>: survival's aeqSurv, applied by survfit and survdiff by
/// default), so that times computed by floating-point arithmetic tie as R ties them. Counting-process data also carry
/// the entry times (timefixed together with the stops, as aeqSurv does) and their ascending order.
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
    /// <summary>Entry times in time order (after timefix); null for right-censored data.</summary>
    public double[]? Entry { get; private init; }
    /// <summary>The same entries indexed by row; null for right-censored data.</summary>
    public double[]? EntryByRow { get; private init; }
    /// <summary>Positions (indices into the time-ordered arrays) by ascending entry, ties in time order; null for right-censored data.</summary>
    public int[]? EntryOrder { get; private init; }
    /// <summary>Patient code in time order (long-format data); null otherwise.</summary>
    public int[]? Patient { get; private init; }
    /// <summary>
    /// Per position, true when a later row of the same patient in the same group continues this one (its end is no
    /// censoring of the group's curve); null without patients. Computed on first use (Kaplan–Meier's n.censor needs it).
    /// </summary>
    public bool[]? Continued => Patient is null ? null : _continued ??= PatientIntervals.Continued(Entry!, Time, Patient, Group);
    private bool[]? _continued;
    public int Count => Time.Length;

    /// <summary>From this many patients the counting sort scatters on two cores (below it a thread costs more than it saves).</summary>
    private const int ParallelScatterRows = 200_000;

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
            // Each bucket is one (time, event) pair, so the sorted times and events are written bucket by bucket
            // afterwards, in order, rather than scattered with the rest.
            // A large cohort is scattered in two halves at once, the second half's cursors starting after the first
            // half's rows in every bucket (the same positions as one pass in row order).
            var rowOrder = order = new int[n];
            bool bucketed = buckets.ExactTimes;
            void Scatter(WholeNumberBuckets cursors, int from, int to)
            {
                for (int row = from; row < to; row++)
                {
                    int k = cursors.Next(data.Time[row], data.Event[row]);
                    rowOrder[k] = row;
                    if (!bucketed)
                    {
                        time[k] = data.Time[row];
                        events[k] = data.Event[row];
                    }
                    if (group is not null) group[k] = data.Group![row];
                    if (strata is not null) strata[k] = data.Strata![row];
                    if (weight is not null) weight[k] = data.Weights![row];
                }
            }
            var last = buckets;
            if (n >= ParallelScatterRows && Environment.ProcessorCount > 1)
            {
                int half = n / 2;
                last = buckets.Copy();
                var second = Task.Run(() =>
                {
                    last.Skip(data.Time, data.Event, 0, half);
                    Scatter(last, half, n);
                });
                Scatter(buckets, 0, half);
                second.GetAwaiter().GetResult();
            }
            else Scatter(buckets, 0, n);
            if (bucketed) last.FillSorted(time, events);
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
        if (data.Entry is null)
            return new TimeSortedPatients(time, TimeFix.MergeNearTies(time, order, data.Time), events, group, strata, weight);
        return WithEntries(data, order, time, events, group, strata, weight);
    }

    /// <summary>Counting-process data: entries gathered by entry order, timefixed together with the stops.</summary>
    private static TimeSortedPatients WithEntries(SurvivalData data, int[] order, double[] time, bool[] events, int[]? group, int[]? strata,
        double[]? weight)
    {
        int n = data.Count;
        var (timeByRow, entryByRow, entryRows) = TimeFix.MergeNearTies(time, order, data.Time, data.Entry!);
        var position = new int[n];
        for (int k = 0; k < n; k++) position[order[k]] = k;
        var entry = new double[n];
        for (int k = 0; k < n; k++) entry[k] = entryByRow[order[k]];
        var entryOrder = new int[n];
        for (int j = 0; j < n; j++) entryOrder[j] = position[entryRows[j]];
        int[]? patient = null;
        if (data.Patient is not null)
        {
            patient = new int[n];
            for (int k = 0; k < n; k++) patient[k] = data.Patient[order[k]];
        }
        return new TimeSortedPatients(time, timeByRow, events, group, strata, weight)
        {
            Entry = entry,
            EntryByRow = entryByRow,
            EntryOrder = entryOrder,
            Patient = patient,
        };
    }
}
