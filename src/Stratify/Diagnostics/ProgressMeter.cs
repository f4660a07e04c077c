using System.Globalization;

namespace Stratify.Diagnostics;

/// <summary>
/// Progress of one long stage (silhouettes of sampled patients, CLARA samples, bootstrap replicates): told of units
/// done, possibly from several threads, it reports "what: done of total (p%), about T left" at most once per
/// <see cref="Interval"/> (5 s), so that a stage whose units each take less than that shows a line at least every
/// 10 s. The time left is the time per unit since the first unit was done, times the units remaining (so that a
/// stage's setup before its first unit does not inflate the estimate; elapsed × remaining / done until a second
/// unit is done).
/// The clock is a <see cref="TimeProvider"/>, so a test can drive it without waiting.
/// <example><code>
/// var meter = new ProgressMeter(progress, "bootstrap replicates", total: 20);
/// for (int b = 0; b &lt; 20; b++) { Replicate(b); meter.Advance(); }
/// </code></example>
/// </summary>
internal sealed class ProgressMeter
{
    /// <summary>The shortest time between two lines.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly IProgress<string>? _sink;
    private readonly string _what;
    private readonly long _total;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private long _lastReport;
    private long _done;
    private long _firstTime, _firstDone = -1;

    public ProgressMeter(IProgress<string>? sink, string what, long total, TimeProvider? clock = null)
    {
        _sink = sink;
        _what = what;
        _total = total;
        _clock = clock ?? TimeProvider.System;
        _started = _lastReport = _clock.GetTimestamp();
    }

    /// <summary>Counts <paramref name="units"/> more done; reports when the interval has passed since the last line.</summary>
    public void Advance(long units = 1)
    {
        if (_sink is null) return;
        long done = Interlocked.Add(ref _done, units);
        long now = _clock.GetTimestamp();
        if (Interlocked.Read(ref _firstDone) < 0 && Interlocked.CompareExchange(ref _firstTime, now, 0) == 0)
            Interlocked.Exchange(ref _firstDone, done);
        long last = Interlocked.Read(ref _lastReport);
        if (_clock.GetElapsedTime(last, now) < Interval || done >= _total) return;
        // One thread wins the right to report this interval; the others carry on.
        if (Interlocked.CompareExchange(ref _lastReport, now, last) != last) return;
        long firstDone = Interlocked.Read(ref _firstDone);
        var left = firstDone > 0 && done > firstDone
            ? TimeSpan.FromTicks((long)(_clock.GetElapsedTime(Interlocked.Read(ref _firstTime), now).Ticks * (double)(_total - done) / (done - firstDone)))
            : TimeSpan.FromTicks((long)(_clock.GetElapsedTime(_started, now).Ticks * (double)(_total - done) / done));
        _sink.Report(string.Create(CultureInfo.InvariantCulture,
            $"{_what}: {done:N0} of {_total:N0} ({100.0 * done / _total:0}%), about {Duration(left)} left"));
    }

    /// <summary>A duration as a person reads it: "8 s", "3 min 20 s", "1 h 05 min".</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(t.TotalSeconds))} s")
        : t.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds:00} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes:00} min");
}
