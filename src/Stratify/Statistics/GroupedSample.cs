using System.Globalization;

namespace Stratify.Statistics;

/// <summary>
/// Values with a group code each (0 .. GroupCount - 1), the input of k-sample tests. The caller removes missing
/// values first; groups without values are allowed and are left out by the tests, as R's factor() drops unused
/// levels.
/// </summary>
/// <example><code>var sample = new GroupedSample(karno, celltypeCodes, 4); var r = OneWayAnova.Compute(sample);</code></example>
internal readonly ref struct GroupedSample
{
    public GroupedSample(ReadOnlySpan<double> values, ReadOnlySpan<int> groups, int groupCount)
    {
        if (values.Length != groups.Length) throw new ArgumentException("values and groups differ in length");
        for (int i = 0; i < groups.Length; i++)
            if ((uint)groups[i] >= (uint)groupCount)
                throw new ArgumentOutOfRangeException(nameof(groups), groups[i], string.Create(CultureInfo.InvariantCulture, $"group code at index {i} is outside 0..{groupCount - 1}"));
        Values = values;
        Groups = groups;
        GroupCount = groupCount;
    }

    public ReadOnlySpan<double> Values { get; }
    public ReadOnlySpan<int> Groups { get; }
    public int GroupCount { get; }

    /// <summary>Number of values in each group.</summary>
    public int[] GroupSizes()
    {
        var sizes = new int[GroupCount];
        foreach (int g in Groups) sizes[g]++;
        return sizes;
    }

    /// <summary>Number of groups holding at least one value.</summary>
    public int NonEmptyGroupCount()
    {
        int k = 0;
        foreach (int size in GroupSizes()) if (size > 0) k++;
        return k;
    }
}
