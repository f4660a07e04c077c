using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Data.Analysis;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Fitters;

/// <summary>
/// The example that opens the README's library section is compiled and run exactly as written (the first
/// <c>```csharp</c> block under "## The library"), from the repository root, and what it prints is checked: the Cox
/// summary of gbsg and a subgroup for each of the 86 new patients. Runs in the notebooks collection, which runs alone,
/// because it sets the working directory. The same calls are checked against R (tests/reference/readme_reference.R):
/// coxph on gbsg, and pam on the first 600 patients with the last 86 placed at the medoid nearest by Gower's distance
/// on the 600's ranges, written out in R.
/// </summary>
[Collection("notebooks")]
public class ReadmeExampleTests
{
    public static string Example()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        int section = readme.IndexOf("\n## The library", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## The library' section");
        var block = Regex.Match(readme[section..], "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the library section has no ```csharp block");
        return block.Groups[1].Value;
    }

    [Fact]
    public void The_library_example_is_ten_lines_at_most()
    {
        var lines = Example().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 5, 10);
    }

    [Fact]
    public async Task The_library_example_compiles_runs_and_prints_the_cox_summary_and_a_subgroup_per_new_patient()
    {
        var options = ScriptOptions.Default
            .AddReferences(typeof(Stratify.Data.Cohort).Assembly, typeof(Microsoft.Data.Analysis.DataFrame).Assembly,
                typeof(Microsoft.ML.IDataView).Assembly)
            .AddImports("System", "System.Linq", "System.Collections.Generic");
        var previousDirectory = Directory.GetCurrentDirectory();
        var previousOut = Console.Out;
        var printed = new StringWriter();
        Directory.SetCurrentDirectory(RepoPaths.Root);
        Console.SetOut(printed);
        try
        {
            await CSharpScript.RunAsync(Example(), options);
        }
        finally
        {
            Console.SetOut(previousOut);
            Directory.SetCurrentDirectory(previousDirectory);
        }
        var lines = printed.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var column in new[] { "term", "hazard_ratio", "standard_error", "p_value", "lower", "upper" })
            Assert.Contains(column, lines[0]);
        foreach (var term in new[] { "hormon", "age", "size", "nodes" })
            Assert.Contains(lines, l => l.StartsWith(term + " ", StringComparison.Ordinal) || l.Contains(" " + term + " "));
        var groups = lines[^1].Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(86, groups.Length);
        Assert.All(groups, g => Assert.InRange(g, 0, 2));
        Assert.Equal(3, groups.Distinct().Count());
    }

    [Fact]
    public void The_example_s_cox_model_equals_coxph_and_its_new_patients_go_to_the_medoid_R_finds_nearest()
    {
        var r = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("readme_reference.json"))).RootElement;
        var gbsg = DataFrame.LoadCsv(RepoPaths.Dataset("gbsg.csv"));
        var cox = new CoxPH().Fit(gbsg, time: "rfstime", @event: "status", covariates: ["hormon", "age", "size", "nodes"]);
        var expected = r.GetProperty("cox");
        Assert.Equal(expected.GetProperty("terms").EnumerateArray().Select(t => t.GetString()), cox.Coefficients.Select(c => c.Term));
        // Tolerances as CoxReferenceTests: estimates and limits 1e-13, p 2e-12 (relative).
        AssertClose(Numbers(expected.GetProperty("coef")), cox.Coefficients.Select(c => c.Coefficient).ToArray(), 1e-13, "coef");
        AssertClose(Numbers(expected.GetProperty("se")), cox.Coefficients.Select(c => c.StandardError).ToArray(), 1e-13, "se");
        AssertClose(Numbers(expected.GetProperty("lower")), cox.Coefficients.Select(c => c.HazardRatioLower).ToArray(), 1e-13, "lower");
        AssertClose(Numbers(expected.GetProperty("upper")), cox.Coefficients.Select(c => c.HazardRatioUpper).ToArray(), 1e-13, "upper");
        AssertClose(Numbers(expected.GetProperty("p")), cox.Coefficients.Select(c => c.PValue).ToArray(), 2e-12, "p");

        var pam = new KMedoids(new KMedoidsOptions { K = 3, Seed = 42 }).Fit(gbsg.Head(600), features: ["age", "size", "nodes"]);
        var groups = pam.Predict(gbsg.Tail(86));
        var reference = r.GetProperty("pam");
        var rMedoids = reference.GetProperty("medoids").EnumerateArray().Select(m => m.GetInt32()).ToArray();
        Assert.Equal(rMedoids.Order(), pam.Medoids.Order());
        Assert.Equal(reference.GetProperty("objective").GetDouble(), pam.AverageDissimilarity, 2e-15);
        // Clusters may be numbered differently: compare the medoid (a training row) each patient is given.
        Assert.Equal(reference.GetProperty("labels").EnumerateArray().Select(l => rMedoids[l.GetInt32()]), pam.Labels.Select(l => pam.Medoids[l]));
        Assert.Equal(reference.GetProperty("predicted").EnumerateArray().Select(l => rMedoids[l.GetInt32()]), groups.Select(l => pam.Medoids[l]));
    }
}
