using System.Diagnostics;
using Stratify.Cli;

namespace Stratify.Tests.Cli;

/// <summary>
/// Publishes `stratify` as users install it (README: dotnet publish, Native AOT, one native program) once per
/// test run, into a temporary folder.
/// </summary>
public sealed class PublishedProgram : IDisposable
{
    private readonly TempFolder _folder = new();

    public PublishedProgram()
    {
        var publish = Process.Start(new ProcessStartInfo("dotnet",
            ["publish", Path.Combine(RepoPaths.Root, "src", "Stratify.Cli"), "-c", "Release", "-r", "linux-x64", "-o", _folder.Path, "-nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var error = publish.StandardError.ReadToEndAsync();
        if (!publish.WaitForExit(TimeSpan.FromMinutes(15))) { publish.Kill(entireProcessTree: true); throw new TimeoutException("dotnet publish took over 15 minutes"); }
        Executable = Path.Combine(_folder.Path, "stratify");
        if (publish.ExitCode != 0 || !File.Exists(Executable))
            throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{output.Result}\n{error.Result}");
    }

    public string Executable { get; }

    public CliRunner.Result Run(params string[] args) => Run(args, new Dictionary<string, string>());

    public CliRunner.Result Run(string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Executable, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new CliRunner.Result(process.ExitCode, output.Result, error.Result);
    }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// The published native program prints exactly what the library prints under the JIT (the tests' CliRunner):
/// same bytes on stdout and stderr, same exit code, same files — so every agreement-with-R test of the library
/// also holds for the program users run. Ahead-of-time compilation breaks code that needs reflection or run-time
/// code generation (JSON, YAML, plotting); these commands cover each of them.
/// </summary>
public sealed class PublishedProgramTests(PublishedProgram program) : IClassFixture<PublishedProgram>
{
    public static TheoryData<string> Commands => new()
    {
        "km datasets/lung.parquet --time time --event status --group sex --format json --quantiles 0.25,0.75 --cumhaz --rmst 365 --at 180,365",
        "km datasets/veteran.parquet --time time --event status --group celltype --conf-type log-log",
        "logrank datasets/lung.parquet --time time --event status --group ph.ecog --format json --pairwise holm --trend",
        "logrank datasets/gbsg.parquet --time rfstime --event status --group grade --strata hormon",
        "cox datasets/lung.parquet --time time --event status --covariates age,sex,ph.ecog --categorical sex --format json --check-ph --robust --predict age=60,sex=female,ph.ecog=1",
        "cox datasets/veteran.parquet --time time --event status --covariates trt,celltype,karno --categorical trt,celltype --reference celltype=squamous --ties breslow",
        "cuminc datasets/melanoma.yaml --format json --strata sex --at 1826,9000",
        "cuminc datasets/melanoma.yaml --group sex --variance aalen --conf-type log-log",
        "cox datasets/melanoma.yaml --model fine-gray --format json --predict baseline",
        "cox datasets/melanoma.yaml --model fine-gray --predict sex=male,age=60,thickness=3,ulcer=present",
        "cox datasets/melanoma.yaml --format json",
        "km datasets/melanoma.yaml",
        "describe datasets/gbsg.parquet --group hormon --format json",
        "describe datasets/rotterdam.parquet",
        "describe datasets/lung.parquet --group sex --format markdown",
        "describe datasets/veteran.parquet --group trt --format csv --nonparametric",
        "cluster datasets/gbsg.parquet --features age,size,grade,nodes --k 2..4 --truth grade --format json --quiet", // stage lines carry elapsed times
        "tree datasets/gbsg.parquet --time rfstime --event status --features age,size,grade,nodes --format json",
        "tree datasets/veteran.parquet --time time --event status --treatment trt --features karno,age,celltype --interaction --design randomised --min-node-size 15 --format json",
        "tree datasets/veteran.parquet --time time --event status --treatment trt --features karno,age,celltype --interaction --design randomised --min-node-size 15",
        "stepp datasets/gbsg.parquet --time rfstime --event status --treatment hormon --marker age --permutations 50 --format json",
        "stepp datasets/gbsg.parquet --time rfstime --event status --treatment hormon --marker age --permutations 50",
        "cox datasets/lung.parquet --time time --event status --covariates age,sexx",
        "km datasets/lung.parquet --time time --event status --group sex --weights ph.karno --format json --rmst 365",
        "logrank datasets/lung.parquet --time time --event status --group sex --weights ph.karno",
        "cox datasets/lung.parquet --time time --event status --covariates age,sex --weights ph.karno --robust --format json",
        "km datasets/lung.parquet --time time --event status --weights wt.loss",
        "km datasets/lung.csv --time time --event status",
        "version",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_command_prints_the_same_bytes_as_the_library(string commandLine)
    {
        var args = commandLine.Split(' ').Select(a => a.StartsWith("datasets/", StringComparison.Ordinal) ? RepoPaths.Dataset(a["datasets/".Length..]) : a).ToArray();
        var expected = CliRunner.Run(args);

        var actual = program.Run(args);

        Assert.Equal(expected.ExitCode, actual.ExitCode);
        Assert.Equal(expected.Out, actual.Out);
        Assert.Equal(expected.Error, actual.Error);
    }

    [Fact]
    public void A_study_run_writes_the_same_results_and_tables_as_the_library()
    {
        using var folder = new TempFolder();
        string spec = RepoPaths.Dataset("gbsg.yaml");
        var library = CliRunner.Run("run", spec, "--out", folder.File("library"));
        var published = program.Run("run", spec, "--out", folder.File("published"));

        Assert.Equal(0, library.ExitCode);
        Assert.Equal(0, published.ExitCode);
        foreach (var file in new[] { "results.json", "assignments.parquet", "model.json" }.Concat(
                     Directory.EnumerateFiles(folder.File("library/tables")).Select(f => "tables/" + Path.GetFileName(f))))
            Assert.True(File.ReadAllBytes(folder.File("library/" + file)).AsSpan().SequenceEqual(File.ReadAllBytes(folder.File("published/" + file))),
                $"{file} differs between the published program and the library");
        Assert.Contains("<svg", File.ReadAllText(folder.File("published/report.html")));

        // stratify assign reads model.json back (JSON deserialisation under AOT) and places the patients alike.
        var assignedByLibrary = CliRunner.Run("assign", folder.File("library/model.json"), RepoPaths.Dataset("gbsg.parquet"), "--out", folder.File("library.csv"));
        var assignedByProgram = program.Run("assign", folder.File("library/model.json"), RepoPaths.Dataset("gbsg.parquet"), "--out", folder.File("published.csv"));
        Assert.Equal(assignedByLibrary.ExitCode, assignedByProgram.ExitCode);
        Assert.Equal(assignedByLibrary.Out, assignedByProgram.Out);
        Assert.Equal(File.ReadAllText(folder.File("library.csv")), File.ReadAllText(folder.File("published.csv")));
    }

    [Theory]
    [InlineData("import", "{data}/veteran.csv", "--out", "{out}", "--label", "trt=1:standard,2:test")]
    [InlineData("simulate", "--n", "5000", "--seed", "7", "--row-group-size", "1500", "--out", "{out}")]
    [InlineData("simulate", "--n", "3000", "--seed", "8", "--scenario", "biomarker", "--out", "{out}")]
    public void A_command_that_writes_a_parquet_file_writes_the_same_bytes_as_the_library(params string[] template)
    {
        using var folder = new TempFolder();
        string[] Args(string output) => template.Select(a => a.Replace("{data}", RepoPaths.Datasets).Replace("{out}", output)).ToArray();

        var library = CliRunner.Run(Args(folder.File("library.parquet")));
        var published = program.Run(Args(folder.File("published.parquet")));

        Assert.Equal(0, library.ExitCode);
        Assert.Equal(0, published.ExitCode);
        Assert.True(File.ReadAllBytes(folder.File("library.parquet")).AsSpan().SequenceEqual(File.ReadAllBytes(folder.File("published.parquet"))));
    }

    [Fact]
    public void The_report_command_rebuilds_the_report_from_results_json()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, program.Run("run", RepoPaths.Dataset("lung.yaml"), "--out", folder.File("run")).ExitCode);

        var report = program.Run("report", folder.File("run/results.json"), "--out", folder.File("again.html"));

        Assert.Equal(0, report.ExitCode);
        var html = File.ReadAllText(folder.File("again.html"));
        Assert.Contains("<svg", html);
        Assert.Equal(Sections(File.ReadAllText(folder.File("run/report.html"))), Sections(html));
    }

    [Fact]
    public void STRATIFY_TIMINGS_adds_one_line_of_stage_times_to_stderr_and_changes_nothing_else()
    {
        string[] args = ["cox", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status", "--covariates", "age,ph.ecog", "--format", "json"];
        var plain = program.Run(args);

        var timed = program.Run(args, new Dictionary<string, string> { ["STRATIFY_TIMINGS"] = "1" });

        Assert.Equal(plain.Out, timed.Out);
        var extra = timed.Error.Replace(plain.Error, "").Trim();
        Assert.Matches(@"^timings: start [0-9.]+ s, read [0-9.]+ s, bind [0-9.]+ s, design [0-9.]+ s, risk sets [0-9.]+ s, newton [0-9.]+ s, concordance [0-9.]+ s, fit [0-9.]+ s, output [0-9.]+ s; garbage collections \d+/\d+/\d+ \(gen 0/1/2, paused [0-9.]+ s\), peak working set \d+ MiB; huge pages: (none|heap|heap, start-up data|start-up data)$", extra);
    }

    /// <summary>
    /// Where Linux leaves transparent huge pages to the program (the usual "madvise" mode), the published program marks
    /// both its GC heap and, from a constructor that runs before the runtime (Native/hydrated_huge_pages.c), the section
    /// the runtime expands its type data into: STRATIFY_TIMINGS reports both, checked in the process's own smaps.
    /// STRATIFY_HUGE_PAGES=0 turns both off.
    /// </summary>
    [Fact]
    public void The_program_marks_its_heap_and_start_up_data_for_huge_pages_unless_turned_off()
    {
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        string[] args = ["km", RepoPaths.Dataset("lung.parquet"), "--time", "time", "--event", "status", "--format", "json"];
        var timed = new Dictionary<string, string> { ["STRATIFY_TIMINGS"] = "1" };

        var advised = program.Run(args, timed);
        var off = program.Run(args, new Dictionary<string, string>(timed) { ["STRATIFY_HUGE_PAGES"] = "0" });

        Assert.Equal(0, advised.ExitCode);
        Assert.EndsWith("; huge pages: none", off.Error.Trim());
        if (File.Exists(setting) && HugePages.LeftToPrograms(File.ReadAllText(setting)))
            Assert.EndsWith("; huge pages: heap, start-up data", advised.Error.Trim());
    }

    /// <summary>
    /// The program advises huge pages for its heap (HugePages) unless STRATIFY_HUGE_PAGES=0: the advice changes where the
    /// kernel maps memory, never what is computed. A run big enough to commit fresh heap (a 1,000-patient Cox model with
    /// its concordance, a cluster run) gives the same bytes both ways.
    /// </summary>
    [Theory]
    [InlineData("cox", "datasets/gbsg.parquet", "--time", "rfstime", "--event", "status", "--covariates", "age,size,nodes,pgr,er,hormon", "--categorical", "hormon", "--format", "json")]
    [InlineData("cluster", "datasets/gbsg.parquet", "--features", "age,size,grade,nodes", "--k", "2..4", "--format", "json", "--quiet")]
    public void Huge_page_advice_changes_no_output(params string[] template)
    {
        var args = template.Select(a => a.StartsWith("datasets/", StringComparison.Ordinal) ? RepoPaths.Dataset(a["datasets/".Length..]) : a).ToArray();
        var advised = program.Run(args);
        var plain = program.Run(args, new Dictionary<string, string> { ["STRATIFY_HUGE_PAGES"] = "0" });

        Assert.Equal(0, advised.ExitCode);
        Assert.Equal(plain.ExitCode, advised.ExitCode);
        Assert.Equal(plain.Out, advised.Out);
        Assert.Equal(plain.Error, advised.Error);
    }

    private static string[] Sections(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<h2[^>]*>(.*?)</h2>").Select(m => m.Groups[1].Value).ToArray();
}
