using System.Text.Json;
using Stratify.Data;
using Stratify.Description;
using Stratify.Reporting;
using static Stratify.Tests.Description.Table1Reference;

namespace Stratify.Tests.Description;

/// <summary>JSON, CSV and Markdown renderings of Table 1 (lung by sex; numbers from table1_reference.json).</summary>
public class Table1FormatsTests
{
    private static Table1 LungBySex() => Table1Builder.Build(Table1Reference.Cohort("lung_by_sex"), new Table1Options(
        [new("age", VariableKind.Numeric), new("wt.loss", VariableKind.Numeric), new("ph.ecog", VariableKind.Categorical)], "sex"));

    private static JsonElement LungJson() => JsonDocument.Parse(Table1Formats.ToJson(LungBySex())).RootElement;

    [Fact]
    public void Json_names_the_group_column_and_groups_in_snake_case()
    {
        var json = LungJson();
        Assert.Equal("sex", json.GetProperty("group_column").GetString());
        Assert.Equal(228, json.GetProperty("overall_n").GetInt32());
        var groups = json.GetProperty("groups");
        Assert.Equal(("1", 138), (groups[0].GetProperty("group").GetString(), groups[0].GetProperty("n").GetInt32()));
        Assert.Equal(("2", 90), (groups[1].GetProperty("group").GetString(), groups[1].GetProperty("n").GetInt32()));
    }

    [Fact]
    public void Json_numeric_rows_carry_text_and_R_numbers()
    {
        var age = LungJson().GetProperty("variables")[0];
        var reference = Variable("lung_by_sex", "age");
        Assert.Equal("numeric", age.GetProperty("kind").GetString());
        var meanRow = age.GetProperty("rows")[0];
        Assert.Equal("Mean (SD)", meanRow.GetProperty("label").GetString());
        // R: mean 62.44737, sd 9.073457; median 63, Q1 56, Q3 69
        Assert.Equal("62.4 (9.1)", meanRow.GetProperty("overall").GetProperty("text").GetString());
        Close(reference.GetProperty("overall").Number("mean"), meanRow.GetProperty("overall").GetProperty("mean").GetDouble(), SummaryTolerance, "mean");
        Assert.Equal("63 [56, 69]", age.GetProperty("rows")[1].GetProperty("overall").GetProperty("text").GetString());
        Assert.Equal("64 [57, 70]", age.GetProperty("rows")[1].GetProperty("by_group")[0].GetProperty("text").GetString());
        Assert.Equal("welch_t", age.GetProperty("test").GetString());
        Close(reference.GetProperty("primary").Number("p"), age.GetProperty("p").GetDouble(), PValueTolerance, "p");
        Assert.Equal("kruskal_wallis", age.GetProperty("alternative_test").GetString());
        Close(reference.Number("smd"), age.GetProperty("smd").GetDouble(), SummaryTolerance, "smd");
        Assert.Equal(0, age.GetProperty("missing").GetInt32());
    }

    [Fact]
    public void Json_adds_a_missing_row_only_when_values_are_missing()
    {
        var variables = LungJson().GetProperty("variables");
        Assert.Equal(2, variables[0].GetProperty("rows").GetArrayLength());
        var wtLoss = variables[1];
        // R: sum(is.na(lung$wt.loss)) = 14; by sex 10 and 4
        var missingRow = wtLoss.GetProperty("rows")[2];
        Assert.Equal("Missing", missingRow.GetProperty("label").GetString());
        Assert.Equal(14, missingRow.GetProperty("overall").GetProperty("count").GetInt32());
        Assert.Equal("10", missingRow.GetProperty("by_group")[0].GetProperty("text").GetString());
        Assert.Equal(14, wtLoss.GetProperty("missing").GetInt32());
        // wt.loss quartiles are not all whole (Q3 = 15.75): printed with one decimal
        Assert.Equal("4.0 [0.0, 11.0]", wtLoss.GetProperty("rows")[1].GetProperty("by_group")[1].GetProperty("text").GetString());
        Assert.Equal("7.0 [0.0, 15.8]", wtLoss.GetProperty("rows")[1].GetProperty("overall").GetProperty("text").GetString());
    }

    [Fact]
    public void Json_categorical_rows_give_count_and_percent_of_non_missing()
    {
        var ecog = LungJson().GetProperty("variables")[2];
        var reference = Variable("lung_by_sex", "ph.ecog").GetProperty("overall").Integers("counts");
        int nonMissing = reference.Sum();
        var first = ecog.GetProperty("rows")[0];
        Assert.Equal("0", first.GetProperty("label").GetString());
        Assert.Equal(reference[0], first.GetProperty("overall").GetProperty("count").GetInt32());
        Assert.Equal($"{reference[0]} ({100.0 * reference[0] / nonMissing:F1}%)", first.GetProperty("overall").GetProperty("text").GetString());
        Assert.False(first.GetProperty("overall").TryGetProperty("mean", out _));
        Assert.Equal("chi_square", ecog.GetProperty("test").GetString());
    }

    [Fact]
    public void Json_writes_an_undefined_SD_and_p_as_null()
    {
        var cohort = new Cohort([new NumericColumn("age", [50, 60, 70, 80]), CategoricalColumn.FromStrings("arm", ["a", "a", "a", "b"])], "constructed");
        var table = Table1Builder.Build(cohort, new Table1Options([new("age", VariableKind.Numeric)], "arm"));
        var age = JsonDocument.Parse(Table1Formats.ToJson(table)).RootElement.GetProperty("variables")[0];
        var single = age.GetProperty("rows")[0].GetProperty("by_group")[1];
        Assert.Equal(JsonValueKind.Null, single.GetProperty("sd").ValueKind);
        Assert.Equal("80.0 (NA)", single.GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, age.GetProperty("p").ValueKind);
        Assert.Equal(JsonValueKind.Null, age.GetProperty("smd").ValueKind);
    }

    [Fact]
    public void Csv_has_a_header_with_group_sizes_and_quotes_cells_holding_commas()
    {
        var lines = Table1Formats.ToCsv(LungBySex()).Split('\n');
        Assert.Equal("Variable,Level,Overall (n=228),1 (n=138),2 (n=90),p,Test,SMD", lines[0]);
        // R: lung$age mean 62.44737 (sd 9.073457), by sex 63.34058 (9.139228) and 61.07778 (8.847304); Welch p 0.06394
        Assert.Equal("age,Mean (SD),62.4 (9.1),63.3 (9.1),61.1 (8.8),0.0639,Welch t,-0.252", lines[1]);
        Assert.Equal("age,\"Median [Q1, Q3]\",\"63 [56, 69]\",\"64 [57, 70]\",\"61 [55, 68]\",,,", lines[2]);
        // R: wt.loss missing 14 (10 men, 4 women)
        Assert.Equal("wt.loss,Missing,14,10,4,,,", lines[5]);
    }

    [Fact]
    public void Csv_quoting_follows_RFC_4180()
    {
        var cohort = new Cohort([CategoricalColumn.FromStrings("site", ["a, \"north\"", "b"])], "constructed");
        var csv = Table1Formats.ToCsv(Table1Builder.Build(cohort, new Table1Options([new("site", VariableKind.Categorical)])));
        Assert.Contains("site,\"a, \"\"north\"\"\",1 (50.0%),,,", csv);
    }

    [Fact]
    public void Markdown_is_a_pipe_table_with_right_aligned_numbers_and_escaped_pipes()
    {
        var cohort = new Cohort([CategoricalColumn.FromStrings("stage", ["I|II", "III"]), CategoricalColumn.FromStrings("arm", ["x", "y"])], "constructed");
        var lines = Table1Formats.ToMarkdown(Table1Builder.Build(cohort, new Table1Options([new("stage", VariableKind.Categorical)], "arm"))).Split('\n');
        Assert.Equal("| Variable |  | Overall (n=2) | x (n=1) | y (n=1) | p | Test | SMD |", lines[0]);
        Assert.Equal("| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |", lines[1]);
        Assert.Contains("| I\\|II | 1 (50.0%) |", string.Join("\n", lines));
    }

    [Theory]
    [InlineData(0.0639433611988746, "0.0639")]
    [InlineData(0.5, "0.500")]
    [InlineData(1.0, "1.00")]
    [InlineData(0.00099, "<0.001")]
    [InlineData(0.001, "0.00100")]
    [InlineData(0.09996, "0.100")]
    [InlineData(double.NaN, "")]
    public void P_values_print_with_three_significant_digits_or_as_below_0_001(double p, string expected)
    {
        Assert.Equal(expected, Table1Formats.FormatP(p));
    }
}
