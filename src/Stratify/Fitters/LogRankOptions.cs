using Stratify.Survival;

namespace Stratify;

/// <summary>Options of <see cref="LogRank"/> (and of its kernel <see cref="LogRankTest.Compute"/>).</summary>
/// <example><code>new LogRankOptions { Rho = 1, Pairwise = PValueAdjustment.Holm, Trend = true }</code></example>
public sealed record LogRankOptions
{
    /// <summary>Fleming–Harrington rho: 0 = log-rank (default), 1 = Peto–Peto.</summary>
    public double Rho { get; init; }
    /// <summary>Adjustment of the pairwise comparisons; null = no pairwise comparisons.</summary>
    public PValueAdjustment? Pairwise { get; init; }
    /// <summary>Also test for a trend across the groups in their code order (scores 1..k).</summary>
    public bool Trend { get; init; }
    /// <summary>
    /// With case weights, the variance of the score test: null = R's coxph default (robust when a weight is
    /// fractional), true = robust sandwich, false = model-based. Without weights the test is survdiff's and this is unused.
    /// </summary>
    public bool? Robust { get; init; }
}
