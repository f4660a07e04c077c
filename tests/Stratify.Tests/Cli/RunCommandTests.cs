using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Cli;

public class RunCommandTests
{
    [Theory]
    [InlineData("lung.yaml")]
    [InlineData("gbsg.yaml")]
    [InlineData("rotterdam.yaml")]
    [InlineData("veteran.yaml")]
    public void Every_bundled_study_runs_end_to_end_and_writes_every_output(string spec)
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("run", RepoPaths.Dataset(spec), "--out", dir.File("out"));
        Assert.True(result.ExitCode == 0, result.Error);
        foreach (var file in new[] { "results.json", "manifest.json", "assignments.parquet", "model.json", "report.html", "tables/table1_by_treatment.csv",
                     "tables/table1_by_subgroup.csv", "tables/survival_by_subgroup.csv", "tables/cox_by_subgroup.csv" })
            Assert.True(File.Exists(Path.Combine(dir.File("out"), file)), file);
        var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement;
        Assert.Equal("1.0", results.GetProperty("schema_version").GetString());
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "manifest.json"))).RootElement;
        Assert.Equal(64, manifest.GetProperty("inputs")[0].GetProperty("sha256").GetString()!.Length);
        Assert.True(manifest.GetProperty("stages").GetArrayLength() >= 4);
        var assignments = ParquetCohortReader.Read(Path.Combine(dir.File("out"), "assignments.parquet"));
        Assert.Equal(results.GetProperty("study").GetProperty("rows_analysed").GetInt32(), assignments.RowCount);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void Treatment_studies_state_a_verdict_per_subgroup()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("run", RepoPaths.Dataset("gbsg.yaml"), "--out", dir.File("out"), "--quiet").ExitCode);
        var treatment = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement.GetProperty("treatment");
        foreach (var effect in treatment.GetProperty("by_subgroup").EnumerateArray())
        {
            Assert.Contains(effect.GetProperty("verdict").GetString(), new[] { "benefit", "harm", "no clear difference", "not estimable" });
            Assert.StartsWith("In subgroup ", effect.GetProperty("sentence").GetString());
        }
        Assert.True(treatment.GetProperty("interaction").GetProperty("df").GetInt32() >= 1);
    }

    [Fact]
    public void Same_spec_and_seed_give_a_byte_identical_results_json_and_another_seed_is_recorded()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("run", RepoPaths.Dataset("lung.yaml"), "--out", dir.File("a"), "--quiet").ExitCode);
        Assert.Equal(0, CliRunner.Run("run", RepoPaths.Dataset("lung.yaml"), "--out", dir.File("b"), "--quiet").ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("a"), "results.json")), File.ReadAllBytes(Path.Combine(dir.File("b"), "results.json")));
        Assert.Equal(0, CliRunner.Run("run", RepoPaths.Dataset("lung.yaml"), "--out", dir.File("c"), "--seed", "99", "--quiet").ExitCode);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("c"), "manifest.json"))).RootElement;
        Assert.Equal(99, manifest.GetProperty("seed").GetInt32());
        Assert.Contains("seed: 99", manifest.GetProperty("spec").GetString());
    }

    [Fact]
    public void The_spec_as_run_in_the_manifest_reads_back_as_the_same_spec()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("run", RepoPaths.Dataset("rotterdam.yaml"), "--out", dir.File("out"), "--quiet").ExitCode);
        var yaml = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "manifest.json"))).RootElement.GetProperty("spec").GetString()!;
        File.WriteAllText(dir.File("again.yaml"), yaml);
        var again = StudySpecReader.Read(dir.File("again.yaml"));
        var original = StudySpecReader.Read(RepoPaths.Dataset("rotterdam.yaml")) with { Output = Path.GetFullPath(dir.File("out")) };
        Assert.Equal(StudySpecWriter.ToYaml(original with { SourceFile = null }), StudySpecWriter.ToYaml(again with { SourceFile = null }));
    }

    [Fact]
    public void A_failed_run_exits_2_and_leaves_no_folder_behind()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("bad.yaml"), $"""
            data: {RepoPaths.Dataset("gbsg.parquet")}
            time: rfstime
            event: status
            subgroups:
              method: kmedoids
              features:
                numeric: [age, tumour_size]
            output: out
            """);
        var result = CliRunner.Run("run", dir.File("bad.yaml"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'tumour_size': column not found", result.Error);
        Assert.Equal(new[] { dir.File("bad.yaml") }, Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Quiet_prints_nothing_and_a_spec_without_output_is_refused()
    {
        using var dir = new TempFolder();
        var quiet = CliRunner.Run("run", RepoPaths.Dataset("veteran.yaml"), "--out", dir.File("out"), "--quiet");
        Assert.Equal(0, quiet.ExitCode);
        Assert.Equal("", quiet.Out + quiet.Error);
        File.WriteAllText(dir.File("s.yaml"), $"data: {RepoPaths.Dataset("veteran.parquet")}\ntime: time\nevent: status\nsubgroups: {{method: tree, features: [karno]}}\n");
        var missing = CliRunner.Run("run", dir.File("s.yaml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no output folder", missing.Error);
    }
}
