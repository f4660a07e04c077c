using System.Text.Json;
using Stratify.Clustering;
using Stratify.Reporting;
using Stratify.Tests.Reporting;

namespace Stratify.Tests.Clustering;

/// <summary>
/// m-out-of-n stability and the subsampled gap statistic of large cohorts, against fpc::clusterboot (bootmethod
/// "subset") and clusGap's W.k on the same patients (tests/reference/stability_subsample_reference.R, gbsg's seven
/// features, Gower as daisy, pam(pamonce = 6)); the cohort is made "large" by lowering <see cref="ClusteringOptions.ExactLimit"/>.
/// </summary>
public class SubsampleStabilityTests
{
    private static readonly JsonElement Reference =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("stability_subsample_reference.json"))).RootElement;

    private static int[] RPartition() => Reference.GetProperty("partition").Ints().Select(c => c - 1).ToArray();

    private static int[][] RSubsamples() => Reference.GetProperty("subsamples").EnumerateArray()
        .Select(s => s.Ints().Order().ToArray()).ToArray();

    [Fact]
    public void Jaccards_on_the_subsamples_R_drew_equal_clusterboot_subset_result()
    {
        // R: clusterboot(daisy(gbsg), distances = TRUE, bootmethod = "subset", subtuning = 343, B = 10, pam k = 3,
        // pamonce = 6)$subsetresult, per replicate and cluster. Both sides count patients in the same intersections, so
        // the ratios agree exactly when the partitions of each subsample do (measured 0; asserted 1e-15).
        var features = ClusterReference.Features("gbsg");
        var gower = new GowerDissimilarity(features);
        var d = gower.Matrix();
        int k = Reference.GetProperty("k").GetInt32();
        var expected = Reference.GetProperty("subset_result").EnumerateArray().Select(r => r.Doubles()).ToArray();

        // The rows of the full matrix (cohorts up to CLARA's threshold) and dissimilarities computed for the drawn
        // patients with the ranges of all (CLARA cohorts, no full matrix): the same numbers.
        Func<int[], int[]>[] reclusterings =
        [
            rows => PartitioningAroundMedoids.Fit(d.Subset(rows), new KMedoidsOptions(k)).Assignment,
            rows => PartitioningAroundMedoids.Fit(new GowerDissimilarity(features.Subset(rows), gower).Matrix(), new KMedoidsOptions(k)).Assignment,
        ];
        foreach (var recluster in reclusterings)
        {
            var actual = ClusterStability.Jaccards(RPartition(), k, RSubsamples(), recluster);
            Assert.Equal(expected.Length, actual.Length);
            for (int b = 0; b < expected.Length; b++)
                Assert.True(ClusterReference.MaxAbsDifference(expected[b], actual[b]) <= 1e-15, $"replicate {b + 1}");
        }
    }

    [Fact]
    public void Mean_over_the_subsamples_equals_clusterboot_subset_mean()
    {
        // R: clusterboot(...)$subsetmean = 0.9703, 0.9190, 0.9810 (every cluster drawn in every replicate).
        var features = ClusterReference.Features("gbsg");
        var d = GowerDissimilarity.Compute(features);
        int k = Reference.GetProperty("k").GetInt32();
        var perReplicate = ClusterStability.Jaccards(RPartition(), k, RSubsamples(),
            rows => PartitioningAroundMedoids.Fit(d.Subset(rows), new KMedoidsOptions(k)).Assignment);
        var mean = Enumerable.Range(0, k).Select(c => perReplicate.Average(r => r[c])).ToArray();
        Assert.True(ClusterReference.MaxAbsDifference(Reference.GetProperty("subset_mean").Doubles(), mean) <= 1e-15);
    }

    [Fact]
    public void Gap_log_W_of_a_subsample_equals_W_k_of_R_on_those_patients()
    {
        // R: log W_k (clusGap's W.k, d.power = 1) of pam(daisy(gbsg[rows, ], "gower"), k, pamonce = 6), k = 1..5, on 300
        // patients R drew: the subsample's own Gower ranges, as the gap sample of a large cohort uses. Measured 2.7e-15
        // (sums of 45,000 dissimilarities in another order); asserted 1e-13.
        var rows = Reference.GetProperty("gap_rows").Ints();
        var sample = ClusterReference.Features("gbsg").Subset(rows);
        var gap = GapStatistic.Compute(sample, GapStatistic.UniformReference, maxK: 5, referenceSets: 2, seed: 1, (f, k) =>
        {
            var d = GowerDissimilarity.Compute(f);
            return (k == 1 ? new int[d.Count] : PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(k)).Assignment, d);
        });
        Assert.True(ClusterReference.MaxAbsDifference(Reference.GetProperty("gap_log_w").Doubles(), gap.LogW) <= 1e-13, $"max {ClusterReference.MaxAbsDifference(Reference.GetProperty("gap_log_w").Doubles(), gap.LogW)}");
    }

    private static ClusteringOptions Large(int seed = 14) => new(ClusteringMethod.KMedoids, K: 3, Seed: seed,
        GapReferenceSets: 0, StabilityResamples: 10, ExactLimit: 300, StabilitySubsample: 10_000);

    [Fact]
    public void Above_the_exact_limit_stability_is_m_out_of_n_with_m_reported_and_drawn_from_the_seed()
    {
        // gbsg's 686 patients above a limit of 300: m = ⌊686/2⌋ = 343 (clusterboot's default subset size, under the cap).
        var features = ClusterReference.Features("gbsg");
        var r = SubgroupDiscovery.Fit(features, Large());
        Assert.Equal(343, r.StabilitySubsample);
        Assert.Null(r.GapSample);
        Assert.All(r.Clusters, c => Assert.InRange(c.Stability, 0.5, 1.0));
        Assert.True(double.IsNaN(r.Pac), "PAC needs pairs drawn together repeatedly; it is not computed on subsamples");
        Assert.Contains(r.Warnings, w => w.Contains("10 random subsamples of 343 of the 686 patients (m-out-of-n)", StringComparison.Ordinal));

        var again = SubgroupDiscovery.Fit(features, Large());
        Assert.Equal(r.Clusters.Select(c => c.Stability), again.Clusters.Select(c => c.Stability));
        Assert.NotEqual(r.Clusters.Select(c => c.Stability), SubgroupDiscovery.Fit(features, Large(seed: 15)).Clusters.Select(c => c.Stability));
    }

    [Fact]
    public void Subsampled_stability_of_the_chosen_clustering_averages_its_replicates_Jaccards_as_clusterboot()
    {
        // The reference partition is R's pam (same clusters as ours, up to their numbering by size); the replicates are
        // R's subsamples: the mean Jaccard per cluster equals clusterboot's subsetmean.
        var features = ClusterReference.Features("gbsg");
        var r = SubgroupDiscovery.Fit(features, Large());
        var ours = r.Assignment.Select(c => c - 1).ToArray();
        var theirs = RPartition();
        // Same partition: each of our clusters is exactly one of R's.
        var map = new int[3];
        for (int c = 0; c < 3; c++)
        {
            int first = Array.IndexOf(ours, c);
            map[c] = theirs[first];
            for (int i = 0; i < ours.Length; i++) Assert.Equal(ours[i] == c, theirs[i] == map[c]);
        }
        var d = GowerDissimilarity.Compute(features);
        var mean = ClusterStability.Jaccards(ours, 3, RSubsamples(),
            rows => PartitioningAroundMedoids.Fit(d.Subset(rows), new KMedoidsOptions(3)).Assignment);
        var expected = Reference.GetProperty("subset_mean").Doubles();
        for (int c = 0; c < 3; c++) Assert.Equal(expected[map[c]], mean.Average(rep => rep[c]), 1e-15);
    }

    [Fact]
    public void Subsamples_are_m_distinct_sorted_patients_and_cover_them_uniformly()
    {
        var rng = new Random(3);
        var counts = new int[50];
        for (int b = 0; b < 4000; b++)
        {
            var rows = ClusterStability.Draw(50, 10, rng);
            Assert.Equal(10, rows.Length);
            for (int t = 1; t < rows.Length; t++) Assert.True(rows[t] > rows[t - 1]);
            foreach (int i in rows) counts[i]++;
        }
        // Each patient is drawn with probability m/n = 0.2: expected 800 of 4,000, SD √(4000·0.2·0.8) ≈ 25.3; 5 SD.
        Assert.All(counts, c => Assert.InRange(c, 800 - 127, 800 + 127));
    }

    [Theory]
    [InlineData(686, 10_000, 343)]
    [InlineData(12_000, 5_000, 5_000)]
    [InlineData(10_000_000, 5_000, 5_000)]
    public void M_is_half_the_patients_at_most_the_cap(int n, int cap, int m) => Assert.Equal(m, ClusterStability.SubsampleSize(n, cap));

    [Fact]
    public void Above_the_exact_limit_the_gap_statistic_is_that_of_a_stated_random_sample()
    {
        var features = ClusterReference.Features("gbsg");
        ClusteringOptions Options(int seed) => new(ClusteringMethod.KMedoids, KMin: 2, KMax: 4, Seed: seed, GapReferenceSets: 3,
            StabilityResamples: 0, ExactLimit: 300, GapSample: 250);
        var r = SubgroupDiscovery.Fit(features, Options(1));
        Assert.Equal(250, r.GapSample);
        Assert.Null(r.StabilitySubsample);
        Assert.All(r.Criteria, c => Assert.True(double.IsFinite(c.Gap) && double.IsFinite(c.GapStandardError), $"k = {c.K}"));
        Assert.Contains(r.Warnings, w => w.Contains("gap statistic computed on a random sample of 250 patients", StringComparison.Ordinal));
        Assert.Equal(r.Criteria.Select(c => c.Gap), SubgroupDiscovery.Fit(features, Options(1)).Criteria.Select(c => c.Gap));
        Assert.NotEqual(r.Criteria.Select(c => c.Gap), SubgroupDiscovery.Fit(features, Options(2)).Criteria.Select(c => c.Gap));
    }

    [Fact]
    public void Results_json_and_the_report_methods_state_both_sample_sizes_in_plain_words()
    {
        var results = SubgroupReportFixture.Results();
        results = results with { Discovery = results.Discovery with
        {
            Clustering = results.Discovery.Clustering! with { StabilitySubsample = 5_000, GapSample = 2_000 },
        } };
        var json = JsonOutput.Serialize(results);
        Assert.Contains("\"stability_subsample\": 5000", json);
        Assert.Contains("\"gap_sample\": 2000", json);

        var html = SubgroupReport.Render(results, SubgroupReportFixture.Manifest());
        Assert.Contains("over repeated random subsamples of 5,000 patients each, drawn without replacement and clustered anew", html);
        Assert.Contains("the gap statistic computed on a random sample of 2,000 of the patients", html);
        Assert.Contains("Bickel PJ, Götze F, van Zwet WR.", html);
        Assert.Contains("Politis DN, Romano JP, Wolf M.", html);
        // The stability table and the clustering summary say what was resampled; PAC is not computed from subsamples.
        Assert.Contains("Stability of each subgroup over random subsamples of 5,000 patients (mean Jaccard similarity; stable at 0.6 or above)", html);
        Assert.Contains("proportion of ambiguous clustering (PAC) not computed with subsamples", html);
        var bootstrapped = SubgroupReport.Render(SubgroupReportFixture.Results(), SubgroupReportFixture.Manifest());
        Assert.Contains("Bootstrap stability of each subgroup (mean Jaccard similarity; stable at 0.6 or above)", bootstrapped);
        Assert.DoesNotContain("stability_subsample", JsonOutput.Serialize(SubgroupReportFixture.Results()));
    }

    private sealed class Lines : IProgress<string>
    {
        public List<string> All { get; } = [];
        public void Report(string value) { lock (All) All.Add(value); }
    }

    /// <summary>A clock 6 s later at every reading: each step of a meter is past its 5-s interval.</summary>
    private sealed class RunningClock : TimeProvider
    {
        private long ticks;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Interlocked.Add(ref ticks, 6 * TimeSpan.TicksPerSecond);
    }

    [Fact]
    public void Progress_lines_state_m_the_gap_sample_and_the_time_left_of_both_stages()
    {
        var lines = new Lines();
        SubgroupDiscovery.Fit(ClusterReference.Features("gbsg"), new ClusteringOptions(ClusteringMethod.KMedoids, KMin: 2, KMax: 3, Seed: 1,
            GapReferenceSets: 2, StabilityResamples: 3, ExactLimit: 300, StabilitySubsample: 200, GapSample: 250)
        { Progress = lines, Clock = new RunningClock() });
        Assert.Contains("gap statistic on a random sample of 250 of 686 patients, 2 reference sets, k = 1..3", lines.All);
        Assert.Contains(lines.All, l => l.StartsWith("gap statistic (k = 1..", StringComparison.Ordinal) && l.Contains("reference sets): fits: ", StringComparison.Ordinal) && l.Contains("left", StringComparison.Ordinal));
        Assert.Contains("stability: 3 replicates of 200 of the 686 patients each (m-out-of-n subsampling)", lines.All);
        Assert.Contains("subsample replicate 3 of 3 (200 of 686 patients)", lines.All);
        Assert.Contains(lines.All, l => l.StartsWith("subsample replicates (200 of 686 patients each): ", StringComparison.Ordinal));
    }
}
