namespace Stratify.Survival;

/// <summary>What is wrong with a patient's intervals in long-format (start, stop] data.</summary>
internal enum IntervalProblem
{
    /// <summary>Two intervals of one patient overlap: the patient would be at risk twice at the same time.</summary>
    Overlap,
    /// <summary>An event on an interval that a later interval of the same patient follows.</summary>
    EventBeforeLastInterval,
}

/// <summary>The first problem found: the row at fault and the row of the same patient it conflicts with (0-based).</summary>
internal readonly record struct IntervalViolation(IntervalProblem Problem, int Row, int OtherRow);

/// <summary>
/// The rows of one patient in long-format counting-process data (R's <c>Surv(start, stop, event)</c> with an id):
/// each row is an interval (start, stop] at risk, start &lt; stop, with the covariate values that hold on it.
/// Stratify's rules, checked once where the data are bound:
/// <list type="bullet">
/// <item>the intervals of a patient must not overlap (R would silently count the patient twice in a risk set);</item>
/// <item>an event may only be on a patient's last interval: the endpoints Stratify analyses (Kaplan–Meier, medians,
/// RMST, the treatment effect) are times to a first event. R accepts repeated events per patient (Andersen–Gill
/// recurrent events, variance robust by patient); Stratify refuses them rather than analyse a data error as
/// recurrences. Gaps between intervals are allowed (the patient is not at risk in a gap), as in R.</item>
/// </list>
/// One O(n) sort of the rows by (patient, start) serves the check and <see cref="Continued"/>.
/// </summary>
/// <example><code>
/// var problem = PatientIntervals.Check(start, stop, died, patient);   // null when the intervals are valid
/// </code></example>
internal static class PatientIntervals
{
    /// <summary>Row indices grouped by patient code (ascending), each patient's rows by ascending start, ties in row order.</summary>
    public static int[] ByPatientThenStart(double[] start, int[] patient)
    {
        int max = -1;
        foreach (int p in patient) if (p > max) max = p;
        return SurvivalOrder.StableGroup(SurvivalOrder.ByTime(start, null), patient, max + 1);
    }

    /// <summary>The first overlapping interval or early event, in the order of <see cref="ByPatientThenStart"/>; null when there is none.</summary>
    public static IntervalViolation? Check(double[] start, double[] stop, bool[] @event, int[] patient)
    {
        var order = ByPatientThenStart(start, patient);
        for (int k = 1; k < order.Length; k++)
        {
            int previous = order[k - 1], row = order[k];
            if (patient[previous] != patient[row]) continue;
            if (start[row] < stop[previous]) return new IntervalViolation(IntervalProblem.Overlap, row, previous);
            if (@event[previous]) return new IntervalViolation(IntervalProblem.EventBeforeLastInterval, previous, row);
        }
        return null;
    }

    /// <summary>
    /// Per row, true when another row of the same patient (and of the same <paramref name="group"/>, when given) starts
    /// where this one stops, (a, b](b, c]: the end of such a row is not a censoring of the curve (R's <c>survflag</c>
    /// position, which <c>survfit</c> uses for <c>n.censor</c> with <c>id =</c>). A patient who moves to another group
    /// leaves this group's curve there, which counts as a censoring of it.
    /// </summary>
    public static bool[] Continued(double[] start, double[] stop, int[] patient, int[]? group = null)
    {
        var order = ByPatientThenStart(start, patient);
        var continued = new bool[start.Length];
        // Rows of a patient are in ascending start: the row continuing (a, b] is the next row if it starts at b.
        for (int k = 1; k < order.Length; k++)
        {
            int previous = order[k - 1], row = order[k];
            if (patient[previous] == patient[row] && start[row] == stop[previous] && (group is null || group[row] == group[previous]))
                continued[previous] = true;
        }
        return continued;
    }
}
