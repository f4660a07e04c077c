namespace Stratify.Survival;

/// <summary>
/// Score (Schoenfeld-type martingale) residuals of a Cox fit and the robust sandwich variance built from them
/// (Lin and Wei 1989; R's <c>residuals.coxph(type = "dfbeta")</c>, <c>coxscore2.c</c>). For row i in stratum s
/// with time tᵢ:
/// <code>
/// Lᵢ = δᵢ (xᵢ − x̄*ᵢ) − rᵢ Σ_{event times t ≤ tᵢ} Σ_k (xᵢ − x̄_tk) w_ik / D_tk
/// </code>
/// where x̄_tk and D_tk are the risk-set mean and denominator of the k-th Efron term at t, w_ik = 1 except for a
/// row dying at tᵢ = t under Efron ties, where it is (d−k)/d, and x̄*ᵢ is the average of the d Efron means (the
/// single mean for Breslow). Written as cumulative sums, Lᵢ = δᵢ(xᵢ − x̄*) − rᵢ(xᵢ H(tᵢ) − A(tᵢ)) with
/// H = Σ w/D and A = Σ w x̄/D, so one backward and one forward sweep give all residuals in O(n·p).
/// dfbeta = L·V (V the model variance); the robust variance is Σ_c (Σ_{i∈c} dfbetaᵢ)ᵀ(Σ_{i∈c} dfbetaᵢ) over clusters c.
/// With case weights (R's <c>coxscore2.c</c> and <c>residuals.coxph(type = "dfbeta", weighted = TRUE)</c>): the risk
/// sets, x̄ and the hazard increments are weighted (<see cref="CoxPartialLikelihood"/>), rᵢ = exp(ηᵢ) stays
/// unweighted inside Lᵢ, and each row's dfbeta is multiplied by its weight, dfbetaᵢ = wᵢ·Lᵢ·V.
/// The robust score test (R's <c>rscore</c>) uses the same residuals at β = 0: with s_c = Σ_{i∈c} wᵢLᵢ and u = Σ_c s_c,
/// it is uᵀ(Σ_c s_c s_cᵀ)⁻u.
/// </summary>
internal static class CoxScoreResiduals
{
    /// <summary>Score residuals in sorted row order, on the centred scaled design, row-major n×p.</summary>
    public static double[] Compute(CoxRiskSets data, CoxPartialLikelihood likelihood, bool efron)
    {
        int p = data.P, groups = data.GroupCount;
        var x = data.X;
        var risk = likelihood.Risk;
        var eta = likelihood.Eta;
        bool weighted = data.Weight is not null;
        var sums = CoxTieGroupSums.Compute(data, risk, efron);
        var atRiskMean = sums.AtRiskMean;
        var dyingMean = sums.DyingMean;
        var averageMean = sums.AverageMean;

        var residuals = new double[(long)data.N * p];
        var cumulative = new double[p];
        for (int g = 0; g < groups; g++)
        {
            if (g > 0 && data.GroupStratum[g] != data.GroupStratum[g - 1]) Array.Clear(cumulative);
            double before = likelihood.GroupHazardBefore[g];
            double hazardAtRisk = before + likelihood.GroupHazard[g];
            double hazardDying = before + likelihood.GroupEventHazard[g];
            var full = atRiskMean.AsSpan(g * p, p);
            var dying = dyingMean.AsSpan(g * p, p);
            var average = averageMean.AsSpan(g * p, p);
            for (int i = data.GroupStart[g]; i < data.GroupStart[g + 1]; i++)
            {
                var row = x.AsSpan(i * p, p);
                var l = residuals.AsSpan(i * p, p);
                double r = weighted ? Math.Exp(eta[i]) : risk[i]; // exp(η), without the row's weight
                if (data.Event[i])
                    for (int j = 0; j < p; j++) l[j] = row[j] - average[j] - r * (row[j] * hazardDying - (cumulative[j] + dying[j]));
                else
                    for (int j = 0; j < p; j++) l[j] = -r * (row[j] * hazardAtRisk - (cumulative[j] + full[j]));
            }
            CoxMatrixAlgebra.AddScaled(cumulative, 1, full);
        }
        return residuals;
    }

    /// <summary>
    /// Robust variance on the original scale. <paramref name="scaledVariance"/> is I⁻¹ on the scaled design;
    /// with D_s = L_s V_s the original-scale dfbeta is D_s·diag(scale).
    /// </summary>
    public static double[] RobustVariance(CoxRiskSets data, CoxPartialLikelihood likelihood, double[] scaledVariance, int[]? cluster)
    {
        int p = data.P, n = data.N;
        var residuals = Compute(data, likelihood, likelihood.Efron);
        var groupOf = ClusterOfSortedRow(data, cluster, out int clusters);
        var weight = data.Weight;
        var dfbeta = new double[(long)clusters * p];
        for (int k = 0; k < n; k++)
        {
            var l = residuals.AsSpan(k * p, p);
            var target = dfbeta.AsSpan(groupOf[k] * p, p);
            double w = weight?[k] ?? 1;
            for (int i = 0; i < p; i++)
                if (l[i] != 0) CoxMatrixAlgebra.AddScaled(target, w * l[i], scaledVariance.AsSpan(i * p, p));
        }
        var robust = new double[p * p];
        for (int c = 0; c < clusters; c++)
        {
            var d = dfbeta.AsSpan(c * p, p);
            for (int j = 0; j < p; j++) d[j] *= data.Scale[j];
            CoxMatrixAlgebra.AddOuterLower(robust, d, 1);
        }
        CoxMatrixAlgebra.Symmetrise(robust, p);
        return robust;
    }

    /// <summary>
    /// The robust score test (R's <c>rscore</c>) from the likelihood's current state, which must be β = 0: uᵀB⁻u
    /// with the weighted score residuals summed per cluster, s_c, on the original scale, u = Σ s_c, B = Σ s_c s_cᵀ,
    /// and the generalised inverse of <see cref="CoxMatrixAlgebra.QuadraticForm"/>. Also returns u and B (p×p).
    /// </summary>
    public static (double Statistic, double[] Score, double[] Meat) RobustScore(CoxRiskSets data, CoxPartialLikelihood likelihood,
        int[]? cluster, double choleskyTolerance)
    {
        int p = data.P, n = data.N;
        var residuals = Compute(data, likelihood, likelihood.Efron);
        var groupOf = ClusterOfSortedRow(data, cluster, out int clusters);
        var weight = data.Weight;
        var perCluster = new double[(long)clusters * p];
        for (int k = 0; k < n; k++)
            CoxMatrixAlgebra.AddScaled(perCluster.AsSpan(groupOf[k] * p, p), weight?[k] ?? 1, residuals.AsSpan(k * p, p));
        var score = new double[p];
        var meat = new double[p * p];
        for (int c = 0; c < clusters; c++)
        {
            var s = perCluster.AsSpan(c * p, p);
            for (int j = 0; j < p; j++) s[j] /= data.Scale[j];
            CoxMatrixAlgebra.AddScaled(score, 1, s);
            CoxMatrixAlgebra.AddOuterLower(meat, s, 1);
        }
        CoxMatrixAlgebra.Symmetrise(meat, p);
        double statistic = CoxMatrixAlgebra.QuadraticForm(meat, p, score, choleskyTolerance).Statistic;
        return (statistic, score, meat);
    }

    /// <summary>Cluster index (0-based, in order of first appearance) of each sorted row; each row its own without clusters.</summary>
    private static int[] ClusterOfSortedRow(CoxRiskSets data, int[]? cluster, out int clusters)
    {
        int n = data.N;
        var groupOf = new int[n];
        if (cluster is null)
        {
            for (int k = 0; k < n; k++) groupOf[k] = k;
            clusters = n;
            return groupOf;
        }
        var index = new Dictionary<int, int>();
        for (int k = 0; k < n; k++)
        {
            int id = cluster[data.Order[k]];
            if (!index.TryGetValue(id, out int c)) { c = index.Count; index.Add(id, c); }
            groupOf[k] = c;
        }
        clusters = index.Count;
        return groupOf;
    }
}

/// <summary>
/// Per tie group with events, the sums over its Efron terms k (one Breslow term with weight d) that residuals and
/// survival-curve variances need, on the centred scaled design: A = Σ_k w x̄_k/D_k (row at risk), the same with
/// weights s_k = (d−k)/d (row dying at t), the average of the x̄_k, and Σ_k w/D_k² (the hazard variance increment).
/// </summary>
internal sealed class CoxTieGroupSums
{
    private CoxTieGroupSums(double[] atRisk, double[] dying, double[] average, double[] hazardVariance)
    {
        AtRiskMean = atRisk;
        DyingMean = dying;
        AverageMean = average;
        HazardVariance = hazardVariance;
    }

    /// <summary>Per group, p values: Σ_k w x̄_k / D_k.</summary>
    public double[] AtRiskMean { get; }
    /// <summary>Per group, p values: Σ_k w s_k x̄_k / D_k.</summary>
    public double[] DyingMean { get; }
    /// <summary>Per group, p values: (1/K) Σ_k x̄_k.</summary>
    public double[] AverageMean { get; }
    /// <summary>Per group: Σ_k w / D_k².</summary>
    public double[] HazardVariance { get; }

    public static CoxTieGroupSums Compute(CoxRiskSets data, double[] risk, bool efron)
    {
        int p = data.P, groups = data.GroupCount;
        var x = data.X;
        var atRiskMean = new double[(long)groups * p];
        var dyingMean = new double[(long)groups * p];
        var averageMean = new double[(long)groups * p];
        var hazardVariance = new double[groups];
        var a = new double[p];
        var deathX = new double[p];
        double denominator = 0;
        for (int g = groups - 1; g >= 0; g--)
        {
            if (g == groups - 1 || data.GroupStratum[g] != data.GroupStratum[g + 1])
            {
                denominator = 0;
                Array.Clear(a);
            }
            int start = data.GroupStart[g], end = data.GroupStart[g + 1], deaths = data.GroupDeaths[g];
            double deathWeight = data.GroupDeathWeight?[g] ?? deaths;
            double deathRisk = 0;
            Array.Clear(deathX);
            for (int i = start; i < end; i++)
            {
                if (data.Event[i]) { deathRisk += risk[i]; CoxMatrixAlgebra.AddScaled(deathX, risk[i], x.AsSpan(i * p, p)); }
                else { denominator += risk[i]; CoxMatrixAlgebra.AddScaled(a, risk[i], x.AsSpan(i * p, p)); }
            }
            if (deaths > 0)
            {
                var full = atRiskMean.AsSpan(g * p, p);
                var dying = dyingMean.AsSpan(g * p, p);
                var average = averageMean.AsSpan(g * p, p);
                int terms = efron ? deaths : 1;
                // Each term's weight: the mean death weight for Efron's d terms, the summed one for Breslow's single term.
                double weight = efron ? deathWeight / deaths : deathWeight;
                for (int k = 0; k < terms; k++)
                {
                    double share = efron ? (double)(deaths - k) / deaths : 1;
                    double d = denominator + share * deathRisk;
                    hazardVariance[g] += weight / (d * d);
                    for (int j = 0; j < p; j++)
                    {
                        double mean = (a[j] + share * deathX[j]) / d;
                        full[j] += weight * mean / d;
                        dying[j] += weight * share * mean / d;
                        average[j] += mean / terms;
                    }
                }
            }
            denominator += deathRisk;
            CoxMatrixAlgebra.AddScaled(a, 1, deathX);
        }
        return new CoxTieGroupSums(atRiskMean, dyingMean, averageMean, hazardVariance);
    }
}
