using System.Text.Json;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Stratify.Tests;

[CollectionDefinition("notebooks", DisableParallelization = true)]
public sealed class NotebookCollection;

/// <summary>
/// Runs every code cell of every notebook in notebooks/, in order, as one C# script session (what a notebook kernel
/// does), with the notebook folder as the working directory. <c>#r</c> lines are dropped: the test references the
/// library already. A cell that throws fails the test with the notebook and cell named.
/// </summary>
[Collection("notebooks")]
public class NotebookTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Root, "notebooks"), "*.ipynb").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Every_code_cell_runs(string notebook)
    {
        var folder = Path.Combine(RepoPaths.Root, "notebooks");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, notebook)));
        var cells = document.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(l => l.GetString())))
            .ToArray();
        Assert.NotEmpty(cells);
        var options = ScriptOptions.Default
            .AddReferences(typeof(Stratify.Data.Cohort).Assembly, typeof(Microsoft.Data.Analysis.DataFrame).Assembly)
            .AddImports("System", "System.IO", "System.Linq", "System.Collections.Generic");
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(folder);
        try
        {
            ScriptState<object>? state = null;
            for (int i = 0; i < cells.Length; i++)
            {
                var code = string.Join("\n", cells[i].Split('\n').Where(line => !line.TrimStart().StartsWith("#r")));
                try
                {
                    state = state is null ? await CSharpScript.RunAsync(code, options) : await state.ContinueWithAsync(code, options);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{notebook}, code cell {i + 1}: {e.GetType().Name}: {e.Message}");
                }
                if (state!.ReturnValue is System.Collections.IEnumerable sequence and not string)
                    Assert.NotEmpty(sequence.Cast<object>());
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }
}
