namespace Stratify.Diagnostics;

/// <summary>
/// Keeps a progress display alive through a stage without a counter of its own (reading, the Cox fits of the treatment
/// stage, writing the report): when nothing has been written for <see cref="Quiet"/> (6 s) it writes
/// "stage: still working, T so far", so that lines never stop for more than 10 s (the
/// 4 s of margin cover a timer tick delayed by a loaded machine or a garbage collection: at 8 s, a 10M-patient run
/// under load was once silent for 10.0 s). Stages with countable units report
/// their share done and time left through <see cref="ProgressMeter"/>, and each of their lines resets the silence.
/// <see cref="Tick"/> is called by a timer (once a second); a test calls it on a clock it moves.
/// </summary>
internal sealed class ProgressHeartbeat
{
    /// <summary>Silence after which a line is written.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(6);

    private readonly Action<string> _write;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private string? _stage;
    private long _stageStarted, _lastLine;

    public ProgressHeartbeat(Action<string> write, TimeProvider? clock = null)
    {
        _write = write;
        _clock = clock ?? TimeProvider.System;
        _stageStarted = _lastLine = _clock.GetTimestamp();
    }

    /// <summary>A stage starts (its own line has just been written).</summary>
    public void Stage(string name)
    {
        lock (_gate) { _stage = name; _stageStarted = _lastLine = _clock.GetTimestamp(); }
    }

    /// <summary>Some other line was written.</summary>
    public void Wrote()
    {
        lock (_gate) _lastLine = _clock.GetTimestamp();
    }

    /// <summary>Writes the still-working line if the display has been silent for <see cref="Quiet"/>.</summary>
    public void Tick()
    {
        string line;
        lock (_gate)
        {
            long now = _clock.GetTimestamp();
            if (_stage is null || _clock.GetElapsedTime(_lastLine, now) < Quiet) return;
            _lastLine = now;
            line = $"{_stage}: still working, {ProgressMeter.Duration(_clock.GetElapsedTime(_stageStarted, now))} so far";
        }
        _write(line); // outside the lock: the writer may hold its own lock and call Wrote

    }
}
