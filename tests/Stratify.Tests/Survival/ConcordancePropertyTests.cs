using FsCheck.Xunit;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The O(n log n) concordance sweep counts the same pairs as the definition applied to every pair (O(n²)): i is an
/// event, j in the same stratum is at risk (later time, or censored at i's time); concordant when i's risk is
/// higher, discordant when lower, tied when equal; tied times = pairs of events at the same time.
/// </summary>
public class ConcordancePropertyTests
{
    [Property(MaxTest = 80)]
    public bool Pair_counts_equal_counting_every_pair(int seed)
    {
        var random = new Random(seed);
        int n = random.Next(1, 400);
        var time = new double[n];
        var died = new bool[n];
        var risk = new double[n];
        var strata = new int[n];
        int riskLevels = random.Next(1, 300); // few levels: many tied risks; many: mostly distinct
        for (int i = 0; i < n; i++)
        {
            time[i] = random.Next(1, 60);
            died[i] = random.NextDouble() < 0.6;
            risk[i] = random.Next(riskLevels) * 0.37;
            strata[i] = random.Next(2);
        }
        if (!died.Any()) died[0] = true;

        var c = CoxConcordance.Compute(time, died, risk, strata);

        double concordant = 0, discordant = 0, tiedRisk = 0, tiedTime = 0;
        for (int i = 0; i < n; i++)
        {
            if (!died[i]) continue;
            for (int j = 0; j < n; j++)
            {
                if (j == i || strata[j] != strata[i]) continue;
                if (time[j] > time[i] || (time[j] == time[i] && !died[j]))
                {
                    if (risk[i] > risk[j]) concordant++;
                    else if (risk[i] < risk[j]) discordant++;
                    else tiedRisk++;
                }
                else if (time[j] == time[i] && died[j] && j > i) tiedTime++;
            }
        }
        return c.Concordant == concordant && c.Discordant == discordant && c.TiedRisk == tiedRisk && c.TiedTime == tiedTime;
    }
}
