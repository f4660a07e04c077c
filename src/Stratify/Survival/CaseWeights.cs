namespace Stratify.Survival;

/// <summary>
/// Facts about case weights that several estimators decide the same way (R's <c>survfitKM</c> and <c>coxph</c>):
/// whether a weight is fractional, which makes R default to a robust variance (<c>has.rwt</c>).
/// </summary>
internal static class CaseWeights
{
    /// <summary>True when some weight is not a whole number (R: <c>any(weights != floor(weights))</c>).</summary>
    public static bool AnyFractional(double[]? weights)
    {
        if (weights is null) return false;
        foreach (double w in weights) if (w != Math.Floor(w)) return true;
        return false;
    }

    /// <summary>
    /// The variance R uses when the caller does not say: robust when asked, or when a cluster is given, or when a
    /// weight is fractional; model-based otherwise.
    /// </summary>
    public static bool RobustByDefault(bool? robust, double[]? weights, bool hasCluster = false)
        => robust ?? (hasCluster || AnyFractional(weights));
}
