using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Stratify.Tests.Culture;

/// <summary>
/// The build's analyzers (CA1305 in src/.editorconfig) catch <c>ToString()</c>, <c>Parse</c> and <c>string.Format</c> without a
/// format provider, but not the texts C# builds implicitly with the current culture: an interpolated string turned into a
/// string (<c>$"{rows:N0} rows"</c>), a number joined to a string with <c>+</c>, a number written by
/// <c>StringBuilder.Append</c> / <c>TextWriter.Write</c>, or joined by <c>string.Join</c>. This test compiles the sources of
/// src/ with Roslyn and names every such site, so none can come back.
/// </summary>
public sealed class InvariantFormattingSourceTests
{
    private static readonly (string Folder, string Assembly)[] Projects =
        [("Stratify.Parquet", "Stratify.Parquet"), ("Stratify", "Stratify.Core"), ("Stratify.Cli", "stratify")];

    [Fact]
    public void No_source_in_src_formats_a_number_with_the_current_culture()
    {
        var sites = new List<string>();
        int numericHoles = 0;
        foreach (var (folder, assembly) in Projects)
        {
            var compilation = Compile(Path.Combine(RepoPaths.Root, "src", folder), assembly);
            foreach (var tree in compilation.SyntaxTrees)
            {
                var model = compilation.GetSemanticModel(tree);
                foreach (var node in tree.GetRoot().DescendantNodes())
                {
                    string? why = node switch
                    {
                        InterpolatedStringExpressionSyntax text => InterpolationProblem(text, model, ref numericHoles),
                        BinaryExpressionSyntax { RawKind: (int)SyntaxKind.AddExpression } add => ConcatenationProblem(add, model),
                        InvocationExpressionSyntax call => CallProblem(call, model),
                        _ => null,
                    };
                    if (why is not null)
                        sites.Add($"{Path.GetRelativePath(RepoPaths.Root, tree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {why}");
                }
            }
        }
        // The check sees the numbers it is looking for: the sources interpolate well over a hundred of them (with the
        // invariant culture), so a compilation that lost its references would fail here rather than pass empty.
        Assert.True(numericHoles > 100, $"only {numericHoles} numeric interpolation holes were recognised");
        Assert.True(sites.Count == 0, "formatted with the current culture:\n" + string.Join("\n", sites));
    }

    private static CSharpCompilation Compile(string folder, string assembly)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f))
            .Append(CSharpSyntaxTree.ParseText(
                "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
                "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;", parse, "GlobalUsings.cs"))
            .ToList();
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !Path.GetFileNameWithoutExtension(f).Equals(assembly, StringComparison.Ordinal)
                        && !Path.GetFileName(f).StartsWith("Stratify.Tests", StringComparison.Ordinal));
        var references = platform.Concat(local).DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).Where(IsManaged)
            .Select(f => MetadataReference.CreateFromFile(f));
        return CSharpCompilation.Create(assembly, trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
    }

    private static bool IsManaged(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            using var pe = new PEReader(stream);
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException) { return false; }
    }

    /// <summary>A type whose text depends on the current culture: a number, a date, any IFormattable but an enum.</summary>
    private static bool CultureSensitive(ITypeSymbol? type)
    {
        if (type is null || type.TypeKind == TypeKind.Error) return false;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable) type = nullable.TypeArguments[0];
        if (type.TypeKind == TypeKind.Enum || type.SpecialType is SpecialType.System_String or SpecialType.System_Char) return false;
        return type.AllInterfaces.Any(i => i.ToDisplayString() == "System.IFormattable");
    }

    private static string? InterpolationProblem(InterpolatedStringExpressionSyntax text, SemanticModel model, ref int numericHoles)
    {
        var holes = text.Contents.OfType<InterpolationSyntax>().Where(h => CultureSensitive(model.GetTypeInfo(h.Expression).Type)).ToList();
        numericHoles += holes.Count;
        if (holes.Count == 0 || FormattedInvariantly(text, model)) return null;
        return $"{text} formats {string.Join(", ", holes.Select(h => h.Expression.ToString()))}";
    }

    /// <summary>
    /// True where the interpolation is given a format provider: <c>string.Create(CultureInfo.InvariantCulture, $"...")</c>,
    /// <c>StringBuilder.Append(provider, $"...")</c>, or a FormattableString handed to FormattableString.Invariant or
    /// CountedText.Format (which formats with the invariant culture).
    /// </summary>
    private static bool FormattedInvariantly(InterpolatedStringExpressionSyntax text, SemanticModel model)
    {
        var node = (SyntaxNode)text;
        while (node.Parent is ParenthesizedExpressionSyntax) node = node.Parent;
        if (node.Parent is not ArgumentSyntax { Parent.Parent: InvocationExpressionSyntax call }) return false;
        if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method) return false;
        var converted = model.GetTypeInfo(text).ConvertedType?.ToDisplayString();
        if (converted == "System.FormattableString")
            return method.ToDisplayString() is "System.FormattableString.Invariant(System.FormattableString)"
                || method.ContainingType.Name == "CountedText" && method.Name == "Format";
        return method.Parameters.Any(p => p.Type.ToDisplayString() == "System.IFormatProvider" || p.Type.ToDisplayString() == "System.IFormatProvider?");
    }

    private static string? ConcatenationProblem(BinaryExpressionSyntax add, SemanticModel model)
    {
        if (model.GetTypeInfo(add).Type?.SpecialType != SpecialType.System_String) return null;
        foreach (var side in new[] { add.Left, add.Right })
            if (CultureSensitive(model.GetTypeInfo(side).Type)) return $"{add} joins {side} to a string";
        return null;
    }

    private static readonly HashSet<string> WritingMethods = ["Append", "Insert", "Write", "WriteLine", "Join", "Concat"];

    private static string? CallProblem(InvocationExpressionSyntax call, SemanticModel model)
    {
        if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method || !WritingMethods.Contains(method.Name)) return null;
        string owner = method.ContainingType.ToDisplayString();
        if (owner is not ("System.Text.StringBuilder" or "System.IO.TextWriter" or "System.IO.StringWriter" or "System.Console" or "string")) return null;
        if (method.IsGenericMethod && method.TypeArguments.Any(CultureSensitive)) return $"{call} joins {method.TypeArguments[0]}";
        for (int i = 0; i < call.ArgumentList.Arguments.Count; i++)
        {
            // Only the argument that becomes text: Append(text, 0, n) passes its counts as numbers.
            var parameter = method.Parameters[Math.Min(i, method.Parameters.Length - 1)];
            bool written = parameter.Name is "value" or "values" || parameter.Type.SpecialType == SpecialType.System_Object
                || parameter.Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Object };
            var argument = call.ArgumentList.Arguments[i].Expression;
            if (written && CultureSensitive(model.GetTypeInfo(argument).Type)) return $"{call} writes {argument}";
        }
        return null;
    }
}
