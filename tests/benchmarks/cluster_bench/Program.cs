using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Stratify;
using Stratify.Clustering;
using Stratify.Data;

// Clustering speed harness. Compare with tests/benchmarks/cluster_kmeans_sklearn.py and cluster_gower_pam.R.
switch (args.FirstOrDefault())
{
    case "kmeans": KMeansBench(args[1], args.Contains("--no-mlnet")); break;
    case "pam": PamBench(args[1]); break;
    default: Console.WriteLine("usage: kmeans <file.bin> | pam <file.csv>"); break;
}

static void KMeansBench(string path, bool skipMlNet)
{
    const int p = 20, k = 8;
    var bytes = File.ReadAllBytes(path);
    var data = new double[bytes.Length / 8];
    Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
    int n = data.Length / p;
    var x = new CoordinateMatrix(data, n, p, Enumerable.Range(0, p).Select(j => $"x{j}").ToArray());
    Console.WriteLine($"{n} x {p}, k = {k}, cores {Environment.ProcessorCount}");
    LloydKMeans.Fit(x, new KMeansOptions(k, Restarts: 1, Seed: 99)); // warm-up (JIT)
    for (int seed = 0; seed < 3; seed++)
    {
        var sw = Stopwatch.StartNew();
        var fit = LloydKMeans.Fit(x, new KMeansOptions(k, Restarts: 1, Seed: seed));
        Console.WriteLine($"Stratify k-means: {sw.Elapsed.TotalSeconds:F3} s, inertia {fit.Objective:R}, iterations {fit.Iterations}");
        sw.Restart();
        var again = LloydKMeans.FitFrom(x, fit.Centers);
        Console.WriteLine($"  of which one more iteration from the converged centers costs {sw.Elapsed.TotalSeconds:F3} s ({again.Iterations} iteration)");
    }
    if (skipMlNet) return;

    // Microsoft.ML KMeansTrainer on the same data (single precision, as ML.NET stores features), one fit per seed as
    // above; its objective is measured as ours: Σ_i min_c ‖x_i − c‖² in double precision over the same rows.
    var rows = new List<Row>(n);
    for (int i = 0; i < n; i++)
    {
        var f = new float[p];
        for (int j = 0; j < p; j++) f[j] = (float)data[i * p + j];
        rows.Add(new Row { Features = f });
    }
    foreach (var init in new[] { KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus, KMeansTrainer.InitializationAlgorithm.KMeansYinyang })
    {
        for (int seed = 0; seed < 3; seed++)
        {
            var ml = new MLContext(seed: seed);
            var view = ml.Data.LoadFromEnumerable(rows);
            var sw = Stopwatch.StartNew();
            var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
            {
                NumberOfClusters = k, InitializationAlgorithm = init, NumberOfThreads = Environment.ProcessorCount,
            });
            var model = trainer.Fit(view);
            double seconds = sw.Elapsed.TotalSeconds;
            VBuffer<float>[] centroids = default!;
            model.Model.GetClusterCentroids(ref centroids, out int kk);
            var centers = new double[kk * p];
            for (int c = 0; c < kk; c++) { var values = centroids[c].DenseValues().ToArray(); for (int j = 0; j < p; j++) centers[c * p + j] = values[j]; }
            double inertia = 0;
            for (int i = 0; i < n; i++)
            {
                double best = double.PositiveInfinity;
                for (int c = 0; c < kk; c++)
                {
                    double s2 = 0;
                    for (int j = 0; j < p; j++) { double t = data[i * p + j] - centers[c * p + j]; s2 += t * t; }
                    best = Math.Min(best, s2);
                }
                inertia += best;
            }
            Console.WriteLine($"ML.NET KMeansTrainer ({init}), seed {seed}: {seconds:F3} s, inertia {inertia:R}");
        }
    }
}

static void PamBench(string path)
{
    var cohort = CsvCohortReader.Read(path);
    FeatureSpec[] specs =
    [
        new("age", FeatureRole.Numeric), new("meno", FeatureRole.Categorical),
        new("size", FeatureRole.Ordinal, LevelOrder: ["<=20", "20-50", ">50"]), new("grade", FeatureRole.Ordinal),
        new("nodes", FeatureRole.Numeric), new("pgr", FeatureRole.Numeric), new("er", FeatureRole.Numeric),
        new("hormon", FeatureRole.Categorical), new("chemo", FeatureRole.Categorical),
    ];
    var features = FeatureSet.FromCohort(cohort, specs);
    Console.WriteLine($"{features.RowCount} patients, {specs.Length} mixed features, cores {Environment.ProcessorCount}");
    GowerDissimilarity.Compute(FeatureSet.FromCohort(CsvCohortReader.Read(path), specs)); // warm-up
    // Each stage timed as elapsed and as CPU time of all threads (the figure that holds on a loaded machine).
    var process = Process.GetCurrentProcess();
    (double Elapsed, double Cpu) Time(Action action)
    {
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        action();
        double elapsed = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (elapsed, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
    static string Show((double Elapsed, double Cpu) t) => $"{t.Elapsed:F3} s ({t.Cpu:F3} CPU)";
    for (int rep = 0; rep < 5; rep++)
    {
        DissimilarityMatrix d = null!;
        int[] build = null!;
        KMedoidsResult fit = null!;
        SilhouetteResult sil = null!;
        var tGower = Time(() => d = GowerDissimilarity.Compute(features));
        var tMissing = Time(() => d.HasMissing());
        var tBuild = Time(() => build = PartitioningAroundMedoids.Build(d, 5));
        var tSwap = Time(() => fit = PartitioningAroundMedoids.FitFrom(d, build));
        var tSil = Time(() => sil = Silhouette.Compute(d, fit.Assignment, 5));
        var tConfirm = Time(() => PartitioningAroundMedoids.FitFrom(d, fit.Medoids));
        Console.WriteLine($"Gower {Show(tGower)}, NaN scan {Show(tMissing)}, BUILD {Show(tBuild)}, FasterPAM {Show(tSwap)} ({fit.Swaps} swaps, {fit.Passes} passes), " +
                          $"silhouette {Show(tSil)}; one confirming pass {Show(tConfirm)}");
        Console.WriteLine($"  objective/n {fit.AverageDissimilarity:R}, average silhouette {sil.Average:R}, medoids (1-based) {string.Join(" ", fit.Medoids.Order().Select(m => m + 1))}");
    }
}

sealed class Row
{
    [VectorType(20)] public float[] Features { get; set; } = [];
}
