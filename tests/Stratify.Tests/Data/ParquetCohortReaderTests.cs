using Parquet;
using Parquet.Schema;
using Stratify.Data;

namespace Stratify.Tests.Data;

/// <summary>Each Parquet type Stratify accepts, in files these tests write themselves with Parquet.Net.</summary>
public class ParquetCohortReaderTests
{
    private static async Task WriteFile(string path, ParquetSchema schema, params Func<ParquetRowGroupWriter, Task>[] rowGroups)
    {
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        foreach (var group in rowGroups)
        {
            using var g = writer.CreateRowGroup();
            await group(g);
        }
    }

    private static NumericColumn Numeric(Cohort cohort, string name) => Assert.IsType<NumericColumn>(cohort[name]);

    [Fact]
    public async Task Int32_and_int64_become_integer_numeric_columns_with_nulls_missing()
    {
        using var dir = new TempFolder();
        var a = new DataField<int>("a");
        var b = new DataField<long?>("b");
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(a, b), async g =>
        {
            await g.WriteAsync<int>(a, new[] { 1, 2, 3 }.AsMemory());
            await g.WriteAsync<long>(b, new long?[] { 10, null, 30 }.AsMemory());
        });
        var cohort = ParquetCohortReader.Read(dir.File("x.parquet"));
        Assert.Equal(3, cohort.RowCount);
        Assert.Equal(new[] { 1.0, 2, 3 }, Numeric(cohort, "a").Values);
        Assert.Equal(SourceType.Integer, cohort["a"].SourceType);
        Assert.Equal(10.0, Numeric(cohort, "b").Values[0]);
        Assert.True(cohort["b"].IsMissing(1));
        Assert.Equal(1, cohort["b"].MissingCount);
    }

    [Fact]
    public async Task Float_double_and_decimal_become_float_and_decimal_numeric_columns()
    {
        using var dir = new TempFolder();
        var f = new DataField<float>("f");
        var d = new DataField<double?>("d");
        var m = new DecimalDataField("m", 10, 2, isNullable: true);
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(f, d, m), async g =>
        {
            await g.WriteAsync<float>(f, new[] { 1.5f, 2.25f }.AsMemory());
            await g.WriteAsync<double>(d, new double?[] { null, 3.125 }.AsMemory());
            await g.WriteAsync<decimal>(m, new decimal?[] { 12.34m, null }.AsMemory());
        });
        var cohort = ParquetCohortReader.Read(dir.File("x.parquet"));
        Assert.Equal(new[] { 1.5, 2.25 }, Numeric(cohort, "f").Values);
        Assert.True(cohort["d"].IsMissing(0));
        Assert.Equal(3.125, Numeric(cohort, "d").Values[1]);
        Assert.Equal(SourceType.Decimal, cohort["m"].SourceType);
        Assert.Equal(12.34, Numeric(cohort, "m").Values[0], 12);
        Assert.True(cohort["m"].IsMissing(1));
    }

    [Fact]
    public async Task Boolean_becomes_numeric_zero_one()
    {
        using var dir = new TempFolder();
        var b = new DataField<bool?>("dead");
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(b), g => g.WriteAsync<bool>(b, new bool?[] { true, false, null }.AsMemory()));
        var column = Numeric(ParquetCohortReader.Read(dir.File("x.parquet")), "dead");
        Assert.Equal(SourceType.Boolean, column.SourceType);
        Assert.Equal(1.0, column.Values[0]);
        Assert.Equal(0.0, column.Values[1]);
        Assert.True(column.IsMissing(2));
    }

    [Fact]
    public async Task Strings_become_categorical_with_sorted_levels_and_null_missing()
    {
        using var dir = new TempFolder();
        var s = new DataField<string>("celltype");
        // 1,000 repeated labels: Parquet.Net dictionary-encodes them, so this also covers dictionary pages.
        var values = Enumerable.Range(0, 1000).Select(i => i % 10 == 9 ? null : (i % 3 == 0 ? "squamous" : i % 3 == 1 ? "adeno" : "large")).ToArray();
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(s), g => g.WriteAsync(s, values!));
        var column = Assert.IsType<CategoricalColumn>(ParquetCohortReader.Read(dir.File("x.parquet"))["celltype"]);
        Assert.Equal(new[] { "adeno", "large", "squamous" }, column.Levels);
        Assert.Equal("squamous", column.Format(0));
        Assert.Equal("adeno", column.Format(1));
        Assert.Equal(100, column.MissingCount);
    }

    [Fact]
    public async Task Dates_and_timestamps_become_days_since_1970()
    {
        using var dir = new TempFolder();
        var date = new DateTimeDataField("diagnosed", DateTimeFormat.Date, isNullable: true);
        var stamp = new DateTimeDataField("seen", DateTimeFormat.DateAndTime, isNullable: false);
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(date, stamp), async g =>
        {
            await g.WriteAsync<DateTime>(date, new DateTime?[] { new DateTime(1970, 1, 11), null }.AsMemory());
            await g.WriteAsync<DateTime>(stamp, new[] { new DateTime(1970, 1, 2, 12, 0, 0, DateTimeKind.Utc), new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc) }.AsMemory());
        });
        var cohort = ParquetCohortReader.Read(dir.File("x.parquet"));
        var d = Numeric(cohort, "diagnosed");
        Assert.Equal(SourceType.Date, d.SourceType);
        Assert.Equal("days since 1970-01-01", d.Unit);
        Assert.Equal(10.0, d.Values[0]);
        Assert.True(d.IsMissing(1));
        var t = Numeric(cohort, "seen");
        Assert.Equal(SourceType.Timestamp, t.SourceType);
        Assert.Equal(1.5, t.Values[0]);
        Assert.Equal(10957.0, t.Values[1]); // 2000-01-01 is day 10957 of the Unix epoch
    }

    [Fact]
    public async Task Every_row_group_is_read_in_order()
    {
        using var dir = new TempFolder();
        var x = new DataField<int>("x");
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(x),
            g => g.WriteAsync<int>(x, new[] { 1, 2 }.AsMemory()),
            g => g.WriteAsync<int>(x, new[] { 3 }.AsMemory()),
            g => g.WriteAsync<int>(x, new[] { 4, 5, 6 }.AsMemory()));
        Assert.Equal(new[] { 1.0, 2, 3, 4, 5, 6 }, Numeric(ParquetCohortReader.Read(dir.File("x.parquet")), "x").Values);
    }

    [Fact]
    public async Task A_folder_of_hive_partitions_is_one_cohort_with_the_keys_as_columns()
    {
        using var dir = new TempFolder();
        var x = new DataField<int>("x");
        foreach (var (site, arm, values) in new[] { ("A", 1, new[] { 1, 2 }), ("B", 2, new[] { 3 }), ("A", 2, new[] { 4 }) })
        {
            var folder = Path.Combine(dir.Path, $"site={site}", $"arm={arm}");
            Directory.CreateDirectory(folder);
            await WriteFile(Path.Combine(folder, "part-0.parquet"), new ParquetSchema(x), g => g.WriteAsync<int>(x, values.AsMemory()));
        }
        File.WriteAllText(Path.Combine(dir.Path, "_SUCCESS"), "");
        var cohort = ParquetCohortReader.Read(dir.Path);
        Assert.Equal(4, cohort.RowCount);
        // Files are read in path order: site=A/arm=1, site=A/arm=2, site=B/arm=2.
        Assert.Equal(new[] { 1.0, 2, 4, 3 }, Numeric(cohort, "x").Values);
        var siteColumn = Assert.IsType<CategoricalColumn>(cohort["site"]);
        Assert.Equal(new[] { "A", "A", "A", "B" }, Enumerable.Range(0, 4).Select(siteColumn.Format));
        Assert.Equal(new[] { 1.0, 1, 2, 2 }, Numeric(cohort, "arm").Values);
    }

    [Fact]
    public async Task A_nested_column_is_refused_by_name_only_when_asked_for()
    {
        using var dir = new TempFolder();
        var id = new DataField<int>("id");
        var tags = new DataField<int[]>("doses");
        await WriteFile(dir.File("x.parquet"), new ParquetSchema(id, tags), async g =>
        {
            await g.WriteAsync<int>(id, new[] { 1 }.AsMemory());
            await g.WriteAsync<int>(tags, new[] { 5, 6 }.AsMemory(), new[] { 0, 1 }.AsMemory());
        });
        var cohort = ParquetCohortReader.Read(dir.File("x.parquet"));
        Assert.Equal(1, cohort.RowCount);
        var error = Assert.Throws<StratifyInputException>(() => cohort["doses"]);
        Assert.Contains("'doses'", error.Message);
        Assert.Contains("cannot use", error.Message);
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read("/no/such/cohort.parquet"));
        Assert.Contains("/no/such/cohort.parquet", error.Message);
        Assert.Contains("file not found", error.Message);
    }

    [Fact]
    public void A_csv_file_is_not_parquet_and_the_message_says_how_to_convert_it()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("lung.csv"), "time,status\n1,2\n");
        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(dir.File("lung.csv")));
        Assert.Contains("not a Parquet file", error.Message);
        Assert.Contains("stratify import", error.Message);
    }

    [Fact]
    public void Writer_and_reader_round_trip_every_column_kind()
    {
        using var dir = new TempFolder();
        var original = CsvCohortReader.Read(RepoPaths.Dataset("rotterdam.csv"));
        ParquetCohortWriter.Write(original, dir.File("r.parquet"), new Dictionary<string, string> { ["k"] = "v" });
        var back = ParquetCohortReader.Read(dir.File("r.parquet"));
        Assert.Equal(original.ColumnNames, back.ColumnNames);
        foreach (var column in original.Columns)
            for (int i = 0; i < original.RowCount; i++)
                Assert.Equal(column.Format(i), back[column.Name].Format(i));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}

public class CohortDataFrameTests
{
    [Fact]
    public void A_cohort_is_available_as_a_DataFrame_with_nulls_for_missing_values()
    {
        var cohort = ParquetCohortReader.Read(RepoPaths.Dataset("lung.parquet"));
        var frame = cohort.ToDataFrame();
        Assert.Equal(cohort.RowCount, frame.Rows.Count);
        Assert.Equal(cohort.ColumnNames, frame.Columns.Select(c => c.Name));
        Assert.Equal(306.0, frame.Columns["time"][0]);       // lung.csv row 1: time 306
        Assert.Equal("male", frame.Columns["sex"][0]);       // sex 1 = male
        Assert.Null(frame.Columns["wt.loss"][0]);             // wt.loss is empty in row 1
        Assert.Equal(cohort["meal.cal"].MissingCount, (int)frame.Columns["meal.cal"].NullCount);
    }
}
