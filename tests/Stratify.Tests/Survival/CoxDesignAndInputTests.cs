using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>Treatment coding of the design matrix and the errors a caller gets for bad input.</summary>
public class CoxDesignAndInputTests
{
    [Fact]
    public void Categorical_term_gets_one_dummy_per_non_reference_level_named_column_equals_level()
    {
        var x = DesignMatrix.Build(new CovariateTerm[]
        {
            CovariateTerm.Numeric("age", [50, 60, 70]),
            CovariateTerm.Categorical("rx", [0, 1, 2], ["Obs", "Lev", "Lev+5FU"]),
        });
        // Default reference: first level in sorted order ("Lev"), as R's factor(); dummies in sorted level order.
        Assert.Equal(new[] { "age", "rx=Lev+5FU", "rx=Obs" }, x.ColumnNames);
        Assert.Equal(new double[] { 50, 0, 1, 60, 0, 0, 70, 1, 0 }, x.Values);
        Assert.Equal(new[] { 0, 1, 1 }, x.TermOfColumn);
    }

    [Fact]
    public void Chosen_reference_level_has_no_dummy()
    {
        var x = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Categorical("rx", [0, 1, 2], ["Obs", "Lev", "Lev+5FU"], "Obs") });
        Assert.Equal(new[] { "rx=Lev", "rx=Lev+5FU" }, x.ColumnNames);
    }

    [Fact]
    public void Unknown_reference_level_is_refused_with_a_suggestion()
    {
        var e = Assert.Throws<StratifyInputException>(() =>
            DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Categorical("rx", [0, 1], ["Obs", "Lev"], "obs") }));
        Assert.Contains("rx", e.Message);
        Assert.Contains("Did you mean 'Obs'?", e.Message);
    }

    [Fact]
    public void Covariates_of_different_lengths_are_refused()
    {
        var e = Assert.Throws<StratifyInputException>(() =>
            DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("age", [1, 2]), CovariateTerm.Numeric("sex", [1]) }));
        Assert.Equal("sex", e.Column);
    }

    [Fact]
    public void Missing_covariate_value_is_refused_with_its_row()
    {
        var e = Assert.Throws<StratifyInputException>(() => DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("age", [1, double.NaN]) }));
        Assert.Equal(2, e.Row);
    }

    [Fact]
    public void Negative_time_is_refused_with_its_row()
    {
        var x = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("age", [1, 2, 3]) });
        var e = Assert.Throws<StratifyInputException>(() => CoxProportionalHazards.Fit([1, -2, 3], [true, false, true], x));
        Assert.Equal(2, e.Row);
    }

    [Fact]
    public void Data_without_events_is_refused()
    {
        var x = DesignMatrix.Build(new CovariateTerm[] { CovariateTerm.Numeric("age", [1, 2, 3]) });
        Assert.Throws<StratifyInputException>(() => CoxProportionalHazards.Fit([1, 2, 3], [false, false, false], x));
    }

    [Fact]
    public void Monotone_likelihood_converges_with_a_warning_naming_the_variable()
    {
        // R: coxph(Surv(time, status) ~ flag + age, cox_monotone.csv) warns
        // "Loglik converged before variable  1 ; coefficient may be infinite."
        var model = CoxReferenceCase.Load("monotone").Fit();
        Assert.True(model.Converged);
        Assert.Contains(model.Warnings, w => w.Contains("variable 1 (flag)") && w.Contains("may be infinite"));
    }
}
