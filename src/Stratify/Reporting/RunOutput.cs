using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Stratify.Data;
using Stratify.Stratification;

namespace Stratify.Reporting;

/// <summary>
/// Writes a run's output folder: results.json, manifest.json, assignments.parquet, tables/*.csv and
/// report.html. Everything is written into a temporary sibling folder that is moved into place at the end, so a
/// failed run leaves no partial folder (and an earlier run's folder is replaced only by a complete one).
/// </summary>
public static class RunOutput
{
    private static readonly (string Name, Assembly Assembly)[] Dependencies =
    [
        ("Parquet.Net", typeof(Parquet.ParquetReader).Assembly),
        ("MathNet.Numerics", typeof(MathNet.Numerics.Control).Assembly),
        ("Microsoft.Data.Analysis", typeof(Microsoft.Data.Analysis.DataFrame).Assembly),
        ("YamlDotNet", typeof(YamlDotNet.RepresentationModel.YamlStream).Assembly),
        ("ScottPlot", typeof(ScottPlot.Plot).Assembly),
    ];

    /// <summary>The package version of an assembly (its informational version without the commit hash).</summary>
    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Input files with their SHA-256 (a folder's part files one by one), named relative to the spec folder.</summary>
    public static IReadOnlyList<DataFileJson> HashInputs(StudySpec spec)
    {
        var baseFolder = spec.SourceFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(Path.GetFullPath(spec.SourceFile))!;
        var files = new List<DataFileJson>();
        foreach (var path in spec.Data)
        {
            var parts = Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : Enumerable.Repeat(path, 1);
            foreach (var file in parts)
            {
                using var stream = File.OpenRead(file);
                files.Add(new DataFileJson(Path.GetRelativePath(baseFolder, file).Replace('\\', '/'), Convert.ToHexStringLower(SHA256.HashData(stream))));
            }
        }
        return files;
    }

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
        timings.Select(t => new StageTimingJson(t.Stage, Math.Round(t.Elapsed.TotalSeconds, 3))).ToArray());

    /// <summary>Writes the folder atomically; <paramref name="renderReport"/> turns results and manifest into report.html.</summary>
    public static void Write(string folder, StratificationResult run, ResultsDocument results, ManifestDocument manifest,
        Func<ResultsDocument, ManifestDocument, string> renderReport)
    {
        var target = Path.GetFullPath(folder);
        var parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(temporary);
            var utf8 = new UTF8Encoding(false);
            File.WriteAllText(Path.Combine(temporary, "results.json"), JsonOutput.Serialize(results) + "\n", utf8);
            File.WriteAllText(Path.Combine(temporary, "manifest.json"), JsonOutput.Serialize(manifest) + "\n", utf8);
            File.WriteAllText(Path.Combine(temporary, "model.json"), JsonOutput.Serialize(SubgroupModelDocument.From(run, results)) + "\n", utf8);
            WriteAssignments(Path.Combine(temporary, "assignments.parquet"), run);
            var tables = Directory.CreateDirectory(Path.Combine(temporary, "tables")).FullName;
            foreach (var (name, csv) in Tables(results, run))
                File.WriteAllText(Path.Combine(tables, name), csv, utf8);
            File.WriteAllText(Path.Combine(temporary, "report.html"), renderReport(results, manifest), utf8);
            if (Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
                Directory.Move(target, old);
                Directory.Move(temporary, target);
                Directory.Delete(old, recursive: true);
            }
            else Directory.Move(temporary, target);
        }
        finally
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        }
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
                new[] { "subgroup", "n", "events", "hr", "hr_lower", "hr_upper", "p", "rmst_difference", "rmst_difference_se", "rmst_difference_lower", "rmst_difference_upper", "verdict" },
            };
            effects.AddRange(treatment.BySubgroup.Append(treatment.Overall).Select(e => new[]
            {
                e.Subgroup, N(e.N), N(e.Events), N(e.Hr), N(e.HrLower), N(e.HrUpper), N(e.P),
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
