using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;
using Stratify.Data;
using Stratify.Parquet;
using Stratify.Simulation;
using Stratify.Stratification;
using Stratify.Tests.Cli;
using static Stratify.Tests.Data.ParquetTestFiles;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Tests.Data;

/// <summary>
/// Corrupt and hostile Parquet files (issue 14's adversarial corpus, and what it implies): each is refused as an
/// input error naming the file, the row group and the column — never wrong numbers, a crash, a blow-up or a hang.
/// The files are hand-built or mutated copies of good ones (footers rewritten with Parquet.Net's Thrift writer,
/// page headers changed as they are written).
/// </summary>
public class ParquetHostileFileTests
{
    private const int Rows = 120;

    /// <summary>Three numeric columns (a: int, b: double with nulls, c: long) in row groups of 50, 50 and 20 rows.</summary>
    private static List<TestColumn> Columns()
    {
        var random = new Random(11);
        return
        [
            new("a", typeof(int), Enumerable.Range(0, Rows).Select(i => (double)i).ToArray(), null),
            TestColumn.Random(random, "b", Rows, typeof(double), nullRate: 0.2),
            TestColumn.Random(random, "c", Rows, typeof(long), nullRate: 0),
        ];
    }

    private static async Task<string> GoodFile(TempFolder dir, string name = "good.parquet")
    {
        var path = dir.File(name);
        await WriteWithParquetNet(path, Columns(), rowGroupSize: 50);
        return path;
    }

    /// <summary>Reading is refused with an input error naming the file; with <paramref name="direct"/> false only Parquet.Net decodes.</summary>
    private static async Task<StratifyInputException> Refused(string path, bool direct = true, CohortReadOptions? options = null)
    {
        var error = await Assert.ThrowsAsync<StratifyInputException>(() =>
            ParquetCohortReader.ReadAsync(path, options ?? CohortReadOptions.All, new ParquetDecodingCounts { ColumnChunkFastPath = direct }));
        Assert.Equal(path, error.File);
        return error;
    }

    private static void AssertNames(StratifyInputException error, string column, string rowGroup, string problem)
    {
        Assert.Equal(column, error.Column);
        Assert.StartsWith(rowGroup + ":", error.Problem);
        Assert.Contains(problem, error.Problem);
    }

    private static byte[] Bytes(double value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        return bytes;
    }

    // ---- Silent wrong numbers: footer, page headers and values must agree ----

    [Theory]
    [InlineData(false, -1, true)]
    [InlineData(false, +1, true)]
    [InlineData(true, -1, true)]
    [InlineData(true, -1, false)]
    [InlineData(false, +1, false)]
    public async Task A_page_header_whose_value_count_lies_is_refused_by_either_decoder(bool dataPageV2, int lie, bool direct)
    {
        using var dir = new TempFolder();
        var path = dir.File("lying_page.parquet");
        await WriteByHand(path, Columns(), rowGroupSize: 50, rowsPerPage: 20, dataPageV2, CompressionCodec.SNAPPY, new Random(1),
            alterPage: (column, page, header) =>
            {
                if (column != 1 || page != 1) return;
                if (header.DataPageHeader is { } v1) v1.NumValues += lie;
                if (header.DataPageHeaderV2 is { } v2) { v2.NumValues += lie; v2.NumRows += lie; }
            });

        var error = await Refused(path, direct);

        AssertNames(error, "b", "row group 1 of 3", lie < 0 ? "the pages hold 49 values where the footer gives the column chunk 50" : "the pages hold more values than the 50");
    }

    /// <summary>
    /// A text value whose length prefix reaches past its page (the first PLAIN string of an uncompressed DuckDB file,
    /// found by its bytes, given a length of 2^31 − 1) is refused naming the column and row group, not read past.
    /// </summary>
    [Fact]
    public async Task A_text_value_whose_length_runs_past_its_page_is_refused()
    {
        using var dir = new TempFolder();
        var path = dir.File("text.parquet");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT 'patient-' || i AS who, i AS n FROM range(1000) AS t(i)) TO '{path}' (FORMAT parquet, COMPRESSION uncompressed)";
            command.ExecuteNonQuery();
        }
        var bytes = File.ReadAllBytes(path);
        int at = bytes.AsSpan().IndexOf("patient-0"u8);
        Assert.True(at >= 4 && BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at - 4)) == "patient-0".Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at - 4), int.MaxValue);
        File.WriteAllBytes(path, bytes);

        var error = await Refused(path);

        AssertNames(error, "who", "row group 1 of 1", "text 1 of the page runs past its end");
    }

    [Fact]
    public async Task A_column_chunk_offset_pointing_into_another_column_is_refused()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.RowGroups[1].Columns[2].MetaData!.DataPageOffset = m.RowGroups[1].Columns[1].MetaData!.DataPageOffset + 7);

        var error = await Refused(path);

        AssertNames(error, "c", "row group 2 of 3", "overlap those of column 'b' in row group 2");
    }

    [Fact]
    public async Task A_column_chunk_outside_the_file_body_is_refused()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.RowGroups[2].Columns[0].MetaData!.DataPageOffset = 1L << 40);

        var error = await Refused(path);

        AssertNames(error, "a", "row group 3 of 3", "do not lie between the file's header and its footer");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(-1)]
    [InlineData(null)]
    public async Task An_invalid_or_missing_repetition_type_is_refused(int? repetition)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.Schema[2].RepetitionType = (FieldRepetitionType?)repetition);

        var error = await Refused(path);

        Assert.Equal("b", error.Column);
        Assert.Contains(repetition is null ? "no repetition type" : $"an invalid repetition type ({repetition})", error.Problem);
    }

    [Fact]
    public async Task A_row_count_one_too_high_in_a_row_group_is_refused()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => { m.RowGroups[0].NumRows++; m.NumRows++; });

        var error = await Refused(path);

        AssertNames(error, "a", "row group 1 of 3", "the column chunk holds 50 values where the row group has 51 rows");
    }

    [Fact]
    public async Task A_row_count_one_too_high_in_the_row_group_and_its_chunks_is_refused_by_the_page_headers()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m =>
        {
            m.NumRows++;
            m.RowGroups[1].NumRows++;
            foreach (var chunk in m.RowGroups[1].Columns) chunk.MetaData!.NumValues++;
        });

        var error = await Refused(path);

        AssertNames(error, "a", "row group 2 of 3", "the pages hold 50 values where the footer gives the column chunk 51");
    }

    [Fact]
    public async Task A_file_row_count_that_is_not_the_sum_of_its_row_groups_is_refused()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.NumRows++);

        var error = await Refused(path);

        Assert.Contains("the footer counts 121 rows but its row groups hold 120", error.Problem);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Values_outside_the_footer_statistics_are_refused_naming_row_and_value(bool direct)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        // Column a holds 0..119; row group 2 holds 50..99. Claim it holds 50..98.
        await RewriteFooter(path, m => m.RowGroups[1].Columns[0].MetaData!.Statistics = new global::Parquet.Meta.Statistics
        {
            MinValue = BitConverter.GetBytes(50), MaxValue = BitConverter.GetBytes(98), NullCount = 0,
        });

        var error = await Refused(path, direct);

        AssertNames(error, "a", "row group 2 of 3", "outside the range the footer's statistics give the column chunk (50 to 98)");
        Assert.Equal(100, error.Row); // the value 99 is the file's 100th row
        Assert.Equal("99", error.Value);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_null_count_in_the_footer_statistics_that_disagrees_with_the_pages_is_refused(bool direct)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        var columns = Columns();
        int nulls = columns[1].Nulls!.AsSpan(50, 50).Count(true);
        await RewriteFooter(path, m => m.RowGroups[1].Columns[1].MetaData!.Statistics = new global::Parquet.Meta.Statistics { NullCount = nulls + 1 });

        var error = await Refused(path, direct);

        AssertNames(error, "b", "row group 2 of 3", $"the footer's statistics count {nulls + 1} nulls in the column chunk, but its pages hold {nulls}");
    }

    [Fact]
    public async Task Statistics_that_agree_with_the_values_are_accepted_as_bounds()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        // Wider than the values is legal (writers may widen bounds); the legacy min/max of a signed column count too.
        await RewriteFooter(path, m => m.RowGroups[1].Columns[1].MetaData!.Statistics = new global::Parquet.Meta.Statistics { Min = Bytes(-1e300), Max = Bytes(1e300) });

        var cohort = await ParquetCohortReader.ReadAsync(path);

        AssertHolds(cohort, Columns());
    }

    [Fact]
    public async Task A_v2_page_header_null_count_that_disagrees_with_the_definition_levels_is_refused_through_Parquet_Net_too()
    {
        using var dir = new TempFolder();
        var path = dir.File("nulls.parquet");
        await WriteByHand(path, Columns(), rowGroupSize: 50, rowsPerPage: 50, dataPageV2: true, CompressionCodec.UNCOMPRESSED, new Random(2),
            alterPage: (column, _, header) => { if (column == 1) header.DataPageHeaderV2!.NumNulls -= 1; });

        var viaParquetNet = await Refused(path, direct: false);
        var direct = await Refused(path);

        AssertNames(viaParquetNet, "b", "row group 1 of 3", "the page headers count");
        AssertNames(direct, "b", "row group 1 of 3", "the definition levels disagree with the page's null count");
        // Every row group's chunk of b is corrupt, and workers decode chunks concurrently: the first is reported, every time.
        for (int i = 0; i < 10; i++) Assert.Equal(direct.Message, (await Refused(path)).Message);
    }

    // ---- Crashes: impossible sizes are refused before anything is allocated ----

    [Fact]
    public async Task A_negative_row_count_is_refused()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.NumRows = -5);
        Assert.Contains("negative number of rows (-5)", (await Refused(path)).Problem);

        var group = await GoodFile(dir, "group.parquet");
        await RewriteFooter(group, m => m.RowGroups[2].NumRows = -20);
        Assert.StartsWith("row group 3 of 3: the row group counts a negative number of rows (-20)", (await Refused(group)).Problem);
    }

    /// <summary>A footer that claims 2^31 − 2 rows throughout (row group and chunks agree) holds pages of 50 values:
    /// refused from the page headers, before a column of that length is allocated.</summary>
    [Fact]
    public async Task A_row_count_near_2_to_the_31_is_refused_before_anything_is_allocated()
    {
        using var dir = new TempFolder();
        var path = dir.File("huge.parquet");
        await WriteWithParquetNet(path, Columns(), rowGroupSize: Rows);
        const long claimed = int.MaxValue - 1;
        await RewriteFooter(path, m =>
        {
            m.NumRows = claimed;
            m.RowGroups[0].NumRows = claimed;
            foreach (var chunk in m.RowGroups[0].Columns) chunk.MetaData!.NumValues = claimed;
        });

        var error = await Refused(path);

        // Had the columns been allocated first (16 GB for one column of doubles), the refusal would be that they do not fit.
        AssertNames(error, "a", "row group 1 of 1", "the pages hold 120 values where the footer gives the column chunk 2,147,483,646");
    }

    [Fact]
    public async Task More_than_2_to_the_31_rows_in_total_are_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("parts"));
        foreach (var part in new[] { "part-0.parquet", "part-1.parquet" })
        {
            var path = dir.File(Path.Combine("parts", part));
            await WriteWithParquetNet(path, Columns(), rowGroupSize: Rows);
            await RewriteFooter(path, m =>
            {
                m.NumRows = m.RowGroups[0].NumRows = 1_500_000_000;
                foreach (var chunk in m.RowGroups[0].Columns) chunk.MetaData!.NumValues = 1_500_000_000;
            });
        }

        var error = await Assert.ThrowsAsync<StratifyInputException>(() => ParquetCohortReader.ReadAsync(dir.File("parts")));

        Assert.Contains("more than one cohort can hold (2,147,483,647)", error.Problem);
    }

    [Theory]
    [InlineData(0, "the schema has no columns")]
    [InlineData(-3, "the schema's root claims -3 children")]
    [InlineData(7, "the schema's groups claim more children than its 3 elements")]
    public async Task A_root_with_zero_negative_or_too_many_children_is_refused(int children, string problem)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m => m.Schema[0].NumChildren = children);

        Assert.Contains(problem, (await Refused(path)).Problem);
    }

    [Theory]
    [InlineData(0, "the schema has a group with no children here")]
    [InlineData(-2, "the schema claims -2 children for this group")]
    public async Task A_group_with_zero_or_negative_children_is_refused(int children, string problem)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m =>
        {
            m.Schema.Insert(1, new SchemaElement { Name = "empty", NumChildren = children, RepetitionType = FieldRepetitionType.OPTIONAL });
            m.Schema[0].NumChildren++;
        });

        var error = await Refused(path);

        Assert.Equal("empty", error.Column);
        Assert.Contains(problem, error.Problem);
    }

    /// <summary>
    /// A 266 kB footer whose schema is one chain of 30,000 nested groups (the corpus's file took 3.2 GB and 9 s to be
    /// refused): refused from the schema's depth, in memory proportional to the footer.
    /// </summary>
    [Fact]
    public void A_deeply_nested_schema_is_refused_in_small_memory()
    {
        using var dir = new TempFolder();
        var path = dir.File("deep.parquet");
        const int depth = 30_000;
        var schema = new List<SchemaElement> { new() { Name = "schema", NumChildren = 1 } };
        for (int i = 0; i < depth; i++) schema.Add(new SchemaElement { Name = "g", NumChildren = 1, RepetitionType = FieldRepetitionType.OPTIONAL });
        schema.Add(new SchemaElement { Name = "x", Type = ParquetType.INT32, RepetitionType = FieldRepetitionType.OPTIONAL });
        WriteFile(path, [], new FileMetaData { Version = 1, Schema = schema, NumRows = 0, RowGroups = [] });
        Assert.InRange(new FileInfo(path).Length, 200_000, 400_000);

        // The footer is refused on the calling thread, before the reader's first wait: its allocations are this thread's.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("the schema nests more than 64 levels deep", error.Problem);
        Assert.InRange(allocated, new FileInfo(path).Length, 64 << 20); // at least the footer's bytes were read here
    }

    /// <summary>Thrift structs nested 10,000 deep in a field Stratify does not know, and a list claiming 2^28 elements
    /// in a few bytes: malformed footers, refused without deep recursion or a large allocation.</summary>
    [Theory]
    [InlineData("nesting")]
    [InlineData("list")]
    public void A_hostile_footer_is_refused_before_it_is_allocated(string kind)
    {
        using var dir = new TempFolder();
        var path = dir.File("hostile.parquet");
        var footer = new List<byte>();
        if (kind == "nesting")
        {
            footer.Add(0xFC); // field id 15 (delta 15), type struct
            for (int i = 0; i < 10_000; i++) footer.Add(0x1C); // field id +1, type struct
            footer.AddRange(Enumerable.Repeat((byte)0, 10_001)); // the stops
        }
        else
        {
            footer.AddRange([0x29, 0xFC]); // field 2 (schema), a list of structs whose size follows as a varint
            for (uint size = 1u << 28; size >= 0x80; size >>= 7) footer.Add((byte)(size | 0x80));
            footer.Add((byte)((1u << 28) >> 28));
        }
        footer.Add(0);
        using (var output = File.Create(path))
        {
            output.Write("PAR1"u8);
            output.Write(footer.ToArray());
            output.Write(BitConverter.GetBytes(footer.Count));
            output.Write("PAR1"u8);
        }

        // The footer is refused on the calling thread, before the reader's first wait: its allocations are this thread's.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("the footer is not valid Parquet metadata (malformed Thrift compact data: ", error.Problem);
        Assert.Contains(kind == "nesting" ? "nesting too deep" : "a list claims 268,435,456 elements", error.Problem);
        Assert.InRange(allocated, footer.Count, 16 << 20); // at least the footer's bytes were read here
    }

    /// <summary>A sparse 2.5 GB file whose one column chunk is over 2 GB: refused, not an overflow or out-of-memory crash.</summary>
    [Fact]
    public void A_column_chunk_over_2_GB_is_refused()
    {
        using var dir = new TempFolder();
        var path = dir.File("big.parquet");
        const long size = 2_500_000_000;
        var metadata = new FileMetaData
        {
            Version = 1, NumRows = 1,
            Schema = [new SchemaElement { Name = "schema", NumChildren = 1 }, new SchemaElement { Name = "x", Type = ParquetType.DOUBLE, RepetitionType = FieldRepetitionType.REQUIRED }],
            RowGroups = [new RowGroup
            {
                NumRows = 1, TotalByteSize = size,
                Columns = [new ColumnChunk { FileOffset = 4, MetaData = new ColumnMetaData
                {
                    Type = ParquetType.DOUBLE, Encodings = [Encoding.PLAIN], PathInSchema = ["x"], Codec = CompressionCodec.UNCOMPRESSED,
                    NumValues = 1, TotalUncompressedSize = size, TotalCompressedSize = size, DataPageOffset = 4,
                } }],
            }],
        };
        using (var output = File.Create(path))
        {
            output.Write("PAR1"u8);
            output.Seek(4 + size, SeekOrigin.Begin); // a sparse file: the chunk's bytes take no disk space
            WriteFooter(output, metadata);
        }

        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(path));

        Assert.Equal("x", error.Column);
        Assert.StartsWith("row group 1 of 1: the column chunk holds 2,500,000,000 bytes, more than the 2 GB Stratify reads in one piece", error.Problem);
        Assert.Contains("smaller row groups", error.Suggestion);
    }

    // ---- Hangs: devices, pipes and link loops are refused before they are read ----

    [Fact]
    public void A_device_is_refused_unopened_as_data_and_as_a_spec()
    {
        var data = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read("/dev/zero"));
        Assert.Contains("not a regular file", data.Problem);

        var run = CliRunner.Run("run", "/dev/zero");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/dev/zero", run.Error);
        Assert.Contains("not a regular file", run.Error);

        var km = CliRunner.Run("km", "/dev/zero", "--time", "t", "--event", "e");
        Assert.Equal(2, km.ExitCode);
        Assert.Contains("/dev/zero: not a Parquet file: it is empty, or not a regular file", km.Error);
    }

    [Fact]
    public void A_named_pipe_is_refused_without_waiting_for_a_writer_as_data_and_as_a_spec()
    {
        using var dir = new TempFolder();
        var pipe = dir.File("cohort.parquet");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [pipe]))!) mkfifo.WaitForExit();
        Assert.True(File.Exists(pipe));

        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(pipe));
        var spec = dir.File("study.yaml");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [spec]))!) mkfifo.WaitForExit();
        var run = CliRunner.Run("run", spec);

        Assert.Contains("not a regular file (a device, a pipe or a socket)", error.Problem);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{spec}: is empty, or not a regular file (a device, a pipe or a socket), so not a study spec", run.Error);
    }

    [Fact]
    public async Task A_symbolic_link_loop_in_a_data_folder_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("parts/sub"));
        await GoodFile(dir, "parts/part-0.parquet");
        Directory.CreateSymbolicLink(dir.File("parts/sub/up"), "..");

        var error = await Assert.ThrowsAsync<StratifyInputException>(() => ParquetCohortReader.ReadAsync(dir.File("parts")));

        Assert.Equal(dir.File("parts/sub/up"), error.File);
        Assert.Contains("reached a second time through a symbolic link", error.Problem);
    }

    [Fact]
    public async Task A_loop_of_file_links_in_a_data_folder_is_refused()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("parts"));
        await GoodFile(dir, "parts/part-0.parquet");
        File.CreateSymbolicLink(dir.File("parts/x.parquet"), "y.parquet");
        File.CreateSymbolicLink(dir.File("parts/y.parquet"), "x.parquet");

        var error = await Assert.ThrowsAsync<StratifyInputException>(() => ParquetCohortReader.ReadAsync(dir.File("parts")));

        Assert.Contains("symbolic link", error.Problem);
        Assert.StartsWith(dir.File("parts/"), error.File);
    }

    [Fact]
    public async Task A_file_that_shrinks_after_it_is_opened_is_refused_not_misread()
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        using var source = ParquetSource.Open(path);
        // Another program cuts the file short (this process's own writes would be refused while the file is open to read).
        using (var truncate = Process.Start(new ProcessStartInfo("truncate", ["-s", (source.Length / 2).ToString(), path]))!) truncate.WaitForExit();

        var error = Assert.Throws<ParquetFormatException>(() => ParquetFileLayout.Read(source));

        Assert.Contains("it changed while it was read", error.Message);
    }

    /// <summary>The manifest's SHA-256 is of the bytes the run decoded: replacing (or deleting) the data file after it
    /// was read changes nothing in the run's output.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_data_file_replaced_or_deleted_during_a_run_leaves_the_manifest_hash_of_the_bytes_analysed(bool replace)
    {
        using var dir = new TempFolder();
        var data = dir.File("sim.parquet");
        CohortSimulator.Write(data, 400, seed: 2);
        string original = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(data)));
        File.WriteAllText(dir.File("sim.yaml"), """
            data: sim.parquet
            time: time
            event: event
            treatment: arm
            design: randomised
            subgroups:
              method: column
              column: histology
            covariates:
              numeric: [age]
            output: out
            """);
        var spec = StudySpecReader.Read(dir.File("sim.yaml"));

        var run = StratificationRun.Execute(spec, new SwapAfterLoad(() =>
        {
            if (replace) CohortSimulator.Write(data, 300, seed: 3);
            else File.Delete(data);
        }));
        var inputs = Stratify.Reporting.RunOutput.Inputs(run);

        Assert.Equal("sim.parquet", Assert.Single(inputs).Name);
        Assert.Equal(original, inputs[0].Sha256);
        Assert.Equal(400, run.Study.RowsRead);
    }

    private sealed class SwapAfterLoad(Action swap) : IRunProgress
    {
        public void Stage(string name) { if (name == "Describe") swap(); }
        public void Detail(string message) { }
    }

    // ---- Legal-looking but wrong ----

    public static TheoryData<string> TimeKinds => ["date", "timestamp", "int96", "boolean"];

    [Theory]
    [MemberData(nameof(TimeKinds))]
    public async Task Dates_timestamps_int96_and_booleans_are_refused_as_follow_up_time(string kind)
    {
        using var dir = new TempFolder();
        var path = dir.File("times.parquet");
        var status = new DataField<int>("status");
        DataField time = kind switch
        {
            "date" => new DateTimeDataField("t", DateTimeFormat.Date),
            "timestamp" => new DateTimeDataField("t", DateTimeFormat.DateAndTime),
            "int96" => new DateTimeDataField("t", DateTimeFormat.Impala),
            _ => new DataField<bool>("t"),
        };
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(time, status), stream))
        {
            using var group = writer.CreateRowGroup();
            if (kind == "boolean") await group.WriteAsync<bool>(time, new[] { true, false, true }.AsMemory());
            else await group.WriteAsync<DateTime>(time, new[] { new DateTime(2020, 1, 1), new DateTime(2021, 6, 1), new DateTime(2022, 3, 1) }.AsMemory());
            await group.WriteAsync<int>(status, new[] { 1, 0, 1 }.AsMemory());
        }

        var result = CliRunner.Run("km", path, "--time", "t", "--event", "status");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("column 't'", result.Error);
        Assert.Contains("the time column must be a follow-up duration", result.Error);
        Assert.Contains(kind == "boolean" ? "true/false" : kind == "date" ? "date" : "timestamp", result.Error);
        Assert.Contains("Compute the duration first", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Unsigned_64_bit_values_a_double_cannot_hold_are_refused_naming_row_and_value()
    {
        using var dir = new TempFolder();
        var path = dir.File("u64.parquet");
        var field = new DataField<ulong>("t");
        var values = new ulong[] { 5, 1UL << 60, (1UL << 53) + 1, 7 };
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<ulong>(field, values.AsMemory());
        }

        var error = await Refused(path);

        Assert.Equal("t", error.Column);
        Assert.Equal(3, error.Row); // 2^60 is a double exactly; 2^53 + 1 is not
        Assert.Equal("9007199254740993", error.Value);
        Assert.Contains("above 2^53", error.Problem);
    }

    [Fact]
    public async Task Unsigned_64_bit_values_a_double_holds_exactly_are_read()
    {
        using var dir = new TempFolder();
        var path = dir.File("u64.parquet");
        var field = new DataField<ulong>("t");
        await using (var stream = File.Create(path))
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(field), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<ulong>(field, new ulong[] { 5, 1UL << 53, 1UL << 60, ulong.MaxValue - 2047 }.AsMemory());
        }

        var column = (NumericColumn)(await ParquetCohortReader.ReadAsync(path))["t"];

        Assert.Equal([5, 9007199254740992, 1152921504606846976, 18446744073709549568], column.Values);
    }

    /// <summary>A file whose second column is renamed to the first's name.</summary>
    private static async Task<string> DuplicateNames(TempFolder dir)
    {
        var path = dir.File("dup.parquet");
        CohortSimulator.Write(path, 200, seed: 4);
        await RewriteFooter(path, m =>
        {
            int age = m.Schema.FindIndex(e => e.Name == "age");
            int biomarker = m.Schema.FindIndex(e => e.Name == "biomarker");
            m.Schema[biomarker].Name = "age";
            foreach (var group in m.RowGroups) group.Columns[biomarker - 1].MetaData!.PathInSchema = ["age"];
        });
        return path;
    }

    [Theory]
    [InlineData("describe")]
    [InlineData("km")]
    [InlineData("logrank")]
    [InlineData("cox")]
    [InlineData("cluster")]
    [InlineData("run")]
    public async Task Two_columns_with_the_same_name_are_refused_by_every_verb(string verb)
    {
        using var dir = new TempFolder();
        var path = await DuplicateNames(dir);
        File.WriteAllText(dir.File("dup.yaml"), """
            data: dup.parquet
            time: time
            event: event
            treatment: arm
            covariates:
              numeric: [age]
            subgroups:
              method: kmedoids
              features:
                numeric: [age, nodes]
              k: 2
              bootstrap: 0
            output: out
            """);
        string[] args = verb switch
        {
            "describe" => ["describe", path],
            "run" => ["run", dir.File("dup.yaml")],
            "cluster" => ["cluster", path, "--features", "nodes", "--k", "2", "--bootstrap", "0", "--gap", "0"],
            "cox" => [verb, path, "--time", "time", "--event", "event", "--covariates", "nodes"],
            _ => [verb, path, "--time", "time", "--event", "event", "--group", "arm"],
        };

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}, column 'age': two columns have this name", result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task Corrupt_files_end_as_exit_2_on_the_command_line_with_no_stack_trace_and_nothing_on_stdout()
    {
        using var dir = new TempFolder();
        var path = dir.File("sim.parquet");
        CohortSimulator.Write(path, 300, seed: 6, rowGroupSize: 100);
        await RewriteFooter(path, m => { m.RowGroups[1].NumRows++; m.NumRows++; });

        var result = CliRunner.Run("km", path, "--time", "time", "--event", "event", "--group", "arm", "--format", "json");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Out);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.Contains($"{path}, column 'patient_id': row group 2 of 3: the column chunk holds 100 values where the row group has 101 rows", result.Error);
    }
}

/// <summary>Only the columns an analysis uses are read; the others' column chunks are not touched.</summary>
public class ParquetColumnProjectionTests
{
    [Fact]
    public async Task Only_the_columns_asked_for_are_decoded_and_the_others_are_listed_as_not_read()
    {
        using var dir = new TempFolder();
        var path = dir.File("sim.parquet");
        CohortSimulator.Write(path, 1000, seed: 7, rowGroupSize: 400);
        var counts = new ParquetDecodingCounts();

        var cohort = await ParquetCohortReader.ReadAsync(path, CohortReadOptions.Only(["time", "event", "arm"]), counts);

        Assert.Equal(["arm", "event", "time"], cohort.ColumnNames.Order(StringComparer.Ordinal));
        Assert.Equal(3 * 3, counts.DirectChunks + counts.FallbackChunks); // 3 columns × row groups of 400, 400, 200
        Assert.Equal(1000, cohort.RowCount);
        Assert.Contains("age", cohort.NotRead);
        Assert.Contains("true_subgroup", cohort.NotRead);
        Assert.Throws<InvalidOperationException>(() => cohort["age"]); // a role missing from StudySpec.UsedColumns is a bug, not an input error
        var misspelt = Assert.Throws<StratifyInputException>(() => cohort["agee"]);
        Assert.Contains("'age'", misspelt.Suggestion); // suggestions still know every column of the file
    }

    [Fact]
    public void A_spec_uses_every_column_it_gives_a_role()
    {
        var spec = new StudySpec
        {
            Id = "id", Time = "t", Event = "e", Treatment = "arm", Group = "g", Cluster = "site", Strata = ["s1", "s2"],
            Covariates = [new CovariateSpec("age", CovariateKind.Numeric), new CovariateSpec("grade", CovariateKind.Ordinal)],
            Subgroups = new SubgroupSpec { Column = "known", Features = [new CovariateSpec("bmi", CovariateKind.Numeric)] },
        };

        Assert.Equal(["age", "arm", "bmi", "e", "g", "grade", "id", "known", "s1", "s2", "site", "t"], spec.UsedColumns().Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A column chunk whose page header is garbage, in a column `km` does not use: `km` reads the file (it never
    /// touches that chunk), while `describe`, which reads every column, refuses it.
    /// </summary>
    [Fact]
    public async Task A_corrupt_chunk_in_an_unused_column_stops_describe_but_not_km()
    {
        using var dir = new TempFolder();
        var path = dir.File("sim.parquet");
        CohortSimulator.Write(path, 500, seed: 8);
        long start;
        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            int biomarker = reader.Schema.DataFields.ToList().FindIndex(f => f.Name == "biomarker");
            start = reader.Metadata!.RowGroups[0].Columns[biomarker].MetaData!.DataPageOffset;
        }
        var bytes = File.ReadAllBytes(path);
        bytes.AsSpan((int)start, 8).Fill(0xFF);
        File.WriteAllBytes(path, bytes);

        var km = CliRunner.Run("km", path, "--time", "time", "--event", "event", "--group", "arm", "--format", "json");
        var describe = CliRunner.Run("describe", path);

        Assert.True(km.ExitCode == 0, km.Error);
        Assert.Equal(2, describe.ExitCode);
        Assert.Contains($"{path}, column 'biomarker': row group 1 of 1: the page header at byte {start:N0} cannot be read", describe.Error);
    }

    /// <summary>DuckDB writes null counts and min/max for its numeric chunks, so the reader's checks against them run on
    /// real files (and agree: every DuckDB test file reads).</summary>
    [Fact]
    public void DuckDB_writes_the_statistics_the_reader_checks()
    {
        using var dir = new TempFolder();
        var path = dir.File("duck.parquet");
        var random = new Random(12);
        ParquetColumnChunkDecoderTests.WriteWithDuckDb(path, [TestColumn.Random(random, "x", 5000, typeof(long), nullRate: 0.1)], "COMPRESSION snappy");
        using var source = ParquetSource.Open(path);
        var layout = ParquetFileLayout.Read(source);

        var statistics = ParquetChunkStatistics.Of(layout.Chunk(0, 0), layout.Leaves[0]);

        Assert.NotNull(statistics.Nulls);
        Assert.NotNull(statistics.Min);
        Assert.NotNull(statistics.Max);
    }
}

/// <summary>The remaining footer and page-header checks, one case each: every refusal names what disagrees.</summary>
public class ParquetFooterAndPageCheckTests
{
    private static async Task<string> GoodFile(TempFolder dir)
    {
        var random = new Random(13);
        var path = dir.File("good.parquet");
        await WriteWithParquetNet(path, [TestColumn.Random(random, "a", 60, typeof(int), nullRate: 0), TestColumn.Random(random, "b", 60, typeof(double), nullRate: 0.2)], 30);
        return path;
    }

    private static async Task<StratifyInputException> Refused(string path)
    {
        var error = await Assert.ThrowsAsync<StratifyInputException>(() => ParquetCohortReader.ReadAsync(path));
        Assert.Equal(path, error.File);
        Assert.DoesNotContain("   at ", error.Message);
        return error;
    }

    public static TheoryData<string, string> FooterLies => new()
    {
        { "empty schema", "the schema is empty" },
        { "fewer children", "the schema lists 2 elements but its tree holds 1" },
        { "unknown type", "unknown physical type (42)" },
        { "fixed length", "a fixed-length byte array column needs a positive length, not 0" },
        { "more group rows", "row group 1 of 2: the row groups hold more rows than the footer's total of 60" },
        { "missing chunk", "row group 2 of 2: the row group has 1 column chunks for the schema's 2 columns" },
        { "external chunk", "row group 1 of 2: the column chunk is stored in another file (elsewhere.parquet)" },
        { "encrypted chunk", "row group 1 of 2: the column chunk is encrypted" },
        { "no chunk metadata", "row group 1 of 2: the column chunk has no metadata" },
        { "wrong path", "row group 1 of 2: the column chunk belongs to 'a' by its own metadata, not to this column" },
        { "wrong type", "row group 1 of 2: the column chunk is stored as INT64 where the schema says DOUBLE" },
        { "negative values", "row group 2 of 2: the column chunk counts a negative number of values (-1)" },
        { "negative null count", "row group 1 of 2: the column chunk's statistics count a negative number of nulls (-3)" },
        { "short bound", "row group 1 of 2: the column chunk's statistics hold a 3-byte bound for 8-byte DOUBLE values" },
        { "encrypted file", "the file's columns are encrypted" },
    };

    [Theory]
    [MemberData(nameof(FooterLies))]
    public async Task A_footer_that_contradicts_itself_is_refused(string lie, string problem)
    {
        using var dir = new TempFolder();
        var path = await GoodFile(dir);
        await RewriteFooter(path, m =>
        {
            var b = m.RowGroups[0].Columns[1];
            switch (lie)
            {
                case "empty schema": m.Schema.Clear(); break;
                case "fewer children": m.Schema[0].NumChildren = 1; break;
                case "unknown type": m.Schema[2].Type = (ParquetType)42; break;
                case "fixed length": m.Schema[2].Type = ParquetType.FIXED_LEN_BYTE_ARRAY; m.Schema[2].TypeLength = 0; break;
                case "more group rows": m.RowGroups[0].NumRows += 40; break;
                case "missing chunk": m.RowGroups[1].Columns.RemoveAt(0); break;
                case "external chunk": b.FilePath = "elsewhere.parquet"; break;
                case "encrypted chunk": b.CryptoMetadata = new ColumnCryptoMetaData { ENCRYPTIONWITHFOOTERKEY = new EncryptionWithFooterKey() }; break;
                case "no chunk metadata": b.MetaData = null; break;
                case "wrong path": b.MetaData!.PathInSchema = ["a"]; break;
                case "wrong type": b.MetaData!.Type = ParquetType.INT64; break;
                case "negative values": m.RowGroups[1].Columns[1].MetaData!.NumValues = -1; break;
                case "negative null count": b.MetaData!.Statistics = new global::Parquet.Meta.Statistics { NullCount = -3 }; break;
                case "short bound": b.MetaData!.Statistics = new global::Parquet.Meta.Statistics { MinValue = [1, 2, 3] }; break;
                case "encrypted file": m.EncryptionAlgorithm = new EncryptionAlgorithm { AESGCMV1 = new AesGcmV1() }; break;
            }
        });

        var error = await Refused(path);

        Assert.Contains(problem, error.Problem);
    }

    public static TheoryData<string, string> PageLies => new()
    {
        { "negative size", "claims a negative size" },
        { "past the end", "past the end of the column chunk" },
        { "unknown type", "has an unknown page type (9)" },
        { "no data header", "is a data page without its data page header" },
        { "negative values", "counts a negative number of values (-5)" },
        { "dictionary after data", "is a second dictionary page, or one after the data pages" },
        { "v2 nulls", "counts 21 nulls among 20 values" },
        { "v2 rows", "counts 21 rows for 20 values of a flat column" },
        { "v2 levels", "claims levels longer than the page" },
        { "uncompressed sizes", "is stored uncompressed but claims" },
    };

    [Theory]
    [MemberData(nameof(PageLies))]
    public async Task A_page_header_that_contradicts_its_chunk_is_refused_before_decoding(string lie, string problem)
    {
        using var dir = new TempFolder();
        var path = dir.File("pages.parquet");
        var random = new Random(14);
        var columns = new List<TestColumn> { TestColumn.Random(random, "a", 60, typeof(int), nullRate: 0), TestColumn.Random(random, "b", 60, typeof(double), nullRate: 0.2) };
        bool v2 = lie.StartsWith("v2", StringComparison.Ordinal);
        await WriteByHand(path, columns, rowGroupSize: 60, rowsPerPage: 20, v2, CompressionCodec.UNCOMPRESSED, random,
            alterPage: (column, page, header) =>
            {
                if (column != 1 || page != 1) return;
                switch (lie)
                {
                    case "negative size": header.UncompressedPageSize = -1; break;
                    case "past the end": header.CompressedPageSize += 10_000; break;
                    case "unknown type": header.Type = (PageType)9; break;
                    case "no data header": header.DataPageHeader = null; break;
                    case "negative values": header.DataPageHeader!.NumValues = -5; break;
                    case "dictionary after data": header.Type = PageType.DICTIONARY_PAGE; header.DictionaryPageHeader = new DictionaryPageHeader { NumValues = 3 }; break;
                    case "v2 nulls": header.DataPageHeaderV2!.NumNulls = 21; break;
                    case "v2 rows": header.DataPageHeaderV2!.NumRows = 21; break;
                    case "v2 levels": header.DataPageHeaderV2!.DefinitionLevelsByteLength = header.CompressedPageSize + 1; break;
                    case "uncompressed sizes": header.UncompressedPageSize += 1; break;
                }
            });

        var error = await Refused(path);

        Assert.Equal("b", error.Column);
        Assert.StartsWith("row group 1 of 1: ", error.Problem);
        Assert.Contains(problem, error.Problem);
    }

    [Fact]
    public void A_folder_with_only_metadata_files_holds_no_part_files()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("_SUCCESS"), "");
        Directory.CreateDirectory(dir.File(".hidden"));
        File.WriteAllText(dir.File(".hidden/part-0.parquet"), "not read");

        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(dir.Path));

        Assert.Equal(dir.Path, error.File);
        Assert.Equal("the folder holds no Parquet part files", error.Problem);
    }

    [Theory]
    [InlineData("short", "not a Parquet file: it is too short (10 bytes)")]
    [InlineData("encrypted footer", "the file is encrypted (its footer ends in PARE)")]
    [InlineData("footer length", "the footer length 1,000,000 does not fit in a file of 20 bytes")]
    [InlineData("broken link", "a symbolic link that leads nowhere")]
    public void A_file_that_cannot_hold_a_footer_is_refused(string kind, string problem)
    {
        using var dir = new TempFolder();
        var path = dir.File("bad.parquet");
        switch (kind)
        {
            case "short": File.WriteAllBytes(path, [.. "PAR1"u8, 0, 0, .. "PAR1"u8]); break;
            case "encrypted footer": File.WriteAllBytes(path, [.. "PAR1"u8, .. new byte[12], .. BitConverter.GetBytes(4), .. "PARE"u8]); break;
            case "footer length": File.WriteAllBytes(path, [.. "PAR1"u8, .. new byte[8], .. BitConverter.GetBytes(1_000_000), .. "PAR1"u8]); break;
            case "broken link": File.CreateSymbolicLink(path, dir.File("nothing.parquet")); break;
        }

        var error = Assert.Throws<StratifyInputException>(() => ParquetCohortReader.Read(path));

        Assert.Equal(path, error.File);
        Assert.Contains(problem, error.Message);
    }
}
