using System.Text.Json;
using Stratify.Clustering;

namespace Stratify.Tests.Clustering;

/// <summary>
/// FasterPAM against R's cluster::pam (BUILD + steepest-descent SWAP) on Gower dissimilarities, k = 2..6. Objectives
/// absolutely to 2e-15 (measured 4.4e-16), silhouette widths to 1e-14 (measured 3.4e-15).
/// </summary>
public class KMedoidsTests
{
    private static readonly Dictionary<string, DissimilarityMatrix> Gower = new();

    private static DissimilarityMatrix Dissimilarities(string dataset)
    {
        lock (Gower)
        {
            if (!Gower.TryGetValue(dataset, out var d)) Gower[dataset] = d = GowerDissimilarity.Compute(ClusterReference.Features(dataset));
            return d;
        }
    }

    private static JsonElement RPam(string dataset, int k) =>
        ClusterReference.FromR.GetProperty("pam").GetProperty(dataset)[k - 2];

    public static TheoryData<string, int> Cases() => CasesExcept(null);

    /// <summary>The 20 cases but veteran k = 4, where FasterPAM ends in another local optimum than classic PAM.</summary>
    public static TheoryData<string, int> CasesWhereClassicPamAgrees() => CasesExcept(("veteran", 4));

    private static TheoryData<string, int> CasesExcept((string, int)? left)
    {
        var data = new TheoryData<string, int>();
        foreach (var dataset in new[] { "lung", "veteran", "gbsg", "rotterdam" })
            for (int k = 2; k <= 6; k++)
                if ((dataset, k) != left) data.Add(dataset, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Build_initialisation_equals_pam_build(string dataset, int k)
    {
        // R: pam(daisy(...), k)$objective["build"] is the average dissimilarity after BUILD.
        var fit = PartitioningAroundMedoids.Fit(Dissimilarities(dataset), new KMedoidsOptions(k));
        Assert.Equal(RPam(dataset, k).GetProperty("objective_build").GetDouble(), fit.InitialObjective / fit.Assignment.Length, 2e-15);
    }

    [Theory]
    [InlineData(37, 5, 1)]
    [InlineData(203, 6, 2)]
    [InlineData(1001, 5, 3)]
    public void Build_equals_the_pair_by_pair_BUILD(int n, int k, int seed)
    {
        // Oracle: Kaufman & Rousseeuw's BUILD written out pair by pair — gain_j = Σ_i max(nearest_i − d(i, j), 0),
        // the first medoid the least total, ties to the later object. Sizes not divisible by four exercise the
        // blocked sweep's edges; distances on a 1/128 grid make every gain an exact sum in any order, so oracle and kernel
        // see the same gains bit for bit.
        var rng = new Random(seed);
        var packed = new double[n * (n - 1) / 2];
        for (int p = 0; p < packed.Length; p++) packed[p] = Math.Round(rng.NextDouble() * 64) / 64 + 1.0 / 128;
        var d = new DissimilarityMatrix(n, packed);
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var expected = new int[k];
        for (int m = 0; m < k; m++)
        {
            int best = -1;
            double bestGain = double.NegativeInfinity;
            for (int j = 0; j < n; j++)
            {
                if (Array.IndexOf(expected, j, 0, m) >= 0) continue;
                double gain = 0;
                for (int i = 0; i < n; i++) gain += m == 0 ? -d[i, j] : Math.Max(nearest[i] - d[i, j], 0);
                if (gain >= bestGain - 1e-12 * Math.Abs(bestGain)) { bestGain = Math.Max(gain, bestGain); best = j; }
            }
            expected[m] = best;
            for (int i = 0; i < n; i++) nearest[i] = Math.Min(nearest[i], d[i, best]);
        }
        Assert.Equal(expected, PartitioningAroundMedoids.Build(d, k));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FasterPam_equals_R_fasterpam(string dataset, int k)
    {
        // R: pam(daisy(...), k, pamonce = 6) — BUILD then FasterPAM; same medoids and objective["swap"].
        var reference = RPam(dataset, k);
        var fit = PartitioningAroundMedoids.Fit(Dissimilarities(dataset), new KMedoidsOptions(k));
        Assert.Equal(reference.GetProperty("fasterpam_medoids").Ints().Select(m => m - 1).Order(), fit.Medoids.Order());
        Assert.Equal(reference.GetProperty("fasterpam_objective").GetDouble(), fit.AverageDissimilarity, 2e-15);
    }

    [Theory]
    [MemberData(nameof(CasesWhereClassicPamAgrees))]
    public void FasterPam_equals_classic_pam(string dataset, int k)
    {
        // R: pam(daisy(...), k)$objective["swap"] and $id.med (steepest-descent SWAP).
        var reference = RPam(dataset, k);
        var fit = PartitioningAroundMedoids.Fit(Dissimilarities(dataset), new KMedoidsOptions(k));
        Assert.Equal(reference.GetProperty("medoids").Ints().Select(m => m - 1).Order(), fit.Medoids.Order());
        Assert.Equal(reference.GetProperty("objective_swap").GetDouble(), fit.AverageDissimilarity, 2e-15);
    }

    [Fact]
    public void FasterPam_on_veteran_with_k_4_ends_in_the_other_local_optimum_R_fasterpam_finds()
    {
        // Eager swaps may stop in another local optimum than steepest descent. Of the 20 cases this happens once:
        // veteran k = 4, where FasterPAM (ours and R's pamonce = 6 alike) ends at 0.1687552 against classic PAM's
        // 0.1682447 (0.3 % higher). R: pam(daisy(...), 4)$objective["swap"] and pam(..., pamonce = 6).
        var reference = RPam("veteran", 4);
        var fit = PartitioningAroundMedoids.Fit(Dissimilarities("veteran"), new KMedoidsOptions(4));
        Assert.NotEqual(reference.GetProperty("medoids").Ints().Select(m => m - 1).Order(), fit.Medoids.Order());
        Assert.Equal(reference.GetProperty("fasterpam_objective").GetDouble(), fit.AverageDissimilarity, 2e-15);
        Assert.Equal(0.1687552, fit.AverageDissimilarity, 1e-7);
        Assert.Equal(0.1682447, reference.GetProperty("objective_swap").GetDouble(), 1e-7);
    }

    [Theory]
    [InlineData("lung")]
    [InlineData("gbsg")]
    public void Silhouette_widths_equal_R_silhouette(string dataset)
    {
        // R: silhouette(pam(d, k)$clustering, d)[, "sil_width"], on R's own clustering so both sides use the same partition.
        var d = Dissimilarities(dataset);
        for (int k = 2; k <= 6; k++)
        {
            var reference = RPam(dataset, k);
            var assignment = reference.GetProperty("clustering").Ints().Select(c => c - 1).ToArray();
            var sil = Silhouette.Compute(d, assignment, k);
            Assert.True(ClusterReference.MaxAbsDifference(sil.Widths, reference.GetProperty("silhouette_width").Doubles()) <= 1e-14);
            Assert.Equal(reference.GetProperty("silhouette_average").GetDouble(), sil.Average, 1e-14);
        }
    }

    [Fact]
    public void Random_and_plusplus_initialisations_are_deterministic_given_the_seed()
    {
        var d = Dissimilarities("veteran");
        foreach (var init in new[] { MedoidInitialisation.Random, MedoidInitialisation.KMeansPlusPlus })
        {
            var a = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(4, init, Seed: 7));
            var b = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(4, init, Seed: 7));
            Assert.Equal(a.Medoids, b.Medoids);
            Assert.Equal(a.Objective, b.Objective);
        }
    }

    [Fact]
    public void Clara_assigns_every_patient_and_reports_the_objective_over_all()
    {
        var features = ClusterReference.Features("rotterdam");
        var gower = new GowerDissimilarity(features);
        var fit = PartitioningAroundMedoids.Clara(gower, new KMedoidsOptions(3, Seed: 11, ClaraSamples: 5));
        Assert.Equal(features.RowCount, fit.Assignment.Length);
        double total = 0;
        for (int i = 0; i < fit.Assignment.Length; i++) total += gower.Pair(i, fit.Medoids[fit.Assignment[i]]);
        Assert.Equal(total, fit.Objective, 1e-9);
        // Sampling can only lose against the search over all patients (same BUILD + FasterPAM on the full matrix).
        var full = PartitioningAroundMedoids.Fit(GowerDissimilarity.Compute(features), new KMedoidsOptions(3));
        Assert.True(fit.Objective >= full.Objective - 1e-9);
        Assert.Equal(46, fit.SampleSize); // 40 + 2k, R's clara default
    }
}

/// <summary>Large-cohort modes: sampled silhouettes and CLARA through the pipeline.</summary>
public class LargeCohortModeTests
{
    [Fact]
    public void Sampled_silhouette_widths_equal_the_exact_widths_of_the_sampled_patients()
    {
        var features = ClusterReference.Features("gbsg");
        var gower = new GowerDissimilarity(features);
        var d = gower.Matrix();
        var fit = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(3));
        var exact = Silhouette.Compute(d, fit.Assignment, 3);
        var sampled = Silhouette.Sampled(d.Count, gower.Pair, fit.Assignment, 3, sampleSize: 100, seed: 9);
        Assert.Equal(100, sampled.Objects!.Length);
        foreach (int i in sampled.Objects) Assert.Equal(exact.Widths[i], sampled.Widths[i], 1e-12);
        Assert.Equal(sampled.Objects.Average(i => exact.Widths[i]), sampled.Average, 1e-12);
    }

    /// <summary>
    /// The lane-parallel Gower silhouette (several sampled patients per pass) against the oracle that calls Pair for every
    /// pair: the same sample and the same widths bit for bit — with pairwise missing values and pairs that share no
    /// feature (lung: NaN sums), unequal non-integer weights, and sample sizes that fill the two vectors of lanes of the last group partly or not at all.
    /// </summary>
    [Theory]
    [InlineData("gbsg", false, 37)]
    [InlineData("lung", false, 36)]
    [InlineData("lung", true, 35)]
    [InlineData("rotterdam", true, 3)]
    [InlineData("rotterdam", false, 64)]
    public void Gower_sampled_silhouette_equals_the_pair_by_pair_oracle_bit_for_bit(string dataset, bool unequalWeights, int sampleSize)
    {
        var features = ClusterReference.Features(dataset);
        if (unequalWeights)
            features = new FeatureSet(features.Features.Select((f, i) => f with { Weight = 0.3 + 0.55 * i }).ToList(), features.SourceRows, features.Missing);
        var gower = new GowerDissimilarity(features);
        var assignment = new int[gower.Count];
        var rng = new Random(4);
        for (int i = 0; i < assignment.Length; i++) assignment[i] = rng.Next(3);
        var oracle = Silhouette.Sampled(gower.Count, gower.Pair, assignment, 3, sampleSize, seed: 9);
        int reported = 0;
        var fast = Silhouette.Sampled(gower, assignment, 3, sampleSize, seed: 9, done => Interlocked.Add(ref reported, done));
        Assert.Equal(oracle.Objects, fast.Objects);
        Assert.Equal(sampleSize, reported);
        for (int i = 0; i < assignment.Length; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(oracle.Widths[i]), BitConverter.DoubleToInt64Bits(fast.Widths[i]));
            Assert.Equal(oracle.Neighbour[i], fast.Neighbour[i]);
        }
        Assert.Equal(BitConverter.DoubleToInt64Bits(oracle.Average), BitConverter.DoubleToInt64Bits(fast.Average));
    }

    [Fact]
    public void Pipeline_switches_to_clara_and_sampled_silhouettes_above_the_thresholds()
    {
        var features = ClusterReference.Features("rotterdam");
        var r = SubgroupDiscovery.Fit(features, new ClusteringOptions(ClusteringMethod.KMedoids, K: 3, ClaraThreshold: 1000,
            ExactLimit: 1000, SilhouetteSample: 300, StabilityResamples: 5));
        Assert.Equal(features.RowCount, r.Assignment.Length);
        Assert.Contains(r.Warnings, w => w.StartsWith("k-medoids by CLARA", StringComparison.Ordinal));
        Assert.Contains(r.Warnings, w => w.StartsWith("silhouette widths computed for a random sample of 300", StringComparison.Ordinal));
        // Stability m-out-of-n: m = ⌊2,982/2⌋ = 1,491 patients per replicate, each clustered by PAM.
        Assert.Equal(1491, r.StabilitySubsample);
        Assert.Contains(r.Warnings, w => w.StartsWith("stability assessed on 5 random subsamples of 1,491 of the 2,982 patients", StringComparison.Ordinal));
        Assert.All(r.Clusters, c => Assert.InRange(c.Stability, 0.0, 1.0));
        Assert.True(double.IsNaN(r.Pac));
    }
}
