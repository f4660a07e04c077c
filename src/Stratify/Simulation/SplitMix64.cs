namespace Stratify.Simulation;

/// <summary>
/// A small, fast, portable pseudo-random generator (SplitMix64, Steele, Lea &amp; Flood 2014): the same seed gives
/// the same stream on every platform and .NET version, which System.Random does not promise. Each row group of
/// a simulated cohort gets its own stream, seeded from (seed, row group), so groups can be generated in any order.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public static SplitMix64 ForStream(long seed, long stream) =>
        new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)stream + 1) * 0xD1B54A32D192ED03UL));

    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>Uniform on (0, 1): 53 random bits, never exactly 0.</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by the Box–Muller transform (one of the pair is used, for simplicity).</summary>
    public double NextNormal() => Math.Sqrt(-2.0 * Math.Log(NextDouble())) * Math.Cos(2.0 * Math.PI * NextDouble());

    /// <summary>Index drawn with the given probabilities (which sum to 1).</summary>
    public int NextCategory(ReadOnlySpan<double> probabilities)
    {
        double u = NextDouble(), cumulative = 0;
        for (int i = 0; i < probabilities.Length - 1; i++)
        {
            cumulative += probabilities[i];
            if (u < cumulative) return i;
        }
        return probabilities.Length - 1;
    }

    /// <summary>Poisson by inversion (small means only, as used for node counts).</summary>
    public int NextPoisson(double mean)
    {
        double l = Math.Exp(-mean), p = NextDouble();
        int k = 0;
        while (p > l && k < 1000) { p *= NextDouble(); k++; }
        return k;
    }
}
