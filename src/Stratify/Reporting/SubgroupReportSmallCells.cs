// The report's small-cell rule (statistical disclosure control): a count of patients or events that is positive
// but below the threshold k (results.json study.small_cell_threshold, 5 by default) is printed as "<k", never as
// the number, so that a reader cannot single out a handful of patients. Zero stays zero (it discloses nobody).
// A group below the threshold is also not described at all: no Kaplan–Meier curve, median, Table 1 column or
// feature profile is shown for it, only its size as "<k".
using System.Globalization;
using System.Text.RegularExpressions;

namespace Stratify.Reporting;

/// <summary>
/// How the subgroup report prints counts under a small-cell threshold: <see cref="Count"/> gives "&lt;5" for
/// 1–4 patients, <see cref="Table1Cell"/> rewrites a Table 1 count cell ("3 (1.2%)" → "&lt;5"), and
/// <see cref="MaskCountsInSentence"/> rewrites "n = 3" and "3 patients" inside a sentence the pipeline wrote.
/// </summary>
/// <example><code>
/// var policy = new SmallCellPolicy(5);
/// policy.Count(3);                        // "&lt;5"
/// policy.Table1Cell("3 (1.2%)");          // "&lt;5"
/// policy.MaskCountsInSentence("In subgroup C (n = 3; young) ..."); // "In subgroup C (n &lt;5; young) ..."
/// </code></example>
public sealed partial record SmallCellPolicy(int Threshold)
{
    /// <summary>True when a group of <paramref name="n"/> patients is too small to describe (0 &lt; n &lt; threshold).</summary>
    public bool Hides(int n) => n > 0 && n < Threshold;

    /// <summary>A count as printed: "&lt;threshold" for 0 &lt; n &lt; threshold, otherwise the number.</summary>
    public string Count(int n) => Hides(n) ? Below : n.ToString(CultureInfo.InvariantCulture);

    /// <summary>An event count held as a double (log-rank observed events); rounded to the nearest whole count first.</summary>
    public string Count(double n) => double.IsFinite(n) ? Count((int)Math.Round(n)) : "NA";

    /// <summary>"&lt;5", the text that replaces a small count.</summary>
    public string Below => "<" + Threshold.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A Table 1 cell: a count cell ("12 (4.3%)") or a missing-count cell ("3") whose count is small becomes
    /// "&lt;5"; every other cell (mean (SD), median [Q1, Q3], larger counts) is returned as it is.
    /// </summary>
    public string Table1Cell(string text)
    {
        var match = CountCellPattern().Match(text);
        if (!match.Success) return text;
        return int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && Hides(n) ? Below : text;
    }

    /// <summary>
    /// Rewrites the small counts of a sentence written by the pipeline: "n = 3" (also "n=3", "N = 3") becomes
    /// "n &lt;5", and "3 patients" (patient, events, deaths, rows) becomes "&lt;5 patients".
    /// </summary>
    public string MaskCountsInSentence(string sentence)
    {
        var masked = SentenceCountPattern().Replace(sentence, m => IsSmall(m.Groups[2].Value) ? m.Groups[1].Value + " " + Below : m.Value);
        return CountedNounPattern().Replace(masked, m => IsSmall(m.Groups[1].Value) ? Below + m.Groups[2].Value : m.Value);
    }

    private bool IsSmall(string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && Hides(n);

    [GeneratedRegex(@"^\s*(\d+)\s*(\(\s*\d+(\.\d+)?\s*%\s*\))?\s*$")]
    private static partial Regex CountCellPattern();

    [GeneratedRegex(@"\b([nN])\s*=\s*(\d+)\b")]
    private static partial Regex SentenceCountPattern();

    [GeneratedRegex(@"(?<![\d.,])(\d+)(\s+(?:patients?|events?|deaths?|rows?)\b)")]
    private static partial Regex CountedNounPattern();
}
