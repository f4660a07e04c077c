using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// A survival curve predicted by a Cox model for one stratum: at each distinct time of the stratum (event or
/// censoring), the number at risk, events, censorings and S(t).
/// </summary>
/// <remarks><see cref="StandardError"/> is the standard error of the cumulative hazard (R's <c>std.err</c>); the limits are
/// log-type, S·exp(∓z·se) with z = Φ⁻¹((1 + level)/2) at the model's <see cref="CoxModel.ConfidenceLevel"/> (1.96 at 0.95),
/// the upper one capped at 1 (R's default <c>conf.type = "log"</c>).</remarks>
public sealed record CoxSurvivalCurve(int Stratum, double[] Time, int[] AtRisk, int[] Events, int[] Censored, double[] Survival,
    double[] StandardError, double[] Lower, double[] Upper);

/// <summary>
/// Survival curves from a fitted Cox model, as R's <c>survfit.coxph</c> (survival 3.5) computes them:
/// S(t | z) = exp(−Λ₀(t)·exp((z − m)·β)) with m the model's centres (<see cref="CoxModel.Means"/>) and the baseline
/// cumulative hazard Λ₀(t) = Σ_{event times u ≤ t} Σ_{k<d_u} 1/D_uk: the Breslow (Nelson–Aalen type) estimator for
/// Breslow ties and its Efron-corrected form for Efron ties (R's default <c>ctype</c> follows the ties), D_uk the
/// risk-set sums of exp((x − m)·β). Variance of the cumulative hazard r·Λ₀(t), r = exp((z − m)·β), as R's
/// <c>agsurv</c>/<c>coxsurv.fit</c> (Tsiatis 1981; Efron-weighted for Efron ties):
/// <code>
/// Var = r²·( Σ_{u ≤ t} Σ_k 1/D_uk²  +  q(t)ᵀ V q(t) ),   q(t) = Σ_{u ≤ t} Σ_k x̄_uk/D_uk − (z − m)·Λ₀(t)
/// </code>
/// with V the model's coefficient variance (robust when the fit is robust, as R uses <c>fit$var</c>).
/// With case weights (R's <c>agsurv</c>) the sums D are of w·exp(η), each event time's increments are weighted by the
/// summed death weight (Breslow) or the mean death weight per Efron term; the numbers at risk, events and censorings
/// of the curve stay head counts. Counting-process fits (R's <c>agsurv</c>): the sums D run over the rows with
/// entry &lt; t ≤ stop, and so does the number at risk.
/// </summary>
internal static class CoxSurvivalPrediction
{
    public static IReadOnlyList<CoxSurvivalCurve> Baseline(CoxModel model) => Curves(model, new double[model.Means.Length]);

    public static IReadOnlyList<CoxSurvivalCurve> ForProfile(CoxModel model, ReadOnlySpan<double> profile)
    {
        int p = model.Means.Length;
        if (profile.Length != p)
            throw new Stratify.Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"a covariate profile needs {p} design values ({string.Join(", ", model.Design.ColumnNames)}) but has {profile.Length}"));
        var centred = new double[p];
        for (int j = 0; j < p; j++) centred[j] = profile[j] - model.Means[j];
        return Curves(model, centred);
    }

    /// <param name="centred">The profile minus the model's centres, z − m, on the original scale.</param>
    private static IReadOnlyList<CoxSurvivalCurve> Curves(CoxModel model, double[] centred)
    {
        var data = model.RiskSets;
        int p = data.P;
        double eta = 0;
        for (int j = 0; j < p; j++)
        {
            double b = model.Coefficients[j].Coefficient;
            if (!double.IsNaN(b)) eta += centred[j] * b;
        }
        double relativeRisk = Math.Exp(eta);
        var risk = new double[data.N];
        for (int i = 0; i < data.N; i++) risk[i] = Math.Exp(CoxMatrixAlgebra.Dot(data.X.AsSpan(i * p, p), model.ScaledBeta));
        if (data.Weight is { } weight) for (int i = 0; i < data.N; i++) risk[i] *= weight[i]; // risk sets of w·exp(η)
        var sums = CoxTieGroupSums.Compute(data, risk, model.Ties == CoxTies.Efron);
        var variance = model.Variance;
        var hazard = model.GroupHazard;
        double critical = Statistics.TailProbability.NormalCriticalValue(model.ConfidenceLevel);
        var curves = new List<CoxSurvivalCurve>();
        var meanHazard = new double[p];
        var q = new double[p];
        var atRiskCounts = data.AtRiskCounts();
        int g = 0;
        while (g < data.GroupCount)
        {
            int stratum = data.GroupStratum[g];
            int last = g;
            while (last < data.GroupCount && data.GroupStratum[last] == stratum) last++;
            int count = last - g;
            var time = new double[count];
            var atRisk = new int[count];
            var events = new int[count];
            var censored = new int[count];
            var survival = new double[count];
            var stdErr = new double[count];
            var lower = new double[count];
            var upper = new double[count];
            double cumulative = 0, hazardVariance = 0;
            Array.Clear(meanHazard);
            for (int k = 0; k < count; k++)
            {
                int group = g + k;
                int size = data.GroupStart[group + 1] - data.GroupStart[group];
                time[k] = data.Time[data.GroupStart[group]];
                atRisk[k] = atRiskCounts[group];
                events[k] = data.GroupDeaths[group];
                censored[k] = size - events[k];
                cumulative += hazard[group];
                hazardVariance += sums.HazardVariance[group];
                CoxMatrixAlgebra.AddScaled(meanHazard, 1, sums.AtRiskMean.AsSpan(group * p, p));
                for (int j = 0; j < p; j++) q[j] = meanHazard[j] / data.Scale[j] - centred[j] * cumulative;
                double quadratic = 0;
                for (int i = 0; i < p; i++) quadratic += q[i] * CoxMatrixAlgebra.Dot(variance.AsSpan(i * p, p), q);
                survival[k] = Math.Exp(-cumulative * relativeRisk);
                stdErr[k] = relativeRisk * Math.Sqrt(hazardVariance + quadratic);
                lower[k] = survival[k] * Math.Exp(-critical * stdErr[k]);
                upper[k] = Math.Min(1, survival[k] * Math.Exp(critical * stdErr[k]));
            }
            curves.Add(new CoxSurvivalCurve(data.StratumLabels[stratum], time, atRisk, events, censored, survival, stdErr, lower, upper));
            g = last;
        }
        return curves;
    }
}
