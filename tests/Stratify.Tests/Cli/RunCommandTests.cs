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
        Assert.Equal("2.0", results.GetProperty("schema_version").GetString());
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "manifest.json"))).RootElement;
        Assert.Equal(64, manifest.GetProperty("inputs")[0].GetProperty("sha256").GetString()!.Length);
        var stages = manifest.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("stage").GetString()).ToArray();
        Assert.Equal(results.TryGetProperty("treatment", out var t) && t.ValueKind != JsonValueKind.Null
            ? ["load", "describe", "subgroups", "survival", "treatment"] : ["load", "describe", "subgroups", "survival"], stages);
        var assignments = ParquetCohortReader.Read(Path.Combine(dir.File("out"), "assignments.parquet"));
        Assert.Equal(results.GetProperty("study").GetProperty("rows_analysed").GetInt32(), assignments.RowCount);
        Assert.Empty(Directory.GetDirectories(dir.Path, ".*"));
    }

    [Fact]
    public void The_progress_lines_mask_small_counts_and_withhold_the_rows_read_when_their_difference_would_give_one()
    {
        // lung: 228 rows read, 1 dropped for a missing ph.ecog, 1 ph.karno imputed (R: sum(is.na(lung$ph.ecog)) = 1,
        // and ph.karno is missing for 1 of the 227 with ph.ecog).
        using var dir = new TempFolder();
        var run = CliRunner.Run("run", RepoPaths.Dataset("lung.yaml"), "--out", dir.File("out"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("227 analysed, 164 events", run.Error);
        Assert.DoesNotContain("228 rows", run.Error);   // (the output path, a random folder name, may hold the digits)
        Assert.Contains("<5 rows dropped for a missing value: ph.ecog <5", run.Error);
        Assert.Contains("ph.karno: <5 missing values imputed", run.Error);
        Assert.Contains("wt.loss: 14 missing values imputed", run.Error);
        Assert.DoesNotContain(" 1 ", run.Error.Replace("[", " ").Replace("]", " "));
    }

    [Fact]
    public void On_gbsg_no_subgroup_gets_a_verdict_of_its_own_because_the_interaction_test_does_not_support_one()
    {
        // gbsg's interaction test gives p = 0.96 (one df per subgroup beyond the first): no subgroup verdict of its own.
        using var dir = new TempFolder();
        var run = CliRunner.Run("run", RepoPaths.Dataset("gbsg.yaml"), "--out", dir.File("out"));
        Assert.Equal(0, run.ExitCode);
        var treatment = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("out"), "results.json"))).RootElement.GetProperty("treatment");
        Assert.Equal("observational", treatment.GetProperty("design").GetString());
        var bottom = treatment.GetProperty("bottom_line");
        Assert.Equal("consistent", bottom.GetProperty("kind").GetString());
        Assert.True(bottom.GetProperty("interaction_p").GetDouble() >= 0.05);
        foreach (var effect in treatment.GetProperty("by_subgroup").EnumerateArray())
        {
            Assert.Equal("consistent with overall", effect.GetProperty("verdict").GetString());
            Assert.StartsWith("In subgroup ", effect.GetProperty("sentence").GetString());
        }
        Assert.Equal(treatment.GetProperty("by_subgroup").GetArrayLength() - 1, treatment.GetProperty("interaction").GetProperty("df").GetInt32());
        // The console leads with the bottom line.
        Assert.StartsWith("Bottom line: hormon = yes vs hormon = no (observational: not randomised)", run.Out);
        Assert.Contains("The data do not show that the association of treatment with outcome differs between the subgroups", run.Out);
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
