namespace Stratify.Tests.Survival;

/// <summary>
/// Relative agreement with a reference value; a null in the reference JSON (R's NA, NaN or ±Inf) must be non-finite
/// here. With a <c>floor</c>, the difference is taken relative to max(|expected|, floor): absolute near 0, where a
/// statistic such as a χ² of 1e-9 has no relative digits to compare.
/// </summary>
public static class CoxAssert
{
    public static void Close(double expected, double actual, double relative, string what, double floor = 1e-300)
    {
        if (double.IsNaN(expected))
        {
            Assert.False(double.IsFinite(actual), $"{what}: expected NA/Inf, got {actual:R}");
            return;
        }
        double scale = Math.Max(Math.Abs(expected), floor);
        double difference = Math.Abs(actual - expected) / scale;
        Assert.True(difference <= relative, $"{what}: expected {expected:R}, got {actual:R} (relative difference {difference:E2} > {relative:E0})");
    }

    public static void Close(double[] expected, double[] actual, double relative, string what, double floor = 1e-300)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], relative, $"{what}[{i}]", floor);
    }
}
