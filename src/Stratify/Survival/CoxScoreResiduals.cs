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
/// Counting-process rows (R's <c>agscore2.c</c>): the sums run over the event times in (entryᵢ, tᵢ] only, so a second
/// forward sweep adds back rᵢ(xᵢ H(entryᵢ) − A(entryᵢ)), the part accrued before the row's entry.
/// </summary>
internal static class CoxScoreResiduals
{
    /// <summary>What is done with each row's score residual as the sweep computes it (no n×p matrix is kept).</summary>
    public interface ISink
    {
        /// <summary>Row <paramref name="row"/> (sorted order)'s residual on the centred scaled design; valid only during the call.</summary>
        void Add(int row, ReadOnlySpan<double> residual);
    }

    /// <summary>Score residuals in sorted row order, on the centred scaled design, row-major n×p.</summary>
    public static double[] Compute(CoxRiskSets data, CoxPartialLikelihood likelihood, bool efron)
    {
        var matrix = new Matrix(new double[(long)data.N * data.P], data.P);
        Visit(data, likelihood, efron, ref matrix);
        return matrix.Residuals;
    }

    private struct Matrix(double[] residuals, int p) : ISink
    {
        public readonly double[] Residuals = residuals;
        public readonly void Add(int row, ReadOnlySpan<double> residual) => residual.CopyTo(Residuals.AsSpan(row * p, p));
    }

    /// <summary>
    /// Computes every row's score residual in one forward sweep over the tie groups (sorted order) and hands it to
    /// <paramref name="sink"/>. Counting-process rows: A accrued through each group is summed first (groups × p), so the
    /// part before a row's entry is taken off in the same sweep.
    /// </summary>
    public static void Visit<TSink>(CoxRiskSets data, CoxPartialLikelihood likelihood, bool efron, ref TSink sink) where TSink : struct, ISink
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

        var cumulative = new double[p];
        // Counting-process rows: A accrued through each group, to take off what came before a row's entry.
        double[]? through = null;
        var entryGroup = data.EntryGroup;
        if (entryGroup is not null)
        {
            through = new double[(long)groups * p];
            for (int g = 0; g < groups; g++)
            {
                if (g > 0 && data.GroupStratum[g] != data.GroupStratum[g - 1]) Array.Clear(cumulative);
                CoxMatrixAlgebra.AddScaled(cumulative, 1, atRiskMean.AsSpan(g * p, p));
                cumulative.CopyTo(through.AsSpan(g * p, p));
            }
            Array.Clear(cumulative);
        }
        var l = new double[p];
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
                double r = weighted ? Math.Exp(eta[i]) : risk[i]; // exp(η), without the row's weight
                if (data.Event[i])
                    for (int j = 0; j < p; j++) l[j] = row[j] - average[j] - r * (row[j] * hazardDying - (cumulative[j] + dying[j]));
                else
                    for (int j = 0; j < p; j++) l[j] = -r * (row[j] * hazardAtRisk - (cumulative[j] + full[j]));
                if (through is not null && entryGroup![i] is int e and >= 0)
                {
                    // rᵢ(xᵢ H(e) − A(e)), H and A accrued through the last tie group at or before the row's entry.
                    double hazard = likelihood.HazardThrough(e);
                    var accrued = through.AsSpan(e * p, p);
                    for (int j = 0; j < p; j++) l[j] += r * (row[j] * hazard - accrued[j]);
                }
                sink.Add(i, l);
            }
            CoxMatrixAlgebra.AddScaled(cumulative, 1, full);
        }
    }

    /// <summary>
    /// Robust variance on the original scale. <paramref name="scaledVariance"/> is I⁻¹ on the scaled design;
    /// with D_s = L_s V_s the original-scale dfbeta is D_s·diag(scale). With clusters (or counting-process rows, a
    /// patient's intervals) each cluster's weighted residuals are summed, s_c = Σ_{i∈c} wᵢLᵢ (clusters × p), and the
    /// variance is Σ_c (s_c V S)ᵀ(s_c V S); with each row its own cluster that is S V (Σᵢ wᵢ² LᵢLᵢᵀ) V S, the p×p middle
    /// summed as the residuals come, so no n×p array is made (a million rows × 20 covariates: 160 MB twice, before).
    /// </summary>
    public static double[] RobustVariance(CoxRiskSets data, CoxPartialLikelihood likelihood, double[] scaledVariance, int[]? cluster)
    {
        int p = data.P;
        var robust = new double[p * p];
        if (cluster is null && !data.IsCountingProcess)
        {
            var outer = new Outer(p, data.Weight, squareWeights: true);
            Visit(data, likelihood, likelihood.Efron, ref outer);
            var middle = outer.Sum;
            CoxMatrixAlgebra.Symmetrise(middle, p);
            // V M V on the scaled design, then scaled to the original: robust[j,k] = s_j (V M V)[j,k] s_k.
            robust = CoxMatrixAlgebra.Sandwich(scaledVariance, middle, p);
            for (int j = 0; j < p; j++)
                for (int k = 0; k < p; k++) robust[j * p + k] *= data.Scale[j] * data.Scale[k];
            CoxMatrixAlgebra.Symmetrise(robust, p);
            return robust;
        }
        var summed = PerCluster(data, likelihood, cluster, out int clusters);
        var d = new double[p];
        for (int c = 0; c < clusters; c++)
        {
            var l = summed.AsSpan(c * p, p);
            Array.Clear(d);
            for (int i = 0; i < p; i++)
                if (l[i] != 0) CoxMatrixAlgebra.AddScaled(d, l[i], scaledVariance.AsSpan(i * p, p));
            for (int j = 0; j < p; j++) d[j] *= data.Scale[j];
            CoxMatrixAlgebra.AddOuterLower(robust, d, 1);
        }
        CoxMatrixAlgebra.Symmetrise(robust, p);
        return robust;
    }

    /// <summary>Each cluster's weighted residuals summed, Σ_{i∈c} wᵢLᵢ (clusters × p; clusters in order of first appearance).</summary>
    private static double[] PerCluster(CoxRiskSets data, CoxPartialLikelihood likelihood, int[]? cluster, out int clusters)
    {
        var groupOf = ClusterOfSortedRow(data, cluster, out clusters);
        var sums = new ClusterSums(new double[(long)clusters * data.P], data.P, groupOf, data.Weight);
        Visit(data, likelihood, likelihood.Efron, ref sums);
        return sums.Sums;
    }

    private struct ClusterSums(double[] sums, int p, int[] groupOf, double[]? weight) : ISink
    {
        public readonly double[] Sums = sums;
        public readonly void Add(int row, ReadOnlySpan<double> residual) =>
            CoxMatrixAlgebra.AddScaled(Sums.AsSpan(groupOf[row] * p, p), weight?[row] ?? 1, residual);
    }

    /// <summary>Σᵢ wᵢᵏ Lᵢ LᵢᵀΣ (lower triangle; k = 2 with <c>squareWeights</c>, else 1) and Σᵢ wᵢLᵢ, as the residuals come.</summary>
    private struct Outer(int p, double[]? weight, bool squareWeights) : ISink
    {
        public readonly double[] Sum = new double[p * p];
        public readonly double[] Total = new double[p];
        public readonly void Add(int row, ReadOnlySpan<double> residual)
        {
            double w = weight?[row] ?? 1;
            CoxMatrixAlgebra.AddScaled(Total, w, residual);
            CoxMatrixAlgebra.AddOuterLower(Sum, residual, squareWeights ? w * w : w);
        }
    }

    /// <summary>
    /// The robust score test (R's <c>rscore</c>) from the likelihood's current state, which must be β = 0: uᵀB⁻u
    /// with the weighted score residuals summed per cluster, s_c, on the original scale, u = Σ s_c, B = Σ s_c s_cᵀ,
    /// and the generalised inverse of <see cref="CoxMatrixAlgebra.QuadraticForm"/>. Also returns u and B (p×p).
    /// With each row its own cluster, u and B are summed as the residuals come (no n×p array).
    /// </summary>
    public static (double Statistic, double[] Score, double[] Meat) RobustScore(CoxRiskSets data, CoxPartialLikelihood likelihood,
        int[]? cluster, double choleskyTolerance)
    {
        int p = data.P;
        var score = new double[p];
        var meat = new double[p * p];
        if (cluster is null && !data.IsCountingProcess)
        {
            var outer = new Outer(p, data.Weight, squareWeights: true);
            Visit(data, likelihood, likelihood.Efron, ref outer);
            for (int j = 0; j < p; j++) score[j] = outer.Total[j] / data.Scale[j];
            for (int j = 0; j < p; j++)
                for (int k = 0; k <= j; k++) meat[j * p + k] = outer.Sum[j * p + k] / (data.Scale[j] * data.Scale[k]);
        }
        else
        {
            var perCluster = PerCluster(data, likelihood, cluster, out int clusters);
            for (int c = 0; c < clusters; c++)
            {
                var s = perCluster.AsSpan(c * p, p);
                for (int j = 0; j < p; j++) s[j] /= data.Scale[j];
                CoxMatrixAlgebra.AddScaled(score, 1, s);
                CoxMatrixAlgebra.AddOuterLower(meat, s, 1);
            }
        }
        CoxMatrixAlgebra.Symmetrise(meat, p);
        double statistic = CoxMatrixAlgebra.QuadraticForm(meat, p, score, choleskyTolerance).Statistic;
        return (statistic, score, meat);
    }

    /// <summary>Cluster index (0-based, in order of first appearance) of each sorted row; each row its own without clusters.</summary>
    private static int[] ClusterOfSortedRow(CoxRiskSets data, int[]? cluster, out int clusters)
    {
        if (cluster is not null) return ClusterCodes.ByFirstAppearance(cluster, data.Order, out clusters);
        clusters = data.N;
        return SurvivalOrder.Identity(data.N);
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
        int atRisk = 0;
        var exits = new RiskSetExits(data);
        for (int g = groups - 1; g >= 0; g--)
        {
            if (g == groups - 1 || data.GroupStratum[g] != data.GroupStratum[g + 1])
            {
                denominator = 0;
                Array.Clear(a);
                atRisk = 0;
            }
            RemoveExits(ref exits, g, risk, x, p, ref denominator, a, ref atRisk);
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
            atRisk += end - start;
        }
        return new CoxTieGroupSums(atRiskMean, dyingMean, averageMean, hazardVariance);
    }

    /// <summary>
    /// Counting-process data: takes the rows leaving before group g (<see cref="RiskSetExits"/>) out of the running sums
    /// Σr and Σr·x of a backward sweep over the sorted design <paramref name="x"/> (p columns), resetting them to exact
    /// zeros when nobody is left (R's agfit4 and agsurv). Right-censored data have no exits.
    /// </summary>
    internal static void RemoveExits(ref RiskSetExits exits, int g, double[] risk, double[] x, int p, ref double denominator, Span<double> a,
        ref int atRisk)
    {
        for (int k; (k = exits.Next(g)) >= 0;)
        {
            if (--atRisk == 0)
            {
                denominator = 0;
                a.Clear();
            }
            else
            {
                denominator -= risk[k];
                CoxMatrixAlgebra.AddScaled(a, -risk[k], x.AsSpan(k * p, p));
            }
        }
    }
}
