using System.Text.Json;
using Stratify.Data;
using Stratify.Description;
using Stratify.Reporting;
using static Stratify.Tests.Description.Table1Reference;

namespace Stratify.Tests.Description;

/// <summary>Column summaries of the bundled cohorts against R (schemas in table1_reference.json) and their renderings.</summary>
public class CohortSchemaSummaryTests
{
    public static TheoryData<string> Datasets => new() { "lung.csv", "gbsg.csv", "veteran.csv", "rotterdam.csv" };

    private static JsonElement ReferenceSchema(string file) =>
        Json.GetProperty("schemas").EnumerateArray().First(s => s.GetProperty("dataset").GetString() == file);

    [Theory]
    [MemberData(nameof(Datasets))]
    public void Missing_distinct_and_range_match_R(string file)
    {
        var schema = CohortSchemaSummary.Of(CsvCohortReader.Read(RepoPaths.Dataset(file)));
        var expected = ReferenceSchema(file).GetProperty("columns").EnumerateArray().ToArray();
        Assert.Equal(ReferenceSchema(file).GetProperty("rows").GetInt32(), schema.RowCount);
        Assert.Equal(expected.Select(c => c.GetProperty("name").GetString()), schema.Columns.Select(c => c.Name));
        for (int j = 0; j < expected.Length; j++)
        {
            var column = schema.Columns[j];
            Assert.Equal(expected[j].GetProperty("missing").GetInt32(), column.Missing);
            Close(expected[j].Number("percent_missing"), column.PercentMissing, SummaryTolerance, column.Name + " % missing");
            Assert.Equal(expected[j].GetProperty("distinct").GetInt32(), column.Distinct);
            if (column.Kind == VariableKind.Numeric)
            {
                Assert.Equal(expected[j].Number("min"), column.Minimum);
                Assert.Equal(expected[j].Number("max"), column.Maximum);
            }
            else
            {
                var top = expected[j].GetProperty("top_levels").EnumerateArray()
                    .Select(l => new LevelCount(l.GetProperty("level").GetString()!, l.GetProperty("count").GetInt32()));
                Assert.Equal(top, column.TopLevels);
            }
        }
    }

    [Fact]
    public void Json_lists_columns_with_snake_case_fields_and_null_range_for_text()
    {
        var schema = CohortSchemaSummary.Of(CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv")));
        var json = JsonDocument.Parse(Table1Formats.ToJson(schema)).RootElement;
        Assert.Equal(137, json.GetProperty("row_count").GetInt32());
        var celltype = json.GetProperty("columns")[1];
        Assert.Equal(("celltype", "string", "categorical"), (celltype.GetProperty("name").GetString(),
            celltype.GetProperty("source_type").GetString(), celltype.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, celltype.GetProperty("min").ValueKind);
        // R: table(veteran$celltype): smallcell 48, squamous 35, adeno 27, large 27
        Assert.Equal("smallcell", celltype.GetProperty("top_levels")[0].GetProperty("level").GetString());
        Assert.Equal(0, json.GetProperty("columns")[0].GetProperty("n_missing").GetInt32());
    }

    [Fact]
    public void Csv_and_Markdown_show_one_line_per_column()
    {
        var schema = CohortSchemaSummary.Of(CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")));
        var csv = Table1Formats.ToCsv(schema).TrimEnd('\n').Split('\n');
        Assert.Equal("Column,Type,Kind,Missing,% missing,Distinct,Min,Max,Top levels", csv[0]);
        // R: sum(is.na(lung$wt.loss)) = 14 of 228 (6.1%), 53 distinct values, range -24 to 68
        Assert.Equal("wt.loss,integer,numeric,14,6.1,53,-24,68,", csv[10]);
        var markdown = Table1Formats.ToMarkdown(schema).TrimEnd('\n').Split('\n');
        Assert.Equal(2 + 10, markdown.Length);
        Assert.Equal("| wt.loss | integer | numeric | 14 | 6.1 | 53 | -24 | 68 |  |", markdown[11]);
    }

    [Fact]
    public void Text_levels_are_listed_most_frequent_first_with_ties_in_level_order()
    {
        var cohort = new Cohort([CategoricalColumn.FromStrings("stage", ["II", "I", "III", "II", null, "I"])], "constructed");
        var stage = CohortSchemaSummary.Of(cohort, topLevels: 2).Columns[0];
        Assert.Equal([new LevelCount("I", 2), new LevelCount("II", 2)], stage.TopLevels.ToArray());
        Assert.Equal((1, 3), (stage.Missing, stage.Distinct));
    }
}
