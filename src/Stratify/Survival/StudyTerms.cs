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

    /// <summary>The design matrix of the study's covariates.</summary>
    public static DesignMatrix Design(BoundStudy study) => DesignMatrix.Build(study.Covariates.Select(From).ToArray());
}
