using Stratify.Diagnostics;

namespace Stratify.Tests.Diagnostics;

/// <summary>A clock that moves only when the test says so.</summary>
internal sealed class ManualClock : TimeProvider
{
    public long Ticks;
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Ticks;
    public void Advance(double seconds) => Ticks += (long)(seconds * TimeSpan.TicksPerSecond);
}

/// <summary>The progress line of a long stage, on a clock the test moves (no waiting, no wall-clock assert).</summary>
public class ProgressMeterTests
{
    private sealed class Lines : IProgress<string>
    {
        public readonly List<string> All = [];
        public void Report(string value) => All.Add(value);
    }

    [Fact]
    public void A_line_comes_once_five_seconds_have_passed_with_the_share_done_and_the_time_left()
    {
        var clock = new ManualClock();
        var lines = new Lines();
        var meter = new ProgressMeter(lines, "bootstrap replicates", total: 20, clock);
        clock.Advance(4);
        meter.Advance();
        Assert.Empty(lines.All); // 4 s: too soon
        clock.Advance(1);
        meter.Advance();
        // 1 s per unit since the first was done (at 4 s, setup included): 18 left = 18 s.
        Assert.Equal(["bootstrap replicates: 2 of 20 (10%), about 18 s left"], lines.All);
        clock.Advance(3);
        meter.Advance(2);
        Assert.Single(lines.All); // 3 s after the last line
        clock.Advance(2);
        meter.Advance(6);
        // 6 s for the 9 units after the first: 10 left ≈ 6.7 s.
        Assert.Equal("bootstrap replicates: 10 of 20 (50%), about 7 s left", lines.All[^1]);
    }

    [Fact]
    public void A_slow_setup_before_the_first_unit_does_not_inflate_the_estimate()
    {
        var clock = new ManualClock();
        var lines = new Lines();
        var meter = new ProgressMeter(lines, "k = 2: silhouette widths of sampled patients", total: 2000, clock);
        clock.Advance(30); // the cluster-ordered copy of the features
        meter.Advance(4);
        // Only one report so far: the elapsed time over the units done (30 s for 4: 4 h 09 min for 1,996).
        Assert.Equal("k = 2: silhouette widths of sampled patients: 4 of 2,000 (0%), about 4 h 09 min left", lines.All[^1]);
        clock.Advance(5);
        meter.Advance(100);
        // 5 s for 100 since the first: 1,896 left = 94.8 s.
        Assert.Equal("k = 2: silhouette widths of sampled patients: 104 of 2,000 (5%), about 1 min 34 s left", lines.All[^1]);
    }

    [Fact]
    public void Units_slower_than_the_interval_each_get_a_line_so_the_gap_never_exceeds_one_unit()
    {
        var clock = new ManualClock();
        var lines = new Lines();
        var meter = new ProgressMeter(lines, "k = 3: CLARA samples", total: 5, clock);
        for (int s = 0; s < 4; s++) { clock.Advance(7); meter.Advance(); }
        Assert.Equal(4, lines.All.Count);
        Assert.Equal("k = 3: CLARA samples: 4 of 5 (80%), about 7 s left", lines.All[^1]);
        clock.Advance(7);
        meter.Advance();
        Assert.Equal(4, lines.All.Count); // the last unit: the stage's own line says it is done
    }

    [Fact]
    public void Long_estimates_read_in_minutes_and_hours()
    {
        Assert.Equal("1 s", ProgressMeter.Duration(TimeSpan.FromSeconds(0.2)));
        Assert.Equal("3 min 05 s", ProgressMeter.Duration(TimeSpan.FromSeconds(185)));
        Assert.Equal("2 h 07 min", ProgressMeter.Duration(TimeSpan.FromMinutes(127)));
    }
}

/// <summary>The still-working line of a stage without a counter, on a clock the test moves.</summary>
public class ProgressHeartbeatTests
{
    [Fact]
    public void After_six_silent_seconds_a_line_says_the_stage_is_still_working_and_for_how_long()
    {
        var clock = new ManualClock();
        var lines = new List<string>();
        var heartbeat = new ProgressHeartbeat(lines.Add, clock);
        clock.Advance(30);
        heartbeat.Tick();
        Assert.Empty(lines); // before any stage: nothing to say
        heartbeat.Stage("Treatment effect by subgroup");
        for (int s = 0; s < 5; s++) { clock.Advance(1); heartbeat.Tick(); }
        Assert.Empty(lines);
        clock.Advance(1);
        heartbeat.Tick();
        Assert.Equal(["Treatment effect by subgroup: still working, 6 s so far"], lines);
        clock.Advance(5);
        heartbeat.Wrote(); // another line (a time-left estimate) resets the silence
        clock.Advance(5);
        heartbeat.Tick();
        Assert.Single(lines);
        clock.Advance(1);
        heartbeat.Tick();
        Assert.Equal("Treatment effect by subgroup: still working, 17 s so far", lines[^1]);
    }
}
