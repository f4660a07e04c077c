using System.Globalization;

namespace Stratify.Reporting;

/// <summary>
/// Numbers as people read them (Table 1, sentences, charts, the terminal): fixed notation up to 15 integer digits —
/// the most a double holds exactly — and scientific notation with four significant digits beyond (5.287e+299), so a
/// huge value never prints as a 300-digit string of invented digits. Machine outputs (results.json, tables/*.csv)
/// keep every digit (round-trip "R" format).
/// </summary>
/// <example><code>
/// DisplayNumber.Fixed(1234.5678, 1)  // "1234.6"
/// DisplayNumber.Fixed(5.2869e299, 1) // "5.287e+299"
/// </code></example>
internal static class DisplayNumber
{
    /// <summary>Magnitudes from here on are written in scientific notation.</summary>
    public const double FixedLimit = 1e15;

    /// <summary><paramref name="decimals"/> decimals, or scientific from <see cref="FixedLimit"/> on; <paramref name="undefined"/> for NaN and ±∞.</summary>
    public static string Fixed(double value, int decimals, string undefined = "NA") =>
        !double.IsFinite(value) ? undefined
        : Math.Abs(value) >= FixedLimit ? Scientific(value)
        : value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Four significant digits in scientific notation: "5.287e+299", "-1e-300".</summary>
    public static string Scientific(double value) => value.ToString("0.###e+0", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="value"/> is too large for fixed notation.</summary>
    public static bool IsHuge(double value) => double.IsFinite(value) && Math.Abs(value) >= FixedLimit;
}
