using System.Globalization;
using Stratify.Data;

namespace Stratify.Survival;

/// <summary>
/// Right-censored competing-risks data as the competing-risks estimators consume it: per patient a follow-up
/// <see cref="Time"/> and a <see cref="Cause"/> code (0 = censored, 1 = the event of interest, 2..K = competing
/// causes), an optional grouping (curves to estimate and compare) and optional strata (Gray's test). Groups and
/// strata are int codes into their label arrays, in label order. Arrays are wrapped, not copied.
/// </summary>
/// <example>
/// <code>
/// var bound = StudyBinder.Load(StudySpecReader.Read("datasets/melanoma.yaml"));
/// var data = CompetingRisksData.From(bound, bound.Group);      // by sex
/// var cif = AalenJohansen.Fit(data, new CumulativeIncidenceOptions { Times = [1826] });
/// </code>
/// </example>
internal sealed class CompetingRisksData
{
    private CompetingRisksSorted? _sorted;
    private GroupTable[]? _byGroup, _byStratumAndGroup;

    /// <param name="causeLabels">Label per cause code: [0] the censoring label, [1] the event of interest, [2..] the competing causes.</param>
    public CompetingRisksData(double[] time, byte[] cause, string[] causeLabels, int[]? group = null, string[]? groupLabels = null,
        int[]? strata = null, string[]? strataLabels = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(cause);
        ArgumentNullException.ThrowIfNull(causeLabels);
        if (cause.Length != time.Length)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"cause has {cause.Length} values but time has {time.Length}"), column: "cause");
        if (causeLabels.Length < 2)
            throw new StratifyInputException("competing-risks data need labels for censoring and at least the event of interest", column: "cause");
        for (int i = 0; i < time.Length; i++)
        {
            double t = time[i];
            if (!double.IsFinite(t) || t < 0)
                throw new StratifyInputException("survival time must be a finite number >= 0", column: "time", row: i + 1,
                    value: t.ToString("R", CultureInfo.InvariantCulture));
            if (cause[i] >= causeLabels.Length)
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"cause code outside 0..{causeLabels.Length - 1}"), column: "cause", row: i + 1,
                    value: cause[i].ToString(CultureInfo.InvariantCulture));
        }
        Time = time;
        Cause = cause;
        CauseLabels = causeLabels;
        (Group, GroupLabels) = SurvivalData.CheckCodes(group, groupLabels, time.Length, "group");
        (Strata, StrataLabels) = SurvivalData.CheckCodes(strata, strataLabels, time.Length, "strata");
    }

    public double[] Time { get; }
    /// <summary>Cause code per patient: 0 censored, 1 event of interest, 2..K competing.</summary>
    public byte[] Cause { get; }
    /// <summary>[0] censoring label, [k] label of cause k.</summary>
    public string[] CauseLabels { get; }
    /// <summary>Number of causes K.</summary>
    public int CauseCount => CauseLabels.Length - 1;
    /// <summary>Group code per patient; null = one group ("all").</summary>
    public int[]? Group { get; }
    public string[] GroupLabels { get; }
    /// <summary>Stratum code per patient (Gray's test); null = unstratified.</summary>
    public int[]? Strata { get; }
    public string[] StrataLabels { get; }
    public int Count => Time.Length;
    public int GroupCount => GroupLabels.Length;
    public int StrataCount => StrataLabels.Length;

    /// <summary>The patients in ascending time after R's timefix, computed once when the counts need it.</summary>
    internal CompetingRisksSorted Sorted => _sorted ??= CompetingRisksSorted.From(this);

    /// <summary>
    /// The counts at each distinct time per group (all strata together), or per (stratum, group) cell
    /// stratum·G + group; computed once and shared by the estimators (<see cref="GroupTable"/>).
    /// </summary>
    internal GroupTable[] Tables(bool byStratum) => byStratum && Strata is not null
        ? _byStratumAndGroup ??= GroupTable.Build(this, true)
        : _byGroup ??= GroupTable.Build(this, false);

    /// <summary>
    /// The competing-risks arrays of a bound study (<see cref="StudyBinder"/> with <c>event_of_interest</c>), grouped by
    /// <paramref name="group"/> and stratified by the study's strata.
    /// </summary>
    public static CompetingRisksData From(BoundStudy study, Factor? group = null)
    {
        if (study.Time is null || study.Causes is null)
            throw new StratifyInputException("a competing-risks analysis needs a time column and an event column with declared causes",
                study.Spec.SourceFile ?? study.Cohort.Source,
                suggestion: "Give time and event, and declare event_of_interest (--event-of-interest) and competing (--competing).");
        var causes = study.Causes;
        var labels = new string[causes.CauseCount + 1];
        labels[0] = "censored";
        for (int k = 1; k <= causes.CauseCount; k++) labels[k] = causes.Label(k);
        return new CompetingRisksData(study.Time, causes.Codes, labels, group?.Codes, group?.Levels, study.Strata?.Codes, study.Strata?.Levels);
    }
}

/// <summary>
/// The patients of a <see cref="CompetingRisksData"/> in ascending time (one stable sort: a counting sort for
/// whole-number times, else a radix sort; see <see cref="SurvivalOrder"/>), with R's timefix applied to all patients
/// together (<see cref="TimeFix"/>, as survfit and finegray do by default), gathered into contiguous arrays.
/// </summary>
internal sealed class CompetingRisksSorted
{
    private CompetingRisksSorted(double[] time, byte[] cause, int[]? group, int[]? strata)
    {
        Time = time;
        Cause = cause;
        Group = group;
        Strata = strata;
    }

    public double[] Time { get; }
    public byte[] Cause { get; }
    public int[]? Group { get; }
    public int[]? Strata { get; }
    public int Count => Time.Length;

    public static CompetingRisksSorted From(CompetingRisksData data)
    {
        int n = data.Count;
        var time = new double[n];
        var cause = new byte[n];
        var group = data.Group is null ? null : new int[n];
        var strata = data.Strata is null ? null : new int[n];
        if (WholeNumberBuckets.Plan(data.Time, null) is { } buckets)
        {
            // Whole-number times: the counting sort scatters each row straight into its sorted place while the rows
            // are read in order (no random reads through an order array afterwards).
            for (int row = 0; row < n; row++)
            {
                int k = buckets.Next(data.Time[row], true);
                time[k] = data.Time[row];
                cause[k] = data.Cause[row];
                if (group is not null) group[k] = data.Group![row];
                if (strata is not null) strata[k] = data.Strata![row];
            }
        }
        else
        {
            var order = SurvivalOrder.ByTime(data.Time, null);
            for (int k = 0; k < n; k++)
            {
                int row = order[k];
                time[k] = data.Time[row];
                cause[k] = data.Cause[row];
                if (group is not null) group[k] = data.Group![row];
                if (strata is not null) strata[k] = data.Strata![row];
            }
        }
        TimeFix.MergeNearTies(time);
        return new CompetingRisksSorted(time, cause, group, strata);
    }
}
