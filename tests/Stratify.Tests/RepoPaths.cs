namespace Stratify.Tests;

/// <summary>Locates the repository (the folder holding Stratify.sln) so tests read bundled data and references.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();
    public static string Datasets => Path.Combine(Root, "datasets");
    public static string Reference => Path.Combine(Root, "tests", "reference");

    public static string Dataset(string file) => Path.Combine(Datasets, file);
    public static string ReferenceFile(string file) => Path.Combine(Reference, file);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Stratify.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Stratify.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A fresh temporary folder, deleted when the test ends.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "stratify-test-" + Guid.NewGuid().ToString("N"));
    public TempFolder() => Directory.CreateDirectory(Path);
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
