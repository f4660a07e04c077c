using System.Collections.Concurrent;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Tests.Stratification;

/// <summary>
/// The bundled studies (datasets/NAME.yaml) and the reference trials pbc and colon (tests/reference/specs), each
/// run once per test process and shared by the test classes that read them.
/// </summary>
internal static class StudyRuns
{
    private static readonly ConcurrentDictionary<string, Lazy<(StratificationResult Run, ResultsDocument Document)>> Runs = new();

    public static readonly string[] Bundled = ["gbsg", "lung", "rotterdam", "veteran"];
    public static readonly string[] ReferenceTrials = ["pbc", "colon"];

    public static string SpecPath(string name) => ReferenceTrials.Contains(name)
        ? RepoPaths.ReferenceFile($"specs/{name}.yaml")
        : RepoPaths.Dataset($"{name}.yaml");

    public static (StratificationResult Run, ResultsDocument Document) Get(string name) => Runs.GetOrAdd(name, n => new(() =>
    {
        var spec = StudySpecReader.Read(SpecPath(n));
        var run = StratificationRun.Execute(spec);
        return (run, ResultsMapping.ToDocument(run, RunOutput.Inputs(run)));
    })).Value;
}
