using System.Text.Json.Nodes;
using Stratify.Cli;
using Stratify.Reporting;
using Stratify.Reporting.Html;
using Stratify.Tests.Reporting;

namespace Stratify.Tests.Cli;

/// <summary>`stratify report results.json`: rebuilding the subgroup report from a run's output files.</summary>
public class ReportCommandTests
{
    private static string WriteRun(TempFolder folder, bool withManifest = true)
    {
        var results = folder.File("results.json");
        File.WriteAllText(results, JsonOutput.Serialize(SubgroupReportFixture.Results()));
        if (withManifest) File.WriteAllText(folder.File("manifest.json"), JsonOutput.Serialize(SubgroupReportFixture.Manifest()));
        return results;
    }

    [Fact]
    public void Report_is_rebuilt_beside_the_results_with_the_manifest_found_beside_them()
    {
        using var folder = new TempFolder();
        var results = WriteRun(folder);

        var run = CliRunner.Run("report", results);

        Assert.Equal(CliApp.ExitOk, run.ExitCode);
        var html = File.ReadAllText(folder.File("report.html"));
        Assert.Equal(SubgroupReport.Render(SubgroupReportFixture.Results(), SubgroupReportFixture.Manifest()), html);
        Assert.Contains("report.html", run.Error);
    }

    [Fact]
    public void Out_and_manifest_options_choose_the_output_file_and_the_manifest()
    {
        using var folder = new TempFolder();
        var results = WriteRun(folder, withManifest: false);
        var manifest = folder.File("run-manifest.json");
        File.WriteAllText(manifest, JsonOutput.Serialize(SubgroupReportFixture.Manifest()));
        var output = folder.File(Path.Combine("html", "gbsg.html"));

        var run = CliRunner.Run("report", results, "--out", output, "--manifest", manifest);

        Assert.Equal(CliApp.ExitOk, run.ExitCode);
        Assert.Contains("<dt>Seed</dt><dd>20240611</dd>", File.ReadAllText(output));
        Assert.False(File.Exists(folder.File("report.html")));
    }

    [Fact]
    public void Without_a_manifest_the_report_is_written_and_the_omission_is_said()
    {
        using var folder = new TempFolder();
        var results = WriteRun(folder, withManifest: false);

        var run = CliRunner.Run("report", results);

        Assert.Equal(CliApp.ExitOk, run.ExitCode);
        Assert.Contains("no manifest.json", run.Error);
        Assert.Contains("No manifest.json was supplied", File.ReadAllText(folder.File("report.html")));
    }

    [Fact]
    public void A_missing_results_file_exits_2_naming_the_file()
    {
        using var folder = new TempFolder();
        var missing = folder.File("nowhere.json");

        var run = CliRunner.Run("report", missing);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"error: {missing}: file not found", run.Error);
    }

    [Fact]
    public void Invalid_json_exits_2_naming_the_file_and_the_line()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        File.WriteAllText(path, "{\n  \"schema_version\": \"2.0\",\n  \"study\": {\n");

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"{path}: not valid JSON for a results.json of `stratify run`", run.Error);
        Assert.False(File.Exists(folder.File("report.html")));
    }

    [Fact]
    public void A_json_file_of_another_shape_exits_2_naming_the_file()
    {
        using var folder = new TempFolder();
        var path = folder.File("results.json");
        File.WriteAllText(path, "[1, 2, 3]");

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"{path}: not valid JSON", run.Error);
    }

    [Fact]
    public void A_different_schema_version_exits_2_naming_the_file_and_both_versions()
    {
        using var folder = new TempFolder();
        var path = WriteRun(folder);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        document["schema_version"] = "0.9";
        File.WriteAllText(path, document.ToJsonString());

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"{path}: schema_version is '0.9', but this Stratify reads results schema 2.0", run.Error);
    }

    [Theory]
    [InlineData("survival", "kaplan_meier", "survival.kaplan_meier")]
    [InlineData("study", "endpoint", "study.endpoint")]
    public void A_required_field_left_out_exits_2_naming_the_file_and_the_field(string section, string field, string jsonPath)
    {
        using var folder = new TempFolder();
        var path = WriteRun(folder);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        document[section]!.AsObject().Remove(field);
        File.WriteAllText(path, document.ToJsonString());

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"{path}: {jsonPath} is missing or null", run.Error);
    }

    [Fact]
    public void A_null_subgroup_description_exits_2_naming_its_place_in_the_list()
    {
        using var folder = new TempFolder();
        var path = WriteRun(folder);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        document["subgroups"]![1]!["description"] = null;
        File.WriteAllText(path, document.ToJsonString());

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains($"{path}: subgroups[1].description is missing or null", run.Error);
    }

    [Fact]
    public void Patient_ids_and_medoid_rows_in_fields_the_report_does_not_know_never_reach_the_page()
    {
        using var folder = new TempFolder();
        var path = WriteRun(folder);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        document["discovery"]!["clustering"]!["medoids"] = new JsonArray(
            new JsonObject { ["row"] = 90417, ["patient_id"] = "PT-000417" }, new JsonObject { ["row"] = 90562, ["patient_id"] = "PT-000562" });
        document["subgroups"]![0]!["patient_ids"] = new JsonArray("PT-000132", "PT-001575");
        document["id_column"] = "pid";
        File.WriteAllText(path, document.ToJsonString());

        var run = CliRunner.Run("report", path);

        Assert.Equal(CliApp.ExitOk, run.ExitCode);
        var html = File.ReadAllText(folder.File("report.html"));
        Assert.DoesNotContain("PT-0", html);
        Assert.DoesNotContain("9041", html);
        Assert.DoesNotContain("9056", html);
        Assert.DoesNotContain("patient_id", html);
        Assert.DoesNotContain("pid", html);
    }

    [Fact]
    public void Pdf_without_chromium_exits_2_with_the_install_hint_after_writing_the_html()
    {
        using var folder = new TempFolder();
        var results = WriteRun(folder);

        var run = CliRunner.Run("report", results, "--pdf", "--chromium", folder.File("no-such-chromium"));

        Assert.Equal(CliApp.ExitInput, run.ExitCode);
        Assert.Contains(HeadlessChromium.NotInstalledMessage, run.Error);
        Assert.True(File.Exists(folder.File("report.html")));
        Assert.False(File.Exists(folder.File("report.pdf")));
    }

    [ChromiumFact]
    public void Pdf_option_prints_the_report_to_a_pdf_file_beside_the_html()
    {
        using var folder = new TempFolder();
        var results = WriteRun(folder);

        var run = CliRunner.Run("report", results, "--pdf");

        Assert.Equal(CliApp.ExitOk, run.ExitCode);
        var pdf = File.ReadAllBytes(folder.File("report.pdf"));
        Assert.Equal("%PDF"u8.ToArray(), pdf[..4]);
        Assert.True(pdf.Length > 20_000, $"the PDF has only {pdf.Length} bytes");
    }
}
