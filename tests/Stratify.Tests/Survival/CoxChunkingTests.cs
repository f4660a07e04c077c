using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The parallel passes of the Cox fit split the sorted rows into chunks and carry the risk-set sums of later
/// chunks backwards, resetting them at stratum boundaries. However the rows are chunked, the fit must be the one
/// of a single sequential sweep (the reference cases of cox_reference.json all fit in one chunk, so this test
/// covers the carry: strata spanning many chunks, chunks holding a stratum boundary, a 3-row stratum).
/// </summary>
public class CoxChunkingTests
{
    [Theory]
    [InlineData(CoxTies.Efron)]
    [InlineData(CoxTies.Breslow)]
    public void Many_small_chunks_give_the_single_sweep_fit(CoxTies ties)
    {
        var random = new Random(7);
        int n = 6000;
        var time = new double[n];
        var died = new bool[n];
        var strata = new int[n];
        var x1 = new double[n];
        var x2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            x1[i] = random.NextDouble() * 2 - 1;
            x2[i] = random.Next(2);
            strata[i] = i < 3 ? 9 : random.Next(3);
            time[i] = Math.Ceiling(-Math.Log(1 - random.NextDouble()) * 50 / Math.Exp(0.4 * x1[i] - 0.5 * x2[i]));
            died[i] = random.NextDouble() < 0.7;
        }
        var design = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2) });
        var options = new CoxOptions { Ties = ties, Robust = true };

        var single = CoxProportionalHazards.Fit(time, died, design, strata, options, chunkRows: int.MaxValue);
        var chunked = CoxProportionalHazards.Fit(time, died, design, strata, options, chunkRows: 200);

        Assert.True(chunked.RiskSets.ChunkCount > 20);
        Assert.Equal(1, single.RiskSets.ChunkCount);
        CoxAssert.Close(single.LogLik, chunked.LogLik, 1e-12, "loglik");
        CoxAssert.Close(single.Beta, chunked.Beta, 1e-10, "coef");
        CoxAssert.Close(single.Coefficients.Select(c => c.StandardError).ToArray(), chunked.Coefficients.Select(c => c.StandardError).ToArray(), 1e-10, "se");
        CoxAssert.Close(single.Score.Statistic, chunked.Score.Statistic, 1e-10, "score test");
    }
}
