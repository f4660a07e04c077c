using System.Globalization;

namespace Stratify.Reporting.Charts;

/// <summary>
/// One split of an interaction tree as drawn: its path from the root ("" the root, then L or R per step), the condition that sends a patient left (the
/// "yes" branch: "biomarker &lt;= 3.2", "grade in {1, 2}") and right (the "no" branch), and its test in words
/// ("interaction χ² 24.1, Bonferroni p = 0.0002").
/// </summary>
internal sealed record InteractionTreeChartSplit(string Path, string Left, string Right, string Test);

/// <summary>One leaf (a subgroup) as drawn: its id and the lines under it (counts already printed under the small-cell rule, the effect).</summary>
internal sealed record InteractionTreeChartLeaf(string Id, IReadOnlyList<string> Lines);

/// <summary>The splits (each with its path), the leaves left to right, and the figure's text alternative.</summary>
internal sealed record InteractionTreeChartInput(IReadOnlyList<InteractionTreeChartSplit> Splits, IReadOnlyList<InteractionTreeChartLeaf> Leaves, string AltText);

/// <summary>
/// An interaction tree drawn top-down: each split as a box with its test, its two branches labelled with the
/// conditions that lead down them, and the leaves (the subgroups) in a row at the bottom with their counts and
/// treatment effect. The leaves are spaced evenly; a split sits above the middle of its two children. A tree without
/// a split is one leaf. Every text is escaped (<see cref="SvgFigure.AddText"/>); counts arrive already masked.
/// </summary>
/// <example><code>
/// var svg = InteractionTreeChart.Render(new InteractionTreeChartInput(
///     [new InteractionTreeChartSplit(0, "biomarker &lt;= 3.2", "biomarker &gt; 3.2", "interaction χ² 24.1, Bonferroni p = 0.0002")],
///     [new InteractionTreeChartLeaf("A", ["n 700 / 710", "HR 0.98 (0.80–1.19)"]), new InteractionTreeChartLeaf("B", ["n 790 / 800", "HR 0.52 (0.43–0.63)"])],
///     "Interaction tree"));
/// </code></example>
internal static class InteractionTreeChart
{
    private const double Slot = 200, Margin = 16, BoxWidth = 184, SplitWidth = 240, SplitHeight = 46, LevelHeight = 112, LineHeight = 15;

    public static string Render(InteractionTreeChartInput input)
    {
        lock (SvgFigure.RenderLock) return Draw(input); // see SvgFigure.RenderLock
    }

    private static string Draw(InteractionTreeChartInput input)
    {
        if (input.Leaves.Count != input.Splits.Count + 1)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"a binary tree with {input.Splits.Count} splits has {input.Splits.Count + 1} leaves, not {input.Leaves.Count}"));
        // Rebuild the tree from the paths: a node is the split with its path, else the next leaf (leaves are left to right).
        var byPath = input.Splits.ToDictionary(s => s.Path, StringComparer.Ordinal);
        int nextLeaf = 0;
        Node Build(string path)
        {
            if (byPath.TryGetValue(path, out var split))
            {
                var left = Build(path + "L");
                var right = Build(path + "R");
                return new Node(path.Length, split, null, left, right, (left.X + right.X) / 2);
            }
            if (nextLeaf >= input.Leaves.Count) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"the split paths need more than the {input.Leaves.Count} leaves given"));
            int leaf = nextLeaf++;
            return new Node(path.Length, null, input.Leaves[leaf], null, null, Margin + (leaf + 0.5) * Slot);
        }
        var root = Build("");
        if (nextLeaf != input.Leaves.Count) throw new ArgumentException("the split paths do not form one tree from the root");
        int depthOfLeaves = input.Splits.Count == 0 ? 0 : input.Splits.Max(s => s.Path.Length) + 1;
        int lines = input.Leaves.Max(l => l.Lines.Count);
        double width = Math.Max(SplitWidth + 2 * Margin, 2 * Margin + input.Leaves.Count * Slot);
        double leafTop = Margin + depthOfLeaves * LevelHeight;
        double height = leafTop + 22 + lines * LineHeight + 12;

        var plot = ChartStyle.NewPlot();
        plot.HideAxesAndGrid();
        var svg = SvgFigure.Render(plot, (int)Math.Ceiling(width), 1);
        svg.AddRectangle(0, 0, width, 1, "white");
        svg.ExtendDown(height);
        Draw(svg, root, leafTop);
        return svg.ToInlineSvg(input.AltText);
    }

    private sealed record Node(int Depth, InteractionTreeChartSplit? Split, InteractionTreeChartLeaf? Leaf, Node? Left, Node? Right, double X);

    private static void Draw(SvgFigure svg, Node node, double leafTop)
    {
        if (node.Split is { } split)
        {
            double top = 1 + Margin + node.Depth * LevelHeight;
            double bottom = top + SplitHeight;
            foreach (var (child, label, anchor) in new[] { (node.Left!, "yes: " + split.Left, "end"), (node.Right!, "no: " + split.Right, "start") })
            {
                double childTop = child.Split is null ? 1 + leafTop : 1 + Margin + child.Depth * LevelHeight;
                svg.AddLine(node.X, bottom, child.X, childTop, "#555555", 1.2);
                double midX = (node.X + child.X) / 2, midY = (bottom + childTop) / 2;
                svg.AddText(midX + (anchor == "end" ? -6 : 6), midY, label, anchor, 11, fill: "#333333");
                Draw(svg, child, leafTop);
            }
            svg.AddRectangle(node.X - SplitWidth / 2, top, SplitWidth, SplitHeight, "#f3f6fa", "#4a6fa5");
            svg.AddText(node.X, top + 18, split.Left.Replace("<=", "≤", StringComparison.Ordinal) + "?", size: 12, bold: true);
            svg.AddText(node.X, top + 35, split.Test, size: 10.5, fill: "#333333");
            return;
        }
        var leaf = node.Leaf!;
        double y = 1 + leafTop;
        double boxHeight = 22 + leaf.Lines.Count * LineHeight + 6;
        svg.AddRectangle(node.X - BoxWidth / 2, y, BoxWidth, boxHeight, "#ffffff", "#333333");
        svg.AddText(node.X, y + 16, $"Subgroup {leaf.Id}", size: 12, bold: true);
        for (int i = 0; i < leaf.Lines.Count; i++) svg.AddText(node.X, y + 16 + (i + 1) * LineHeight, leaf.Lines[i], size: 10.5);
    }

    /// <summary>A threshold as the rule prints it (shortest round-trip form).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
