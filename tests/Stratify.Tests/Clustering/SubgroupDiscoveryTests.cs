using Stratify.Data;
using System.Text.Json;
using Stratify.Clustering;
using Stratify.Reporting;

namespace Stratify.Tests.Clustering;

/// <summary>The end-to-end clustering pipeline, its k choice, stability, profiles and JSON form.</summary>
public class SubgroupDiscoveryTests
{
    private static readonly Lazy<ClusteringResult> LungKMedoids = new(() =>
        SubgroupDiscovery.Fit(ClusterReference.Features("lung"),
            new ClusteringOptions(ClusteringMethod.KMedoids, KMin: 2, KMax: 5, GapReferenceSets: 5, StabilityResamples: 10)));

    [Fact]
    public void The_library_chooses_k_over_the_same_default_range_as_a_spec_without_k()
    {
        var spec = new SubgroupSpec();
        var options = new ClusteringOptions();
        Assert.Equal((2, 6), (spec.KMin, spec.KMax));
        Assert.Equal((spec.KMin, spec.KMax), (options.KMin, options.KMax));
    }

    [Fact]
    public void Chosen_k_has_the_highest_average_silhouette_in_the_criteria_table()
    {
        var r = LungKMedoids.Value;
        Assert.Equal([2, 3, 4, 5], r.Criteria.Select(c => c.K));
        Assert.Equal(r.Criteria.MaxBy(c => c.Silhouette)!.K, r.K);
        Assert.All(r.Criteria, c => { Assert.False(double.IsNaN(c.Gap)); Assert.True(double.IsNaN(c.Bic)); });
    }

    [Fact]
    public void KMedoids_pipeline_equals_the_kernels_it_composes()
    {
        // The pipeline's silhouette for each k is that of BUILD + FasterPAM on the daisy-equal Gower matrix.
        var r = LungKMedoids.Value;
        var d = GowerDissimilarity.Compute(ClusterReference.Features("lung"));
        foreach (var c in r.Criteria)
        {
            var fit = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(c.K));
            Assert.Equal(Silhouette.Compute(d, fit.Assignment, c.K).Average, c.Silhouette, 1e-12);
        }
        var chosen = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(r.K));
        Assert.Equal(chosen.Objective, r.Objective, 1e-9);
        Assert.Equal(chosen.Medoids.Select(m => m + 1).Order(), r.Clusters.Select(c => c.Medoid!.Value).Order());
    }

    [Fact]
    public void Clusters_are_numbered_by_decreasing_size_and_cover_every_patient()
    {
        var r = LungKMedoids.Value;
        Assert.Equal(228, r.N);
        Assert.Equal(r.N, r.Clusters.Sum(c => c.Size));
        Assert.True(r.Clusters.Zip(r.Clusters.Skip(1)).All(p => p.First.Size >= p.Second.Size));
        for (int c = 1; c <= r.K; c++) Assert.Equal(r.Clusters[c - 1].Size, r.Assignment.Count(a => a == c));
    }

    [Fact]
    public void Stability_and_pac_are_reported_deterministic_for_a_seed_and_drawn_from_it()
    {
        // Same seed: the same bootstrap samples, so the same numbers; another seed draws other samples. (The values
        // themselves are checked on hand-made partitions in ProfilesAndStabilityTests.)
        var r = LungKMedoids.Value;
        Assert.All(r.Clusters, c => Assert.False(double.IsNaN(c.Stability), $"cluster {c.Cluster}: stability not assessed"));
        Assert.False(double.IsNaN(r.Pac));
        var again = SubgroupDiscovery.Fit(ClusterReference.Features("lung"),
            new ClusteringOptions(ClusteringMethod.KMedoids, KMin: 2, KMax: 5, GapReferenceSets: 5, StabilityResamples: 10));
        Assert.Equal(r.Clusters.Select(c => c.Stability), again.Clusters.Select(c => c.Stability));
        Assert.Equal(r.Pac, again.Pac);
        // The chosen k = 2 splits by sex and is stable under any resampling (1, 1); with k = 4 the seed shows.
        ClusteringResult FourClusters(int seed) => SubgroupDiscovery.Fit(ClusterReference.Features("lung"),
            new ClusteringOptions(ClusteringMethod.KMedoids, K: 4, GapReferenceSets: 0, StabilityResamples: 10, Seed: seed));
        Assert.NotEqual(FourClusters(1).Clusters.Select(c => c.Stability), FourClusters(2).Clusters.Select(c => c.Stability));
    }

    [Fact]
    public void Missing_values_are_reported_in_the_warnings()
    {
        // lung: wt.loss has 14 missing values, meal.cal 47, ph.ecog 1 (R: colSums(is.na(lung))).
        var r = LungKMedoids.Value;
        Assert.Contains(r.Warnings, w => w.StartsWith("wt.loss: 14 missing values", StringComparison.Ordinal));
        Assert.Contains(r.Warnings, w => w.StartsWith("meal.cal: 47 missing values", StringComparison.Ordinal));
        var dropped = FeatureSet.FromCohort(ClusterReference.Cohort("lung"), ClusterReference.Specs("lung"), MissingPolicy.CompleteCase);
        Assert.Equal(170, dropped.RowCount); // R: sum(complete.cases(lung[, c("age", "sex", "ph.ecog", "wt.loss", "meal.cal")]))
        Assert.Equal(58, dropped.Missing.RowsDropped);
    }

    [Fact]
    public void Json_has_the_documented_shape()
    {
        var json = JsonOutput.Serialize(ClusteringJson.From(LungKMedoids.Value));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(["method", "distance", "k", "n", "objective", "silhouette", "pac", "criteria", "clusters", "warnings"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["k", "silhouette", "gap", "gap_se", "bic"], root.GetProperty("criteria")[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("criteria")[0].GetProperty("bic").ValueKind);
        var cluster = root.GetProperty("clusters")[0];
        Assert.Equal(["cluster", "size", "medoid", "stability", "label", "profile"], cluster.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void KMeans_pipeline_reports_centers_instead_of_medoids()
    {
        var features = FeatureSet.FromCohort(ClusterReference.Cohort("gbsg"),
            new[] { "age", "size", "nodes", "pgr", "er" }.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToList());
        var r = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.KMeans, K: 3, StabilityResamples: 5));
        Assert.Equal("euclidean", r.Distance);
        Assert.Single(r.Criteria);
        Assert.All(r.Clusters, c => { Assert.Null(c.Medoid); Assert.Equal(5, c.Center!.Count); });
        var json = JsonOutput.Serialize(ClusteringJson.From(r));
        Assert.Contains("\"center\"", json);
        Assert.DoesNotContain("\"medoid\"", json);
    }

    [Fact]
    public void Mixture_pipeline_chooses_the_lowest_bic()
    {
        var features = FeatureSet.FromCohort(ClusterReference.Cohort("gbsg"),
            new[] { "age", "size", "nodes", "pgr", "er" }.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToList());
        var r = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.GaussianMixture, KMin: 2, KMax: 4,
            Covariance: CovarianceType.Diagonal, GapReferenceSets: 0, StabilityResamples: 0));
        Assert.Equal(r.Criteria.MinBy(c => c.Bic)!.K, r.K);
        Assert.All(r.Criteria, c => Assert.False(double.IsNaN(c.Bic)));
    }

    [Fact]
    public void Coordinate_methods_refuse_missing_values_with_a_message_naming_the_column()
    {
        var ex = Assert.Throws<Stratify.Data.StratifyInputException>(() =>
            SubgroupDiscovery.Fit(ClusterReference.Features("lung"), new ClusteringOptions(ClusteringMethod.KMeans, K: 3)));
        Assert.Equal("ph.ecog", ex.Column); // the first feature with a missing value
    }
}

/// <summary>Hierarchical clustering through the pipeline.</summary>
public class HierarchicalPipelineTests
{
    [Fact]
    public void Average_linkage_on_Gower_cuts_the_tree_R_builds()
    {
        // The pipeline's k = 3 partition is cutree(hclust(daisy(lung features), "average"), 3), renumbered by size.
        var r = SubgroupDiscovery.Fit(ClusterReference.Features("lung"), new ClusteringOptions(ClusteringMethod.Hierarchical, K: 3,
            Linkage: Linkage.Average, StabilityResamples: 3));
        var rCut = ClusterReference.FromR.GetProperty("hclust").GetProperty("average_lung").GetProperty("cutree")[1].Ints();
        Assert.Equal(1.0, AdjustedRandIndex.Compute(rCut, r.Assignment), 12);
        Assert.Equal("gower", r.Distance);
    }

    [Fact]
    public void Ward_pipeline_fills_the_criteria_table_and_summarises_itself()
    {
        var features = FeatureSet.FromCohort(ClusterReference.Cohort("gbsg"),
            new[] { "age", "size", "nodes", "pgr", "er" }.Select(c => new FeatureSpec(c, FeatureRole.Numeric)).ToList());
        var r = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.Hierarchical, KMin: 2, KMax: 4, GapReferenceSets: 3,
            StabilityResamples: 0));
        Assert.Equal(3, r.Criteria.Count);
        Assert.All(r.Criteria, c => Assert.False(double.IsNaN(c.Gap)));
        var text = r.Summarise();
        Assert.StartsWith("hierarchical (ward.D2) on euclidean dissimilarities: k = " + r.K, text, StringComparison.Ordinal);
        Assert.Contains("cluster 1: ", text, StringComparison.Ordinal);
    }
}

/// <summary>The long stages of clustering report the share done and the time left, on a clock the test drives.</summary>
public class ClusteringProgressTests
{
    /// <summary>Every reading of the clock is 3 s after the previous one, so each stage's second unit comes after the
    /// 5 s interval of <see cref="Diagnostics.ProgressMeter"/>.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref _ticks, 3 * TimeSpan.TicksPerSecond);
    }

    private sealed class Lines : IProgress<string>
    {
        public readonly List<string> All = [];
        public void Report(string value) { lock (All) All.Add(value); }
    }

    [Fact]
    public void The_k_loop_and_the_gap_statistic_report_the_share_done_and_the_time_left()
    {
        var lines = new Lines();
        SubgroupDiscovery.Fit(ClusterReference.Features("lung"),
            new ClusteringOptions(ClusteringMethod.KMedoids, KMin: 2, KMax: 4, GapReferenceSets: 3, StabilityResamples: 0)
            { Progress = lines, Clock = new SteppingClock() });
        // 3 values of k; the gap statistic fits k = 1..4 on the data and on 3 reference sets: 16 fits.
        Assert.Contains(lines.All, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^k = 2\.\.4: [12] of 3 \(\d+%\), about \d+ s left$"));
        var gap = lines.All.Where(l => l.StartsWith("gap statistic (k = 1..4 on the data and 3 reference sets): fits: ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(gap);
        Assert.All(gap, l => Assert.Matches(@": ([1-9]|1[0-5]) of 16 \(\d+%\), about (\d+ s|\d+ min \d\d s) left$", l));
        Assert.Equal(["k = 2 tried of 2..4", "k = 3 tried of 2..4", "k = 4 tried of 2..4"],
            lines.All.Where(l => l.Contains(" tried of ", StringComparison.Ordinal)).Select(l => l[..l.IndexOf(':')]));
    }
}
