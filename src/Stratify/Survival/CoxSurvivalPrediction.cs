namespace Stratify.Survival;

/// <summary>
/// A survival curve predicted by a Cox model for one stratum: at each distinct time of the stratum (event or
/// censoring), the number at risk, events, censorings and S(t).
/// </summary>
public sealed record CoxSurvivalCurve(int Stratum, double[] Time, int[] AtRisk, int[] Events, int[] Censored, double[] Survival);

/// <summary>
/// Survival curves from a fitted Cox model, as R's <c>survfit.coxph</c> (survival 3.5) computes them:
/// S(t | z) = exp(−Λ₀(t)·exp((z − m)·β)) with m the model's centres (<see cref="CoxModel.Means"/>) and the baseline
/// cumulative hazard Λ₀(t) = Σ_{event times u ≤ t} Σ_{k<d_u} 1/D_uk: the Breslow (Nelson–Aalen type) estimator for
/// Breslow ties and its Efron-corrected form for Efron ties (R's default <c>ctype</c> follows the ties), D_uk the
/// risk-set sums of exp((x − m)·β). Standard errors of the curve are not computed.
/// </summary>
internal static class CoxSurvivalPrediction
{
    public static IReadOnlyList<CoxSurvivalCurve> Baseline(CoxModel model) => Curves(model, 1.0);

    public static IReadOnlyList<CoxSurvivalCurve> ForProfile(CoxModel model, ReadOnlySpan<double> profile)
    {
        int p = model.Means.Length;
        if (profile.Length != p)
            throw new Stratify.Data.StratifyInputException($"a covariate profile needs {p} design values ({string.Join(", ", model.Design.ColumnNames)}) but has {profile.Length}");
        double eta = 0;
        for (int j = 0; j < p; j++)
        {
            double b = model.Coefficients[j].Coefficient;
            if (!double.IsNaN(b)) eta += (profile[j] - model.Means[j]) * b;
        }
        return Curves(model, Math.Exp(eta));
    }

    private static IReadOnlyList<CoxSurvivalCurve> Curves(CoxModel model, double relativeRisk)
    {
        var data = model.RiskSets;
        var hazard = model.GroupHazard;
        var curves = new List<CoxSurvivalCurve>();
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
            int stratumEnd = data.GroupStart[last];
            double cumulative = 0;
            for (int k = 0; k < count; k++)
            {
                int group = g + k;
                int size = data.GroupStart[group + 1] - data.GroupStart[group];
                time[k] = data.Time[data.GroupStart[group]];
                atRisk[k] = stratumEnd - data.GroupStart[group];
                events[k] = data.GroupDeaths[group];
                censored[k] = size - events[k];
                cumulative += hazard[group];
                survival[k] = Math.Exp(-cumulative * relativeRisk);
            }
            curves.Add(new CoxSurvivalCurve(data.StratumLabels[stratum], time, atRisk, events, censored, survival));
            g = last;
        }
        return curves;
    }
}
