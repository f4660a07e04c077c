using FsCheck.Xunit;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// Unweighted per-group risk tables are built in one pass over the time-sorted patients, without grouping the positions
/// first: they equal the tables built from each group's positions (the grouping, stable by time, that weighted and robust
/// variances use), and that grouping is still there, made on first use.
/// </summary>
public class RiskTableTests
{
    [Property(MaxTest = 60)]
    public bool One_pass_tables_equal_the_tables_of_each_groups_positions(int seed)
    {
        var random = new Random(seed);
        int n = 1 + random.Next(400), groups = 1 + random.Next(5);
        var time = Enumerable.Range(0, n).Select(_ => (double)random.Next(1, 40)).ToArray(); // many ties
        var died = Enumerable.Range(0, n).Select(_ => random.Next(3) > 0).ToArray();
        var group = Enumerable.Range(0, n).Select(_ => random.Next(groups)).ToArray();
        var data = new SurvivalData(time, died, group, Enumerable.Range(0, groups).Select(g => $"g{g}").ToArray());

        var tables = RiskTable.PerGroup(data);

        var sorted = data.Sorted;
        var order = SurvivalOrder.StableGroup(null, sorted.Group!, groups, out var start);
        for (int g = 0; g < groups; g++)
        {
            var expected = RiskTable.Build(sorted.Time, sorted.Event, order, start[g], start[g + 1]);
            var table = tables[g];
            if (!(table.Time.SequenceEqual(expected.Time) && table.NRisk.SequenceEqual(expected.NRisk) && table.NEvent.SequenceEqual(expected.NEvent)
                  && table.NCensor.SequenceEqual(expected.NCensor) && table.N == expected.N && table.Events == expected.Events))
                return false;
            if (!(table.Order.SequenceEqual(order) && table.From == start[g] && table.To == start[g + 1])) return false;
        }
        return true;
    }
}
