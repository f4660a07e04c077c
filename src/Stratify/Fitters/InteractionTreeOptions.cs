namespace Stratify;

/// <summary>Options of the <see cref="InteractionTree"/> fitter (and of its kernel, <see cref="Predictive.TreatmentInteractionTree.Grow"/>).</summary>
/// <example><code>new InteractionTreeOptions { MinNodeSize = 50, MinEventsPerArm = 10, MaxDepth = 2, Alpha = 0.05 }</code></example>
public sealed record InteractionTreeOptions
{
    /// <summary>Fewest patients allowed in a child node.</summary>
    public int MinNodeSize { get; init; } = 30;
    /// <summary>Fewest events allowed in each arm of a child node.</summary>
    public int MinEventsPerArm { get; init; } = 5;
    /// <summary>Deepest split level (the root is depth 0; MaxDepth = 3 gives at most 8 leaves).</summary>
    public int MaxDepth { get; init; } = 3;
    /// <summary>Split only when the Bonferroni-adjusted p-value of the best split is below alpha.</summary>
    public double Alpha { get; init; } = 0.05;
}
