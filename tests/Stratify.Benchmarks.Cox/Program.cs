using System.Buffers.Text;
using System.Diagnostics;
using Stratify;
using Stratify.Survival;

// Cox benchmark: reads the numeric CSV made by tests/benchmarks/cox_generate.py (time, status, x1..xp), fits
// Cox (Efron) with Stratify and prints the time of each stage, to set against tests/benchmarks/cox_benchmark.R.
// Not part of the solution or of dotnet test. Usage:
//   dotnet run -c Release --project tests/Stratify.Benchmarks.Cox -- /tmp/cox_bench_1m.csv [repeats]
// With repeats = 0 it reads, fits once (as a CLI run would) and exits: time the whole process with /usr/bin/time.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Stratify.Benchmarks.Cox <file.csv> [repeats]");
    return 2;
}
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
        var time = new double[n];
        var died = new bool[n];
        var x = new double[(long)n * p];
        Parallel.For(0, n, row =>
        {
            var span = bytes.AsSpan(starts[row]);
            for (int c = 0; c < columns; c++)
            {
                if (!Utf8Parser.TryParse(span, out double value, out int used)) throw new FormatException($"row {row + 1}, column {c + 1}");
                span = span[Math.Min(used + 1, span.Length)..];
                if (c == 0) time[row] = value;
                else if (c == 1) died[row] = value != 0;
                else x[(long)row * p + c - 2] = value;
            }
        });
        var names = header[2..];
        return (time, died, new DesignMatrix(x, n, names, Enumerable.Range(0, p).ToArray(), names));
    }
}
