using Stratify.Survival;

namespace Stratify;

/// <summary>How pointwise confidence limits of S(t) are formed (R's survfit conf.type).</summary>
public enum SurvivalConfidenceType
{
    /// <summary>R's default: symmetric on log S.</summary>
    Log,
    /// <summary>Symmetric on log(-log S) (Kalbfleisch &amp; Prentice).</summary>
    LogLog,
    /// <summary>Symmetric on S, clipped to [0, 1].</summary>
    Plain,
}

/// <summary>
/// Options of <see cref="KaplanMeier"/> (and of its kernel <see cref="ProductLimit.Fit"/>): confidence limits, the times at which to report S(t) (R's
/// <c>summary(fit, times = )</c>) and the horizon of the restricted mean survival time.
/// </summary>
/// <example><code>new KaplanMeierOptions { ConfidenceType = SurvivalConfidenceType.LogLog, Times = [365, 730], RmstHorizon = 730 }</code></example>
public sealed record KaplanMeierOptions
{
    public SurvivalConfidenceType ConfidenceType { get; init; } = SurvivalConfidenceType.Log;
    /// <summary>Coverage of the pointwise limits, in (0, 1).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;
    /// <summary>Times for <see cref="KaplanMeierCurve.At"/>; empty = none.</summary>
    public IReadOnlyList<double> Times { get; init; } = [];
    /// <summary>Horizon tau of the restricted mean; null = not computed.</summary>
    public double? RmstHorizon { get; init; }
    /// <summary>
    /// Variance of S(t): null = R's default (the infinitesimal-jackknife variance when a case weight is fractional,
    /// Greenwood otherwise); true = the infinitesimal jackknife; false = Greenwood (on weighted counts).
    /// </summary>
    public bool? Robust { get; init; }
}

/// <summary>Which variance a Kaplan–Meier fit reports for S(t).</summary>
public enum KaplanMeierVariance
{
    /// <summary>Greenwood's formula (on the weighted counts when there are case weights).</summary>
    Greenwood,
    /// <summary>The infinitesimal jackknife (robust) variance of R's survfit with fractional weights.</summary>
    InfinitesimalJackknife,
}
