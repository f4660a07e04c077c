using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Stratify.Clustering;

/// <summary>A k-medoids clustering.</summary>
/// <param name="Medoids">0-based object indices of the medoids, cluster c having medoid Medoids[c].</param>
/// <param name="Assignment">Cluster (0..k−1) of each object: its nearest medoid (ties: the lower cluster).</param>
/// <param name="Objective">Total dissimilarity of the objects to their nearest medoid, Σ_i d(i, m(i)).</param>
/// <param name="Swaps">Swaps performed after initialisation.</param>
/// <param name="Passes">Passes over the candidates (the last one finds no improving swap).</param>
/// <param name="InitialObjective">Total after initialisation (R's pam objective["build"] × n for BUILD).</param>
/// <param name="SampleSize">CLARA's sample size, or null when every object took part in the search.</param>
internal sealed record KMedoidsResult(int[] Medoids, int[] Assignment, double Objective, double InitialObjective, int Swaps, int Passes, int? SampleSize)
{
    public int K => Medoids.Length;
    /// <summary>Objective / n: the number R's pam reports as objective["swap"].</summary>
    public double AverageDissimilarity => Objective / Assignment.Length;
}

/// <summary>
/// k-medoids (partitioning around medoids): minimise TD = Σ_i min_c d(i, m_c) over medoid sets {m_1..m_k} ⊂ objects.
///
/// Search: FasterPAM (Schubert &amp; Rousseeuw 2021, "Fast and eager k-medoids clustering: O(k) runtime improvement of
/// the PAM, CLARA, and CLARANS algorithms", Information Systems 101:101804). For each non-medoid candidate
/// x_c, one pass over the objects gives the change of TD for swapping x_c with every medoid at once:
///   ΔTD_i = removal_loss_i + Σ_o [ d_oc &lt; dn_o : (dn_o − ds_o) credited to o's medoid, (d_oc − dn_o) shared ]
///                           + [ dn_o ≤ d_oc &lt; ds_o : (d_oc − ds_o) credited to o's medoid ],
/// with dn/ds the distances to the nearest and second-nearest medoid and removal_loss_i = Σ_{o: m(o)=i} (ds_o − dn_o).
/// The best swap for x_c is made at once if it lowers TD ("eager"); candidates are visited cyclically from the last
/// swap, and the search stops after a full cycle without an improving swap — a local optimum of PAM's swap
/// neighbourhood, the same stopping rule as R's pam(pamonce = 6). PAM's steepest-descent SWAP can end in a different
/// local optimum; neither is guaranteed global.
///
/// Large n: <see cref="Clara"/> (Kaufman &amp; Rousseeuw 1990 ch. 3): FasterPAM on random samples (each after the
/// first contains the best medoids so far), every object assigned, the sample whose medoids give the lowest TD over
/// all objects wins.
/// <example><code>
/// var d = GowerDissimilarity.Compute(features);
/// var fit = PartitioningAroundMedoids.Fit(d, new KMedoidsOptions(K: 3));      // compare pam(d, 3)$objective["swap"] with fit.AverageDissimilarity
/// </code></example>
/// </summary>
internal static class PartitioningAroundMedoids
{
    public static KMedoidsResult Fit(DissimilarityMatrix d, KMedoidsOptions options)
    {
        Validate(d.Count, options.K);
        if (d.HasMissing())
            throw new Data.StratifyInputException("some pairs of patients share no observed feature, so their dissimilarity is undefined; drop or impute missing values");
        var rng = new Random(options.Seed);
        int[] medoids = options.Initialisation switch
        {
            MedoidInitialisation.Build => Build(d, options.K),
            MedoidInitialisation.Random => RandomDistinct(rng, d.Count, options.K),
            _ => PlusPlus(d, options.K, rng),
        };
        return FasterPam(d, medoids, options.MaxPasses, null);
    }

    /// <summary>FasterPAM's swap phase from given medoids (0-based).</summary>
    public static KMedoidsResult FitFrom(DissimilarityMatrix d, int[] initialMedoids, int maxPasses = 100)
    {
        Validate(d.Count, initialMedoids.Length);
        return FasterPam(d, (int[])initialMedoids.Clone(), maxPasses, null);
    }

    /// <summary>
    /// CLARA with FasterPAM inside, on Gower dissimilarities computed on demand (ranges over all patients).
    /// Deterministic from <see cref="KMedoidsOptions.Seed"/>. <paramref name="sampleDone"/> is told of each sample searched
    /// and assigned (for a progress display).
    /// </summary>
    public static KMedoidsResult Clara(GowerDissimilarity gower, KMedoidsOptions options, Action? sampleDone = null)
    {
        int n = gower.Count, k = options.K;
        Validate(n, k);
        int sampleSize = Math.Min(n, options.ClaraSampleSize ?? 40 + 2 * k);
        if (sampleSize <= k) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"CLARA's sample size ({sampleSize}) must exceed k ({k})"));
        var rng = new Random(options.Seed);
        int[]? best = null;
        int[] bestAssignment = new int[n];
        double bestObjective = double.PositiveInfinity;
        int swaps = 0, passes = 0;
        var assignment = new int[n];
        for (int s = 0; s < Math.Max(1, options.ClaraSamples); s++)
        {
            var sample = new List<int>(sampleSize);
            var inSample = new HashSet<int>();
            if (best is not null) foreach (int m in best) if (inSample.Add(m)) sample.Add(m);
            while (sample.Count < sampleSize) { int i = rng.Next(n); if (inSample.Add(i)) sample.Add(i); }
            sample.Sort();
            var rows = sample.ToArray();
            var sub = gower.Subset(rows);
            if (sub.HasMissing()) continue;
            var local = FasterPam(sub, Build(sub, k), options.MaxPasses, null);
            swaps += local.Swaps;
            passes += local.Passes;
            var medoids = new int[k];
            for (int c = 0; c < k; c++) medoids[c] = rows[local.Medoids[c]];
            double total = AssignAll(gower, medoids, assignment);
            if (total < bestObjective)
            {
                bestObjective = total;
                best = medoids;
                Array.Copy(assignment, bestAssignment, n);
            }
            sampleDone?.Invoke();
        }
        if (best is null) throw new Data.StratifyInputException("every CLARA sample had pairs without a common observed feature; drop or impute missing values");
        return new KMedoidsResult(best, bestAssignment, bestObjective, double.NaN, swaps, passes, sampleSize);
    }

    /// <summary>Nearest-medoid assignment of every patient (parallel over patients); returns the total dissimilarity.</summary>
    private static double AssignAll(GowerDissimilarity gower, int[] medoids, int[] assignment)
    {
        int n = gower.Count;
        var nearest = new double[n];
        Parallel.For(0, n, i =>
        {
            double best = double.PositiveInfinity;
            int cluster = 0;
            for (int c = 0; c < medoids.Length; c++)
            {
                double v = gower.Pair(i, medoids[c]);
                if (v < best) { best = v; cluster = c; }
            }
            assignment[i] = cluster;
            nearest[i] = double.IsPositiveInfinity(best) ? double.NaN : best;
        });
        double total = 0;
        foreach (double v in nearest) total += v;
        return total;
    }

    private static void Validate(int n, int k)
    {
        if (k < 1 || k >= n) throw new Data.StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"k must be between 1 and n − 1 = {n - 1}"), value: k.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// PAM BUILD, ties to the later object as in R's pam (<c>ammax &lt;= beter[i]</c>; gains within 1e-12 relative count
    /// as ties, since they are summed in a different order). The first medoid has the least total dissimilarity
    /// (<see cref="DissimilarityMatrix.ObjectTotals"/>, often summed while the matrix was computed). Each later round
    /// streams once over the packed triangle: column i (objects j &gt; i, contiguous) adds max(nearest_j − d_ij, 0) to
    /// gain_i and max(nearest_i − d_ij, 0) to gain_j, both vectorised, four columns per sweep of j so each nearest_j and
    /// gain_j is loaded once for four columns; column blocks run in parallel with their own gain arrays, reduced in block
    /// order.
    /// </summary>
    internal static int[] Build(DissimilarityMatrix d, int k)
    {
        int n = d.Count;
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var isMedoid = new bool[n];
        var medoids = new int[k];
        var row = new double[n];
        var bounds = d.ColumnBlocks(DissimilarityMatrix.FixedBlocks); // fixed blocks: the sums do not depend on the core count
        for (int m = 0; m < k; m++)
        {
            var gain = m == 0 ? Negated(d.ObjectTotals()) : StreamGains(d, nearest, bounds);
            int best = -1;
            double bestGain = double.NegativeInfinity;
            for (int c = 0; c < n; c++)
                if (!isMedoid[c] && gain[c] >= bestGain - 1e-12 * Math.Abs(bestGain)) { bestGain = Math.Max(gain[c], bestGain); best = c; }
            medoids[m] = best;
            isMedoid[best] = true;
            d.CopyRow(best, row);
            for (int o = 0; o < n; o++) if (row[o] < nearest[o]) nearest[o] = row[o];
        }
        return medoids;
    }

    private static double[] Negated(double[] values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = -values[i];
        return result;
    }

    private static double[] StreamGains(DissimilarityMatrix d, double[] nearest, int[] bounds)
    {
        int n = d.Count, blocks = bounds.Length - 1;
        var partial = new double[blocks][];
        Parallel.For(0, blocks, b =>
        {
            var gain = new double[n];
            int i = bounds[b], end = bounds[b + 1];
            for (; i + 4 <= end; i += 4) AddFourColumns(d, i, nearest, gain);
            for (; i < end; i++) AddColumnsSingly(d, i, i + 1, nearest, gain);
            partial[b] = gain;
        });
        var total = DissimilarityMatrix.SumBlocks(partial);
        for (int c = 0; c < n; c++) total[c] += Math.Max(nearest[c], 0); // the object itself: d(c, c) = 0
        return total;
    }

    /// <summary>BUILD's gains from columns first..last−1 of the triangle, one column at a time, pair by pair.</summary>
    private static void AddColumnsSingly(DissimilarityMatrix d, int first, int last, double[] nearest, double[] gain)
    {
        for (int i = first; i < last; i++)
        {
            var seg = new ReadOnlySpan<double>(d.Packed, (int)d.ColumnStart(i), d.Count - i - 1);
            double ni = nearest[i], s = 0;
            for (int t = 0; t < seg.Length; t++)
            {
                s += Math.Max(nearest[i + 1 + t] - seg[t], 0);
                gain[i + 1 + t] += Math.Max(ni - seg[t], 0);
            }
            gain[i] += s;
        }
    }

    /// <summary>BUILD's gains from columns i..i+3 in one sweep over the objects j ≥ i + 4 (register blocking): each
    /// nearest_j and gain_j is loaded and gain_j stored once for the four columns, whose contiguous runs are read side by
    /// side. Pairs among the four columns themselves are added first, pair by pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddFourColumns(DissimilarityMatrix d, int i, double[] nearest, double[] gain)
    {
        int n = d.Count, w = Vector<double>.Count, first = i + 4, length = n - first;
        var packed = d.Packed;
        for (int c = i; c < i + 3 && c < n - 1; c++)
            for (int j = c + 1; j < first && j < n; j++)
            {
                double v = d[c, j];
                gain[c] += Math.Max(nearest[j] - v, 0);
                gain[j] += Math.Max(nearest[c] - v, 0);
            }
        if (length <= 0) return;
        var s0 = new ReadOnlySpan<double>(packed, (int)d.ColumnStart(i) + 3, length);
        var s1 = new ReadOnlySpan<double>(packed, (int)d.ColumnStart(i + 1) + 2, length);
        var s2 = new ReadOnlySpan<double>(packed, (int)d.ColumnStart(i + 2) + 1, length);
        var s3 = new ReadOnlySpan<double>(packed, (int)d.ColumnStart(i + 3), length);
        var near = new ReadOnlySpan<double>(nearest, first, length);
        var target = new Span<double>(gain, first, length);
        double n0 = nearest[i], n1 = nearest[i + 1], n2 = nearest[i + 2], n3 = nearest[i + 3];
        Vector<double> n0v = new(n0), n1v = new(n1), n2v = new(n2), n3v = new(n3), zero = Vector<double>.Zero;
        Vector<double> a0 = zero, a1 = zero, a2 = zero, a3 = zero;
        int t = 0;
        for (; t <= length - w; t += w)
        {
            var nj = new Vector<double>(near[t..]);
            var v0 = new Vector<double>(s0[t..]);
            var v1 = new Vector<double>(s1[t..]);
            var v2 = new Vector<double>(s2[t..]);
            var v3 = new Vector<double>(s3[t..]);
            a0 += Vector.Max(nj - v0, zero);
            a1 += Vector.Max(nj - v1, zero);
            a2 += Vector.Max(nj - v2, zero);
            a3 += Vector.Max(nj - v3, zero);
            var added = Vector.Max(n0v - v0, zero) + Vector.Max(n1v - v1, zero) + (Vector.Max(n2v - v2, zero) + Vector.Max(n3v - v3, zero));
            (new Vector<double>(target[t..]) + added).CopyTo(target[t..]);
        }
        double g0 = Vector.Sum(a0), g1 = Vector.Sum(a1), g2 = Vector.Sum(a2), g3 = Vector.Sum(a3);
        for (; t < length; t++)
        {
            double nt = near[t];
            g0 += Math.Max(nt - s0[t], 0);
            g1 += Math.Max(nt - s1[t], 0);
            g2 += Math.Max(nt - s2[t], 0);
            g3 += Math.Max(nt - s3[t], 0);
            target[t] += Math.Max(n0 - s0[t], 0) + Math.Max(n1 - s1[t], 0) + (Math.Max(n2 - s2[t], 0) + Math.Max(n3 - s3[t], 0));
        }
        gain[i] += g0;
        gain[i + 1] += g1;
        gain[i + 2] += g2;
        gain[i + 3] += g3;
    }

    private static int[] RandomDistinct(Random rng, int n, int k)
    {
        var chosen = new HashSet<int>();
        var medoids = new int[k];
        for (int m = 0; m < k;) { int c = rng.Next(n); if (chosen.Add(c)) medoids[m++] = c; }
        return medoids;
    }

    private static int[] PlusPlus(DissimilarityMatrix d, int k, Random rng)
    {
        int n = d.Count;
        var medoids = new int[k];
        var nearest = new double[n];
        var row = new double[n];
        medoids[0] = rng.Next(n);
        d.CopyRow(medoids[0], nearest);
        for (int m = 1; m < k; m++)
        {
            double total = 0;
            for (int o = 0; o < n; o++) total += nearest[o] * nearest[o];
            double u = rng.NextDouble() * total, acc = 0;
            int pick = -1;
            for (int o = 0; o < n; o++)
            {
                if (nearest[o] == 0) continue;
                acc += nearest[o] * nearest[o];
                pick = o;
                if (acc >= u) break;
            }
            if (pick < 0) pick = Array.IndexOf(nearest, nearest.Max());
            medoids[m] = pick;
            d.CopyRow(pick, row);
            for (int o = 0; o < n; o++) if (row[o] < nearest[o]) nearest[o] = row[o];
        }
        return medoids;
    }

    /// <summary>FasterPAM swap phase (eager, cyclic candidates, stop after a full cycle without improvement).</summary>
    private static KMedoidsResult FasterPam(DissimilarityMatrix d, int[] medoids, int maxPasses, int? sampleSize)
    {
        int n = d.Count, k = medoids.Length;
        var isMedoid = new bool[n];
        foreach (int m in medoids)
        {
            if (m < 0 || m >= n || isMedoid[m]) throw new Data.StratifyInputException("initial medoids must be distinct object indices");
            isMedoid[m] = true;
        }
        var medoidRows = new double[k][];
        for (int m = 0; m < k; m++) { medoidRows[m] = new double[n]; d.CopyRow(medoids[m], medoidRows[m]); }
        var nearestCluster = new int[n];
        var nearest = new double[n];
        var second = new double[n];
        UpdateNearest(medoidRows, nearestCluster, nearest, second);
        double initial = Sum(nearest);
        if (k == 1)
        {
            // One medoid: the global optimum is BUILD's first step, the object with the least total dissimilarity.
            medoids[0] = Build(d, 1)[0];
            d.CopyRow(medoids[0], medoidRows[0]);
            UpdateNearest(medoidRows, nearestCluster, nearest, second);
            return new KMedoidsResult(medoids, nearestCluster, Sum(nearest), initial, 0, 1, sampleSize);
        }
        var removalLoss = new double[k];
        RemovalLoss(nearestCluster, nearest, second, removalLoss);

        int swaps = 0;
        // Tolerance: a swap must lower TD by more than rounding noise, or floating-point ties could cycle forever.
        double tolerance = 1e-12 * Math.Max(initial, 1e-300);
        // Candidates are evaluated in batches of consecutive objects (in parallel), then scanned in order: the first
        // improving one is swapped and the scan resumes after it, so the swaps are those of the sequential algorithm.
        // Batches grow from 64 to 1024 candidates while no swap is found (longer contiguous runs per object in the
        // leading part) and shrink back after a swap, so little work is thrown away when a batch ends in a swap.
        const int firstBatch = 64, largestBatch = 1024;
        int batch = firstBatch;
        var batchMedoid = new int[largestBatch];
        var batchChange = new double[largestBatch];
        var state = new SwapState(d, nearest, second, nearestCluster, removalLoss);
        int c = 0, sinceSwap = 0;
        long visited = 0;
        while (sinceSwap < n && visited < (long)maxPasses * n)
        {
            int count = Math.Min(batch, Math.Min(n - c, n - sinceSwap));
            state.Evaluate(c, count, batchMedoid, batchChange);
            int swappedAt = -1;
            for (int t = 0; t < count; t++)
                if (!isMedoid[c + t] && batchChange[t] < -tolerance) { swappedAt = t; break; }
            int consumed = swappedAt < 0 ? count : swappedAt + 1;
            visited += consumed;
            sinceSwap += consumed;
            if (swappedAt >= 0)
            {
                int candidate = c + swappedAt, m = batchMedoid[swappedAt];
                isMedoid[medoids[m]] = false;
                medoids[m] = candidate;
                isMedoid[candidate] = true;
                d.CopyRow(candidate, medoidRows[m]);
                UpdateNearest(medoidRows, nearestCluster, nearest, second);
                RemovalLoss(nearestCluster, nearest, second, removalLoss);
                swaps++;
                sinceSwap = 0;
                batch = firstBatch;
            }
            else batch = Math.Min(2 * batch, largestBatch);
            c = (c + consumed) % n;
        }
        int passes = (int)((visited + n - 1) / n);
        return new KMedoidsResult(medoids, nearestCluster, Sum(nearest), initial, swaps, passes, sampleSize);
    }

    /// <summary>
    /// FasterPAM's ΔTD for a batch of consecutive candidates c0..c0+B−1, read straight from the packed triangle.
    /// Per object o and candidate c (Schubert &amp; Rousseeuw's case analysis, written without branches):
    ///   shared_c      += min(d_oc − dn_o, 0)
    ///   ΔTD_c[m(o)]   += min(d_oc, ds_o) − ds_o − min(d_oc − dn_o, 0)
    /// (d_oc &lt; dn: dn − ds; dn ≤ d_oc &lt; ds: d_oc − ds; else 0), and ΔTD_c[m] starts at the removal loss of medoid m.
    /// Memory layout: the dist-order triangle stores column j's entries d(i, j), i &gt; j, contiguously, and every read
    /// below is a contiguous run of it (a scattered read per pair would be latency-bound, ~8× slower):
    ///  - objects o &lt; c0 hold the batch's B distances contiguously in column o: object-major, each object updates its
    ///    cluster's B accumulators with one vector pass across the candidates (<see cref="AddObject"/>);
    ///  - objects after the batch lie contiguously in each candidate's own column: candidate-major, one sequential
    ///    vector pass per column, each lane adding to its own per-cluster sums (<see cref="AddColumn"/>);
    ///  - pairs inside the batch come from the candidates' columns and are used in both directions.
    /// Runs in the first case are B long, so B grows while no swap is found (see FasterPam). Fixed object ranges run
    /// in parallel into their own accumulators, summed in a fixed order, so the result does not depend on the number
    /// of threads.
    /// </summary>
    private sealed class SwapState(DissimilarityMatrix d, double[] nearest, double[] second, int[] nearestCluster, double[] removalLoss)
    {
        private const int Chunks = 8;

        public void Evaluate(int c0, int count, int[] bestMedoid, double[] change)
        {
            int n = d.Count, k = removalLoss.Length;
            int after = c0 + count;
            // Accumulators: [leading chunks | inner block | trailing chunks], each k × B per-cluster sums then B shared.
            var chunkAcc = new double[2 * Chunks + 1][];
            Parallel.For(0, 2 * Chunks + 1, item =>
            {
                if (item < Chunks)
                {
                    int lo = (int)((long)c0 * item / Chunks), hi = (int)((long)c0 * (item + 1) / Chunks);
                    chunkAcc[item] = Leading(lo, hi, c0, count, k);
                }
                else if (item == Chunks) chunkAcc[item] = Inner(c0, count, k);
                else
                {
                    int q = item - Chunks - 1, span = n - after;
                    chunkAcc[item] = Trailing(after + (int)((long)span * q / Chunks), after + (int)((long)span * (q + 1) / Chunks), c0, count, k);
                }
            });
            Span<double> delta = stackalloc double[k];
            for (int t = 0; t < count; t++)
            {
                removalLoss.CopyTo(delta);
                double shared = 0;
                foreach (var acc in chunkAcc)
                {
                    for (int m = 0; m < k; m++) delta[m] += acc[m * count + t];
                    shared += acc[k * count + t];
                }
                int best = 0;
                for (int m = 1; m < k; m++) if (delta[m] < delta[best]) best = m;
                bestMedoid[t] = best;
                change[t] = delta[best] + shared;
            }
        }

        /// <summary>Objects lo..hi−1 (all before the batch): d(o, c0 + t) = packed[ColumnStart(o) + c0 − o − 1 + t].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double[] Leading(int lo, int hi, int c0, int count, int k)
        {
            var acc = new double[(k + 1) * count];
            var packed = d.Packed;
            int o = lo;
            for (; o + 2 <= hi; o += 2)
                AddObjectPair(o, new ReadOnlySpan<double>(packed, (int)(d.ColumnStart(o) + c0 - o - 1), count),
                    new ReadOnlySpan<double>(packed, (int)(d.ColumnStart(o + 1) + c0 - o - 2), count), acc, count, k);
            for (; o < hi; o++)
                AddObject(o, 0, new ReadOnlySpan<double>(packed, (int)(d.ColumnStart(o) + c0 - o - 1), count), acc, count, k);
            return acc;
        }

        /// <summary><see cref="AddObject"/> for objects o and o + 1 in one pass over the batch: the shared sums (and the
        /// cluster's sums when both objects have the same medoid) are loaded and stored once for the two, each element
        /// receiving o's term and then o + 1's, the additions and their order of two AddObject calls.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddObjectPair(int o, ReadOnlySpan<double> first, ReadOnlySpan<double> next, double[] acc, int count, int k)
        {
            int w = Vector<double>.Count;
            var shared = acc.AsSpan(k * count, count);
            var targetA = acc.AsSpan(nearestCluster[o] * count, count);
            var targetB = acc.AsSpan(nearestCluster[o + 1] * count, count);
            bool sameCluster = nearestCluster[o] == nearestCluster[o + 1];
            double dnA = nearest[o], dsA = second[o], dnB = nearest[o + 1], dsB = second[o + 1];
            Vector<double> dnAv = new(dnA), dsAv = new(dsA), dnBv = new(dnB), dsBv = new(dsB);
            int t = 0;
            for (; t <= count - w; t += w)
            {
                var a = new Vector<double>(first[t..]);
                var b = new Vector<double>(next[t..]);
                var closerA = Vector.Min(a - dnAv, Vector<double>.Zero);
                var closerB = Vector.Min(b - dnBv, Vector<double>.Zero);
                (new Vector<double>(shared[t..]) + closerA + closerB).CopyTo(shared[t..]);
                var termA = Vector.Min(a, dsAv) - dsAv - closerA;
                var termB = Vector.Min(b, dsBv) - dsBv - closerB;
                if (sameCluster) (new Vector<double>(targetA[t..]) + termA + termB).CopyTo(targetA[t..]);
                else
                {
                    (new Vector<double>(targetA[t..]) + termA).CopyTo(targetA[t..]);
                    (new Vector<double>(targetB[t..]) + termB).CopyTo(targetB[t..]);
                }
            }
            for (; t < count; t++)
            {
                double a = first[t], b = next[t], closerA = Math.Min(a - dnA, 0), closerB = Math.Min(b - dnB, 0);
                shared[t] = shared[t] + closerA + closerB;
                targetA[t] += Math.Min(a, dsA) - dsA - closerA;
                targetB[t] += Math.Min(b, dsB) - dsB - closerB;
            }
        }

        /// <summary>Objects lo..hi−1 after the batch lie contiguously in each candidate's own column, so they are taken
        /// candidate by candidate, one sequential pass per column (<see cref="AddColumn"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double[] Trailing(int lo, int hi, int c0, int count, int k)
        {
            var acc = new double[(k + 1) * count];
            var packed = d.Packed;
            for (int t = 0; t < count; t++)
            {
                int c = c0 + t;
                AddColumn(t, lo, new ReadOnlySpan<double>(packed, (int)(d.ColumnStart(c) + lo - c - 1), hi - lo), acc, count, k);
            }
            return acc;
        }

        /// <summary>Adds to candidate t the terms of objects first.. (<paramref name="column"/>[j] = d(first + j, c0 + t)):
        /// one vector pass over the column; each lane adds its object's term to its own per-cluster sums (4 × k
        /// scalars, summed lane by lane at the end), cheaper than k masked vector sums.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddColumn(int t, int first, ReadOnlySpan<double> column, double[] acc, int count, int k)
        {
            int length = column.Length;
            var dn = new ReadOnlySpan<double>(nearest, first, length);
            var ds = new ReadOnlySpan<double>(second, first, length);
            var cluster = new ReadOnlySpan<int>(nearestCluster, first, length);
            Span<double> lane = stackalloc double[4 * k];
            lane.Clear();
            var shared = Vector256<double>.Zero;
            int j = 0;
            for (; j <= length - 4; j += 4)
            {
                var v = Vector256.Create(column[j..]);
                var dsv = Vector256.Create(ds[j..]);
                var closer = Vector256.Min(v - Vector256.Create(dn[j..]), Vector256<double>.Zero);
                shared += closer;
                var term = Vector256.Min(v, dsv) - dsv - closer;
                lane[cluster[j]] += term[0];
                lane[k + cluster[j + 1]] += term[1];
                lane[2 * k + cluster[j + 2]] += term[2];
                lane[3 * k + cluster[j + 3]] += term[3];
            }
            double sharedTail = 0;
            for (; j < length; j++)
            {
                double v = column[j], closer = Math.Min(v - dn[j], 0);
                sharedTail += closer;
                lane[cluster[j]] += Math.Min(v, ds[j]) - ds[j] - closer;
            }
            for (int m = 0; m < k; m++) acc[m * count + t] += (lane[m] + lane[k + m]) + (lane[2 * k + m] + lane[3 * k + m]);
            acc[k * count + t] += Vector256.Sum(shared) + sharedTail;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void AddObject(int o, int first, ReadOnlySpan<double> distances, double[] acc, int count, int k)
        {
            int w = Vector<double>.Count, length = distances.Length;
            var sharedSpan = acc.AsSpan(k * count + first, length);
            double dn = nearest[o], ds = second[o];
            var target = acc.AsSpan(nearestCluster[o] * count + first, length);
            var dnv = new Vector<double>(dn);
            var dsv = new Vector<double>(ds);
            int t = 0;
            for (; t <= length - w; t += w)
            {
                var v = new Vector<double>(distances[t..]);
                var closer = Vector.Min(v - dnv, Vector<double>.Zero);
                (new Vector<double>(sharedSpan[t..]) + closer).CopyTo(sharedSpan[t..]);
                (new Vector<double>(target[t..]) + (Vector.Min(v, dsv) - dsv - closer)).CopyTo(target[t..]);
            }
            for (; t < length; t++)
            {
                double v = distances[t], closer = Math.Min(v - dn, 0);
                sharedSpan[t] += closer;
                target[t] += Math.Min(v, ds) - ds - closer;
            }
        }

        /// <summary>Pairs inside the batch: column c0 + t holds d(c0 + u, c0 + t) for u &gt; t contiguously, which serves
        /// both directions — object c0 + t for candidates u &gt; t, and objects u &gt; t for candidate t. The candidate
        /// itself (d = 0) is added as an object of its own candidate.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private double[] Inner(int c0, int count, int k)
        {
            var acc = new double[(k + 1) * count];
            var packed = d.Packed;
            for (int t = 0; t < count; t++)
            {
                int c = c0 + t;
                AddObject(c, t, [0.0], acc, count, k);
                if (t == count - 1) break;
                var column = new ReadOnlySpan<double>(packed, (int)d.ColumnStart(c), count - t - 1);
                AddObject(c, t + 1, column, acc, count, k);
                AddColumn(t, c + 1, column, acc, count, k);
            }
            return acc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void UpdateNearest(double[][] medoidRows, int[] nearestCluster, double[] nearest, double[] second)
    {
        int n = nearest.Length, k = medoidRows.Length;
        Array.Fill(nearest, double.PositiveInfinity);
        Array.Fill(second, double.PositiveInfinity);
        for (int m = 0; m < k; m++)
        {
            var row = medoidRows[m];
            for (int o = 0; o < n; o++)
            {
                double v = row[o];
                if (v < nearest[o]) { second[o] = nearest[o]; nearest[o] = v; nearestCluster[o] = m; }
                else if (v < second[o]) second[o] = v;
            }
        }
    }

    private static void RemovalLoss(int[] nearestCluster, double[] nearest, double[] second, double[] loss)
    {
        Array.Clear(loss);
        for (int o = 0; o < nearest.Length; o++) loss[nearestCluster[o]] += second[o] - nearest[o];
    }

    private static double Sum(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }
}
