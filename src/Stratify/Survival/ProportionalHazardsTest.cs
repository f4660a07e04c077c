using Stratify.Statistics;

namespace Stratify.Survival;

/// <summary>One row of the proportional-hazards test: a term (all dummies of a factor together) or GLOBAL.</summary>
public sealed record ProportionalHazardsTerm(string Term, double Statistic, int DegreesOfFreedom, double PValue);

/// <summary>The per-term tests and the global test of <see cref="ProportionalHazardsTest.Compute"/>.</summary>
public sealed record ProportionalHazardsResult(IReadOnlyList<ProportionalHazardsTerm> Terms, ProportionalHazardsTerm Global);

/// <summary>
/// Test of proportional hazards as R's <c>cox.zph(fit)</c> in survival 3.x (Grambsch and Therneau 1994, in the
/// score-test form of Therneau's <c>zph1.c</c>): the model is extended with time-varying effects x·g(t), where
/// g(t) = 1 − KM(t−) (the "km" transform: the Kaplan–Meier estimate over all rows, ignoring strata, just before t),
/// centred on its mean over the event times. At the fitted β (the extra coefficients at 0) the score of the extra
/// block and the 2p×2p information are
/// <code>
/// U₁ = Σ_t g_t Σ_k (x_deaths − x̄_tk),   I = Σ_t Σ_k [[V_tk, g_t V_tk], [g_t V_tk, g_t² V_tk]],  V_tk = C_tk/D_tk − x̄_tk x̄_tkᵀ
/// </code>
/// (Efron or Breslow terms as in the fit). For a term with design columns J the statistic is uᵀ I_KK⁻¹ u with
/// K = (all p columns, J of the extra block) and u = (0, U₁_J), df = |J|; GLOBAL uses all 2p. Aliased columns are
/// left out, as R does. The information is assembled with the weighted-Gram identity of
/// <see cref="CoxPartialLikelihood"/> (three row weights: Σ h, Σ g h, Σ g² h).
/// </summary>
/// <example>
/// <code>
/// var ph = ProportionalHazardsTest.Compute(model);   // ph.Global.P as cox.zph(fit)$table["GLOBAL", "p"]
/// </code>
/// </example>
internal static class ProportionalHazardsTest
{
    public static ProportionalHazardsResult Compute(CoxModel model)
    {
        if (model.Weighted)
            throw new Data.StratifyInputException("the proportional-hazards test (cox.zph) is not available for a model with case weights",
                suggestion: "Check proportional hazards on the unweighted model, or in R with cox.zph on the weighted coxph fit.");
        var data = model.RiskSets;
        int fullP = data.P;
        var kept = Enumerable.Range(0, fullP).Where(j => !model.Coefficients[j].Aliased).ToArray();
        int p = kept.Length;
        var timeWeight = CentredKaplanMeierTransform(data);
        var (score, information) = ExtendedScore(data, model, kept, timeWeight);

        var terms = new List<ProportionalHazardsTerm>();
        var termNames = model.Design.TermNames;
        for (int t = 0; t < termNames.Length; t++)
        {
            var columns = Enumerable.Range(0, p).Where(a => model.Design.TermOfColumn[kept[a]] == t).ToArray();
            if (columns.Length == 0) continue;
            var rows = Enumerable.Range(0, p).Concat(columns.Select(a => a + p)).ToArray();
            double chi = Statistic(score, information, 2 * p, rows);
            terms.Add(new ProportionalHazardsTerm(termNames[t], chi, columns.Length, TailProbability.ChiSquarePValue(chi, columns.Length)));
        }
        double global = Statistic(score, information, 2 * p, Enumerable.Range(0, 2 * p).ToArray());
        return new ProportionalHazardsResult(terms, new ProportionalHazardsTerm("GLOBAL", global, p, TailProbability.ChiSquarePValue(global, p)));
    }

    /// <summary>uᵀ I⁻¹ u on the rows/columns <paramref name="rows"/> of the 2p-dimensional score and information.</summary>
    private static double Statistic(double[] score, double[] information, int size, int[] rows)
    {
        int m = rows.Length;
        var sub = new double[m * m];
        var u = new double[m];
        for (int a = 0; a < m; a++)
        {
            u[a] = score[rows[a]];
            for (int b = 0; b < m; b++) sub[a * m + b] = information[rows[a] * size + rows[b]];
        }
        return CoxMatrixAlgebra.QuadraticForm(sub, m, u, 1e-14).Statistic;
    }

    /// <summary>g per sorted row: 1 − KM(t−) over all rows, minus its mean over the events.</summary>
    private static double[] CentredKaplanMeierTransform(CoxRiskSets data)
    {
        int n = data.N;
        var byTime = new int[n];
        for (int i = 0; i < n; i++) byTime[i] = i;
        var keys = (double[])data.Time.Clone();
        Array.Sort(keys, byTime);
        var g = new double[n];
        double survival = 1;
        int at = 0;
        while (at < n)
        {
            int end = at;
            int deaths = 0;
            while (end < n && keys[end] == keys[at]) { if (data.Event[byTime[end]]) deaths++; end++; }
            for (int k = at; k < end; k++) g[byTime[k]] = 1 - survival;
            survival *= 1 - (double)deaths / (n - at);
            at = end;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) if (data.Event[i]) sum += g[i];
        double mean = sum / data.EventCount;
        for (int i = 0; i < n; i++) g[i] -= mean;
        return g;
    }

    private static (double[] Score, double[] Information) ExtendedScore(CoxRiskSets data, CoxModel model, int[] kept, double[] g)
    {
        int p = kept.Length, fullP = data.P, size = 2 * p;
        bool efron = model.Ties == CoxTies.Efron;
        var x = new double[(long)data.N * p];
        var risk = new double[data.N];
        for (int i = 0; i < data.N; i++)
        {
            var row = data.X.AsSpan(i * fullP, fullP);
            risk[i] = Math.Exp(CoxMatrixAlgebra.Dot(row, model.ScaledBeta));
            for (int c = 0; c < p; c++) x[(long)i * p + c] = row[kept[c]];
        }

        var score = new double[size];
        var meanProducts = new double[3][];
        for (int k = 0; k < 3; k++) meanProducts[k] = new double[p * p];
        var hazard = new double[data.GroupCount];
        var eventHazard = new double[data.GroupCount];
        var a = new double[p];
        var deathX = new double[p];
        var mean = new double[p];
        double denominator = 0;
        for (int grp = data.GroupCount - 1; grp >= 0; grp--)
        {
            if (grp == data.GroupCount - 1 || data.GroupStratum[grp] != data.GroupStratum[grp + 1]) { denominator = 0; Array.Clear(a); }
            int start = data.GroupStart[grp], end = data.GroupStart[grp + 1], deaths = data.GroupDeaths[grp];
            double deathRisk = 0, gt = g[start];
            Array.Clear(deathX);
            for (int i = start; i < end; i++)
            {
                var row = x.AsSpan(i * p, p);
                if (data.Event[i])
                {
                    deathRisk += risk[i];
                    CoxMatrixAlgebra.AddScaled(deathX, risk[i], row);
                    CoxMatrixAlgebra.AddScaled(score.AsSpan(p, p), gt, row);
                }
                else { denominator += risk[i]; CoxMatrixAlgebra.AddScaled(a, risk[i], row); }
            }
            if (deaths > 0)
            {
                int terms = efron ? deaths : 1;
                double weight = efron ? 1 : deaths;
                for (int k = 0; k < terms; k++)
                {
                    double share = efron ? (double)(deaths - k) / deaths : 1;
                    double d = denominator + share * deathRisk;
                    for (int j = 0; j < p; j++) mean[j] = (a[j] + share * deathX[j]) / d;
                    CoxMatrixAlgebra.AddScaled(score.AsSpan(p, p), -gt * weight, mean);
                    CoxMatrixAlgebra.AddOuterLower(meanProducts[0], mean, weight);
                    CoxMatrixAlgebra.AddOuterLower(meanProducts[1], mean, weight * gt);
                    CoxMatrixAlgebra.AddOuterLower(meanProducts[2], mean, weight * gt * gt);
                    hazard[grp] += weight / d;
                    eventHazard[grp] += weight * share / d;
                }
            }
            denominator += deathRisk;
            CoxMatrixAlgebra.AddScaled(a, 1, deathX);
        }

        // Row weights r·(Σ_{earlier} h + h_own) with time weights 1, g, g², then three weighted Gram matrices.
        var rowWeights = new double[3][];
        for (int k = 0; k < 3; k++) rowWeights[k] = new double[data.N];
        double h0 = 0, h1 = 0, h2 = 0;
        for (int grp = 0; grp < data.GroupCount; grp++)
        {
            if (grp > 0 && data.GroupStratum[grp] != data.GroupStratum[grp - 1]) h0 = h1 = h2 = 0;
            int start = data.GroupStart[grp];
            double gt = g[start];
            for (int i = start; i < data.GroupStart[grp + 1]; i++)
            {
                double h = data.Event[i] ? eventHazard[grp] : hazard[grp];
                rowWeights[0][i] = risk[i] * (h0 + h);
                rowWeights[1][i] = risk[i] * (h1 + gt * h);
                rowWeights[2][i] = risk[i] * (h2 + gt * gt * h);
            }
            h0 += hazard[grp];
            h1 += gt * hazard[grp];
            h2 += gt * gt * hazard[grp];
        }
        var grams = new double[3][];
        for (int k = 0; k < 3; k++) grams[k] = new double[p * p];
        Parallel.For(0, 3, k => CoxMatrixAlgebra.AddWeightedGramLower(grams[k], x, rowWeights[k], p));

        var information = new double[size * size];
        for (int k = 0; k < 3; k++)
        {
            CoxMatrixAlgebra.AddScaled(grams[k], -1, meanProducts[k]);
            CoxMatrixAlgebra.Symmetrise(grams[k], p);
        }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
            {
                information[i * size + j] = grams[0][i * p + j];
                information[i * size + p + j] = grams[1][i * p + j];
                information[(p + i) * size + j] = grams[1][i * p + j];
                information[(p + i) * size + p + j] = grams[2][i * p + j];
            }
        return (score, information);
    }
}
