using FsCheck.Xunit;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>The radix sort used for the Cox fit's time order and the concordance ranks is a stable ascending sort.</summary>
public class CoxRadixSortTests
{
    [Property(MaxTest = 60)]
    public bool Order_equals_a_stable_comparison_sort(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(0, 3000);
        var keys = new double[n];
        for (int i = 0; i < n; i++)
            keys[i] = random.Next(5) switch
            {
                0 => random.Next(-3, 4),                      // many ties, negative and positive
                1 => -0.0,
                2 => (random.NextDouble() - 0.5) * 1e300,
                3 => (random.NextDouble() - 0.5) * 1e-300,
                _ => Math.Round(random.NextDouble() * 100, 1),
            };
        var expected = Enumerable.Range(0, n).OrderBy(i => keys[i]).ToArray(); // LINQ OrderBy is stable
        return CoxRadixSort.Order(keys).SequenceEqual(expected);
    }

    [Property(MaxTest = 60)]
    public bool Whole_number_keys_take_the_counting_sort_and_give_the_same_stable_order(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(2, 3000);
        var keys = new double[n];
        for (int i = 0; i < n; i++) keys[i] = random.Next(4) == 0 ? -0.0 : random.Next(-40, 4000);
        var expected = Enumerable.Range(0, n).OrderBy(i => keys[i]).ToArray();
        return CoxRadixSort.Order(keys).SequenceEqual(expected);
    }

    [Fact]
    public void Large_inputs_sorted_in_two_halves_side_by_side_give_the_same_stable_order()
    {
        // 300,000 keys: above the size from which each pass is counted and scattered by two threads.
        var random = new Random(20261201);
        var keys = new double[300_000];
        for (int i = 0; i < keys.Length; i++)
            keys[i] = random.Next(3) switch
            {
                0 => random.Next(-50, 50) / 4.0,                 // ties across both halves
                1 => (random.NextDouble() - 0.5) * 1e6,
                _ => random.Next(2) == 0 ? -0.0 : 0.0,
            };
        var expected = Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ToArray();
        Assert.Equal(expected, CoxRadixSort.Order(keys));
    }
}
