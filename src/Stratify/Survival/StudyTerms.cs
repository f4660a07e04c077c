using Stratify.Data;

namespace Stratify.Survival;

/// <summary>
/// Turns a bound study's covariates into regression terms: a numeric covariate as itself; a categorical one as
/// treatment-coded dummies against its reference level (R's default contrasts); an ordinal one as its rank score
/// 0, 1, 2, … in the declared level order (a linear trend across levels, the usual clinical reading of ECOG or
/// grade; R's polynomial contrasts for ordered factors are not used because their coefficients are hard to read).
/// </summary>
public static class StudyTerms
{
    public static CovariateTerm From(BoundCovariate covariate) => covariate.Kind switch
    {
        CovariateKind.Numeric => CovariateTerm.Numeric(covariate.Name, covariate.Values!),
        CovariateKind.Categorical => From(covariate.Factor!),
        _ => CovariateTerm.Numeric(covariate.Name, Ranks(covariate.Factor!)),
    };

    /// <summary>A factor (treatment, subgroup) as a categorical term against its reference level.</summary>
    public static CovariateTerm From(Factor factor) =>
        CovariateTerm.Categorical(factor.Name, factor.Codes, factor.Levels, factor.Levels[factor.Reference]);

    private static double[] Ranks(Factor factor)
    {
        var ranks = new double[factor.Codes.Length];
        for (int i = 0; i < ranks.Length; i++) ranks[i] = factor.Codes[i];
        return ranks;
    }

    /// <summary>The same term on a subset of rows (indices into the term's rows).</summary>
    public static CovariateTerm Restrict(CovariateTerm term, int[] rows)
    {
        return term switch
        {
            NumericTerm n => CovariateTerm.Numeric(n.Name, RowSelection.Pick(n.Values, rows)),
            CategoricalTerm c => CovariateTerm.Categorical(c.Name, RowSelection.Pick(c.Codes, rows), c.Levels, c.Reference),
            _ => throw new ArgumentException($"unknown term type {term.GetType().Name}"),
        };
    }

    /// <summary>The design matrix of the study's covariates.</summary>
    public static DesignMatrix Design(BoundStudy study) => DesignMatrix.Build(study.Covariates.Select(From).ToArray());
}

/// <summary>Bound covariates as survival-tree split candidates.</summary>
public static class StudyTreeFeatures
{
    /// <summary>
    /// Numeric covariates split on thresholds; categorical ones on groups of levels; ordinal ones on thresholds
    /// of their level values when every level is a number (ECOG 0–3), else of their ranks.
    /// </summary>
    public static SurvivalTreeFeature From(BoundCovariate covariate)
    {
        switch (covariate.Kind)
        {
            case CovariateKind.Numeric:
                return SurvivalTreeFeature.Numeric(covariate.Name, covariate.Values!);
            case CovariateKind.Categorical:
                return SurvivalTreeFeature.Categorical(covariate.Name, covariate.Factor!.Codes, covariate.Factor.Levels);
            default:
                var factor = covariate.Factor!;
                var levelValues = OrdinalLevelValues(factor);
                var values = new double[factor.Codes.Length];
                for (int i = 0; i < values.Length; i++) values[i] = levelValues[factor.Codes[i]];
                return SurvivalTreeFeature.Numeric(covariate.Name, values);
        }
    }

    /// <summary>The value a tree compares for each level of an ordinal factor: its number when every level is one (ECOG 0–3), else its rank 0, 1, 2, ….</summary>
    public static double[] OrdinalLevelValues(Factor factor)
    {
        var values = new double[factor.LevelCount];
        bool numeric = true;
        for (int l = 0; l < values.Length; l++)
            numeric &= double.TryParse(factor.Levels[l], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[l]);
        if (!numeric) for (int l = 0; l < values.Length; l++) values[l] = l;
        return values;
    }
}
