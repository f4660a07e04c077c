using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Stratify.Data;
using Stratify.Stratification;

namespace Stratify.Reporting;

/// <summary>
/// Writes a run's output folder: results.json, manifest.json, assignments.parquet, tables/*.csv and
/// report.html. Everything is written into a staging folder beside it that is moved into place at the end, so a
/// failed run leaves no partial folder, an earlier run's folder is replaced only by a complete one, and the files a
/// user kept in it survive (see <see cref="OutputStaging"/>).
/// </summary>
internal static class RunOutput
{
    private static readonly (string Name, Assembly Assembly)[] Dependencies =
    [
        ("Parquet.Net", typeof(global::Parquet.ParquetReader).Assembly),
        ("MathNet.Numerics", typeof(MathNet.Numerics.Control).Assembly),
        ("Microsoft.Data.Analysis", typeof(Microsoft.Data.Analysis.DataFrame).Assembly),
        ("YamlDotNet", typeof(YamlDotNet.RepresentationModel.YamlStream).Assembly),
        ("ScottPlot", typeof(ScottPlot.Plot).Assembly),
    ];

    /// <summary>The package version of an assembly (its informational version without the commit hash).</summary>
    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>
    /// The run's input files with the SHA-256 of the bytes it decoded (a folder's part files one by one, as the
    /// reader hashed them while reading: <see cref="CohortReadOptions.HashInputs"/>), named relative to the spec folder.
    /// </summary>
    public static IReadOnlyList<DataFileJson> Inputs(StratificationResult run)
    {
        var spec = run.Study.Spec;
        var baseFolder = spec.SourceFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(spec.SourceFile))!;
        return run.Study.Cohort.Inputs.Select(input => new DataFileJson(Path.GetRelativePath(baseFolder, input.File).Replace('\\', '/'),
            input.Sha256 ?? throw new InvalidOperationException($"{input.File} was read without hashing its bytes"))).ToArray();
    }

    /// <summary>
    /// Every file a run can write in its folder (relative paths): those a previous run's manifest.json does not
    /// list are checked for a user's file of the same name before a run starts.
    /// </summary>
    public static readonly IReadOnlyList<string> FileNames =
    [
        "results.json", "manifest.json", "report.html", "assignments.parquet",
        "tables/table1_by_treatment.csv", "tables/table1_by_subgroup.csv", "tables/survival_by_subgroup.csv",
        "tables/cox_by_subgroup.csv", "tables/treatment_effects.csv", "tables/k_criteria.csv",
    ];

    /// <summary>The files a run of <paramref name="spec"/> writes: the treatment table with a treatment, the k criteria for clustering.</summary>
    public static IReadOnlyList<string> FileNamesFor(StudySpec spec) => FileNames
        .Where(name => name != "tables/treatment_effects.csv" || spec.Treatment is not null)
        .Where(name => name != "tables/k_criteria.csv" || spec.Subgroups?.Method is not (SubgroupMethod.SurvivalTree or SubgroupMethod.Column))
        .ToArray();

    public static ManifestDocument Manifest(StudySpec spec, IReadOnlyList<DataFileJson> inputs, DateTimeOffset started, DateTimeOffset finished,
        IReadOnlyList<StageTiming> timings) => new(
        "1.0",
        VersionOf(typeof(RunOutput).Assembly),
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Dependencies.Select(d => new PackageVersionJson(d.Name, VersionOf(d.Assembly))).ToArray(),
        inputs,
        spec.SourceFile is null ? "(command line)" : Path.GetFileName(spec.SourceFile),
        StudySpecWriter.ToYaml(spec),
        spec.Seed,
        started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        finished.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        timings.Select(t => new StageTimingJson(t.Stage, Math.Round(t.Elapsed.TotalSeconds, 3))).ToArray(),
        OutputStaging.GeneratorName);

    /// <summary>
    /// Writes the folder through a staging folder claimed for it (<see cref="OutputStaging.ForFolder"/>, taken before
    /// the analysis so that a second run into the same folder is refused at once) and commits it: the new folder
    /// appears whole, a previous run's files are replaced and the user's other files kept. <paramref name="renderReport"/>
    /// turns results and manifest into report.html. Returns notes for the user (files kept aside).
    /// </summary>
    public static IReadOnlyList<string> Write(OutputStaging staging, StratificationResult run, ResultsDocument results, ManifestDocument manifest,
        Func<ResultsDocument, ManifestDocument, string> renderReport, bool force = false)
    {
        var tables = Tables(results, run).ToList();
        var files = new List<string> { "results.json", "manifest.json", "assignments.parquet", "report.html" };
        files.AddRange(tables.Select(t => "tables/" + t.Name));
        files.Sort(StringComparer.Ordinal);
        manifest = manifest with { Generator = OutputStaging.GeneratorName, Files = files };
        var folder = staging.WritePath;
        staging.Guard(() =>
        {
            var utf8 = new UTF8Encoding(false);
            File.WriteAllText(Path.Combine(folder, "results.json"), JsonOutput.Serialize(results) + "\n", utf8);
            File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonOutput.Serialize(manifest) + "\n", utf8);
            WriteAssignments(Path.Combine(folder, "assignments.parquet"), run);
            var tableFolder = staging.CreateFolder("tables");
            foreach (var (name, csv) in tables)
                File.WriteAllText(Path.Combine(tableFolder, name), csv, utf8);
            File.WriteAllText(Path.Combine(folder, "report.html"), renderReport(results, manifest), utf8);
        });
        staging.Commit(force);
        return staging.Notes;
    }

    /// <summary>Writes the folder atomically (claims it, writes, commits); see the overload taking a staging folder.</summary>
    public static IReadOnlyList<string> Write(string folder, StratificationResult run, ResultsDocument results, ManifestDocument manifest,
        Func<ResultsDocument, ManifestDocument, string> renderReport)
    {
        using var staging = OutputStaging.ForFolder(folder);
        return Write(staging, run, results, manifest, renderReport);
    }

    private static void WriteAssignments(string path, StratificationResult run)
    {
        var study = run.Study;
        var subgroup = run.Subgroups.CodeOfRow.Select(c => c < 0 ? "unassigned" : run.SubgroupFactor.Levels[c]).ToArray();
        var extra = run.Study.Spec.Validation.Mode == ValidationMode.Split
            ? new Dictionary<string, string[]> { ["split"] = run.InDiscovery.Select(d => d ? "discovery" : "estimation").ToArray() }
            : null;
        AssignmentFile.Write(path, study, subgroup, extra);
    }

    private static IEnumerable<(string Name, string Csv)> Tables(ResultsDocument results, StratificationResult run)
    {
        yield return ("table1_by_treatment.csv", Table1Formats.ToCsv(run.Table1ByTreatment));
        yield return ("table1_by_subgroup.csv", Table1Formats.ToCsv(run.Table1BySubgroup));
        var landmarks = results.Study.Landmarks;
        var survival = new List<IReadOnlyList<string>>
        {
            new[] { "subgroup", "n", "events", "median", "median_lower", "median_upper", "rmst", "rmst_se" }
                .Concat(landmarks.SelectMany(t => new[] { $"survival_{N(t)}", $"lower_{N(t)}", $"upper_{N(t)}" })).ToArray(),
        };
        foreach (var g in results.Survival.KaplanMeier.Groups)
            survival.Add(new[] { g.Group, N(g.N), N(g.Events), N(g.Median), N(g.MedianLower), N(g.MedianUpper), N(g.Rmst), N(g.RmstSe) }
                .Concat(g.At.SelectMany(a => new[] { N(a.Survival), N(a.Lower), N(a.Upper) })).ToArray());
        yield return ("survival_by_subgroup.csv", TabularText.Csv(survival));
        var cox = new List<IReadOnlyList<string>> { new[] { "term", "coef", "se", "hr", "hr_lower", "hr_upper", "z", "p" } };
        cox.AddRange(results.Survival.Cox.Terms.Select(t => new[] { t.Term, N(t.Coef), N(t.Se), N(t.Hr), N(t.HrLower), N(t.HrUpper), N(t.Z), N(t.P) }));
        yield return ("cox_by_subgroup.csv", TabularText.Csv(cox));
        if (results.Treatment is { } treatment)
        {
            var effects = new List<IReadOnlyList<string>>
            {
                new[] { "subgroup", "n", "events", "estimable", "hr", "hr_lower", "hr_upper", "p", "adjusted_for",
                    "unadjusted_hr", "unadjusted_hr_lower", "unadjusted_hr_upper", "unadjusted_p", "shrunken_hr", "shrunken_hr_lower", "shrunken_hr_upper",
                    "rmst_difference", "rmst_difference_se", "rmst_difference_lower", "rmst_difference_upper", "verdict" },
            };
            effects.AddRange(treatment.BySubgroup.Append(treatment.Overall).Select(e => new[]
            {
                e.Subgroup, N(e.N), N(e.Events), e.Estimable, N(e.Hr), N(e.HrLower), N(e.HrUpper), N(e.P), string.Join(";", e.AdjustedFor),
                N(e.Unadjusted?.Hr ?? double.NaN), N(e.Unadjusted?.HrLower ?? double.NaN), N(e.Unadjusted?.HrUpper ?? double.NaN), N(e.Unadjusted?.P ?? double.NaN),
                N(e.Shrunken?.Hr ?? double.NaN), N(e.Shrunken?.HrLower ?? double.NaN), N(e.Shrunken?.HrUpper ?? double.NaN),
                N(e.RmstDifference), N(e.RmstDifferenceSe), N(e.RmstDifferenceLower), N(e.RmstDifferenceUpper), e.Verdict,
            }));
            yield return ("treatment_effects.csv", TabularText.Csv(effects));
        }
        if (results.Discovery.Clustering is { } clustering)
        {
            var criteria = new List<IReadOnlyList<string>> { new[] { "k", "silhouette", "gap", "gap_se", "bic" } };
            criteria.AddRange(clustering.Criteria.Select(c => new[] { N(c.K), N(c.Silhouette), N(c.Gap), N(c.GapSe), N(c.Bic) }));
            yield return ("k_criteria.csv", TabularText.Csv(criteria));
        }
    }

    private static string N(double x) => double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "NA";
}
