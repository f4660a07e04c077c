using System.Diagnostics;
using System.Globalization;
using Stratify;
using Stratify.Survival;

// Competing-risks kernels on the cohort written by tests/benchmarks/generate_competing_risks_data.R (time, status
// 0/1/2, group 0..3, x1..x5): cumulative incidence per group (both variances) + Gray's test, and the Fine–Gray
// model on x1..x5 + group, each stage timed on its own (median of the repetitions; the CSV is read before the clock).
// Not part of the solution or of dotnet test. Run from the repository root:
//   dotnet run -c Release --project tests/Stratify.Benchmarks.CompetingRisks -- tests/benchmarks/out/competing_risks_1m.csv [repetitions]
string path = args.Length > 0 ? args[0] : "tests/benchmarks/out/competing_risks_1m.csv";
int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var (time, cause, group, covariates) = ReadCsv(path);
Console.WriteLine($"n = {time.Length:N0}; {repetitions} repetitions after a warm-up");
string[] causeLabels = ["censored", "relapse", "death"];
string[] groupLabels = ["0", "1", "2", "3"];

CumulativeIncidenceEstimate? estimate = null;
GrayTestResult? gray = null;
Report("data (validation)", () => new CompetingRisksData(time, cause, causeLabels, group, groupLabels));
Report("Aalen–Johansen, jackknife, incl. sort", () => estimate = AalenJohansen.Fit(new CompetingRisksData(time, cause, causeLabels, group, groupLabels), new CumulativeIncidenceOptions()));
Report("Aalen–Johansen, Aalen, incl. sort", () => AalenJohansen.Fit(new CompetingRisksData(time, cause, causeLabels, group, groupLabels), new CumulativeIncidenceOptions { Variance = CumulativeIncidenceVariance.Aalen }));
Report("Gray's test incl. sort", () => gray = GrayTest.Compute(new CompetingRisksData(time, cause, causeLabels, group, groupLabels)));
Report("Aalen–Johansen, one group, incl. sort", () => AalenJohansen.Fit(new CompetingRisksData(time, cause, causeLabels), new CumulativeIncidenceOptions()));
var shared = new CompetingRisksData(time, cause, causeLabels, group, groupLabels);
AalenJohansen.Fit(shared, new CumulativeIncidenceOptions());
Report("Aalen–Johansen, sort shared", () => AalenJohansen.Fit(shared, new CumulativeIncidenceOptions()));
Report("Gray's test, sort shared", () => GrayTest.Compute(shared));
Report("cuminc as the CLI runs it", () =>
{
    var data = new CompetingRisksData(time, cause, causeLabels, group, groupLabels);
    return (AalenJohansen.Fit(data, new CumulativeIncidenceOptions()), GrayTest.Compute(data));
});
Console.WriteLine($"  Gray chi-square {gray!.Statistic:F4} on {gray.DegreesOfFreedom} df; F(3650) by group {string.Join(" ", estimate!.Of(1).Select(c => c.CumulativeIncidence[^1].ToString("F6", CultureInfo.InvariantCulture)))}");

var terms = covariates.Select((x, j) => (CovariateTerm)CovariateTerm.Numeric($"x{j + 1}", x)).Append(CovariateTerm.Numeric("group", group.Select(g => (double)g).ToArray())).ToArray();
var design = DesignMatrix.Build(terms);
FineGrayModel? model = null;
Report("Fine–Gray (6 covariates)", () => model = FineGrayRegression.Fit(time, cause, design));
Console.WriteLine($"  iterations {model!.Iterations}, coef {string.Join(" ", model.Beta.Select(b => b.ToString("F6", CultureInfo.InvariantCulture)))}");
return 0;

void Report(string name, Func<object> step)
{
    var seconds = new List<double>();
    var cpu = new List<double>();
    for (int r = -1; r < repetitions; r++)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(step());
        clock.Stop();
        process.Refresh();
        if (r < 0) continue;
        seconds.Add(clock.Elapsed.TotalSeconds);
        cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
    }
    seconds.Sort();
    cpu.Sort();
    Console.WriteLine($"{name,-40} median {seconds[seconds.Count / 2]:F4} s elapsed, {cpu[cpu.Count / 2]:F4} s cpu");
}

static (double[] Time, byte[] Cause, int[] Group, double[][] Covariates) ReadCsv(string path)
{
    var lines = File.ReadAllLines(path);
    int n = lines.Length - 1;
    var time = new double[n];
    var cause = new byte[n];
    var group = new int[n];
    var x = Enumerable.Range(0, 5).Select(_ => new double[n]).ToArray();
    for (int i = 0; i < n; i++)
    {
        var parts = lines[i + 1].Split(',');
        time[i] = double.Parse(parts[0], CultureInfo.InvariantCulture);
        cause[i] = byte.Parse(parts[1], CultureInfo.InvariantCulture);
        group[i] = int.Parse(parts[2], CultureInfo.InvariantCulture);
        for (int j = 0; j < 5; j++) x[j][i] = double.Parse(parts[3 + j], CultureInfo.InvariantCulture);
    }
    return (time, cause, group, x);
}
