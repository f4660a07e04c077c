using Stratify.Clustering;
using Stratify.Data;

namespace Stratify.Tests.Clustering;

/// <summary>
/// Each missing-value policy of a feature set, on hand-made bound variables whose fills can be worked out by hand
/// (median, most frequent level, median rank).
/// </summary>
public class MissingPolicyTests
{
    private static BoundCovariate Numeric(string name, params double[] values) => new(new CovariateSpec(name, CovariateKind.Numeric), values, null);

    private static BoundCovariate Levels(string name, CovariateKind kind, string[] levels, params int[] codes) =>
        new(new CovariateSpec(name, kind), null, new Factor(name, codes, levels));

    private static readonly BoundCovariate Marker = Numeric("marker", 1, double.NaN, 3, 100, 5);
    private static readonly BoundCovariate Stage = Levels("stage", CovariateKind.Categorical, ["I", "II", "III"], 1, 0, -1, 1, 2);
    private static readonly BoundCovariate Ecog = Levels("ecog", CovariateKind.Ordinal, ["0", "1", "2", "3"], 0, 3, 1, -1, 3);

    [Fact]
    public void Impute_fills_median_mode_and_median_rank_and_counts_each_fill_without_indicators()
    {
        var set = FeatureSet.From([Marker, Stage, Ecog], MissingPolicy.Impute);
        Assert.Equal(5, set.RowCount);
        // marker: median(1, 3, 100, 5) = 4; stage: "II" twice (code 2); ecog ranks 1, 4, 2, 4: median 3 → level "2".
        Assert.Equal([1.0, 4, 3, 100, 5], set.Features[0].Values);
        Assert.Equal(2.0, set.Features[1].Values[2]);
        Assert.Equal(3.0, set.Features[2].Values[3]);
        Assert.DoesNotContain(set.Features, f => f.IsMissingIndicator);
        Assert.Equal([("marker", 1, "4"), ("stage", 1, "II"), ("ecog", 1, "2")], set.Missing.Features.Select(f => (f.Feature, f.Imputed, f.Fill)));
        Assert.Equal("marker: 1 missing values imputed (median: 4)", set.Missing.Warnings()[0].ToString());
    }

    [Fact]
    public void Fill_values_come_from_the_given_rows_only()
    {
        // Discovery rows 0, 2, 4: median(1, 3, 5) = 3, not the 4 of every observed value.
        var set = FeatureSet.From([Marker], MissingPolicy.Impute, fillFrom: [0, 2, 4]);
        Assert.Equal(3.0, set.Features[0].Values[1]);
    }

    [Fact]
    public void Median_rank_of_an_ordinal_rounds_half_to_even()
    {
        // Ranks 1 and 4 → median 2.5 → 2 (level "1"), as R's round(2.5) = 2.
        var set = FeatureSet.From([Levels("ecog", CovariateKind.Ordinal, ["0", "1", "2", "3"], 0, 3, -1)], MissingPolicy.Impute);
        Assert.Equal(2.0, set.Features[0].Values[2]);
        Assert.Equal("1", set.Missing.Features[0].Fill);
    }

    [Fact]
    public void Indicator_fills_and_adds_a_zero_one_feature_per_feature_with_gaps()
    {
        var set = FeatureSet.From([Marker, Numeric("age", 50, 60, 70, 80, 90)], MissingPolicy.Indicator);
        var indicator = set.Features.Single(f => f.IsMissingIndicator);
        Assert.Equal("marker (missing)", indicator.Name);
        Assert.Equal(["0", "1"], indicator.Levels!);
        Assert.Equal([1.0, 2, 1, 1, 1], indicator.Values); // level codes: "1" (missing) at row 1
        Assert.Equal(4.0, set.Features[0].Values[1]);
        Assert.True(set.Missing.Features[0].IndicatorAdded);
        Assert.False(set.Missing.Features[1].IndicatorAdded);
    }

    [Fact]
    public void Complete_case_leaves_out_patients_lacking_the_feature_and_says_how_many()
    {
        var set = FeatureSet.From([Marker, Stage], MissingPolicy.CompleteCase);
        Assert.Equal([0, 3, 4], set.SourceRows);
        Assert.Equal([1.0, 100, 5], set.Features[0].Values);
        Assert.Equal((5, 2), (set.Missing.RowsInCohort, set.Missing.RowsDropped));
        Assert.Equal("2 of 5 patients left out for a missing complete-case feature", set.Missing.Warnings()[0].ToString());
    }

    [Fact]
    public void A_per_feature_policy_overrides_the_default()
    {
        var set = FeatureSet.From([Marker, Stage], MissingPolicy.Impute,
            new Dictionary<string, MissingPolicy> { ["stage"] = MissingPolicy.CompleteCase });
        Assert.Equal([0, 1, 3, 4], set.SourceRows);
        // marker imputed from the patients kept: median(1, 100, 5) = 5 (row 2, which lacks stage, takes no part).
        Assert.Equal(5.0, set.Features[0].Values[1]);
        Assert.Equal([MissingPolicy.Impute, MissingPolicy.CompleteCase], set.Missing.Features.Select(f => f.Policy));
    }

    [Fact]
    public void Pairwise_keeps_the_gap_for_Gower_and_coordinate_methods_refuse_it()
    {
        var set = FeatureSet.From([Marker, Numeric("age", 50, 60, 70, 80, 90)], MissingPolicy.Pairwise);
        Assert.True(double.IsNaN(set.Features[0].Values[1]));
        // Gower (daisy): pair (0, 1) averages over age only: |50 − 60| / 40 = 0.25.
        Assert.Equal(0.25, new GowerDissimilarity(set).Pair(0, 1), 15);
        var error = Assert.Throws<StratifyInputException>(() => set.ToCoordinates());
        Assert.Equal("marker", error.Column);
        Assert.Contains("impute, indicator or complete-case", error.Message);
    }

    [Fact]
    public void A_feature_with_no_observed_value_cannot_be_imputed()
    {
        var error = Assert.Throws<StratifyInputException>(() => FeatureSet.From([Numeric("marker", double.NaN, double.NaN), Numeric("age", 1, 2)], MissingPolicy.Impute));
        Assert.Equal("marker", error.Column);
        Assert.Contains("nothing to impute from", error.Message);
    }
}
