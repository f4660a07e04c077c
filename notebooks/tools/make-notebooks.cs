#:property PublishAot=false
// Writes a Jupyter notebook (.ipynb) beside each lab in notebooks/, with every cell's printed output and charts
// saved, so that the labs can be read on any notebook viewer (GitHub, nbviewer, JupyterLab) without a kernel.
//
//     dotnet run notebooks/tools/make-notebooks.cs                      # every lab
//     dotnet run notebooks/tools/make-notebooks.cs 01-survival-basics   # one lab
//
// A lab is split into cells at its top-level comment blocks: a run of `//` lines outside any brace, bracket or
// parenthesis becomes a markdown cell (the text after "// "), and the code between two such blocks a code cell.
// To know which cell printed what, the lab is run once as a copy with a marker line printed before each code
// cell (`<lab>.nbgen.cs`, deleted afterwards). A line "Chart: notebooks/output/x.svg" in a cell's output is
// followed by the chart itself, as an image/svg+xml output. The lab tests check that each notebook's code and
// saved output are those of its lab (tests/Stratify.Tests/Notebooks/LabTests.cs), so run this after changing a lab.
// (PublishAot is off: this tool is run, never published, and builds its JSON with JsonNode.)

using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

const string Marker = "\u001ecell ";
var notebooks = Path.GetFullPath(Path.Combine(AppContext.GetData("EntryPointFileDirectoryPath") as string ?? ".", ".."));
var root = Path.GetFullPath(Path.Combine(notebooks, ".."));
var labs = Directory.GetFiles(notebooks, "0*.cs").Where(f => !f.EndsWith(".nbgen.cs")).Order()
    .Where(f => args.Length == 0 || args.Any(a => Path.GetFileNameWithoutExtension(f).StartsWith(a, StringComparison.Ordinal))).ToArray();
if (labs.Length == 0) { Console.Error.WriteLine("no lab matches " + string.Join(", ", args)); return 2; }

foreach (var lab in labs)
{
    var cells = Split(File.ReadAllLines(lab));
    var outputs = Run(lab, cells);
    var notebook = Notebook(cells, outputs);
    var target = Path.ChangeExtension(lab, ".ipynb");
    File.WriteAllText(target, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    Console.WriteLine($"{Path.GetRelativePath(root, target)}: {cells.Count} cells");
}
return 0;

// Cells in file order: (markdown?, lines).
static List<(bool Markdown, List<string> Lines)> Split(string[] lines)
{
    var cells = new List<(bool Markdown, List<string> Lines)>();
    int depth = 0;
    foreach (var line in lines)
    {
        bool comment = depth == 0 && line.TrimStart().StartsWith("//", StringComparison.Ordinal);
        if (cells.Count == 0 || cells[^1].Markdown != comment) cells.Add((comment, []));
        if (comment)
        {
            var text = line.TrimStart()[2..];
            cells[^1].Lines.Add(text.StartsWith(' ') ? text[1..] : text);
        }
        else
        {
            cells[^1].Lines.Add(line);
            depth += Depth(line);
        }
    }
    // Blank lines between blocks belong to neither; a block of only blank lines is no cell.
    return cells.Select(c => (c.Markdown, Trim(c.Lines))).Where(c => c.Item2.Count > 0).ToList();
}

static List<string> Trim(List<string> lines)
{
    int start = 0, end = lines.Count;
    while (start < end && string.IsNullOrWhiteSpace(lines[start])) start++;
    while (end > start && string.IsNullOrWhiteSpace(lines[end - 1])) end--;
    return lines.GetRange(start, end - start);
}

// Net opening brackets on a line of code, outside string and character literals and // comments.
static int Depth(string line)
{
    int depth = 0;
    char quote = '\0';
    for (int i = 0; i < line.Length; i++)
    {
        char c = line[i];
        if (quote != '\0')
        {
            if (c == '\\') i++;
            else if (c == quote) quote = '\0';
            continue;
        }
        if (c == '/' && i + 1 < line.Length && line[i + 1] == '/') break;
        if (c is '"' or '\'') quote = c;
        else if (c is '(' or '[' or '{') depth++;
        else if (c is ')' or ']' or '}') depth--;
    }
    return depth;
}

// A line that is code to run: not blank, a directive, a using line or a comment. A cell without one (directives and
// using lines only) gets no marker and no output.
static bool Runs(string line) =>
    !string.IsNullOrWhiteSpace(line) && !line.StartsWith("#:", StringComparison.Ordinal) && !line.StartsWith("using ", StringComparison.Ordinal)
    && !line.TrimStart().StartsWith("//", StringComparison.Ordinal);

Dictionary<int, string> Run(string lab, List<(bool Markdown, List<string> Lines)> cells)
{
    var copy = lab[..^3] + ".nbgen.cs";
    var program = new StringBuilder();
    for (int c = 0; c < cells.Count; c++)
    {
        if (cells[c].Markdown) continue;
        // The marker goes before the cell's first statement (after any directives and using lines it opens with).
        int first = cells[c].Lines.FindIndex(Runs);
        for (int l = 0; l < cells[c].Lines.Count; l++)
        {
            if (l == first) program.AppendLine($"System.Console.WriteLine(\"\\u001ecell {c}\");");
            program.AppendLine(cells[c].Lines[l]);
        }
    }
    File.WriteAllText(copy, program.ToString());
    try
    {
        var start = new ProcessStartInfo("dotnet", ["run", Path.GetRelativePath(root, copy)])
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(lab)} failed (exit {process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        var outputs = new Dictionary<int, string>();
        int current = -1;
        foreach (var line in stdout.Result.Split('\n'))
        {
            if (line.StartsWith(Marker, StringComparison.Ordinal)) { current = int.Parse(line[Marker.Length..]); outputs[current] = ""; continue; }
            if (current < 0) throw new InvalidOperationException($"{Path.GetFileName(lab)} printed before its first code cell: {line}");
            outputs[current] += line + "\n";
        }
        // The program's last newline ends the last cell's output; Split adds one empty piece after it.
        if (current >= 0 && outputs[current].EndsWith("\n\n", StringComparison.Ordinal)) outputs[current] = outputs[current][..^1];
        return outputs;
    }
    finally
    {
        File.Delete(copy);
    }
}

JsonObject Notebook(List<(bool Markdown, List<string> Lines)> cells, Dictionary<int, string> outputs)
{
    var list = new JsonArray();
    int executionCount = 0;
    for (int c = 0; c < cells.Count; c++)
    {
        var cell = new JsonObject
        {
            ["cell_type"] = cells[c].Markdown ? "markdown" : "code",
            ["id"] = $"cell-{c:D2}",
            ["metadata"] = new JsonObject(),
            ["source"] = Lines(string.Join("\n", cells[c].Lines)),
        };
        if (!cells[c].Markdown)
        {
            bool ran = outputs.TryGetValue(c, out var text);
            cell["execution_count"] = ran ? ++executionCount : null;
            cell["outputs"] = ran ? Outputs(text!) : new JsonArray();
        }
        list.Add(cell);
    }
    return new JsonObject
    {
        ["cells"] = list,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = "C# (.NET 10 file-based app)", ["language"] = "csharp", ["name"] = "csharp" },
            ["language_info"] = new JsonObject { ["name"] = "csharp", ["file_extension"] = ".cs", ["mimetype"] = "text/x-csharp" },
            ["stratify"] = new JsonObject { ["generated_by"] = "notebooks/tools/make-notebooks.cs", ["run_with"] = "dotnet run notebooks/<lab>.cs" },
        },
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
    };
}

// The printed text as stream outputs, with each chart the text announces shown right after its line.
JsonArray Outputs(string text)
{
    var outputs = new JsonArray();
    var pending = new StringBuilder();
    foreach (var line in text.Split('\n').SkipLast(1))
    {
        pending.Append(line).Append('\n');
        if (!line.StartsWith("Chart: ", StringComparison.Ordinal)) continue;
        outputs.Add(Stream(pending.ToString()));
        pending.Clear();
        var svg = File.ReadAllText(Path.Combine(root, line["Chart: ".Length..]));
        outputs.Add(new JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = new JsonObject { ["image/svg+xml"] = Lines(svg), ["text/plain"] = Lines(line["Chart: ".Length..]) },
            ["metadata"] = new JsonObject(),
        });
    }
    if (pending.Length > 0) outputs.Add(Stream(pending.ToString()));
    return outputs;
}

static JsonObject Stream(string text) => new() { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = Lines(text) };

// nbformat stores multi-line strings as a list of lines, each but the last keeping its "\n".
static JsonArray Lines(string text)
{
    var array = new JsonArray();
    int start = 0;
    for (int i = 0; i < text.Length; i++)
        if (text[i] == '\n') { array.Add(JsonValue.Create(text[start..(i + 1)])); start = i + 1; }
    if (start < text.Length) array.Add(JsonValue.Create(text[start..]));
    return array;
}
