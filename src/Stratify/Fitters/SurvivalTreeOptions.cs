using Stratify.Survival;

namespace Stratify;

/// <summary>Options of <see cref="SurvivalTree"/> (and of its kernel <see cref="LogRankTree.Grow(SurvivalData, IReadOnlyList{SurvivalTreeFeature}, SurvivalTreeOptions)"/>).</summary>
public sealed record SurvivalTreeOptions
{
    /// <summary>Fewest patients allowed in a child node.</summary>
    public int MinNodeSize { get; init; } = 20;
    /// <summary>Deepest split level (the root is depth 0; MaxDepth = 3 gives at most 8 leaves).</summary>
    public int MaxDepth { get; init; } = 3;
    /// <summary>Split only when the Bonferroni-adjusted p-value of the best split is below alpha.</summary>
    public double Alpha { get; init; } = 0.05;
}
