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

    /// <summary>
    /// Tie groups of many rows are summed in the linear-predictor pass and added whole by the backward sums; rows of
    /// small groups are added one by one. Both give the same ℓ, U and I (to rounding), with weights, strata, chunks that
    /// cut strata, Efron and Breslow, and counting-process rows.
    /// </summary>
    [Theory]
    [InlineData(CoxTies.Efron, false)]
    [InlineData(CoxTies.Breslow, false)]
    [InlineData(CoxTies.Efron, true)]
    public void Tie_groups_summed_whole_give_the_row_by_row_likelihood(CoxTies ties, bool delayedEntry)
    {
        var random = new Random(11);
        int n = 5000;
        var time = new double[n];
        var entry = new double[n];
        var died = new bool[n];
        var strata = new int[n];
        var weights = new double[n];
        var x1 = new double[n];
        var x2 = new double[n];
        for (int i = 0; i < n; i++)
        {
            x1[i] = random.NextDouble() * 2 - 1;
            x2[i] = random.Next(2);
            strata[i] = random.Next(2);
            time[i] = 1 + random.Next(120); // about 20 rows per time and stratum: most groups are summed whole
            entry[i] = delayedEntry ? random.Next((int)time[i]) : 0;
            died[i] = random.NextDouble() < 0.7;
            weights[i] = 0.5 + random.NextDouble();
        }
        var design = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("x1", x1), CovariateTerm.Numeric("x2", x2) });
        var data = CoxRiskSets.Build(time, died, design, strata, chunkRows: 700, weights, delayedEntry ? entry : null);
        var whole = new CoxPartialLikelihood(data, ties);
        var byRow = new CoxPartialLikelihood(data, ties, summedGroupRows: int.MaxValue);
        double[] beta = [0.4, -0.3];

        Assert.True(data.ChunkCount > 5);
        CoxAssert.Close(byRow.Evaluate(beta), whole.Evaluate(beta), 1e-13, "loglik");
        CoxAssert.Close(byRow.Score, whole.Score, 1e-11, "score", floor: 1);
        CoxAssert.Close(byRow.Information, whole.Information, 1e-12, "information");
        CoxAssert.Close(byRow.GroupHazard, whole.GroupHazard, 1e-12, "hazard increments");
    }
}
