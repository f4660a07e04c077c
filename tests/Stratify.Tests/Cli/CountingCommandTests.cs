using System.Text.Json;
using Stratify.Data;
using Stratify.Tests.Survival;
using static Stratify.Tests.Cli.CliCases;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Cli;

/// <summary>
/// The counting-process cohorts of counting_reference.R as Parquet files: lung with a made-up entry day (delayed entry),
/// R's Stanford heart transplant start/stop rows, and copies each with one fault.
/// </summary>
public sealed class CountingFiles : IDisposable
{
    private readonly TempFolder _folder = new();

    public CountingFiles()
    {
        var lung = CsvCohortReader.Read(RepoPaths.ReferenceFile(Path.Combine("data", "counting_lung.csv")));
        var heart = CsvCohortReader.Read(RepoPaths.ReferenceFile(Path.Combine("data", "counting_heart.csv")));
        ParquetCohortWriter.Write(lung, Lung);
        ParquetCohortWriter.Write(heart, Heart);
        ParquetCohortWriter.Write(CliCases.WithValue(lung, "entry", 1, 455), EntryAtTime);           // row 2: entry = time = 455
        ParquetCohortWriter.Write(CliCases.WithValue(heart, "start", 5, 30), Overlap);               // row 6: patient 4's (36, 39] becomes (30, 39]
        ParquetCohortWriter.Write(CliCases.WithValue(heart, "start", 5, 40), Reversed);              // row 6: (40, 39]
        ParquetCohortWriter.Write(CliCases.WithValue(heart, "event", 2, 1), EarlyEvent);             // row 3: patient 3 dies at 1, yet (1, 16] follows
        File.WriteAllText(HeartSpec, $"data: {Heart}\nid: id\nstart: start\nstop: stop\nevent: event\ngroup: transplant\n" +
            "subgroups:\n  method: kmedoids\n  features:\n    numeric: [age]\n");
        File.WriteAllText(LungSpec, $"data: {Lung}\nentry: entry\ntime: time\nevent: status\ntreatment: sex\n" +
            "subgroups:\n  method: tree\n  features:\n    numeric: [age]\n");
    }

    public string Lung => _folder.File("lung_entry.parquet");
    public string Heart => _folder.File("heart.parquet");
    public string EntryAtTime => _folder.File("lung_entry_at_time.parquet");
    public string Overlap => _folder.File("heart_overlap.parquet");
    public string Reversed => _folder.File("heart_reversed.parquet");
    public string EarlyEvent => _folder.File("heart_early_event.parquet");
    public string HeartSpec => _folder.File("heart.yaml");
    public string LungSpec => _folder.File("lung_entry.yaml");

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// km, logrank and cox with --entry (delayed entry) and --start/--stop/--id (start/stop rows) end to end against R
/// (counting_reference.json): the JSON's counting_process object and the table titles that state the form, and every
/// refusal counting-process input can cause, with exit code 2, nothing on stdout, and file, column, row and value named.
/// </summary>
public class CountingCommandTests(CountingFiles files) : IClassFixture<CountingFiles>
{
    private const double Tolerance = 1e-11;

    private string[] HeartRows => [files.Heart, "--start", "start", "--stop", "stop", "--event", "event", "--id", "id"];
    private string[] LungEntry => [files.Lung, "--entry", "entry", "--time", "time", "--event", "status"];

    [Fact]
    public void Km_with_delayed_entry_equals_survfit_and_says_so()
    {
        var km = RunJson(["km", .. LungEntry, "--group", "sex", "--rmst", "500"]);
        Assert.Equal("entry", km.GetProperty("counting_process").GetProperty("entry").GetString());
        var curves = CountingReference.Case("km", "lung_entry_sex").GetProperty("curves").EnumerateArray().ToArray();
        var groups = km.GetProperty("groups").EnumerateArray().ToArray();
        for (int g = 0; g < 2; g++)
        {
            var curve = groups[g].GetProperty("curve");
            AssertClose(Numbers(curves[g].GetProperty("n_risk")), Numbers(curve.GetProperty("n_risk")), 0, "n.risk");
            AssertClose(Numbers(curves[g].GetProperty("surv")), Numbers(curve.GetProperty("survival")), Tolerance, "surv");
            AssertClose(Numbers(curves[g].GetProperty("se")), Numbers(curve.GetProperty("se")), Tolerance, "se");
            AssertClose(Number(curves[g].GetProperty("rmst")), groups[g].GetProperty("rmst").GetDouble(), Tolerance, "rmst");
            AssertClose(Number(curves[g].GetProperty("median")), groups[g].GetProperty("median").GetDouble(), 0, "median");
        }
        Assert.Contains("Kaplan–Meier (delayed entry: at risk from entry to the time;", OneLine(CliRunner.Run(["km", .. LungEntry, "--group", "sex"]).Out));
    }

    [Fact]
    public void Km_on_start_stop_rows_names_start_stop_id_and_the_number_of_patients()
    {
        var km = RunJson(["km", .. HeartRows, "--group", "transplant"]);
        var form = km.GetProperty("counting_process");
        Assert.Equal(("start", "stop", "id", 103), (form.GetProperty("start").GetString(), form.GetProperty("stop").GetString(),
            form.GetProperty("id").GetString(), form.GetProperty("patients").GetInt32()));
        var curves = CountingReference.Case("km", "heart_transplant").GetProperty("curves").EnumerateArray().ToArray();
        var groups = km.GetProperty("groups").EnumerateArray().ToArray();
        for (int g = 0; g < 2; g++)
            AssertClose(Numbers(curves[g].GetProperty("surv")), Numbers(groups[g].GetProperty("curve").GetProperty("survival")), Tolerance, "surv");
        Assert.Contains("start/stop rows (start, stop] of 103 patients by id", OneLine(CliRunner.Run(["km", .. HeartRows]).Out));
    }

    [Fact]
    public void Logrank_on_start_stop_rows_is_coxphs_robust_score_test_and_says_so()
    {
        var lr = RunJson(["logrank", .. HeartRows, "--group", "transplant"]);
        var r = CountingReference.Case("logrank", "heart_transplant");
        AssertClose(Number(r.GetProperty("robust").GetProperty("statistic")), lr.GetProperty("statistic").GetDouble(), Tolerance, "statistic");
        AssertClose(Numbers(r.GetProperty("expected")), lr.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("expected").GetDouble()).ToArray(), Tolerance, "expected");
        var form = lr.GetProperty("counting_process");
        Assert.StartsWith("score test of the Cox model on the groups", form.GetProperty("test").GetString());
        Assert.Equal("robust by patient", form.GetProperty("variance").GetString());
        Assert.Contains("R's survdiff takes no counting-process data", OneLine(CliRunner.Run(["logrank", .. HeartRows, "--group", "transplant"]).Out));
    }

    [Fact]
    public void Logrank_with_delayed_entry_is_the_model_based_score_test()
    {
        var lr = RunJson(["logrank", .. LungEntry, "--group", "sex"]);
        var r = CountingReference.Case("logrank", "lung_entry_sex");
        AssertClose(Number(r.GetProperty("model").GetProperty("statistic")), lr.GetProperty("statistic").GetDouble(), Tolerance, "statistic");
        Assert.Equal("model-based", lr.GetProperty("counting_process").GetProperty("variance").GetString());
    }

    [Fact]
    public void Cox_on_start_stop_rows_equals_coxph_with_cluster_id()
    {
        var cox = RunJson(["cox", .. HeartRows, "--covariates", "age,surgery,transplant", "--check-ph"]);
        var r = CountingReference.Case("cox", "heart_cluster_id");
        var terms = cox.GetProperty("terms").EnumerateArray().ToArray();
        AssertClose(Numbers(r.GetProperty("coef")), terms.Select(t => t.GetProperty("coef").GetDouble()).ToArray(), Tolerance, "coef");
        AssertClose(Numbers(r.GetProperty("robust_se")), terms.Select(t => t.GetProperty("robust_se").GetDouble()).ToArray(), Tolerance, "robust se");
        AssertClose(Number(r.GetProperty("concordance").GetProperty("se")), cox.GetProperty("concordance").GetProperty("se").GetDouble(), Tolerance, "concordance se");
        AssertClose(Numbers(r.GetProperty("zph").GetProperty("chisq"))[^1], cox.GetProperty("ph_test").GetProperty("global").GetProperty("chisq").GetDouble(), 1e-9, "cox.zph");
        Assert.Equal("id", cox.GetProperty("counting_process").GetProperty("id").GetString());
        Assert.Contains("n = 172 rows, events = 75, efron ties, start/stop rows (start, stop] of 103 patients by id, robust SE by patient",
            OneLine(CliRunner.Run(["cox", .. HeartRows, "--covariates", "age,surgery,transplant"]).Out));
    }

    [Fact]
    public void Cox_with_delayed_entry_equals_coxph_of_surv_entry_time_status()
    {
        var cox = RunJson(["cox", .. LungEntry, "--covariates", "age,sex,ph.ecog", "--ties", "breslow"]);
        var r = CountingReference.Case("cox", "lung_entry_breslow");
        AssertClose(Numbers(r.GetProperty("coef")), cox.GetProperty("terms").EnumerateArray().Select(t => t.GetProperty("coef").GetDouble()).ToArray(), Tolerance, "coef");
        AssertClose(Number(r.GetProperty("score").GetProperty("statistic")), cox.GetProperty("tests").GetProperty("score").GetProperty("statistic").GetDouble(), Tolerance, "score test");
        Assert.Equal("entry", cox.GetProperty("counting_process").GetProperty("entry").GetString());
    }

    /// <summary>R: coxph(Surv(start, stop, event) ~ age + surgery + transplant, weights = w_frac, cluster = id) (heart_frac_cluster_id).</summary>
    [Fact]
    public void Cox_on_start_stop_rows_with_case_weights_equals_coxph_with_weights_and_cluster_id()
    {
        var cox = RunJson(["cox", .. HeartRows, "--covariates", "age,surgery,transplant", "--weights", "w_frac"]);
        var r = CountingReference.Case("cox", "heart_frac_cluster_id");
        var terms = cox.GetProperty("terms").EnumerateArray().ToArray();
        AssertClose(Numbers(r.GetProperty("coef")), terms.Select(t => t.GetProperty("coef").GetDouble()).ToArray(), Tolerance, "coef");
        AssertClose(Numbers(r.GetProperty("se")), terms.Select(t => t.GetProperty("se").GetDouble()).ToArray(), Tolerance, "se");
        AssertClose(Numbers(r.GetProperty("robust_se")), terms.Select(t => t.GetProperty("robust_se").GetDouble()).ToArray(), Tolerance, "robust se");
        AssertClose(Number(r.GetProperty("loglik").GetProperty("model")), cox.GetProperty("loglik").GetProperty("model").GetDouble(), Tolerance, "loglik");
        Assert.Equal(("w_frac", "robust"), (cox.GetProperty("weights").GetProperty("column").GetString(), cox.GetProperty("weights").GetProperty("variance").GetString()));
        Assert.Equal("id", cox.GetProperty("counting_process").GetProperty("id").GetString());
    }

    /// <summary>R: survfit(Surv(entry, time, status) ~ sex, weights = w_frac) (lung_entry_sex_frac).</summary>
    [Fact]
    public void Km_with_delayed_entry_and_case_weights_equals_survfit_with_weights()
    {
        var km = RunJson(["km", .. LungEntry, "--group", "sex", "--weights", "w_frac"]);
        var curves = CountingReference.Case("km", "lung_entry_sex_frac").GetProperty("curves").EnumerateArray().ToArray();
        var groups = km.GetProperty("groups").EnumerateArray().ToArray();
        for (int g = 0; g < 2; g++)
        {
            var curve = groups[g].GetProperty("curve");
            AssertClose(Numbers(curves[g].GetProperty("surv")), Numbers(curve.GetProperty("survival")), Tolerance, "surv");
            AssertClose(Numbers(curves[g].GetProperty("se")), Numbers(curve.GetProperty("se")), Tolerance, "se");
        }
    }

    /// <summary>
    /// The Parquet reader reads only the spec's columns (StudySpec.UsedColumns): entry, start, stop and id must be among
    /// them, or the counting-process columns would never be read.
    /// </summary>
    [Fact]
    public void The_counting_process_columns_are_read_from_parquet_and_the_unused_ones_are_not()
    {
        var rows = StudyBinder.Read(new StudySpec { Data = [files.Heart], Id = "id", Start = "start", Time = "stop", Event = "event" });
        Assert.Equal(["event", "id", "start", "stop"], rows.ColumnNames.Order(StringComparer.Ordinal));
        Assert.Contains("age", rows.NotRead);
        var entry = StudyBinder.Read(new StudySpec { Data = [files.Lung], Entry = "entry", Time = "time", Event = "status" });
        Assert.Equal(["entry", "status", "time"], entry.ColumnNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Competing_risks_with_delayed_entry_or_start_stop_rows_are_refused()
    {
        Assert.Contains("competing risks with delayed entry are not supported yet",
            Refused(["cox", .. LungEntry, "--event-of-interest", "2", "--censored-value", "1", "--covariates", "age"]).Error);
        Assert.Contains("competing risks with start/stop rows are not supported yet",
            Refused(["cox", .. HeartRows, "--event-of-interest", "1", "--covariates", "age", "--model", "fine-gray"]).Error);
    }

    [Fact]
    public void Right_censored_output_has_no_counting_process_object()
    {
        Assert.DoesNotContain("counting_process", CliRunner.Run("km", files.Lung, "--time", "time", "--event", "status", "--format", "json").Out);
    }

    [Fact]
    public void An_entry_at_its_time_is_refused_with_file_column_row_and_value()
    {
        var result = Refused("km", files.EntryAtTime, "--entry", "entry", "--time", "time", "--event", "status");
        Assert.Contains("column 'entry', row 2: the entry (455) is not before the time (455)", result.Error);
    }

    [Fact]
    public void Overlapping_and_reversed_intervals_and_an_early_event_are_refused_naming_patient_and_row()
    {
        Assert.Contains("column 'start', row 6: the intervals of patient '4' (id column 'id') overlap: (0, 36] in row 5 and (30, 39] in row 6",
            Refused(["cox", files.Overlap, "--start", "start", "--stop", "stop", "--event", "event", "--id", "id", "--covariates", "age"]).Error);
        Assert.Contains("column 'start', row 6: the start (40) is not before the stop (39)",
            Refused(["km", files.Reversed, "--start", "start", "--stop", "stop", "--event", "event", "--id", "id"]).Error);
        Assert.Contains("column 'event', row 3: patient '3' (id column 'id') has an event at the end of (0, 1], but row 4 continues",
            Refused(["logrank", files.EarlyEvent, "--start", "start", "--stop", "stop", "--event", "event", "--id", "id", "--group", "transplant"]).Error);
    }

    [Fact]
    public void Stop_with_time_and_start_without_id_are_refused()
    {
        Assert.Contains("--stop is the time column of start/stop rows, and --time is given too",
            Refused(["km", files.Heart, "--start", "start", "--stop", "stop", "--time", "stop", "--event", "event", "--id", "id"]).Error);
        Assert.Contains("start/stop rows need the patient id column",
            Refused(["km", files.Heart, "--start", "start", "--stop", "stop", "--event", "event"]).Error);
    }

    [Fact]
    public void Run_tree_describe_and_cluster_refuse_what_they_cannot_analyse()
    {
        Assert.Contains("stratify run does not take start/stop rows", Refused("run", files.HeartSpec, "--out", Path.Combine(Path.GetTempPath(), "never-written")).Error);
        Assert.Contains("stratify run does not take delayed entry", Refused("run", files.LungSpec, "--out", Path.Combine(Path.GetTempPath(), "never-written")).Error);
        Assert.Contains("stratify tree does not take delayed entry", Refused("tree", files.LungSpec).Error);
        Assert.Contains("stratify describe works on one row per patient", Refused("describe", files.HeartSpec).Error);
        Assert.Contains("stratify cluster works on one row per patient", Refused("cluster", files.HeartSpec).Error);
    }

    [Fact]
    public void Fleming_harrington_rho_is_refused_on_counting_process_data()
    {
        Assert.Contains("has no counting-process (delayed entry or start/stop) form",
            Refused(["logrank", .. HeartRows, "--group", "transplant", "--rho", "1"]).Error);
    }
}
