// The report's small-cell rule (statistical disclosure control): a count of patients or events that is positive
// but below the threshold k (results.json study.small_cell_threshold, 5 by default) is printed as "<k", never as
// the number, so that a reader cannot single out a handful of patients. Zero stays zero (it discloses nobody).
// A group below the threshold is also not described at all: no Kaplan–Meier curve, median, Table 1 column or
// feature profile is shown for it, only its size as "<k".
//
// Complementary (secondary) suppression. A masked count is worthless if the report prints the other members of a
// set and the set's total: subgroup sizes A = 120, B = "<5", C = 80 with 203 patients analysed give B = 3 by
// subtraction. The standard rule for such additive sets (Hundepool et al., Statistical Disclosure Control, Wiley
// 2012, on frequency tables; Cox, JASA 75:377–385, 1980): no set may contain exactly one masked member. When a set has exactly
// one masked count, the smallest remaining positive count of the same set is masked as well (smallest: it costs
// the reader the least information; the first on a tie, so that two tables of the same numbers in the same order
// make the same choice). Sets guarded here (each at one place, see the callers):
//   - subgroup sizes (and events) against the analysed total (and the total events): Disclose, applied once to the
//     subgroup list and carried by id into every table that repeats those numbers;
//   - each categorical Table 1 variable: its level counts and missing count within a column against the column's
//     n, and within a row (a level) the groups' counts against the overall count: DiscloseCrossTable, iterated
//     until neither a row nor a column has exactly one masked cell;
//   - Kaplan–Meier legends (n) and number-at-risk columns: at each tick the groups' counts add up to the
//     subgroup's count printed elsewhere (by arm) or, at time 0, to the analysed total (SubgroupReportCurves).
// Representation. The small count keeps its "<k" and the complementary count prints as the word "suppressed" (no
// number, no percentage), explained in a footnote. Why not a range: the pair's sum S is known from the total, so
// a printed bound on the second count ("<85", "≤ S") turns into a bound on the first; with "<k" and "suppressed"
// the reader learns only that the small count is 1 to k−1 (what the primary rule already discloses) and that the
// other is S minus that, which is what suppression is meant to leave. Printing both as "suppressed" would hide the
// primary rule's "<k" and break its meaning elsewhere in the report; printing both as "≤ S" reads as nonsense to
// a clinician next to a subgroup of 3. A percentage next to a suppressed count would give the count back (count =
// percent × n), so the whole cell is replaced.
using System.Globalization;

namespace Stratify.Reporting;

/// <summary>How one count of an additive set is printed.</summary>
internal enum CountDisclosure
{
    /// <summary>The number itself.</summary>
    Shown,
    /// <summary>"&lt;k": positive and below the small-cell threshold.</summary>
    BelowThreshold,
    /// <summary>"suppressed": not small, hidden so that a "&lt;k" count of its set cannot be worked out by subtraction.</summary>
    Suppressed,
}

/// <summary>
/// How the subgroup report prints counts under a small-cell threshold: <see cref="Count(int)"/> gives "&lt;5" for
/// 1–4 patients, <see cref="Table1Cell"/> prints a Table 1 count cell ("3 (1.2%)" → "&lt;5"), and
/// <see cref="Disclose"/> / <see cref="DiscloseCrossTable"/> add the complementary suppression a set of counts
/// with a printed total needs. Sentences carry their counts as slots (<see cref="Data.CountedText"/>), and the
/// report prints each slot through this policy: no finished text is ever searched for numbers.
/// </summary>
/// <example><code>
/// var policy = new SmallCellPolicy(5);
/// policy.Count(3);                        // "&lt;5"
/// policy.Table1Cell(new CountCellDto("3 (1.2%)", 3, 1.2)); // "&lt;5"
/// var sizes = policy.Disclose([120, 3, 80]);  // Shown, BelowThreshold, Suppressed
/// policy.Count(80, sizes[2]);             // "suppressed"
/// </code></example>
internal sealed record SmallCellPolicy(int Threshold)
{
    /// <summary>True when a group of <paramref name="n"/> patients is too small to describe (0 &lt; n &lt; threshold).</summary>
    public bool Hides(int n) => n > 0 && n < Threshold;

    /// <summary>A count as printed: "&lt;threshold" for 0 &lt; n &lt; threshold, otherwise the number.</summary>
    public string Count(int n) => Hides(n) ? Below : n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An event count held as a double (log-rank observed events); rounded to the nearest whole count first.</summary>
    public string Count(double n) => double.IsFinite(n) ? Count((int)Math.Round(n)) : "NA";

    /// <summary>"&lt;5", the text that replaces a small count.</summary>
    public string Below => "<" + Threshold.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A Table 1 cell as printed: a count cell whose count is small becomes "&lt;5"; every other cell (mean (SD),
    /// median [Q1, Q3], larger counts) prints its text. The decision is made on the cell's number, not its text.
    /// </summary>
    public string Table1Cell(Table1CellDto cell) => cell is CountCellDto count && Hides(count.Count) ? Below : cell.Text;

    /// <summary>The word printed for a complementary-suppressed count.</summary>
    public const string SuppressedText = "suppressed";

    /// <summary>The footnote that explains <see cref="SuppressedText"/> to a clinician.</summary>
    public string SuppressedExplanation =>
        $"\"{SuppressedText}\" marks a count that is not small but is hidden all the same: printed next to the totals, it would "
        + string.Create(CultureInfo.InvariantCulture, $"let a reader work out a count shown as \"{Below}\" by subtraction. The small count is between 1 and {Threshold - 1}; ")
        + "the suppressed one is the rest of the total.";

    /// <summary>A count as printed under its disclosure: "suppressed", "&lt;5" or the number.</summary>
    public string Count(int n, CountDisclosure disclosure) => disclosure == CountDisclosure.Suppressed ? SuppressedText : Count(n);

    /// <summary>
    /// The disclosure of each member of an additive set whose total is printed (subgroup sizes against the
    /// patients analysed): small counts are <see cref="CountDisclosure.BelowThreshold"/>, the members
    /// <paramref name="withheld"/> marks (hidden for a reason outside this set; empty for none) are
    /// <see cref="CountDisclosure.Suppressed"/>, and when exactly one member is masked the smallest remaining
    /// positive member (the first on a tie) is suppressed too.
    /// </summary>
    public CountDisclosure[] Disclose(ReadOnlySpan<int> counts, ReadOnlySpan<bool> withheld = default)
    {
        if (!withheld.IsEmpty && withheld.Length != counts.Length)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{withheld.Length} withheld flags for {counts.Length} counts."), nameof(withheld));
        var disclosure = new CountDisclosure[counts.Length];
        int masked = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            if (Hides(counts[i])) disclosure[i] = CountDisclosure.BelowThreshold;
            else if (!withheld.IsEmpty && withheld[i]) disclosure[i] = CountDisclosure.Suppressed;
            else continue;
            masked++;
        }
        if (masked == 1)
        {
            int smallest = SmallestShown(counts, disclosure);
            if (smallest >= 0) disclosure[smallest] = CountDisclosure.Suppressed;
        }
        return disclosure;
    }

    /// <summary>
    /// The disclosure of each cell of a two-way table of counts with printed margins (a categorical Table 1
    /// variable: rows are its levels and missing count, column 0 the overall count, columns 1… the groups).
    /// Every row is a set (the groups' counts add up to the overall count, which is a member: any one masked cell
    /// of the row is its difference from the others); when <paramref name="columnsAddUp"/>, every column is a
    /// set against its printed n. Columns <paramref name="columnWithheld"/> marks (a group not described) are
    /// masked whole. Rows, then columns, are visited until no set has exactly one masked cell; a set that needs a
    /// complement takes the smallest positive shown cell whose crossing set needs one too (one cell mends both),
    /// else its smallest positive shown cell, a group's cell before the overall count.
    /// <paramref name="unprintedColumn"/> (or -1) is a column the table never prints but whose cells follow from
    /// the rows (Table 1's patients without a group: overall minus the groups): its small cells count as masked,
    /// its other cells as known (a zero or a count of at least k discloses nobody), and it is never a complement.
    /// </summary>
    public CountDisclosure[,] DiscloseCrossTable(int[,] counts, ReadOnlySpan<bool> columnWithheld, bool columnsAddUp, int unprintedColumn = -1)
    {
        int rows = counts.GetLength(0), columns = counts.GetLength(1);
        if (columnWithheld.Length != columns)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{columnWithheld.Length} withheld flags for {columns} columns."), nameof(columnWithheld));
        var disclosure = new CountDisclosure[rows, columns];
        var withheld = columnWithheld.ToArray();
        if (unprintedColumn >= 0) withheld[unprintedColumn] = false;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                disclosure[r, c] = Hides(counts[r, c]) ? CountDisclosure.BelowThreshold
                    : withheld[c] ? CountDisclosure.Suppressed : CountDisclosure.Shown;

        bool RowNeeds(int r)
        {
            int masked = 0;
            for (int c = 0; c < columns; c++) if (disclosure[r, c] != CountDisclosure.Shown) masked++;
            return masked == 1;
        }
        bool ColumnNeeds(int c)
        {
            if (!columnsAddUp || withheld[c] || c == unprintedColumn) return false;
            int masked = 0;
            for (int r = 0; r < rows; r++) if (disclosure[r, c] != CountDisclosure.Shown) masked++;
            return masked == 1;
        }
        bool Candidate(int r, int c, int best, int bestCount) =>
            c != unprintedColumn && disclosure[r, c] == CountDisclosure.Shown && counts[r, c] > 0 && (best < 0 || counts[r, c] < bestCount);

        bool changed = true;
        while (changed)
        {
            changed = false;
            for (int r = 0; r < rows; r++)
            {
                if (!RowNeeds(r)) continue;
                int pick = -1;
                // Pass 0: a group's cell whose column needs a complement too; 1: any group's cell; 2: the overall count.
                for (int pass = 0; pass < 3 && pick < 0; pass++)
                    for (int c = pass == 2 ? 0 : 1; c < (pass == 2 ? 1 : columns); c++)
                        if ((pass != 0 || ColumnNeeds(c)) && Candidate(r, c, pick, pick < 0 ? 0 : counts[r, pick])) pick = c;
                if (pick < 0) continue;
                disclosure[r, pick] = CountDisclosure.Suppressed;
                changed = true;
            }
            for (int c = 0; c < columns; c++)
            {
                if (!ColumnNeeds(c)) continue;
                int pick = -1;
                for (int pass = 0; pass < 2 && pick < 0; pass++)
                    for (int r = 0; r < rows; r++)
                        if ((pass != 0 || RowNeeds(r)) && Candidate(r, c, pick, pick < 0 ? 0 : counts[pick, c])) pick = r;
                if (pick < 0) continue;
                disclosure[pick, c] = CountDisclosure.Suppressed;
                changed = true;
            }
        }
        return disclosure;
    }

    /// <summary>True when exactly one member of the set is masked: it could be solved for by subtraction.</summary>
    private static bool NeedsComplement(ReadOnlySpan<CountDisclosure> set)
    {
        int masked = 0;
        foreach (var d in set) if (d != CountDisclosure.Shown) masked++;
        return masked == 1;
    }

    /// <summary>The smallest positive count still shown (the first on a tie), or -1.</summary>
    private static int SmallestShown(ReadOnlySpan<int> counts, ReadOnlySpan<CountDisclosure> disclosure)
    {
        int smallest = -1;
        for (int i = 0; i < counts.Length; i++)
            if (disclosure[i] == CountDisclosure.Shown && counts[i] > 0 && (smallest < 0 || counts[i] < counts[smallest])) smallest = i;
        return smallest;
    }
}
