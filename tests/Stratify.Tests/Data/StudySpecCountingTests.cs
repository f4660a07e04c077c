using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>The spec keys of counting-process input: entry: (delayed entry), start: and stop: (start/stop rows), read and written back.</summary>
public class StudySpecCountingTests
{
    private static StudySpec ReadYaml(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("study.yaml"), yaml);
        return StudySpecReader.Read(dir.File("study.yaml"));
    }

    [Fact]
    public void Entry_names_the_delayed_entry_column()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, "time: t\nevent: dead\nentry: enrolled\n");
        Assert.Equal(("t", "enrolled", (string?)null), (spec.Time, spec.Entry, spec.Start));
    }

    [Fact]
    public void Start_and_stop_name_the_interval_columns_and_stop_is_the_time()
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, "id: pid\nstart: tstart\nstop: tstop\nevent: dead\n");
        Assert.Equal(("tstop", "tstart", (string?)null), (spec.Time, spec.Start, spec.Entry));
    }

    [Fact]
    public void Stop_and_time_together_are_refused_naming_the_line()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<StratifyInputException>(() => ReadYaml(dir, "id: pid\nstart: a\nstop: b\ntime: c\nevent: dead\n"));
        Assert.Contains("line 4: 'stop' is the time column of start/stop rows, and 'time' is given too", e.Message);
    }

    [Theory]
    [InlineData("time: t\nevent: dead\nentry: enrolled\n")]
    [InlineData("id: pid\nstart: tstart\nstop: tstop\nevent: dead\n")]
    public void The_writer_gives_back_the_same_spec(string yaml)
    {
        using var dir = new TempFolder();
        var spec = ReadYaml(dir, yaml);
        var again = ReadYaml(dir, StudySpecWriter.ToYaml(spec));
        Assert.Equal((spec.Time, spec.Entry, spec.Start, spec.Id), (again.Time, again.Entry, again.Start, again.Id));
    }

    [Fact]
    public void Entry_start_stop_and_id_are_used_columns()
    {
        Assert.Equal(["dead", "enrolled", "t"], new StudySpec { Time = "t", Event = "dead", Entry = "enrolled" }.UsedColumns().Order(StringComparer.Ordinal));
        Assert.Equal(["dead", "pid", "tstart", "tstop"],
            new StudySpec { Id = "pid", Start = "tstart", Time = "tstop", Event = "dead" }.UsedColumns().Order(StringComparer.Ordinal));
    }
}
