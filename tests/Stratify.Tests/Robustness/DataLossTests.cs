using System.Text.Json;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>Stratify never deletes or overwrites a file it did not create (README, "Where Stratify writes").</summary>
public class DataLossTests
{
    [Fact]
    public void Output_dot_in_the_spec_is_refused_and_the_spec_and_data_survive()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path, LungStudy.Fast.Replace("output: out", "output: ."));
        var before = FolderSnapshot.Of(dir.Path);
        Refusal.Assert(CliRunner.Run("run", spec, "--quiet"), "contains the input", "study.yaml");
        before.AssertSame(dir.Path);
    }

    [Fact]
    public void An_ancestor_of_the_spec_folder_is_refused_even_with_force()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(Path.Combine(dir.Path, "study"));
        var before = FolderSnapshot.Of(dir.Path);
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.Path, "--force", "--quiet"), "contains the input");
        before.AssertSame(dir.Path);
    }

    [Fact]
    public void The_data_file_as_output_folder_is_refused()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("lung.parquet"), "--quiet"), "is one of the inputs");
        Assert.Equal(File.ReadAllBytes(RepoPaths.Dataset("lung.parquet")), File.ReadAllBytes(dir.File("lung.parquet")));
    }

    [Fact]
    public void An_output_folder_inside_a_folder_of_part_files_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("parts"));
        File.Copy(RepoPaths.Dataset("lung.parquet"), dir.File("parts/part-0.parquet"));
        File.WriteAllText(dir.File("study.yaml"), LungStudy.Fast.Replace("data: lung.parquet", "data: parts") + "\n");
        Refusal.Assert(CliRunner.Run("run", dir.File("study.yaml"), "--out", dir.File("parts/out"), "--quiet"), "inside the data folder");
        Assert.Single(Directory.GetFileSystemEntries(dir.File("parts")));
    }

    [Fact]
    public void A_symbolic_link_to_the_spec_folder_is_recognised_as_an_input()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.File("study"));
        File.CreateSymbolicLink(dir.File("alias"), dir.File("study"));
        Refusal.Assert(CliRunner.Run("run", spec, "--out", dir.File("alias"), "--quiet"), "contains the input");
        Assert.Equal(2, Directory.GetFiles(dir.File("study")).Length);
    }

    [Fact]
    public void A_non_empty_folder_that_Stratify_did_not_write_is_refused_without_force()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/thesis.docx"), "years of work");
        var before = FolderSnapshot.Of(dir.File("out"));
        Refusal.Assert(CliRunner.Run("run", spec, "--quiet"), "Stratify did not write", "--force");
        before.AssertSame(dir.File("out"));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void Force_writes_Stratify_files_into_a_foreign_folder_and_keeps_its_other_files()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Directory.CreateDirectory(dir.File("out/notes"));
        File.WriteAllText(dir.File("out/thesis.docx"), "years of work");
        File.WriteAllText(dir.File("out/notes/a.txt"), "a note");
        var result = CliRunner.Run("run", spec, "--quiet", "--force");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("years of work", File.ReadAllText(dir.File("out/thesis.docx")));
        Assert.Equal("a note", File.ReadAllText(dir.File("out/notes/a.txt")));
        Assert.True(File.Exists(dir.File("out/results.json")));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void The_manifest_says_Stratify_wrote_the_folder_and_lists_every_file_it_wrote()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("out/manifest.json"))).RootElement;
        Assert.Equal("Stratify", manifest.GetProperty("generator").GetString());
        var listed = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetString()!).ToArray();
        var onDisk = Directory.EnumerateFiles(dir.File("out"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(dir.File("out"), f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(onDisk, listed);
    }

    [Fact]
    public void Rerunning_into_a_previous_output_replaces_Stratify_files_and_keeps_the_users()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        File.WriteAllText(dir.File("out/my_notes.txt"), "keep me");
        File.WriteAllText(dir.File("out/tables/my_table.csv"), "a,b\n1,2\n");
        Directory.CreateDirectory(dir.File("out/figures"));
        File.WriteAllText(dir.File("out/figures/km.png"), "png");
        File.WriteAllText(dir.File("out/results.json"), "stale");
        Directory.CreateDirectory(dir.File("elsewhere"));
        File.WriteAllText(dir.File("elsewhere/x.txt"), "x");
        File.CreateSymbolicLink(dir.File("out/data"), dir.File("elsewhere"));
        File.CreateSymbolicLink(dir.File("out/gone"), dir.File("nowhere"));
        var result = CliRunner.Run("run", spec, "--quiet", "--seed", "7");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("keep me", File.ReadAllText(dir.File("out/my_notes.txt")));
        Assert.Equal("a,b\n1,2\n", File.ReadAllText(dir.File("out/tables/my_table.csv")));
        Assert.Equal("png", File.ReadAllText(dir.File("out/figures/km.png")));
        Assert.Equal(dir.File("elsewhere"), new DirectoryInfo(dir.File("out/data")).LinkTarget);
        Assert.Equal(dir.File("nowhere"), new FileInfo(dir.File("out/gone")).LinkTarget);
        Assert.Equal("x", File.ReadAllText(dir.File("elsewhere/x.txt")));
        Assert.Equal(7, JsonDocument.Parse(File.ReadAllText(dir.File("out/manifest.json"))).RootElement.GetProperty("seed").GetInt32());
        Assert.StartsWith("{", File.ReadAllText(dir.File("out/results.json")));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void A_previous_outputs_files_that_the_new_run_does_not_write_are_removed()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path, LungStudy.Clustered);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        Assert.True(File.Exists(dir.File("out/tables/k_criteria.csv")));
        File.WriteAllText(spec, LungStudy.Fast + "\n");
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        Assert.False(File.Exists(dir.File("out/tables/k_criteria.csv")));
    }

    [Fact]
    public void A_users_file_with_the_name_of_a_planned_output_is_refused_without_force_and_replaced_with_it()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        File.WriteAllText(dir.File("out/tables/k_criteria.csv"), "my own");
        File.WriteAllText(spec, LungStudy.Clustered + "\n");
        Refusal.Assert(CliRunner.Run("run", spec, "--quiet"), "k_criteria.csv", "not written by Stratify");
        Assert.Equal("my own", File.ReadAllText(dir.File("out/tables/k_criteria.csv")));
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet", "--force").ExitCode);
        Assert.StartsWith("k,silhouette", File.ReadAllText(dir.File("out/tables/k_criteria.csv")));
    }

    [Fact]
    public void A_failed_run_leaves_the_previous_output_untouched()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        Assert.Equal(0, CliRunner.Run("run", spec, "--quiet").ExitCode);
        var before = FolderSnapshot.Of(dir.File("out"));
        File.WriteAllText(spec, LungStudy.Fast.Replace("time: time", "time: no_such_column") + "\n");
        Refusal.Assert(CliRunner.Run("run", spec, "--quiet"), "no_such_column");
        before.AssertSame(dir.File("out"));
        Assert.Empty(Leftovers.Beside(dir.File("out")));
    }

    [Fact]
    public void Report_out_naming_results_json_is_refused()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("run", LungStudy.Write(dir.Path), "--quiet").ExitCode);
        var before = FolderSnapshot.Of(dir.File("out"));
        Refusal.Assert(CliRunner.Run("report", dir.File("out/results.json"), "--out", dir.File("out/results.json")), "is one of the inputs");
        Refusal.Assert(CliRunner.Run("report", dir.File("out/results.json"), "--out", dir.File("out/manifest.json")), "is one of the inputs");
        before.AssertSame(dir.File("out"));
    }

    [Fact]
    public void Import_out_naming_the_source_csv_is_refused()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("data.csv"), "time,status\n1,1\n2,0\n");
        Refusal.Assert(CliRunner.Run("import", dir.File("data.csv"), "--out", dir.File("data.csv")), "is one of the inputs");
        Assert.Equal("time,status\n1,1\n2,0\n", File.ReadAllText(dir.File("data.csv")));
    }

    [Fact]
    public void Cluster_out_naming_the_input_parquet_is_refused_before_any_work()
    {
        using var dir = new TempFolder();
        File.Copy(RepoPaths.Dataset("lung.parquet"), dir.File("lung.parquet"));
        var result = CliRunner.Run("cluster", dir.File("lung.parquet"), "--time", "time", "--event", "status", "--features", "age,ph.karno",
            "--k", "2", "--out", dir.File("lung.parquet"));
        Refusal.Assert(result, "is one of the inputs");
        Assert.Equal(File.ReadAllBytes(RepoPaths.Dataset("lung.parquet")), File.ReadAllBytes(dir.File("lung.parquet")));
    }

    [Fact]
    public void Tree_out_naming_the_spec_is_refused()
    {
        using var dir = new TempFolder();
        var spec = LungStudy.Write(dir.Path);
        var text = File.ReadAllText(spec);
        Refusal.Assert(CliRunner.Run("tree", spec, "--features", "age", "--out", spec), "is one of the inputs");
        Assert.Equal(text, File.ReadAllText(spec));
    }
}
