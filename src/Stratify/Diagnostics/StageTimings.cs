using System.Diagnostics;
using System.Globalization;

namespace Stratify.Diagnostics;

/// <summary>
/// Opt-in wall-clock breakdown of one command (read, bind, fit, output), for finding where a large cohort's time
/// goes. Enabled by the environment variable <c>STRATIFY_TIMINGS=1</c>; the CLI then prints one line to stderr,
/// for example <c>timings: start 0.004 s, read 0.031 s, bind 0.012 s, fit 0.020 s, output 0.015 s; garbage
/// collections 1/1/1 (gen 0/1/2, paused 0.002 s), peak working set 160 MiB</c>.
/// Off by default, when <see cref="Mark"/> costs one branch.
/// </summary>
internal static class StageTimings
{
    private static readonly List<(string Stage, double Seconds)> Stages = [];
    private static long _last;

    public static bool Enabled { get; } = Environment.GetEnvironmentVariable("STRATIFY_TIMINGS") is { Length: > 0 } v && v != "0";

    /// <summary>Records the time since the previous mark (or since the process started) under <paramref name="stage"/>.</summary>
    public static void Mark(string stage)
    {
        if (!Enabled) return;
        lock (Stages)
        {
            long now = Stopwatch.GetTimestamp();
            double seconds = _last == 0
                ? (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds
                : Stopwatch.GetElapsedTime(_last, now).TotalSeconds;
            _last = now;
            Stages.Add((stage, seconds));
        }
    }

    private static string _outer = "fit";

    /// <summary>
    /// Names the pipeline stage now running (run's "subgroups", "survival", "treatment"): a kernel with marks of its own
    /// (the Cox fit's risk sets, Newton steps, concordance) first books the time since the last mark under it
    /// (<see cref="MarkOuter"/>), so that a stage's other work is not booked under the kernel's first mark.
    /// </summary>
    public static void Begin(string stage)
    {
        if (Enabled) lock (Stages) _outer = stage;
    }

    /// <summary>At a kernel's entry: the time since the last mark, if any to speak of (1 ms), under the running stage.</summary>
    public static void MarkOuter()
    {
        if (!Enabled) return;
        lock (Stages)
            if (_last != 0 && Stopwatch.GetElapsedTime(_last).TotalSeconds >= 1e-3) Mark(_outer);
    }

    /// <summary>
    /// The recorded stages as one line, a stage marked several times (a model refitted per subgroup) summed with
    /// its count; null when disabled or nothing was recorded.
    /// </summary>
    public static string? Summary()
    {
        if (!Enabled) return null;
        lock (Stages)
            return Stages.Count == 0 ? null
                : "timings: " + string.Join(", ", Stages.GroupBy(s => s.Stage).Select(g =>
                    $"{g.Key} {g.Sum(s => s.Seconds).ToString("0.000", CultureInfo.InvariantCulture)} s{(g.Count() > 1 ? string.Create(CultureInfo.InvariantCulture, $" (x{g.Count()})") : "")}"))
                  + string.Create(CultureInfo.InvariantCulture, $"; garbage collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} (gen 0/1/2, paused {GC.GetTotalPauseDuration().TotalSeconds:0.000} s), peak working set {Process.GetCurrentProcess().PeakWorkingSet64 >> 20} MiB");
    }
}
