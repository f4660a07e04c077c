using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace LabKit;

/// <summary>
/// What every lab needs besides the library: where the bundled data and the chart folder are, and a table printer.
/// Tables are printed as a title, a header, a rule of dashes and aligned rows, with at least two spaces between
/// columns, so that a reader (and the lab tests, which compare the numbers with R) can find every cell.
/// </summary>
public static class Lab
{
    /// <summary>The repository root: the nearest folder above the running lab that holds <c>datasets/</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The full path of a bundled data set, e.g. <c>Lab.Dataset("lung.csv")</c>.</summary>
    public static string Dataset(string file) => Path.Combine(Root, "datasets", file);

    /// <summary>The full path of a chart or file the lab writes, in <c>notebooks/output/</c> (created on first use).</summary>
    public static string Output(string file)
    {
        var folder = Path.Combine(Root, "notebooks", "output");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, file);
    }

    /// <summary>The path relative to the repository root, with forward slashes, as the lab prints it.</summary>
    public static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    /// <summary>Prints a section heading.</summary>
    public static void Heading(string text)
    {
        Console.WriteLine();
        Console.WriteLine("## " + text);
        Console.WriteLine();
    }

    /// <summary>
    /// Prints a table. Cells are strings, integers or doubles; a double is printed with <see cref="Number"/> (four
    /// significant digits) unless the caller passes it already formatted.
    /// </summary>
    public static void Table(string title, string[] headers, IEnumerable<object?[]> rows)
    {
        var text = rows.Select(row => row.Select(Cell).ToArray()).ToList();
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in text)
        {
            if (row.Length != headers.Length) throw new ArgumentException($"table '{title}': a row has {row.Length} cells for {headers.Length} columns");
            for (int j = 0; j < row.Length; j++) widths[j] = Math.Max(widths[j], row[j].Length);
        }
        var output = new StringBuilder();
        output.AppendLine(title);
        output.AppendLine(Line(headers, widths));
        output.AppendLine(Line(widths.Select(w => new string('-', w)).ToArray(), widths));
        foreach (var row in text) output.AppendLine(Line(row, widths));
        Console.WriteLine(output.ToString());
    }

    /// <summary>Prints a data frame (e.g. a fitter's <c>Summary()</c>) as a table, one row per row.</summary>
    public static void Table(string title, DataFrame frame) =>
        Table(title, frame.Columns.Select(c => c.Name).ToArray(),
            Enumerable.Range(0, (int)frame.Rows.Count).Select(r => frame.Columns.Select(c => c[r]).ToArray()));

    /// <summary>
    /// A number as the tables print it: four significant digits, without an exponent from 0.0001 to 9,999; whole
    /// numbers of any size in full; "NA" for a missing value (NaN), "Inf" for an unbounded limit.
    /// </summary>
    public static string Number(double value, int significant = 4)
    {
        if (double.IsNaN(value)) return "NA";
        if (double.IsInfinity(value)) return value > 0 ? "Inf" : "-Inf";
        if (value == Math.Round(value) && Math.Abs(value) < 1e15) return value.ToString("F0", CultureInfo.InvariantCulture);
        double magnitude = Math.Abs(value);
        if (magnitude < 1e-4) return value.ToString("0.###e+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, significant - 1 - (int)Math.Floor(Math.Log10(magnitude)));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }

    /// <summary>A number with a fixed count of decimals (e.g. hazard ratios to 2, p-values to 3).</summary>
    public static string Fixed(double value, int decimals) =>
        double.IsNaN(value) ? "NA" : value.ToString("F" + decimals, CultureInfo.InvariantCulture);

    private static string Cell(object? value) => value switch
    {
        null => "",
        string s => s,
        double d => Number(d),
        float f => Number(f),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // The first column is left-aligned (labels), the others right-aligned (numbers).
    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int j = 0; j < cells.Length; j++)
        {
            if (j > 0) line.Append("  ");
            line.Append(j == 0 ? cells[j].PadRight(widths[j]) : cells[j].PadLeft(widths[j]));
        }
        return line.ToString().TrimEnd();
    }

    private static string FindRoot()
    {
        var start = AppContext.GetData("EntryPointFileDirectoryPath") as string ?? Directory.GetCurrentDirectory();
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "datasets")) && Directory.Exists(Path.Combine(dir.FullName, "notebooks")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"no folder above {start} holds datasets/ and notebooks/: run the lab from a clone of the Stratify repository");
    }
}
