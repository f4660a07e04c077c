using System.Diagnostics;
using System.Globalization;
using Stratify;
using Stratify.Survival;

// Times Stratify's Kaplan–Meier (per group) + log-rank kernels on the benchmark cohort written by
// tests/benchmarks/generate_km_logrank_data.R, as tests/benchmarks/time_km_logrank.R times R's survfit + survdiff:
// the file is read before the clock starts; each repetition builds a fresh SurvivalData so the sort is included.
// Run from the repository root:
//   dotnet run -c Release --project tests/Stratify.Benchmarks -- tests/benchmarks/out/km_logrank_1m.csv
string path = args.Length > 0 ? args[0] : "tests/benchmarks/out/km_logrank_1m.csv";
int repetitions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;

var (time, status, group) = ReadCsv(path);
string[] labels = ["0", "1", "2", "3"];
Console.WriteLine($"n = {time.Length:N0} patients, 4 groups; {repetitions} repetitions after 2 warm-up runs");

var elapsed = new List<double>();
var cpu = new List<double>();
KaplanMeierEstimate? km = null;
LogRankResult? test = null;
for (int r = -2; r < repetitions; r++)
{
    var process = Process.GetCurrentProcess();
    var cpuBefore = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    var data = new SurvivalData(time, status, group, labels);
    km = ProductLimit.Fit(data, new KaplanMeierOptions());
    test = LogRankTest.Compute(data, new LogRankOptions());
    clock.Stop();
    process.Refresh();
    if (r < 0) continue;
    elapsed.Add(clock.Elapsed.TotalSeconds);
    cpu.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
}
elapsed.Sort();
cpu.Sort();
Console.WriteLine($"Stratify KM + log-rank: elapsed {string.Join(" ", elapsed.Select(x => x.ToString("F4", CultureInfo.InvariantCulture)))} s; " +
                  $"median {elapsed[elapsed.Count / 2]:F4} s (cpu median {cpu[cpu.Count / 2]:F4} s)");
Console.WriteLine($"chisq = {test!.Statistic:F6}, medians = {string.Join(" ", km!.Curves.Select(c => c.Median.Time))}");

// Kernel breakdown: median of the repetitions for each step on its own.
Console.WriteLine($"  sort (ByTimeEventsFirst):    {Median(() => SurvivalOrder.ByTimeEventsFirst(time, status)):F4} s");
Console.WriteLine($"  Kaplan-Meier incl. sort:     {Median(() => ProductLimit.Fit(new SurvivalData(time, status, group, labels), new KaplanMeierOptions())):F4} s");
Console.WriteLine($"  log-rank incl. sort:         {Median(() => LogRankTest.Compute(new SurvivalData(time, status, group, labels), new LogRankOptions())):F4} s");

double Median(Func<object> step)
{
    var seconds = new List<double>();
    for (int r = -1; r < repetitions; r++)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(step());
        if (r >= 0) seconds.Add(clock.Elapsed.TotalSeconds);
    }
    seconds.Sort();
    return seconds[seconds.Count / 2];
}

static (double[] Time, bool[] Status, int[] Group) ReadCsv(string path)
{
    var lines = File.ReadAllLines(path);
    int n = lines.Length - 1;
    var time = new double[n];
    var status = new bool[n];
    var group = new int[n];
    for (int i = 0; i < n; i++)
    {
        var parts = lines[i + 1].Split(',');
        time[i] = double.Parse(parts[0], CultureInfo.InvariantCulture);
        status[i] = parts[1] == "1";
        group[i] = int.Parse(parts[2], CultureInfo.InvariantCulture);
    }
    return (time, status, group);
}
