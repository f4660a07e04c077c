namespace Stratify.Survival;

/// <summary>
/// Stable ascending order of double keys by least-significant-digit radix sort (11-bit digits over the IEEE-754
/// bits mapped to an order-preserving unsigned integer; digits on which all keys agree are skipped). O(n) per
/// pass, about three times faster than a comparison sort for the million-row sorts of the Cox fit and the
/// concordance, and stable, so tied keys keep their input order (as R's <c>order()</c>). Keys must not be NaN;
/// −0 and +0 are the same key.
/// </summary>
internal static class CoxRadixSort
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;
    private const int Passes = (64 + DigitBits - 1) / DigitBits;

    /// <summary>The row indices 0..n−1 ordered by ascending key, ties in input order.</summary>
    public static int[] Order(ReadOnlySpan<double> keys)
    {
        // Whole numbers over a modest span (times in days): one counting sort, the same stable order.
        if (SurvivalOrder.WholeNumberOrder(keys, null) is { } counted) return counted;
        int n = keys.Length;
        var key = new ulong[n];
        var order = new int[n];
        var counts = new int[Passes * Buckets];
        for (int i = 0; i < n; i++)
        {
            double v = keys[i] == 0 ? 0.0 : keys[i];
            ulong bits = BitConverter.DoubleToUInt64Bits(v);
            ulong k = (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
            key[i] = k;
            order[i] = i;
            for (int pass = 0; pass < Passes; pass++) counts[pass * Buckets + (int)((k >> (pass * DigitBits)) & (Buckets - 1))]++;
        }
        var key2 = new ulong[n];
        var order2 = new int[n];
        for (int pass = 0; pass < Passes; pass++)
        {
            var count = counts.AsSpan(pass * Buckets, Buckets);
            int shift = pass * DigitBits;
            if (n == 0 || count[(int)((key[0] >> shift) & (Buckets - 1))] == n) continue; // every key has this digit
            int sum = 0;
            for (int b = 0; b < Buckets; b++) { int c = count[b]; count[b] = sum; sum += c; }
            for (int i = 0; i < n; i++)
            {
                int slot = count[(int)((key[i] >> shift) & (Buckets - 1))]++;
                key2[slot] = key[i];
                order2[slot] = order[i];
            }
            (key, key2) = (key2, key);
            (order, order2) = (order2, order);
        }
        return order;
    }
}
