using Stratify.Data;
using Stratify.Clustering;

namespace Stratify.Tests.Clustering;

/// <summary>k-means against scikit-learn 1.2 KMeans (tests/reference/kmeans_reference.py).</summary>
public class KMeansTests
{
    internal static CoordinateMatrix Standardised(string dataset, string[] columns) =>
        FeatureSet.FromCohort(ClusterReference.Cohort(dataset), columns.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToList(),
            MissingPolicy.CompleteCase).ToCoordinates(FeatureScaling.Standardise);

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var dataset in new[] { "gbsg", "rotterdam" })
            for (int k = 2; k <= 6; k++) data.Add(dataset, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Objective_within_0_05_percent_of_sklearn_best_with_the_same_restarts(string dataset, int k)
    {
        // scikit-learn: KMeans(n_clusters=k, n_init=10, random_state=0).inertia_ on the same standardised columns.
        // k-means finds local optima from random starts, so the two agree on the best of ten only up to the starts
        // drawn: measured at most 0.019% above scikit-learn over the 10 cases, asserted 0.05%.
        var reference = ClusterReference.FromSklearn.GetProperty("kmeans").GetProperty(dataset)[k - 2];
        var columns = reference.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var fit = LloydKMeans.Fit(Standardised(dataset, columns), new KMeansOptions(k, Restarts: 10, Seed: 1));
        double sklearn = reference.GetProperty("inertia_n_init_10_seed_0").GetDouble();
        Assert.True(fit.Objective <= sklearn * 1.0005, $"objective {fit.Objective} vs scikit-learn {sklearn}");
        // And never below scikit-learn's best over 20 × 10 starts by more than rounding (it would mean a wrong objective).
        Assert.True(fit.Objective >= reference.GetProperty("inertia_best_of_20_seeds").GetDouble() * (1 - 1e-9));
    }

    [Fact]
    public void Objective_is_the_within_cluster_sum_of_squares_of_the_returned_partition()
    {
        var x = Standardised("gbsg", ["age", "size", "nodes", "pgr", "er"]);
        var fit = LloydKMeans.Fit(x, new KMeansOptions(3, Restarts: 2));
        double total = 0;
        for (int i = 0; i < x.Rows; i++)
            for (int j = 0; j < x.Columns; j++) { double t = x[i, j] - fit.Center(fit.Assignment[i])[j]; total += t * t; }
        Assert.Equal(total, fit.Objective, 1e-9);
    }

    [Fact]
    public void Same_seed_gives_the_same_result_whatever_the_thread_count()
    {
        var x = Standardised("rotterdam", ["age", "nodes", "pgr", "er"]);
        var one = LloydKMeans.Fit(x, new KMeansOptions(4, Restarts: 3, Seed: 5, MaxDegreeOfParallelism: 1));
        var two = LloydKMeans.Fit(x, new KMeansOptions(4, Restarts: 3, Seed: 5, MaxDegreeOfParallelism: 2));
        Assert.Equal(one.Assignment, two.Assignment);
        Assert.Equal(one.Objective, two.Objective);
        Assert.Equal(one.Centers, two.Centers);
    }

    [Fact]
    public void Adjusted_rand_index_equals_sklearn_adjusted_rand_score()
    {
        // scikit-learn: adjusted_rand_score(a, b) for each stored pair of label vectors.
        foreach (var pair in ClusterReference.FromSklearn.GetProperty("ari").EnumerateArray())
            Assert.Equal(pair.GetProperty("ari").GetDouble(),
                AdjustedRandIndex.Compute(pair.GetProperty("a").Ints(), pair.GetProperty("b").Ints()), 1e-15); // measured 2.2e-17
    }
}
