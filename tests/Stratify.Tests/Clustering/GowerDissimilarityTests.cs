using Stratify.Clustering;

namespace Stratify.Tests.Clustering;

/// <summary>Gower dissimilarities against R's cluster::daisy(metric = "gower") on the bundled cohorts.</summary>
public class GowerDissimilarityTests
{
    [Fact]
    public void Lung_mixed_types_with_missing_values_equal_daisy()
    {
        // Reference: daisy(data.frame(age, factor(sex), ordered(ph.ecog), wt.loss, meal.cal), "gower"), cluster 2.1.4.
        // Absolute 2e-15 here and below (measured 5.6e-16: one rounding of a mean of terms in [0, 1]).
        var d = GowerDissimilarity.Compute(ClusterReference.Features("lung"));
        var expected = ClusterReference.FromR.GetProperty("gower").GetProperty("lung").GetProperty("dist").Doubles();
        Assert.True(ClusterReference.MaxAbsDifference(d.Packed, expected) <= 2e-15);
    }

    [Fact]
    public void Feature_weights_enter_the_average_as_daisy_weights()
    {
        // Reference: daisy(..., weights = c(1, 2, 1, 0.5, 3)) on the lung features.
        var reference = ClusterReference.FromR.GetProperty("gower").GetProperty("lung_weighted");
        var weights = reference.GetProperty("weights").Doubles();
        var specs = ClusterReference.Specs("lung").Select((s, f) => s with { Weight = weights[f] }).ToList();
        var d = GowerDissimilarity.Compute(FeatureSet.FromCohort(ClusterReference.Cohort("lung"), specs));
        Assert.True(ClusterReference.MaxAbsDifference(d.Packed, reference.GetProperty("dist").Doubles()) <= 2e-15);
    }

    [Fact]
    public void Veteran_nominal_and_numeric_features_equal_daisy()
    {
        var d = GowerDissimilarity.Compute(ClusterReference.Features("veteran"));
        var expected = ClusterReference.FromR.GetProperty("gower").GetProperty("veteran").GetProperty("dist").Doubles();
        Assert.True(ClusterReference.MaxAbsDifference(d.Packed, expected) <= 2e-15);
    }

    [Theory]
    [InlineData("gbsg")]
    [InlineData("rotterdam")]
    public void Larger_cohorts_match_daisy_sum_and_probed_entries(string dataset)
    {
        var d = GowerDissimilarity.Compute(ClusterReference.Features(dataset));
        var probe = ClusterReference.FromR.GetProperty("gower_summary").GetProperty(dataset);
        double sum = 0;
        foreach (double v in d.Packed) sum += v;
        // The sum of ~3.9 million values is taken in another order than R's: relative 1e-12 (measured 1.4e-13).
        Assert.True(Math.Abs(sum - probe.GetProperty("sum").GetDouble()) <= 1e-12 * probe.GetProperty("sum").GetDouble(), $"sum {sum:R} vs R {probe.GetProperty("sum").GetDouble():R}");
        var positions = probe.GetProperty("positions").Ints();
        var values = probe.GetProperty("values").Doubles();
        for (int t = 0; t < positions.Length; t++) Assert.Equal(values[t], d.Packed[positions[t] - 1], 2e-15);
    }

    /// <summary>
    /// The Gower matrix sums each patient's total dissimilarity and notes a missing pair while it computes the columns;
    /// both must be what a pass over the finished matrix gives: the totals bit for bit (same blocks, same order). In the
    /// altered lung, patient 1 keeps only the first feature and patient 2 lacks it, so that pair has none in common (NaN).
    /// </summary>
    [Theory]
    [InlineData("lung", false)]
    [InlineData("lung", true)]
    [InlineData("gbsg", false)]
    public void Totals_and_missing_pairs_noted_while_computing_equal_a_pass_over_the_matrix(string dataset, bool pairWithoutCommonFeature)
    {
        var features = ClusterReference.Features(dataset);
        if (pairWithoutCommonFeature)
            features = new FeatureSet(features.Features.Select((f, i) =>
            {
                var values = (double[])f.Values.Clone();
                values[i == 0 ? 1 : 0] = double.NaN;
                return f with { Values = values };
            }).ToList(), features.SourceRows, features.Missing);
        var d = GowerDissimilarity.Compute(features);
        var scanned = new DissimilarityMatrix(d.Count, d.Packed);
        Assert.Equal(pairWithoutCommonFeature, d.HasMissing());
        Assert.Equal(scanned.HasMissing(), d.HasMissing());
        Assert.Equal(scanned.ObjectTotals().Select(BitConverter.DoubleToInt64Bits), d.ObjectTotals().Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("gbsg")]
    [InlineData("veteran")]
    public void Totals_noted_while_computing_equal_the_sums_of_each_row_and_give_the_same_BUILD(string dataset)
    {
        var d = GowerDissimilarity.Compute(ClusterReference.Features(dataset));
        var totals = d.ObjectTotals();
        for (int i = 0; i < d.Count; i++)
        {
            double oracle = 0;
            for (int j = 0; j < d.Count; j++) oracle += d[i, j];
            Assert.True(Math.Abs(totals[i] - oracle) <= 1e-12 * oracle, $"patient {i}: {totals[i]:R} vs {oracle:R}");
        }
        Assert.Equal(PartitioningAroundMedoids.Build(new DissimilarityMatrix(d.Count, d.Packed), 4), PartitioningAroundMedoids.Build(d, 4));
    }

    [Fact]
    public void Single_threaded_and_parallel_results_are_identical()
    {
        var features = ClusterReference.Features("lung");
        Assert.Equal(GowerDissimilarity.Compute(features, 1).Packed, GowerDissimilarity.Compute(features, 2).Packed);
    }

    [Fact]
    public void Indexer_reads_the_dist_order_triangle_symmetrically()
    {
        var d = GowerDissimilarity.Compute(ClusterReference.Features("veteran"));
        // dist order: d(2,1) is the first element, d(3,1) the second (1-based, as R).
        Assert.Equal(d.Packed[0], d[1, 0]);
        Assert.Equal(d.Packed[1], d[0, 2]);
        var row = new double[d.Count];
        d.CopyRow(5, row);
        Assert.Equal(d[5, 100], row[100]);
        Assert.Equal(d[5, 2], row[2]);
    }
}
