using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;

namespace Stratify.Tests.Fitters;

/// <summary>
/// The fitters' boundary: a Cohort, a DataFrame and an IDataView of the same data give identical fits; Predict on the
/// training rows gives the training labels, and on a subset of them the same labels (the training scaling, not the
/// subset's); bad input is refused with a <see cref="StratifyInputException"/> naming column, row and value.
/// </summary>
public class FitterInputTests
{
    private static readonly Lazy<Cohort> Gbsg = new(() => CsvCohortReader.Read(RepoPaths.Dataset("gbsg.csv")));
    private static readonly Lazy<Cohort> Lung = new(() => CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")));
    private static readonly Lazy<Cohort> Veteran = new(() => CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv")));
    private static readonly string[] LungFeatures = ["age", "sex", "ph.ecog", "wt.loss", "meal.cal"];

    /// <summary>The same fit from the three inputs: (Cohort, DataFrame, IDataView) → its Summary().</summary>
    private static void AssertSameFromEveryInput(Cohort cohort, Func<Cohort, DataFrame> fromCohort, Func<DataFrame, DataFrame> fromFrame,
        Func<IDataView, DataFrame> fromView)
    {
        var frame = cohort.ToDataFrame();
        var expected = fromCohort(cohort);
        AssertFramesEqual(expected, fromFrame(frame));
        AssertFramesEqual(expected, fromView(frame));
    }

    private static void AssertFramesEqual(DataFrame expected, DataFrame actual)
    {
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        Assert.True(expected.Rows.Count > 0);
        for (int j = 0; j < expected.Columns.Count; j++)
            for (long i = 0; i < expected.Rows.Count; i++)
                Assert.Equal(expected.Columns[j][i], actual.Columns[j][i]);
    }

    [Fact]
    public void KaplanMeier_from_a_cohort_a_DataFrame_and_an_IDataView_is_identical() =>
        AssertSameFromEveryInput(Lung.Value,
            c => new KaplanMeier().Fit(c, "time", "status", group: "sex").Summary(),
            f => new KaplanMeier().Fit(f, "time", "status", group: "sex").Summary(),
            v => new KaplanMeier().Fit(v, "time", "status", group: "sex").Summary());

    [Fact]
    public void LogRank_from_a_cohort_a_DataFrame_and_an_IDataView_is_identical() =>
        AssertSameFromEveryInput(Lung.Value,
            c => new LogRank().Fit(c, "time", "status", "ph.ecog").Summary(),
            f => new LogRank().Fit(f, "time", "status", "ph.ecog").Summary(),
            v => new LogRank().Fit(v, "time", "status", "ph.ecog").Summary());

    [Fact]
    public void CoxPH_from_a_cohort_a_DataFrame_and_an_IDataView_is_identical() =>
        AssertSameFromEveryInput(Veteran.Value,
            c => new CoxPH().Fit(c, "time", "status", ["karno", "age", "celltype"], strata: ["trt"]).Summary(),
            f => new CoxPH().Fit(f, "time", "status", ["karno", "age", "celltype"], strata: ["trt"]).Summary(),
            v => new CoxPH().Fit(v, "time", "status", ["karno", "age", "celltype"], strata: ["trt"]).Summary());

    [Fact]
    public void KMedoids_from_a_cohort_a_DataFrame_and_an_IDataView_is_identical() =>
        AssertSameFromEveryInput(Lung.Value,
            c => new KMedoids(new KMedoidsOptions { K = 3 }).Fit(c, LungFeatures, categorical: ["sex"]).Summary(),
            f => new KMedoids(new KMedoidsOptions { K = 3 }).Fit(f, LungFeatures, categorical: ["sex"]).Summary(),
            v => new KMedoids(new KMedoidsOptions { K = 3 }).Fit(v, LungFeatures, categorical: ["sex"]).Summary());

    [Fact]
    public void KMeans_GaussianMixture_and_SurvivalTree_from_every_input_are_identical()
    {
        string[] features = ["age", "size", "nodes", "pgr", "er", "meno"];
        AssertSameFromEveryInput(Gbsg.Value,
            c => new KMeans(new KMeansOptions { K = 3 }).Fit(c, features, categorical: ["meno"]).Summary(),
            f => new KMeans(new KMeansOptions { K = 3 }).Fit(f, features, categorical: ["meno"]).Summary(),
            v => new KMeans(new KMeansOptions { K = 3 }).Fit(v, features, categorical: ["meno"]).Summary());
        AssertSameFromEveryInput(Gbsg.Value,
            c => new GaussianMixture(new GaussianMixtureOptions { K = 2 }).Fit(c, features).Summary(),
            f => new GaussianMixture(new GaussianMixtureOptions { K = 2 }).Fit(f, features).Summary(),
            v => new GaussianMixture(new GaussianMixtureOptions { K = 2 }).Fit(v, features).Summary());
        AssertSameFromEveryInput(Veteran.Value,
            c => new SurvivalTree(new SurvivalTreeOptions { MinNodeSize = 15 }).Fit(c, "time", "status", ["karno", "age", "celltype"]).Summary(),
            f => new SurvivalTree(new SurvivalTreeOptions { MinNodeSize = 15 }).Fit(f, "time", "status", ["karno", "age", "celltype"]).Summary(),
            v => new SurvivalTree(new SurvivalTreeOptions { MinNodeSize = 15 }).Fit(v, "time", "status", ["karno", "age", "celltype"]).Summary());
    }

    [Fact]
    public void KMedoids_predicts_the_training_labels_on_the_training_rows_and_on_a_subset_of_them()
    {
        // lung has missing values in ph.ecog, wt.loss and meal.cal: Gower leaves the feature out of that pair.
        var fit = new KMedoids(new KMedoidsOptions { K = 4 }).Fit(Lung.Value, LungFeatures, categorical: ["sex"], ordinal: ["ph.ecog"]);
        Assert.Equal(fit.Labels, fit.Predict(Lung.Value));
        var tail = Enumerable.Range(150, Lung.Value.RowCount - 150).ToArray();
        Assert.Equal(tail.Select(i => fit.Labels[i]), fit.Predict(Lung.Value.SelectRows(tail)));
    }

    [Fact]
    public void KMeans_predicts_the_training_labels_on_the_training_rows_and_on_a_subset_of_them()
    {
        var fit = new KMeans(new KMeansOptions { K = 4 }).Fit(Gbsg.Value, ["age", "size", "nodes", "pgr", "er", "grade"], ordinal: ["grade"]);
        Assert.Equal(fit.Labels, fit.Predict(Gbsg.Value.ToDataFrame()));
        var head = Enumerable.Range(0, 40).ToArray();
        Assert.Equal(head.Select(i => fit.Labels[i]), fit.Predict(Gbsg.Value.SelectRows(head)));
    }

    [Fact]
    public void GaussianMixture_predicts_the_training_labels_on_the_training_rows_and_on_a_subset_of_them()
    {
        var fit = new GaussianMixture(new GaussianMixtureOptions { K = 3 }).Fit(Gbsg.Value, ["age", "size", "nodes", "meno"], categorical: ["meno"]);
        Assert.Equal(fit.Labels, fit.Predict(Gbsg.Value));
        var rows = Enumerable.Range(0, Gbsg.Value.RowCount).Where(i => i % 7 == 0).ToArray();
        Assert.Equal(rows.Select(i => fit.Labels[i]), fit.Predict(Gbsg.Value.SelectRows(rows)));
    }

    [Fact]
    public void SurvivalTree_predicts_the_leaf_of_every_analysed_row()
    {
        var fit = new SurvivalTree(new SurvivalTreeOptions { MinNodeSize = 15 }).Fit(Veteran.Value, "time", "status", ["karno", "age", "celltype"]);
        Assert.True(fit.Leaves.Count > 1);
        Assert.Equal(fit.Labels, fit.Predict(Veteran.Value.SelectRows(fit.Rows.ToArray())));
    }

    [Fact]
    public void Fitted_models_expose_no_writable_array()
    {
        // Every public property of a fitted model is a scalar, a string, an immutable record or a read-only list.
        Type[] models = [typeof(KaplanMeierFit), typeof(SurvivalCurve), typeof(LogRankFit), typeof(CoxPHFit), typeof(KMedoidsFit), typeof(KMeansFit),
            typeof(GaussianMixtureFit), typeof(SurvivalTreeFit), typeof(SurvivalTreeLeaf)];
        var writable = models.SelectMany(t => t.GetProperties().Where(p => p.PropertyType.IsArray || p.CanWrite && p.SetMethod!.IsPublic
            && !p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)))
            .Select(p => $"{t.Name}.{p.Name}")).ToArray();
        Assert.Empty(writable);
        var list = new KMeans(new KMeansOptions { K = 2 }).Fit(Gbsg.Value, ["age", "size"]).Labels;
        Assert.Throws<NotSupportedException>(() => ((IList<int>)list)[0] = 1);
    }

    [Fact]
    public void A_missing_column_is_refused_with_its_name_and_the_closest_one()
    {
        var e = Assert.Throws<StratifyInputException>(() => new CoxPH().Fit(Gbsg.Value.ToDataFrame(), "rfstime", "status", ["age", "nodez"]));
        Assert.Equal("nodez", e.Column);
        Assert.Contains("nodes", e.Suggestion);
    }

    [Fact]
    public void A_text_time_column_is_refused_naming_column_row_and_value()
    {
        var frame = new DataFrame(new StringDataFrameColumn("time", ["12", "30", "long"]), new Int32DataFrameColumn("status", [1, 0, 1]));
        var e = Assert.Throws<StratifyInputException>(() => new KaplanMeier().Fit(frame, "time", "status"));
        Assert.Equal("time", e.Column);
        Assert.Equal(1, e.Row);
        Assert.Equal("12", e.Value);
        Assert.Contains("must be numeric", e.Problem);
    }

    [Fact]
    public void A_NaN_time_in_a_DataFrame_is_refused_naming_its_row()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("time", [12.0, double.NaN, 40.0]), new Int32DataFrameColumn("status", [1, 0, 1]),
            new DoubleDataFrameColumn("age", [50.0, 60.0, 70.0]));
        var e = Assert.Throws<StratifyInputException>(() => new CoxPH().Fit(frame, "time", "status", ["age"]));
        Assert.Equal("time", e.Column);
        Assert.Equal(2, e.Row);
        Assert.Equal("NaN", e.Value);
    }

    [Fact]
    public void A_NaN_feature_value_is_refused_naming_column_row_and_value()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("age", [50.0, 61.0, double.NaN, 44.0]), new DoubleDataFrameColumn("size", [10.0, 20.0, 30.0, 5.0]));
        var e = Assert.Throws<StratifyInputException>(() => new KMedoids(new KMedoidsOptions { K = 2 }).Fit(frame, ["age", "size"]));
        Assert.Equal(("age", 3L, "NaN"), (e.Column, e.Row!.Value, e.Value));
    }

    [Fact]
    public void A_missing_feature_value_is_refused_by_k_means_naming_its_row()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("age", [50.0, 61.0, null, 44.0]), new DoubleDataFrameColumn("size", [10.0, 20.0, 30.0, 5.0]));
        var e = Assert.Throws<StratifyInputException>(() => new KMeans(new KMeansOptions { K = 2 }).Fit(frame, ["age", "size"]));
        Assert.Equal(("age", 3L), (e.Column, e.Row!.Value));
        Assert.Contains("k-means needs a value for every patient", e.Problem);
    }

    [Fact]
    public void A_level_the_model_was_not_fitted_on_is_refused_in_a_prediction()
    {
        var fit = new KMedoids(new KMedoidsOptions { K = 2 }).Fit(Veteran.Value, ["karno", "celltype"]);
        var frame = new DataFrame(new DoubleDataFrameColumn("karno", [60.0, 70.0]), new StringDataFrameColumn("celltype", ["adeno", "mesothelioma"]));
        var e = Assert.Throws<StratifyInputException>(() => fit.Predict(frame));
        Assert.Equal(("celltype", 2L, "mesothelioma"), (e.Column, e.Row!.Value, e.Value));
    }

    [Fact]
    public void A_categorical_name_that_is_not_a_feature_is_refused()
    {
        var e = Assert.Throws<StratifyInputException>(() => new KMeans().Fit(Gbsg.Value, ["age", "size"], categorical: ["meno"]));
        Assert.Equal("meno", e.Column);
    }

    [Fact]
    public void A_stratum_the_model_was_not_fitted_on_is_refused_in_a_prediction()
    {
        var fit = new CoxPH().Fit(Veteran.Value, "time", "status", ["karno"], strata: ["trt"]);
        var frame = new DataFrame(new DoubleDataFrameColumn("karno", [60.0]), new DoubleDataFrameColumn("trt", [3.0]));
        var e = Assert.Throws<StratifyInputException>(() => fit.PredictSurvival(frame, [100.0]));
        Assert.Equal(("trt", 1L, "3"), (e.Column, e.Row!.Value, e.Value));
    }

    [Fact]
    public void An_IDataView_NaN_is_a_missing_value_as_in_ML_NET()
    {
        // ML.NET marks a missing number as NaN: the row is left out of a Kaplan–Meier fit and counted.
        var frame = new DataFrame(new DoubleDataFrameColumn("time", [12.0, double.NaN, 40.0, 7.0]), new Int32DataFrameColumn("status", [1, 0, 1, 1]));
        var fit = new KaplanMeier().Fit((IDataView)frame, "time", "status");
        Assert.Equal((3, 1), (fit.Curves[0].N, fit.RowsDropped));
    }
}
