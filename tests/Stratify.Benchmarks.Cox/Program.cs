using System.Buffers.Text;
using System.Diagnostics;
using Stratify;
using Stratify.Survival;

// Cox benchmark: reads the numeric CSV made by tests/benchmarks/cox_generate.py (time, status, x1..xp), fits
// Cox (Efron) with Stratify and prints the time of each stage, to set against tests/benchmarks/cox_benchmark.R.
// Not part of the solution or of dotnet test. Usage:
//   dotnet run -c Release --project tests/Stratify.Benchmarks.Cox -- /tmp/cox_bench_1m.csv [repeats]
// With repeats = 0 it reads, fits once (as a CLI run would) and exits: time the whole process with /usr/bin/time.
// Counting-process files from tests/benchmarks/counting_generate.py (first column entry, or id then start, stop) are
// fitted as R's coxph(Surv(entry, time, status) ~ ...) or coxph(Surv(start, stop, status) ~ ..., cluster = id), to set
// against tests/benchmarks/counting_benchmark.R.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Stratify.Benchmarks.Cox <file.csv> [repeats]");
    return 2;
}
if (CountingProcessBenchmark.Handles(args[0]))
    return CountingProcessBenchmark.Run(args[0], args.Length > 1 ? int.Parse(args[1]) : 3, modelBased: args.Contains("model-based"));
int repeats = args.Length > 1 ? int.Parse(args[1]) : 3;
var total = Stopwatch.StartNew();
var (time, died, design) = NumericCsv.Read(args[0]);
double readSeconds = total.Elapsed.TotalSeconds;
Console.WriteLine($"read {time.Length} rows × {design.Columns} covariates: {readSeconds:F2} s");

if (repeats == 0)
{
    var once = CoxProportionalHazards.Fit(time, died, design);
    Console.WriteLine($"read + fit: {total.Elapsed.TotalSeconds:F2} s, iterations {once.Iterations}, loglik {once.LogLik:R}");
    return 0;
}
CoxModel? model = null;
for (int r = 0; r < repeats; r++)
{
    var watch = Stopwatch.StartNew();
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    model = CoxProportionalHazards.Fit(time, died, design);
    var fitCpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    Console.WriteLine($"fit (sort, Newton–Raphson, variance, concordance) #{r + 1}: {watch.Elapsed.TotalSeconds:F3} s wall, {fitCpu.TotalSeconds:F3} s cpu, iterations {model.Iterations}");
}
var stage = Stopwatch.StartNew();
var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
string Lap()
{
    var now = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var text = $"{stage.Elapsed.TotalSeconds:F3} s wall, {(now - cpu).TotalSeconds:F3} s cpu";
    cpu = now;
    stage.Restart();
    return text;
}
Lap();
var riskSets = CoxRiskSets.Build(time, died, design, null);
Console.WriteLine($"stage sort/centre/copy: {Lap()}");
var likelihood = new CoxPartialLikelihood(riskSets, CoxTies.Efron);
var beta = new double[design.Columns];
for (int r = 0; r < 3; r++)
{
    likelihood.Evaluate(beta);
    Console.WriteLine($"stage one likelihood evaluation: {Lap()}");
}
CoxConcordance.Compute(time, died, model!.LinearPredictors);
Console.WriteLine($"stage concordance: {Lap()}");
var zphWatch = Stopwatch.StartNew();
var zph = ProportionalHazardsTest.Compute(model!);
Console.WriteLine($"cox.zph: {zphWatch.Elapsed.TotalSeconds:F3} s (global chisq {zph.Global.ChiSquare:G6})");
Console.WriteLine($"loglik: {model!.LogLik:R}");
Console.WriteLine("coef: " + string.Join(" ", model.Coefficients.Select(c => c.Coefficient.ToString("R"))));
Console.WriteLine("se: " + string.Join(" ", model.Coefficients.Select(c => c.Se.ToString("R"))));
Console.WriteLine($"concordance: {model.Concordance.C:R} {model.Concordance.Se:R}");
return 0;

/// <summary>A purpose-built reader for an all-numeric CSV with a header (the benchmark's input only).</summary>
static class NumericCsv
{
    public static (double[] Time, bool[] Died, DesignMatrix Design) Read(string path)
    {
        var (header, columns) = ReadColumns(path);
        int n = columns[0].Length, p = header.Length - 2;
        var died = new bool[n];
        for (int i = 0; i < n; i++) died[i] = columns[1][i] != 0;
        var names = header[2..];
        return (columns[0], died, Design(columns[2..], names));
    }

    /// <summary>The design of the given columns (row-major).</summary>
    public static DesignMatrix Design(double[][] columns, string[] names)
    {
        int n = columns[0].Length, p = columns.Length;
        var x = new double[(long)n * p];
        Parallel.For(0, n, row => { for (int j = 0; j < p; j++) x[(long)row * p + j] = columns[j][row]; });
        return new DesignMatrix(x, n, names, Enumerable.Range(0, p).ToArray(), names);
    }

    /// <summary>Every column of the file as doubles, with the header.</summary>
    public static (string[] Header, double[][] Columns) ReadColumns(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int lineEnd = Array.IndexOf(bytes, (byte)'\n');
        var header = System.Text.Encoding.UTF8.GetString(bytes, 0, lineEnd).Trim().Split(',');
        int columns = header.Length, p = columns - 2;
        var starts = new List<int>();
        for (int i = lineEnd + 1; i < bytes.Length; i++)
        {
            starts.Add(i);
            i = Array.IndexOf(bytes, (byte)'\n', i);
            if (i < 0) break;
        }
        int n = starts.Count;
        if (n > 0 && starts[^1] >= bytes.Length) n--;
        var values = new double[columns][];
        for (int c = 0; c < columns; c++) values[c] = new double[n];
        Parallel.For(0, n, row =>
        {
            var span = bytes.AsSpan(starts[row]);
            for (int c = 0; c < columns; c++)
            {
                if (!Utf8Parser.TryParse(span, out double value, out int used)) throw new FormatException($"row {row + 1}, column {c + 1}");
                span = span[Math.Min(used + 1, span.Length)..];
                values[c][row] = value;
            }
        });
        return (header, values);
    }
}

/// <summary>
/// The counting-process fits of the benchmark: delayed entry (entry,time,status,x...) or start/stop rows
/// (id,start,stop,status,x...) with the patient as the cluster, as the CLI fits them (through SurvivalData).
/// </summary>
static class CountingProcessBenchmark
{
    public static bool Handles(string path)
    {
        using var reader = new StreamReader(path);
        var first = reader.ReadLine()?.Split(',')[0];
        return first is "entry" or "id";
    }

    /// <param name="modelBased">Start/stop rows without the robust variance by patient (R's coxph without cluster = id).</param>
    public static int Run(string path, int repeats, bool modelBased)
    {
        var total = Stopwatch.StartNew();
        var (header, columns) = NumericCsv.ReadColumns(path);
        bool intervals = header[0] == "id";
        int offset = intervals ? 1 : 0;
        int n = columns[0].Length;
        var died = new bool[n];
        for (int i = 0; i < n; i++) died[i] = columns[offset + 2][i] != 0;
        int[]? patient = null;
        if (intervals)
        {
            patient = new int[n];
            for (int i = 0; i < n; i++) patient[i] = (int)columns[0][i];
        }
        var design = NumericCsv.Design(columns[(offset + 3)..], header[(offset + 3)..]);
        Console.WriteLine($"read {n} rows × {design.Columns} covariates ({(intervals ? "start/stop rows" : "delayed entry")}): {total.Elapsed.TotalSeconds:F2} s");
        CoxModel? model = null;
        for (int r = 0; r < Math.Max(1, repeats); r++)
        {
            var watch = Stopwatch.StartNew();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var data = new SurvivalData(columns[offset + 1], died, entry: columns[offset], patient: patient);
            model = CoxProportionalHazards.Fit(data, design, new CoxOptions { Robust = modelBased ? false : null });
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            Console.WriteLine($"fit (validate, sort, Newton–Raphson, robust variance, concordance) #{r + 1}: {watch.Elapsed.TotalSeconds:F3} s wall, {cpu.TotalSeconds:F3} s cpu, iterations {model.Iterations}");
        }
        Console.WriteLine($"read + fits: {total.Elapsed.TotalSeconds:F2} s; rows {model!.N}, events {model.Events}, loglik {model.LogLik:R}");
        // Where a fit's time goes, stage by stage.
        var stage = Stopwatch.StartNew();
        var sorted = new SurvivalData(columns[offset + 1], died, entry: columns[offset], patient: patient);
        Console.WriteLine($"stage validate: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        _ = sorted.Sorted;
        Console.WriteLine($"stage sort/timefix: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        var riskSets = CoxRiskSets.Build(sorted, design);
        Console.WriteLine($"stage centre/copy/entries: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        var likelihood = new CoxPartialLikelihood(riskSets, CoxTies.Efron);
        var beta = model.Beta;
        for (int j = 0; j < beta.Length; j++) beta[j] /= riskSets.Scale[j];
        likelihood.Evaluate(beta);
        Console.WriteLine($"stage one likelihood evaluation: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        CoxScoreResiduals.Compute(riskSets, likelihood, true);
        Console.WriteLine($"stage score residuals: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        CoxScoreResiduals.RobustVariance(riskSets, likelihood, new double[beta.Length * beta.Length], patient);
        Console.WriteLine($"stage robust variance: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        CoxConcordance.Compute(riskSets, riskSets.TimeByRow, died, model.LinearPredictors, null, patient);
        Console.WriteLine($"stage concordance: {stage.Elapsed.TotalSeconds:F3} s"); stage.Restart();
        Console.WriteLine("coef: " + string.Join(" ", model.Coefficients.Select(c => c.Coefficient.ToString("R"))));
        Console.WriteLine("se: " + string.Join(" ", model.Coefficients.Select(c => c.Se.ToString("R"))));
        if (model.Robust) Console.WriteLine("robust se: " + string.Join(" ", model.Coefficients.Select(c => c.RobustSe.ToString("R"))));
        Console.WriteLine($"concordance: {model.Concordance.C:R} {model.Concordance.Se:R}");
        return 0;
    }
}
