using System.Text.Json;

namespace Stratify.Tests.Cli;

public class DescribeCommandTests
{
    [Theory]
    [InlineData("lung.yaml")]
    [InlineData("gbsg.yaml")]
    [InlineData("rotterdam.yaml")]
    [InlineData("veteran.yaml")]
    public void Describe_works_on_every_bundled_study_in_every_format(string spec)
    {
        foreach (var format in new[] { "table", "json", "csv", "markdown" })
        {
            var result = CliRunner.Run("describe", RepoPaths.Dataset(spec), "--format", format);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.NotEmpty(result.Out);
        }
    }

    [Fact]
    public void Json_output_counts_rows_read_analysed_and_dropped_per_column()
    {
        var result = CliRunner.Run("describe", RepoPaths.Dataset("lung.yaml"), "--format", "json");
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal(228, root.GetProperty("rows_read").GetInt32());
        Assert.Equal(227, root.GetProperty("rows_analysed").GetInt32());
        Assert.Equal("ph.ecog", root.GetProperty("dropped")[0].GetProperty("column").GetString());
        Assert.Equal(10, root.GetProperty("schema").GetProperty("columns").GetArrayLength());
        var table = root.GetProperty("table1");
        Assert.Equal("sex", table.GetProperty("group_column").GetString());
        // R: sprintf("%.17g", t.test(age ~ sex, lung[!is.na(lung$ph.ecog), ])$p.value) = 0.061874706505541575 (Welch);
        // relative 2e-11, Table 1's p tolerance.
        var age = table.GetProperty("variables").EnumerateArray().First(v => v.GetProperty("variable").GetString() == "age");
        Assert.Equal(0.061874706505541575, age.GetProperty("p").GetDouble(), 0.061874706505541575 * 2e-11);
    }

    [Fact]
    public void A_bare_parquet_file_is_described_with_a_group_flag()
    {
        var result = CliRunner.Run("describe", RepoPaths.Dataset("veteran.parquet"), "--group", "trt", "--format", "markdown");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("celltype", result.Out);
        Assert.Contains("standard", result.Out);
    }

    [Fact]
    public void A_misspelt_group_column_exits_2_with_a_suggestion_and_no_stack_trace()
    {
        var result = CliRunner.Run("describe", RepoPaths.Dataset("veteran.parquet"), "--group", "tr");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 'tr': column not found. Did you mean 'trt'?", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
    }

    [Fact]
    public void An_unknown_format_is_refused_listing_the_formats()
    {
        var result = CliRunner.Run("describe", RepoPaths.Dataset("veteran.parquet"), "--format", "xml");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("table, json, csv, markdown", result.Error);
    }
}
