using Stratify.Clustering;

namespace Stratify.Tests.Clustering;

/// <summary>Gap statistic pieces and hierarchical clustering against R's cluster::clusGap/maxSE and stats::hclust/cutree.</summary>
public class GapAndHierarchyTests
{
    private static CoordinateMatrix GbsgStandardised() =>
        KMeansTests.Standardised("gbsg", ["age", "size", "nodes", "pgr", "er"]);

    [Fact]
    public void LogW_of_the_data_equals_clusGap_with_pam()
    {
        // R: clusGap(scale(gbsg[, cols]), function(x, k) list(cluster = pam(x, k, pamonce = 6)$clustering), K.max = 6)$Tab[, "logW"]
        var expected = ClusterReference.FromR.GetProperty("gap").GetProperty("logW").Doubles();
        var d = DissimilarityMatrix.Euclidean(GbsgStandardised());
        for (int k = 1; k <= 6; k++)
        {
            var assignment = k == 1 ? new int[d.Count] : PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(k)).Assignment;
            Assert.Equal(expected[k - 1], Math.Log(GapStatistic.WithinDispersion(d, assignment, k)), 1e-14);
        }
    }

    [Fact]
    public void MaxSE_rules_pick_the_same_k_as_R()
    {
        // R: maxSE(f, SE.f, "firstSEmax") and maxSE(f, SE.f, "Tibs2001SEmax") on three vectors (one from clusGap).
        foreach (var v in ClusterReference.FromR.GetProperty("gap").GetProperty("maxse").EnumerateArray())
        {
            var f = v.GetProperty("f").Doubles();
            var se = v.GetProperty("se").Doubles();
            Assert.Equal(v.GetProperty("firstSEmax").GetInt32(), GapStatistic.MaxSE(f, se, GapRule.FirstSEMax));
            Assert.Equal(v.GetProperty("Tibs2001SEmax").GetInt32(), GapStatistic.MaxSE(f, se, GapRule.Tibs2001SEMax));
        }
    }

    [Fact]
    public void Gap_statistic_is_deterministic_and_uses_the_stated_number_of_reference_sets()
    {
        var features = FeatureSet.FromCohort(ClusterReference.Cohort("veteran"), ClusterReference.Specs("veteran"));
        (int[], DissimilarityMatrix) Cluster(FeatureSet f, int k)
        {
            var d = GowerDissimilarity.Compute(f);
            return (k == 1 ? new int[d.Count] : PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(k)).Assignment, d);
        }
        var a = GapStatistic.Compute(features, GapStatistic.UniformReference, 4, 5, seed: 3, Cluster);
        var b = GapStatistic.Compute(features, GapStatistic.UniformReference, 4, 5, seed: 3, Cluster);
        Assert.Equal(a.Gap, b.Gap);
        Assert.Equal(5, a.ReferenceSets);
        Assert.All(a.StandardError, se => Assert.True(se > 0));
    }

    [Fact]
    public void Ward_D2_heights_and_cuts_equal_hclust()
    {
        // R: hclust(dist(scale(gbsg[, cols])), "ward.D2")$height and cutree(., k), k = 2..6.
        var reference = ClusterReference.FromR.GetProperty("hclust").GetProperty("ward_gbsg");
        var tree = HierarchicalClustering.Fit(DissimilarityMatrix.Euclidean(GbsgStandardised()), Linkage.WardD2);
        AssertTreeMatches(reference, tree);
    }

    [Fact]
    public void Average_linkage_on_Gower_heights_and_cuts_equal_hclust()
    {
        // R: hclust(daisy(lung features, "gower"), "average").
        var reference = ClusterReference.FromR.GetProperty("hclust").GetProperty("average_lung");
        var tree = HierarchicalClustering.Fit(GowerDissimilarity.Compute(ClusterReference.Features("lung")), Linkage.Average);
        AssertTreeMatches(reference, tree);
    }

    private static void AssertTreeMatches(System.Text.Json.JsonElement reference, Dendrogram tree)
    {
        var heights = reference.GetProperty("height").Doubles();
        for (int s = 0; s < heights.Length; s++) Assert.Equal(heights[s], tree.Height[s], 1e-13 * Math.Max(1, heights[s]));
        int k = 2;
        foreach (var cut in reference.GetProperty("cutree").EnumerateArray())
        {
            Assert.Equal(cut.Ints().Select(c => c - 1), tree.Cut(k));
            k++;
        }
        // The merge matrix itself is not compared: among merges at tied heights (duplicate patients merge at 0) the order
        // is arbitrary, and R's Fortran breaks those ties differently from the chain; heights and cuts are what it fixes.
    }
}
