using Stratify.Data;

namespace Stratify.Tests.Cli;

public class ImportCommandTests
{
    [Theory]
    [InlineData("lung.csv", 228, 10)]
    [InlineData("gbsg.csv", 686, 11)]
    [InlineData("rotterdam.csv", 2982, 15)]
    [InlineData("veteran.csv", 137, 8)]
    public void Every_bundled_csv_imports_with_its_rows_and_columns(string csv, int rows, int columns)
    {
        using var dir = new TempFolder();
        var result = CliRunner.Run("import", RepoPaths.Dataset(csv), "--out", dir.File("x.parquet"));
        Assert.Equal(0, result.ExitCode);
        var cohort = ParquetCohortReader.Read(dir.File("x.parquet"));
        Assert.Equal(rows, cohort.RowCount);
        Assert.Equal(columns, cohort.Columns.Count);
    }

    [Fact]
    public void Empty_and_NA_cells_become_missing_and_types_are_inferred()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("a.csv"), "id,when,ok,label,x\n1,2020-01-02,true,\"a, b\",1.5\n2,,false,NA,\n3,1970-01-01,true,c,NA\n");
        Assert.Equal(0, CliRunner.Run("import", dir.File("a.csv"), "--out", dir.File("a.parquet")).ExitCode);
        var cohort = ParquetCohortReader.Read(dir.File("a.parquet"));
        Assert.Equal(SourceType.Integer, cohort["id"].SourceType);
        Assert.Equal(SourceType.Date, cohort["when"].SourceType);
        Assert.Equal(18263.0, ((NumericColumn)cohort["when"]).Values[0]); // 2020-01-02 is day 18263 after 1970-01-01
        Assert.True(cohort["when"].IsMissing(1));
        Assert.Equal(SourceType.Boolean, cohort["ok"].SourceType);
        Assert.Equal("a, b", cohort["label"].Format(0));
        Assert.True(cohort["label"].IsMissing(1));
        Assert.Equal(2, cohort["x"].MissingCount);
    }

    [Fact]
    public void A_ragged_row_is_refused_with_its_number_and_nothing_is_written()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("a.csv"), "a,b\n1,2\n3\n");
        var result = CliRunner.Run("import", dir.File("a.csv"), "--out", dir.File("a.parquet"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("row 2: row has 1 fields but the header has 2", result.Error);
        Assert.False(File.Exists(dir.File("a.parquet")));
    }

    [Fact]
    public void A_missing_csv_is_refused()
    {
        var result = CliRunner.Run("import", "/no/such.csv", "--out", "/tmp/never.parquet");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/no/such.csv: file not found", result.Error);
    }

    [Fact]
    public void Labels_turn_codes_into_categories_and_an_unlabelled_code_is_refused()
    {
        using var dir = new TempFolder();
        var ok = CliRunner.Run("import", RepoPaths.Dataset("lung.csv"), "--out", dir.File("l.parquet"), "--label", "sex=1:male,2:female");
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("male", ParquetCohortReader.Read(dir.File("l.parquet"))["sex"].Format(0));
        var bad = CliRunner.Run("import", RepoPaths.Dataset("lung.csv"), "--out", dir.File("m.parquet"), "--label", "sex=1:male");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("column 'sex', row 7: value has no label in the mapping (value: '2')", bad.Error);
        Assert.False(File.Exists(dir.File("m.parquet")));
    }
}
