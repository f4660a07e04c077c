using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Data;

/// <summary>
/// Several data paths in one spec are stacked into one cohort: rows in path order, missing values kept, categorical
/// levels merged (a level present in one part only keeps its rows), the first part's columns; a part lacking a column
/// or holding it with another type is refused naming the part and the column.
/// </summary>
public class CohortConcatenationTests
{
    private static NumericColumn Numbers(string name, double[] values, bool[]? missing = null) => new(name, values, missing, SourceType.Integer);

    [Fact]
    public void Rows_follow_the_parts_in_order_with_their_missing_values()
    {
        var first = new Cohort([Numbers("age", [60, 0], [false, true]), CategoricalColumn.FromStrings("sex", ["m", null])], "a.parquet");
        var second = new Cohort([Numbers("age", [71]), CategoricalColumn.FromStrings("sex", ["f"])], "b.parquet");

        var both = CohortConcatenation.Concat([first, second]);

        Assert.Equal(3, both.RowCount);
        var age = (NumericColumn)both["age"];
        Assert.Equal([60.0, 71.0], new[] { age.Values[0], age.Values[2] });
        Assert.Equal([false, true, false], Enumerable.Range(0, 3).Select(age.IsMissing));
        Assert.Equal(["m", "NA", "f"], Enumerable.Range(0, 3).Select(both["sex"].Format));
        Assert.Equal("a.parquet, b.parquet", both.Source);
    }

    [Fact]
    public void Levels_of_all_parts_are_merged_in_level_order_and_each_row_keeps_its_label()
    {
        // The parts number their levels differently ("b" is code 0 in the first part, 1 in the second); the stacked
        // column has one level list, sorted as any cohort's (numeric-looking labels by value: 2 before 10).
        var first = new Cohort([CategoricalColumn.FromStrings("grade", ["10", "b", "2"])], "a");
        var second = new Cohort([CategoricalColumn.FromStrings("grade", ["a", "b", "10", "x"])], "b");

        var grade = (CategoricalColumn)CohortConcatenation.Concat([first, second])["grade"];

        Assert.Equal(["2", "10", "a", "b", "x"], grade.Levels);
        Assert.Equal(["10", "b", "2", "a", "b", "10", "x"], Enumerable.Range(0, 7).Select(grade.Format));
    }

    [Fact]
    public void The_first_parts_columns_are_kept_and_a_column_only_in_a_later_part_is_dropped()
    {
        var first = new Cohort([Numbers("age", [60])], "a");
        var second = new Cohort([Numbers("age", [70]), Numbers("extra", [1])], "b");
        Assert.Equal(["age"], CohortConcatenation.Concat([first, second]).Columns.Select(c => c.Name));
    }

    [Fact]
    public void A_part_without_a_column_of_the_first_is_refused_naming_part_and_column()
    {
        var first = new Cohort([Numbers("age", [60]), Numbers("nodes", [3])], "a.parquet");
        var second = new Cohort([Numbers("age", [70])], "b.parquet");
        var error = Assert.Throws<StratifyInputException>(() => CohortConcatenation.Concat([first, second]));
        Assert.Equal("b.parquet", error.File);
        Assert.Equal("nodes", error.Column);
        Assert.Contains("column missing from this data path", error.Message);
        Assert.Contains("All data paths must share the columns of a.parquet", error.Message);
    }

    [Fact]
    public void A_column_with_another_type_in_a_later_part_is_refused()
    {
        var first = new Cohort([Numbers("grade", [1, 2])], "a.parquet");
        var second = new Cohort([CategoricalColumn.FromStrings("grade", ["I", "II"])], "b.parquet");
        var error = Assert.Throws<StratifyInputException>(() => CohortConcatenation.Concat([first, second]));
        Assert.Equal("grade", error.Column);
        Assert.Contains("column type differs between data paths", error.Message);
    }

    [Fact]
    public void A_spec_listing_two_parts_of_lung_gives_the_kaplan_meier_of_the_whole_file()
    {
        // The oracle is the same command on lung.parquet itself: stacking must change no number.
        using var dir = new TempFolder();
        var lung = ParquetCohortReader.Read(RepoPaths.Dataset("lung.parquet"));
        int half = lung.RowCount / 2;
        ParquetCohortWriter.Write(Part(lung, 0, half), dir.File("part1.parquet"));
        ParquetCohortWriter.Write(Part(lung, half, lung.RowCount), dir.File("part2.parquet"));
        File.WriteAllText(dir.File("whole.yaml"), $"data: {RepoPaths.Dataset("lung.parquet")}\ntime: time\nevent: status\ngroup: sex\n");
        File.WriteAllText(dir.File("parts.yaml"), "data: [part1.parquet, part2.parquet]\ntime: time\nevent: status\ngroup: sex\n");

        var whole = CliRunner.Run("km", dir.File("whole.yaml"), "--format", "json", "--at", "365");
        var parts = CliRunner.Run("km", dir.File("parts.yaml"), "--format", "json", "--at", "365");

        Assert.True(parts.ExitCode == 0, parts.Error);
        Assert.Equal(whole.Out, parts.Out);
        Assert.Equal(228, JsonDocument.Parse(parts.Out).RootElement.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("n").GetInt32()));
    }

    /// <summary>Rows [from, to) of a cohort (numbers and labels copied as they are).</summary>
    private static Cohort Part(Cohort cohort, int from, int to)
    {
        var rows = Enumerable.Range(from, to - from).ToArray();
        var columns = cohort.Columns.Select(c => c switch
        {
            NumericColumn n => (Column)new NumericColumn(n.Name, rows.Select(i => n.Values[i]).ToArray(),
                n.Missing is null ? null : rows.Select(i => n.Missing[i]).ToArray(), n.SourceType, n.Unit),
            _ => CategoricalColumn.FromStrings(c.Name, rows.Select(i => c.IsMissing(i) ? null : c.Format(i)).ToArray(), c.SourceType),
        }).ToList();
        return new Cohort(columns, "part");
    }
}
