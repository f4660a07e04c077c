using Stratify.Data;
using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// Turns a bound study's covariates into regression terms: a numeric covariate as itself; a categorical one as
/// treatment-coded dummies against its reference level (R's default contrasts); an ordinal one as its rank score
/// 0, 1, 2, … in the declared level order (a linear trend across levels, the usual clinical reading of ECOG or
/// grade; R's polynomial contrasts for ordered factors are not used because their coefficients are hard to read).
/// </summary>
internal static class StudyTerms
{
    /// <summary>
    /// The most levels of one categorical covariate: each becomes a model term, and a Newton step costs n·p² (999
    /// dummies on 20,000 patients took about a minute). A column with more levels is an identifier or a measurement.
    /// </summary>
    public const int MaxCategoricalLevels = 100;

    public static CovariateTerm From(BoundCovariate covariate)
    {
        if (covariate.Kind == CovariateKind.Categorical && covariate.Factor!.LevelCount > MaxCategoricalLevels)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"{covariate.Factor.LevelCount:N0} levels would make as many model terms; a categorical covariate has at most {MaxCategoricalLevels}"),
                column: covariate.Name, suggestion: "A column with that many levels is usually an identifier or a measurement: group it into fewer categories, or use it as numeric.");
        return covariate.Kind switch
        {
            CovariateKind.Numeric => CovariateTerm.Numeric(covariate.Name, covariate.Values!),
            CovariateKind.Categorical => From(covariate.Factor!),
            _ => CovariateTerm.Numeric(covariate.Name, Ranks(covariate.Factor!)),
        };
    }

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
internal static class StudyTreeFeatures
{
    /// <summary>
    /// Numeric covariates split on thresholds; categorical ones on groups of levels; ordinal ones on thresholds
    /// of their level values when every level is a number (ECOG 0–3), else of their ranks.
    /// </summary>
    public static SurvivalTreeFeature From(BoundCovariate covariate) => covariate.Kind switch
    {
        CovariateKind.Numeric => SurvivalTreeFeature.Numeric(covariate.Name, covariate.Values!),
        CovariateKind.Categorical => SurvivalTreeFeature.Categorical(covariate.Name, covariate.Factor!.Codes, covariate.Factor.Levels),
        _ => SurvivalTreeFeature.Ordinal(covariate.Name, covariate.Factor!.Codes, covariate.Factor.Levels),
    };
}
