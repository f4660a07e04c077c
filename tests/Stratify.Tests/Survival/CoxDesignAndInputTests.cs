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

/// <summary>Covariate profiles given as values per term become design rows for survival prediction.</summary>
public class CoxProfileTests
{
    private static DesignMatrix Veteran() => DesignMatrix.Build(new CovariateTerm[]
    {
        CovariateTerm.Numeric("karno", [60, 70, 80, 90]),
        CovariateTerm.Categorical("celltype", [0, 1, 2, 3], ["adeno", "large", "smallcell", "squamous"]),
    });

    [Fact]
    public void Profile_sets_the_dummy_of_its_level_and_the_numeric_value()
    {
        var row = Veteran().ProfileRow(new Dictionary<string, string> { ["karno"] = "50", ["celltype"] = "smallcell" });
        Assert.Equal(new double[] { 50, 0, 1, 0 }, row);
    }

    [Fact]
    public void Reference_level_profile_has_all_dummies_zero()
    {
        var row = Veteran().ProfileRow(new Dictionary<string, string> { ["karno"] = "50", ["celltype"] = "adeno" });
        Assert.Equal(new double[] { 50, 0, 0, 0 }, row);
    }

    [Fact]
    public void Unknown_level_in_a_profile_is_refused_with_a_suggestion()
    {
        var e = Assert.Throws<StratifyInputException>(() =>
            Veteran().ProfileRow(new Dictionary<string, string> { ["karno"] = "50", ["celltype"] = "smallcel" }));
        Assert.Contains("Did you mean 'smallcell'?", e.Message);
    }

    [Fact]
    public void Profile_survival_matches_survfit_newdata_for_veteran()
    {
        // R: survfit(coxph(Surv(time, status) ~ trt + celltype + karno, veteran), newdata = data.frame(trt = 2,
        // celltype = "smallcell", karno = 50)) — the "predicted" curve of cox_reference.json.
        var reference = CoxReferenceCase.Load("veteran");
        var model = reference.Fit();
        var row = model.Design.ProfileRow(new Dictionary<string, string> { ["trt"] = "2", ["celltype"] = "smallcell", ["karno"] = "50" });
        var expected = CoxReferenceCase.Numbers(reference.R.GetProperty("predicted").GetProperty("surv"));
        CoxAssert.Close(expected, model.PredictSurvival(row)[0].Survival, 1e-13, "surv"); // measured 1.3e-14
    }
}
