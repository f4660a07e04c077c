// Where Stratify may write. Checked before any analysis starts, so a bad output path costs the user no time.
//
// Always refused (exit 2, --force does not change it):
//   - an empty path, the root folder /, and anything under /proc, /sys or /dev (system folders: writing there is
//     never what the user meant, and renaming over /dev/full would replace a device);
//   - an output that is an input (a data file or folder, the spec, results.json for `report`, the CSV for `import`),
//     one that contains an input (the spec's own folder, an ancestor of a data file), or one that lies inside a data
//     folder (its files would be read as part files next time). Paths are compared after resolving symbolic links;
//   - a path through an existing file (out.csv/x), a file where a folder is expected, a folder where a file is.
// Refused unless --force (folder outputs only):
//   - a non-empty folder that is not a previous Stratify output (no manifest.json written by Stratify);
//   - a previous Stratify output that holds a file of the user's with the name of one of Stratify's outputs.
// Write failures (read-only file system, permissions, a full disk) become a StratifyInputException that blames
// the path (Failure below), never an "internal error".
namespace Stratify.Data;

/// <summary>The rules an output path must pass before Stratify writes to it, and the message when writing fails.</summary>
/// <example><code>
/// var folder = OutputPath.CheckFolder(spec.Output, "output", [spec.SourceFile, .. spec.Data], force: false, RunOutput.FileNamesFor(spec), RunOutput.FileNames);
/// var file = OutputPath.CheckFile("cohort.parquet", "--out", inputs: []);
/// </code></example>
internal static class OutputPath
{
    private static readonly string[] SystemFolders = ["/proc", "/sys", "/dev"];

    /// <summary>
    /// Checks a folder output (<c>stratify run</c>) and returns its full path with symbolic links resolved (a link
    /// to a folder is written through, as cp does). <paramref name="plannedNames"/> are the paths (relative to the
    /// folder) this run will write; a user's file with one of those names in a previous output is refused unless
    /// <paramref name="force"/>. <paramref name="legacyNames"/> are the files a Stratify run could write before
    /// manifests listed them (see <see cref="OutputStaging.StratifyFiles"/>).
    /// </summary>
    public static string CheckFolder(string? path, string source, IEnumerable<string?> inputs, bool force,
        IReadOnlyCollection<string> plannedNames, IReadOnlyCollection<string> legacyNames)
    {
        var full = CheckCommon(path, source, "folder");
        var inputList = Canonical(inputs);
        var canonical = Canonical(full);
        foreach (var input in inputList)
        {
            if (Same(canonical, input))
                throw Refuse(full, "the output folder is one of the inputs", "Choose a new folder for the output, e.g. --out results.");
            if (Contains(canonical, input))
                throw Refuse(full, $"the output folder contains the input '{input}', and Stratify never writes where it would replace its own inputs",
                    "Choose a new folder for the output (a subfolder such as results/ is fine).");
            if (Directory.Exists(input) && Contains(input, canonical))
                throw Refuse(full, $"the output folder lies inside the data folder '{input}', whose files are all read as data",
                    "Choose a folder outside the data folder.");
        }
        if (File.Exists(full))
            throw Refuse(full, "the output is a file, but `stratify run` writes a folder", "Choose a folder name (the folder is created), e.g. --out results.");
        try
        {
            if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any()) return canonical;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failure(e, full); // a folder we may not even list
        }

        var previous = OutputStaging.StratifyFiles(full, legacyNames);
        if (previous is null)
        {
            if (force) return canonical;
            throw Refuse(full, "this folder already holds files that Stratify did not write (it has no manifest.json of a Stratify run), and Stratify never replaces them",
                "Choose a new or empty folder, or pass --force to write Stratify's files into it (its other files are kept; files with the names of Stratify's outputs are replaced).");
        }
        if (!force)
        {
            foreach (var name in plannedNames)
            {
                if (previous.Contains(name)) continue;
                var candidate = Path.Combine(full, name);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                    throw Refuse(candidate, "this file was not written by Stratify but has the name of one of its outputs, so the run would replace it",
                        "Rename or move it, or pass --force to let Stratify's output replace it.");
            }
        }
        return canonical;
    }

    /// <summary>Checks a single-file output (--out FILE) and returns its full path with symbolic links resolved.</summary>
    public static string CheckFile(string? path, string source, IEnumerable<string?> inputs)
    {
        var full = CheckCommon(path, source, "file");
        var canonical = Canonical(full);
        foreach (var input in Canonical(inputs))
        {
            if (Same(canonical, input))
                throw Refuse(full, "the output file is one of the inputs, and writing it would destroy that input",
                    "Give the output another name.");
            if (Directory.Exists(input) && Contains(input, canonical))
                throw Refuse(full, $"the output file lies inside the data folder '{input}', whose files are all read as data",
                    "Write it outside the data folder.");
        }
        if (Directory.Exists(full) || path!.EndsWith('/'))
            throw Refuse(full, "the output is a folder, but a file is expected here", "Give a file name, e.g. --out assignments.parquet.");
        return canonical;
    }

    private static string CheckCommon(string? path, string source, string kind)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new StratifyInputException($"the output {kind} is an empty path", source, suggestion: $"Give a {kind} name.");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StratifyInputException($"the output {kind} is not a valid path ({e.Message})", source, value: path);
        }
        var canonical = Canonical(full);
        if (Path.GetPathRoot(canonical) == canonical)
            throw Refuse(full, $"the output {kind} is the root folder of the file system", $"Give a {kind} of your own, e.g. --out results.");
        foreach (var system in SystemFolders)
            if (Same(canonical, system) || Contains(system, canonical))
                throw Refuse(full, $"the output {kind} lies in the system folder {system}, which holds no user files", $"Give a {kind} of your own, e.g. --out results.");
        for (var ancestor = Path.GetDirectoryName(full); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
            if (File.Exists(ancestor))
                throw Refuse(full, $"'{ancestor}' is a file, so nothing can be created under it", $"Choose a {kind} whose parent is a folder.");
        return full;
    }

    /// <summary>
    /// The message for an I/O failure while writing <paramref name="path"/>: what the operating system said, in words
    /// that blame the place (a full disk, a read-only file system, a missing permission), never Stratify.
    /// </summary>
    public static StratifyInputException Failure(Exception error, string path)
    {
        // On Unix, .NET puts the errno in IOException.HResult.
        var (reason, suggestion) = error switch
        {
            UnauthorizedAccessException => ("permission denied", "Choose a place you may write to, or change its permissions."),
            IOException { HResult: 28 } => ("no space left on the device (the disk is full)", "Free some space or write somewhere else."),
            IOException { HResult: 122 } => ("disk quota exceeded", "Free some space or write somewhere else."),
            IOException { HResult: 30 } => ("the file system is read-only", "Write somewhere else."),
            IOException { HResult: 13 or 1 } => ("permission denied", "Choose a place you may write to, or change its permissions."),
            IOException { HResult: 36 } or PathTooLongException => ("the name is too long", "Choose a shorter name."),
            _ => (FirstSentence(error.Message), "Check the path, or write somewhere else."),
        };
        return new StratifyInputException($"cannot write here: {reason}", path, suggestion: suggestion);
    }

    private static StratifyInputException Refuse(string path, string problem, string suggestion) =>
        new(problem, path, suggestion: suggestion);

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" : '", StringComparison.Ordinal); // .NET appends " : 'path'" to the OS message
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private static List<string> Canonical(IEnumerable<string?> paths) =>
        paths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => Canonical(Path.GetFullPath(p!))).ToList();

    private static bool Same(string a, string b) => string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>True when <paramref name="inner"/> lies strictly inside <paramref name="outer"/>.</summary>
    private static bool Contains(string outer, string inner)
    {
        var prefix = outer.EndsWith('/') ? outer : outer + "/";
        return inner.StartsWith(prefix, StringComparison.Ordinal) && inner.Length > prefix.Length;
    }

    /// <summary>
    /// The full path with every symbolic link along it resolved (as realpath(3), for the part that exists), so an
    /// output reached through a link is still recognised as an input. Gives up after 40 links (a loop), as the kernel does.
    /// </summary>
    internal static string Canonical(string fullPath)
    {
        var path = fullPath;
        for (int hop = 0; hop < 40; hop++)
        {
            var next = ResolveFirstLink(path);
            if (next is null) return path;
            path = next;
        }
        return path;
    }

    private static string? ResolveFirstLink(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var parts = fullPath[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (int i = 0; i < parts.Length; i++)
        {
            var next = Path.Join(current, parts[i]);
            FileSystemInfo info = new FileInfo(next);
            string? target;
            try { target = info.LinkTarget; }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
            if (target is not null)
            {
                var resolved = Path.GetFullPath(target, current);
                return i + 1 < parts.Length ? Path.GetFullPath(Path.Join(resolved, string.Join('/', parts[(i + 1)..]))) : resolved;
            }
            if (!info.Exists && !Directory.Exists(next)) return null;
            current = next;
        }
        return null;
    }
}
