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

    /// <summary>Below this many keys the sort runs on one thread.</summary>
    private const int ParallelFrom = 1 << 17;

    /// <summary>The row indices 0..n−1 ordered by ascending key, ties in input order.</summary>
    /// <remarks>
    /// Large inputs are cut into two halves that are keyed, counted and scattered side by side: in each pass the first
    /// half's keys of a digit go before the second half's, so the order is the stable order whatever the threads do.
    /// </remarks>
    public static int[] Order(ReadOnlySpan<double> keys) => Order(keys, out _, out _);

    /// <summary>
    /// The same, handing over the sort's other n-sized buffers, free once it returns, for the caller to reuse instead of
    /// allocating fresh memory: an int array (the second order buffer) and a ulong array (a key buffer). The caller owns
    /// them and may overwrite them; both are null when the sort needed none (whole-number keys).
    /// </summary>
    public static int[] Order(ReadOnlySpan<double> keys, out int[]? spareOrder, out ulong[]? spareKeys)
    {
        spareOrder = null;
        spareKeys = null;
        // Whole numbers over a modest span (times in days): one counting sort, the same stable order.
        if (SurvivalOrder.WholeNumberOrder(keys, null) is { } counted) return counted;
        int n = keys.Length;
        var key = new ulong[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            key[i] = OrderedKey(keys[i]);
            order[i] = i;
        }
        int parts = n >= ParallelFrom ? 2 : 1;
        var bounds = new int[parts + 1];
        for (int part = 0; part <= parts; part++) bounds[part] = (int)((long)n * part / parts);
        var counts = new int[parts][];
        for (int part = 0; part < parts; part++) counts[part] = new int[Buckets];
        var key2 = new ulong[n];
        var order2 = new int[n];
        for (int pass = 0; pass < Passes; pass++)
        {
            int shift = pass * DigitBits;
            var from = key;
            ForEachPart(parts, part =>
            {
                var count = counts[part];
                Array.Clear(count);
                for (int i = bounds[part]; i < bounds[part + 1]; i++) count[(int)((from[i] >> shift) & (Buckets - 1))]++;
            });
            int firstDigit = n == 0 ? 0 : (int)((key[0] >> shift) & (Buckets - 1)), same = 0;
            for (int part = 0; part < parts; part++) same += counts[part][firstDigit];
            if (same == n) continue; // every key has this digit
            int sum = 0;
            for (int b = 0; b < Buckets; b++)
                for (int part = 0; part < parts; part++) { int c = counts[part][b]; counts[part][b] = sum; sum += c; }
            var (fromOrder, toKey, toOrder) = (order, key2, order2);
            ForEachPart(parts, part =>
            {
                var next = counts[part];
                for (int i = bounds[part]; i < bounds[part + 1]; i++)
                {
                    int slot = next[(int)((from[i] >> shift) & (Buckets - 1))]++;
                    toKey[slot] = from[i];
                    toOrder[slot] = fromOrder[i];
                }
            });
            (key, key2) = (key2, key);
            (order, order2) = (order2, order);
        }
        spareOrder = order2;
        spareKeys = key;
        return order;
    }

    /// <summary>
    /// The IEEE-754 bits of a key mapped to an unsigned integer with the same order (−0 as +0): for numbers that are not
    /// NaN, a = b exactly when their keys are equal, and a ≥ b when key(a) ≥ key(b).
    /// </summary>
    public static ulong OrderedKey(double value)
    {
        ulong bits = BitConverter.DoubleToUInt64Bits(value == 0 ? 0.0 : value);
        return (bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL;
    }

    private static void ForEachPart(int parts, Action<int> body)
    {
        if (parts == 1) body(0);
        else Parallel.For(0, parts, body);
    }
}
