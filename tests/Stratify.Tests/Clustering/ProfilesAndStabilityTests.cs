using Stratify.Data;
using Stratify.Clustering;

namespace Stratify.Tests.Clustering;

/// <summary>Cluster profiles, labels, stability and feature preparation.</summary>
public class ProfilesAndStabilityTests
{
    [Fact]
    public void Profile_differences_equal_R_on_pams_lung_clustering()
    {
        // R: for pam(daisy(lung features), 3)$clustering — (mean_in − mean_out) / sqrt((var_in + var_out)/2) for age and
        // wt.loss (NA removed), and the difference in the proportion of sex = 2 with its standardised form. Absolute 1e-14
        // (1e-13 for the mean near 63, whose reference holds 15 significant digits).
        var reference = ClusterReference.FromR.GetProperty("profiles");
        var assignment = reference.GetProperty("clustering").Ints().Select(c => c - 1).ToArray();
        var profiles = ClusterProfiles.Describe(ClusterReference.Features("lung"), assignment, 3);
        foreach (var expected in reference.GetProperty("clusters").EnumerateArray())
        {
            var p = profiles[expected.GetProperty("cluster").GetInt32() - 1];
            var age = p.Entries.Single(e => e.Feature == "age");
            Assert.Equal(expected.GetProperty("age_mean").GetDouble(), age.ClusterValue, 1e-13); // a mean near 63: R's JSON holds 15 digits (4e-14)
            Assert.Equal(expected.GetProperty("age_smd").GetDouble(), age.StandardisedDifference, 1e-14);
            Assert.Equal(expected.GetProperty("wt_loss_smd").GetDouble(), p.Entries.Single(e => e.Feature == "wt.loss").StandardisedDifference, 1e-14);
            var sex2 = p.Entries.Single(e => e.Feature == "sex" && e.Level == "2");
            Assert.Equal(expected.GetProperty("sex2_difference").GetDouble(), sex2.Difference, 1e-14);
            var smd = expected.GetProperty("sex2_smd");
            if (smd.ValueKind == System.Text.Json.JsonValueKind.Null) Assert.True(double.IsPositiveInfinity(sex2.StandardisedDifference)); // all women vs none
            else Assert.Equal(smd.GetDouble(), sex2.StandardisedDifference, 1e-14);
        }
    }

    [Fact]
    public void Label_names_the_largest_differences_in_words()
    {
        var reference = ClusterReference.FromR.GetProperty("profiles");
        var assignment = reference.GetProperty("clustering").Ints().Select(c => c - 1).ToArray();
        var profiles = ClusterProfiles.Describe(ClusterReference.Features("lung"), assignment, 3);
        // Cluster 2 is every woman and no man (sex = 2 proportion 1 vs 0 in R), so its label starts with that level.
        Assert.StartsWith("sex = 2", profiles[1].Label, StringComparison.Ordinal);
        // Cluster 3 has far more weight loss than the rest (standardised difference 0.79 in R).
        Assert.Contains("higher wt.loss", profiles[2].Label, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reclustering_that_reproduces_the_partition_is_perfectly_stable()
    {
        var assignment = Enumerable.Range(0, 300).Select(i => i % 3).ToArray();
        var r = ClusterStability.Assess(assignment, 3, rows => rows.Select(i => assignment[i]).ToArray(), resamples: 8, seed: 1);
        Assert.All(r.MeanJaccard, j => Assert.Equal(1.0, j));
        Assert.Equal(0.0, r.Pac);
        Assert.Equal("stable", r.Verdict(0));
    }

    [Fact]
    public void Merging_everything_gives_the_jaccard_of_each_cluster_with_the_whole_sample()
    {
        // Hand calculation: if the resample is one cluster S, the best Jaccard of C is |C ∩ S| / |S|; with two equal
        // halves that is about 0.5 ("dissolved"), and every consensus index is 1 (PAC 0).
        var assignment = Enumerable.Range(0, 400).Select(i => i < 200 ? 0 : 1).ToArray();
        var r = ClusterStability.Assess(assignment, 2, rows => new int[rows.Length], resamples: 10, seed: 2);
        Assert.All(r.MeanJaccard, j => Assert.InRange(j, 0.4, 0.6));
        Assert.Equal(1.0, r.MeanJaccard[0] + r.MeanJaccard[1], 1e-14);
        Assert.Equal(0.0, r.Pac);
    }

    [Fact]
    public void Random_reclustering_makes_pairs_ambiguous()
    {
        var assignment = Enumerable.Range(0, 200).Select(i => i % 2).ToArray();
        var rng = new Random(5);
        var r = ClusterStability.Assess(assignment, 2, rows => rows.Select(_ => rng.Next(2)).ToArray(), resamples: 30, seed: 3);
        Assert.True(r.Pac > 0.9);
        Assert.All(r.MeanJaccard, j => Assert.True(j < 0.6));
    }

    [Fact]
    public void Robust_scaling_is_median_and_iqr_as_R()
    {
        // R: ((gbsg$nodes - median(gbsg$nodes)) / IQR(gbsg$nodes))[1:10]
        var x = FeatureSet.FromCohort(ClusterReference.Cohort("gbsg"), [new FeatureSpec("nodes", FeatureRole.Numeric)]).ToCoordinates(FeatureScaling.Robust);
        var expected = ClusterReference.FromR.GetProperty("robust_nodes").Doubles();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], x[i, 0], 1e-14);
    }

    [Fact]
    public void Imputation_fills_median_and_mode_and_adds_indicators_with_counts()
    {
        var features = FeatureSet.FromCohort(ClusterReference.Cohort("lung"), ClusterReference.Specs("lung"), MissingPolicy.Indicator);
        Assert.Equal(228, features.RowCount);
        Assert.Equal(14, features.Missing.ImputedPerFeature["wt.loss"]);
        Assert.Equal(47, features.Missing.ImputedPerFeature["meal.cal"]);
        Assert.Equal(1, features.Missing.ImputedPerFeature["ph.ecog"]);
        Assert.Equal(["ph.ecog (missing)", "wt.loss (missing)", "meal.cal (missing)"], features.Features.Where(f => f.IsMissingIndicator).Select(f => f.Name));
        Assert.All(features.Features, f => Assert.False(f.HasMissing));
        // R: median(lung$wt.loss, na.rm = TRUE) = 7; lung row 1 lacks wt.loss.
        Assert.Equal(7, features.Features.Single(f => f.Name == "wt.loss").Values[0]);
    }

    [Fact]
    public void An_unknown_ordinal_level_is_refused_with_row_and_value()
    {
        var ex = Assert.Throws<Stratify.Data.StratifyInputException>(() => FeatureSet.FromCohort(ClusterReference.Cohort("rotterdam"),
            [new FeatureSpec("size", FeatureRole.Ordinal, LevelOrder: ["<=20", "20-50"])]));
        Assert.Equal("size", ex.Column);
        Assert.Equal(">50", ex.Value);
    }
}
