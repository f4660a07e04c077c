namespace Stratify.Survival;

/// <summary>
/// The score of a Cox model at β = 0 and its two variances, as R's <c>coxph</c> reports them in <c>fit$score</c> and
/// <c>fit$rscore</c> (Therneau and Grambsch 2000, §3.4): with case weights w, tied deaths by Efron's rule (coxph's
/// default) and strata,
/// <code>
/// U  = Σ_deaths wᵢ xᵢ − Σ_t Σ_k (W_t/d_t) x̄_tk                        (x̄ over risk sets of w·exp(0) = w)
/// I  = Σ_t Σ_k (W_t/d_t) (C_tk/D_tk − x̄_tk x̄_tkᵀ)                     (model-based: the information at 0)
/// B  = Σ_c (Σ_{i∈c} wᵢLᵢ)(Σ_{i∈c} wᵢLᵢ)ᵀ                               (robust: score residuals per cluster c)
/// </code>
/// The same kernels as the fit (<see cref="CoxPartialLikelihood"/>, <see cref="CoxScoreResiduals"/>), evaluated once.
/// The weighted log-rank test is this score test on group indicators (<see cref="LogRankTest"/>).
/// </summary>
internal static class CoxScoreTest
{
    /// <summary>U (p), I (p×p) and, when <paramref name="robust"/>, B (p×p) on the design's own scale.</summary>
    public static (double[] Score, double[] Information, double[]? Meat) AtZero(double[] time, bool[] died, DesignMatrix design,
        int[]? strata, double[]? weights, bool robust, CoxTies ties = CoxTies.Efron)
    {
        var data = CoxRiskSets.Build(time, died, design, strata, CoxRiskSets.ChunkRows, weights);
        var likelihood = new CoxPartialLikelihood(data, ties);
        int p = data.P;
        likelihood.Evaluate(new double[p]);
        var score = new double[p];
        var information = new double[p * p];
        for (int i = 0; i < p; i++)
        {
            score[i] = likelihood.Score[i] / data.Scale[i];
            for (int j = 0; j < p; j++) information[i * p + j] = likelihood.Information[i * p + j] / (data.Scale[i] * data.Scale[j]);
        }
        var meat = robust ? CoxScoreResiduals.RobustScore(data, likelihood, null, new CoxOptions().CholeskyTolerance).Meat : null;
        return (score, information, meat);
    }
}
