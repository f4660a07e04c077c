using System.Globalization;
using System.Text.RegularExpressions;
using Stratify.Reporting;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Robustness;

/// <summary>Legal but hostile values: control characters, formula-like cells, huge and tiny numbers, degenerate times.</summary>
public class HostileValueTests
{
    private const string Esc = "\u001B";

    /// <summary>A cohort whose group levels hold a control character, an ANSI colour sequence and a formula.</summary>
    private static string HostileCohort(TempFolder dir, Func<int, string>? time = null, string bigColumn = "big")
    {
        var random = new Random(4);
        var levels = new[] { "a\u0001b", $"norm{Esc}[31mRED", "=HYPERLINK(\"http://x\")" };
        var rows = Enumerable.Range(0, 60).Select(i =>
            $"{time?.Invoke(i) ?? (1 + random.Next(500)).ToString(CultureInfo.InvariantCulture)},{random.Next(2)},\"{levels[i % 3].Replace("\"", "\"\"")}\",{(random.NextDouble() * 1e300).ToString("R", CultureInfo.InvariantCulture)},{random.NextDouble() - 0.5:R}");
        File.WriteAllText(dir.File("hostile.csv"), $"time,status,grp,{bigColumn},x\n" + string.Join("\n", rows) + "\n");
        var import = CliRunner.Run("import", dir.File("hostile.csv"), "--out", dir.File("hostile.parquet"));
        Assert.True(import.ExitCode == 0, import.Error);
        return dir.File("hostile.parquet");
    }

    private static string ColumnSpec(TempFolder dir, string data) =>
        WriteSpec(dir, $"data: {data}\ntime: time\nevent: status\nsubgroups:\n  method: column\n  column: grp\noutput: out\n");

    private static string WriteSpec(TempFolder dir, string yaml)
    {
        File.WriteAllText(dir.File("spec.yaml"), yaml);
        return dir.File("spec.yaml");
    }

    [Fact]
    public void Control_characters_in_category_levels_no_longer_crash_the_run_and_show_as_escapes_in_the_report()
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("run", ColumnSpec(dir, HostileCohort(dir)), "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        var html = File.ReadAllText(dir.File("out/report.html"));
        Assert.Contains(@"a\x01b", html);
        Assert.Contains(@"norm\x1B[31mRED", html);
        Assert.DoesNotContain('\u0001', html);
        Assert.DoesNotContain(Esc, html);
    }

    [Fact]
    public void Nothing_printed_to_the_terminal_carries_an_escape_sequence_from_data()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir);
        foreach (var args in new[]
                 {
                     new[] { "describe", data, "--time", "time", "--event", "status", "--group", "grp" },
                     new[] { "km", data, "--time", "time", "--event", "status", "--group", "grp" },
                     new[] { "cox", data, "--time", "time", "--event", "status", "--covariates", "grp", "--categorical", "grp" },
                     new[] { "describe", data, "--group", "grp", "--format", "markdown" },
                 })
        {
            var result = CliRunner.Run(args);
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.DoesNotContain(Esc, result.Out + result.Error);
            Assert.DoesNotContain('\u0001', result.Out + result.Error);
            Assert.Contains(@"norm\x1B[31mRED", result.Out);
        }
    }

    [Fact]
    public void An_escape_sequence_in_a_column_name_is_escaped_in_the_error_message()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir);
        var result = CliRunner.Run("km", data, "--time", $"time{Esc}]0;pwned\u0007", "--event", "status");
        Refusal.Assert(result, @"time\x1B]0;pwned\x07");
        Assert.DoesNotContain(Esc, result.Error);
        Assert.DoesNotContain('\u0007', result.Error);
    }

    [Fact]
    public void Bidirectional_overrides_are_shown_not_obeyed()
    {
        Assert.Equal(@"evil\u202Etxt.exe", PrintableText.Escape("evil\u202Etxt.exe"));
        Assert.Equal("naïve café 東京 — ok\tand\nlines", PrintableText.Escape("naïve café 東京 — ok\tand\nlines"));
        Assert.Equal(@"\x00\u007F\u0085\u009B", PrintableText.Escape("\0\u007F\u0085\u009B"));
    }

    [Fact]
    public void Json_on_stdout_stays_valid_json_holding_the_exact_levels()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("d.csv"), "time,status,grp\n" + string.Join("\n", Enumerable.Range(0, 40).Select(i =>
            $"{i + 1},{i % 2},{(i % 2 == 0 ? "del\u007Fx" : "rtl\u202Ey")}")) + "\n");
        Assert.Equal(0, CliRunner.Run("import", dir.File("d.csv"), "--out", dir.File("d.parquet")).ExitCode);
        var result = CliRunner.Run("km", dir.File("d.parquet"), "--time", "time", "--event", "status", "--group", "grp", "--format", "json");
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain('\u202E', result.Out);
        var groups = System.Text.Json.JsonDocument.Parse(result.Out).RootElement.GetProperty("groups").EnumerateArray()
            .Select(g => g.GetProperty("group").GetString()!).ToArray();
        Assert.Equal(["del\u007Fx", "rtl\u202Ey"], groups);
    }

    [Fact]
    public void Formula_like_cells_in_table_csv_files_are_neutralised_and_negative_numbers_stay_numbers()
    {
        using var dir = new TempFolder();
        Assert.Equal(0, CliRunner.Run("run", ColumnSpec(dir, HostileCohort(dir)), "--quiet").ExitCode);
        var cells = Directory.EnumerateFiles(dir.File("out/tables"), "*.csv")
            .SelectMany(f => File.ReadAllLines(f)).SelectMany(SplitCsv).ToList();
        Assert.Contains("'=HYPERLINK(\"http://x\")", cells);
        Assert.DoesNotContain(cells, c => c.Length > 0 && c[0] is '=' or '+' or '@' or '\t' or '\r');
        Assert.All(cells.Where(c => c.StartsWith('-')), c => Assert.Matches(@"^-[0-9.]+([eE][+-]?[0-9]+)?$", c));
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+41 22 555", "'+41 22 555")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(A1:A2)", "'@SUM(A1:A2)")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("＝1+1", "'＝1+1")]
    [InlineData("-1.5", "-1.5")]
    [InlineData("+3", "+3")]
    [InlineData("-2E-05", "-2E-05")]
    [InlineData("-0.5 [-1.2, 0.3]", "\"'-0.5 [-1.2, 0.3]\"")]
    [InlineData("plain", "plain")]
    public void A_csv_field_is_prefixed_with_a_quote_unless_it_is_a_plain_number(string field, string written)
    {
        Assert.Equal(written, TabularText.QuoteCsv(field));
    }

    [Fact]
    public void Assignment_csv_files_neutralise_formula_like_ids()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("d.csv"), "id,time,status,x\n" + string.Join("\n", Enumerable.Range(0, 30).Select(i => $"=id{i},{i + 1},{i % 2},{i % 7}")) + "\n");
        Assert.Equal(0, CliRunner.Run("import", dir.File("d.csv"), "--out", dir.File("d.parquet")).ExitCode);
        var result = CliRunner.Run("cluster", dir.File("d.parquet"), "--id", "id", "--time", "time", "--event", "status", "--features", "x",
            "--k", "2", "--bootstrap", "0", "--gap", "0", "--out", dir.File("a.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.All(File.ReadAllLines(dir.File("a.csv")).Skip(1), line => Assert.StartsWith("'=id", line));
    }

    [Fact]
    public void Huge_feature_values_print_in_scientific_notation_not_as_300_digits()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir);
        var describe = CliRunner.Run("describe", data, "--time", "time", "--event", "status", "--group", "grp");
        Assert.Equal(0, describe.ExitCode);
        Assert.DoesNotMatch(new Regex("[0-9]{20}"), describe.Out);
        Assert.Matches(new Regex(@"[0-9]\.[0-9]{1,3}e\+29[0-9]"), describe.Out);
        Assert.Equal(0, CliRunner.Run("run", WriteSpec(dir, $"data: {data}\ntime: time\nevent: status\ncovariates: [big]\nsubgroups:\n  method: column\n  column: grp\noutput: out\n"), "--quiet").ExitCode);
        Assert.DoesNotMatch(new Regex("[0-9]{20}"), File.ReadAllText(dir.File("out/report.html")));
    }

    [Theory]
    [InlineData(1234.5678, 1, "1234.6")]
    [InlineData(-0.25, 2, "-0.25")]
    [InlineData(999999999999999, 0, "999999999999999")]
    [InlineData(1e15, 0, "1e+15")]
    [InlineData(5.28687e299, 1, "5.287e+299")]
    [InlineData(-1.7976931348623157e308, 2, "-1.798e+308")]
    [InlineData(double.NaN, 2, "NA")]
    public void People_read_fixed_notation_up_to_15_digits_and_scientific_beyond(double value, int decimals, string expected)
    {
        Assert.Equal(expected, DisplayNumber.Fixed(value, decimals));
    }

    [Fact]
    public void Follow_up_times_of_1e_300_draw_a_chart_with_distinct_ticks()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir, time: i => ((i + 1) * 1e-300).ToString("R", CultureInfo.InvariantCulture));
        var result = CliRunner.Run("run", ColumnSpec(dir, data), "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        // As R's aeqSurv, times closer than 1.5e-8 are one time: every patient's time is 1e-300, and the axis runs
        // 0, 2e-301, ..., 1e-300.
        var html = File.ReadAllText(dir.File("out/report.html"));
        foreach (var tick in new[] { "2e-301", "4e-301", "6e-301", "8e-301", "1e-300" })
            Assert.Matches(new Regex($@">\s*{Regex.Escape(tick)}\s*<"), html);
    }

    [Theory]
    [InlineData(2659, new[] { 0.0, 500, 1000, 1500, 2000, 2500 })]
    [InlineData(6e-300, new[] { 0.0, 1e-300, 2e-300, 3e-300, 4e-300, 5e-300, 6e-300 })]
    [InlineData(3.3e300, new[] { 0.0, 5e299, 1e300, 1.5e300, 2e300, 2.5e300, 3e300 })]
    public void Tick_times_are_nice_numbers_at_any_scale(double maxTime, double[] expected)
    {
        Assert.Equal(expected, SubgroupReportCurves.TickTimes(maxTime));
    }

    [Fact]
    public void Every_follow_up_time_equal_to_zero_is_refused_with_the_reason()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir, time: _ => "0");
        Refusal.Assert(CliRunner.Run("cox", data, "--time", "time", "--event", "status", "--covariates", "x"),
            "column 'time'", "every follow-up time of the 60 patients is 0");
        Refusal.Assert(CliRunner.Run("run", ColumnSpec(dir, data), "--quiet"), "every follow-up time");
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Some_times_of_zero_among_others_are_still_analysed()
    {
        using var dir = new TempFolder();
        var data = HostileCohort(dir, time: i => i < 10 ? "0" : (i * 3).ToString(CultureInfo.InvariantCulture));
        Assert.Equal(0, CliRunner.Run("km", data, "--time", "time", "--event", "status").ExitCode);
    }

    [Fact]
    public void A_csv_with_an_unterminated_quote_is_refused_naming_the_line_and_no_file_is_written()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("bad.csv"), "time,status,grp\n1,1,a\n2,0,\"b\n3,1,c\n4,0,d\n");
        Refusal.Assert(CliRunner.Run("import", dir.File("bad.csv"), "--out", dir.File("bad.parquet")), "bad.csv", "line 3", "never closed");
        Assert.False(File.Exists(dir.File("bad.parquet")));
    }

    [Fact]
    public void Quoted_fields_with_line_breaks_keep_the_line_count_right()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("bad.csv"), "time,status,note\n1,1,\"two\nlines\"\n2,0,ok\n3,1,\"open\n");
        Refusal.Assert(CliRunner.Run("import", dir.File("bad.csv"), "--out", dir.File("bad.parquet")), "line 5");
    }

    private static IEnumerable<string> SplitCsv(string line)
    {
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { yield return field.ToString(); field.Clear(); }
            else field.Append(c);
        }
        yield return field.ToString();
    }
}
