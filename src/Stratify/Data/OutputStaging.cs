// How Stratify writes an output without ever leaving a partial one or deleting what it did not write.
//
// Every output — a file (cohort.parquet, report.html, assignments.csv) or the folder of `stratify run` — is written
// inside a hidden staging folder beside it, .NAME.stratify-TICKS-RANDOM.tmp, which holds
//   .stratify-staging        the marker: "Stratify staging folder", the process id, the start time and the target;
//   .stratify-staging.lock   held open and locked (flock) for as long as the process lives;
//   NAME                     the new file or folder;
//   previous/                (folder outputs, during the swap) the output being replaced.
// Commit. A file is renamed over the target (rename(2) is atomic). A folder: the old one (if any) is renamed into the
// staging folder as previous/ and the new one renamed into place — two renames, so at every instant either the old
// or the new output is whole — then the user's own entries in previous/ (everything its manifest.json does not list
// as written by Stratify) are moved into the new folder, Stratify's old files deleted (manifest.json last) and the
// staging folder removed. An entry of the user's that the new output also writes stays in previous/ and is reported
// (with --force, Stratify's file replaces it).
// One writer per folder. A folder output holds .NAME.stratify.lock (beside it) locked from the start of the run to
// the end: a second run into the same folder is refused at once instead of mixing its files with the first's.
// Signals. The CLI's SIGTERM/SIGINT/SIGHUP handler calls AbandonAll: under the same gate as the commit (so it never
// cuts a swap in half) and as the creation of a staging folder (so it never misses one half made), it renames every
// live staging folder (so a writer still running can add nothing to it), deletes it, and marks the process as
// stopping, after which no staging folder or subfolder can be created.
// Stale staging folders (SIGKILL, a power cut) are recognised by name AND marker AND a lock no live process holds, and
// recovered before the next write to the same target: a swap cut between its renames is rolled back (previous/ goes
// back in place), one cut later is finished (the user's entries moved, Stratify's old files deleted), and the rest —
// files Stratify was writing — is deleted. Folders of older Stratify versions (.NAME.GUID.tmp, no marker) are left alone.
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Stratify.Data;

/// <summary>
/// A staged output: write into <see cref="WritePath"/>, then <see cref="Commit"/>; disposing without committing
/// leaves the target untouched and removes every temporary. See the file header for the protocol.
/// </summary>
/// <example><code>
/// using (var staging = OutputStaging.ForFile("cohort.parquet"))
/// {
///     File.WriteAllText(staging.WritePath, "...");
///     staging.Commit();
/// }
/// </code></example>
internal sealed class OutputStaging : IDisposable
{
    /// <summary>The file of a run folder that lists what Stratify wrote there (and says it was Stratify).</summary>
    public const string ManifestFileName = "manifest.json";
    /// <summary>The manifest's "generator" value that marks a folder as a Stratify output.</summary>
    public const string GeneratorName = "Stratify";
    internal const string MarkerName = ".stratify-staging";
    internal const string LockName = ".stratify-staging.lock";
    internal const string PreviousName = "previous";
    private const string MarkerTitle = "Stratify staging folder";

    // Process-wide: the signal handler must find every staging folder of this process, whichever command made it.
    private static readonly object Gate = new();
    private static readonly HashSet<OutputStaging> Live = [];
    private static bool _abandoned;

    private readonly FileStream _liveLock;
    private readonly FileStream? _targetLock;
    private readonly string? _targetLockPath;
    private readonly List<string> _createdFolders;
    private readonly List<string> _notes = [];
    private bool _committed, _released;

    private OutputStaging(string target, bool folder, string staging, FileStream liveLock, FileStream? targetLock, string? targetLockPath,
        List<string> createdFolders)
    {
        Target = target;
        IsFolder = folder;
        Folder = staging;
        _liveLock = liveLock;
        _targetLock = targetLock;
        _targetLockPath = targetLockPath;
        _createdFolders = createdFolders;
    }

    /// <summary>The full path of the output this staging will replace or create.</summary>
    public string Target { get; }
    /// <summary>True for a folder output (<c>stratify run</c>), false for a single file.</summary>
    public bool IsFolder { get; }
    /// <summary>The hidden staging folder.</summary>
    public string Folder { get; }
    /// <summary>Where to write: the new file, or the new folder (already created), inside the staging folder.</summary>
    public string WritePath => Path.Combine(Folder, Path.GetFileName(Target));
    /// <summary>What the user should know after the commit (a file of theirs kept aside because a new output has its name).</summary>
    public IReadOnlyList<string> Notes => _notes;

    /// <summary>True once a signal handler has called <see cref="AbandonAll"/>: the process is stopping.</summary>
    public static bool Abandoned { get { lock (Gate) return _abandoned; } }

    /// <summary>Stages a single-file output: removes stale temporaries of the same target, then creates the staging folder.</summary>
    public static OutputStaging ForFile(string target) => Create(target, folder: false);

    /// <summary>
    /// Stages a folder output: takes the folder's lock (refused when another live run holds it), recovers stale
    /// temporaries of the same folder, then creates the staging folder and the empty new folder in it.
    /// </summary>
    public static OutputStaging ForFolder(string target) => Create(target, folder: true);

    /// <summary>Writes one file through a staging folder: <paramref name="write"/> gets the path to write.</summary>
    public static void WriteFile(string target, Action<string> write)
    {
        using var staging = ForFile(target);
        staging.Guard(() => write(staging.WritePath));
        staging.Commit();
    }

    /// <summary>The async form of <see cref="WriteFile"/>.</summary>
    public static async Task WriteFileAsync(string target, Func<string, Task> write)
    {
        using var staging = ForFile(target);
        try { await write(staging.WritePath); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw OutputPath.Failure(e, staging.Target); }
        staging.Commit();
    }

    /// <summary>Runs <paramref name="write"/>, turning an I/O failure into a message that blames the output path.</summary>
    public void Guard(Action write)
    {
        try { write(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw OutputPath.Failure(e, Target); }
    }

    private static OutputStaging Create(string target, bool folder)
    {
        var full = Path.GetFullPath(target);
        var parent = Path.GetDirectoryName(full) ?? throw OutputPath.Failure(new IOException("no parent folder"), full);
        var name = Path.GetFileName(full);
        var created = new List<string>();
        FileStream? targetLock = null;
        string? targetLockPath = null;
        FileStream? liveLock = null;
        string? staging = null;
        // Under the gate from the first folder made to the registration: a signal handler then either finds this
        // staging folder registered (and deletes it) or runs first (and this throws) — never a folder it cannot see.
        Monitor.Enter(Gate);
        try
        {
            if (_abandoned) throw new OperationCanceledException("Stratify is stopping.");
            CreateFolders(parent, created);
            if (folder)
            {
                targetLockPath = Path.Combine(parent, $".{Short(name)}.stratify.lock");
                targetLock = AcquireTargetLock(targetLockPath, full, parent, name);
            }
            RecoverStale(parent, name, full);
            staging = Path.Combine(parent, string.Create(CultureInfo.InvariantCulture, $".{Short(name)}.stratify-{DateTime.UtcNow.Ticks:x16}-{Random.Shared.Next():x8}.tmp"));
            Directory.CreateDirectory(staging);
            liveLock = new FileStream(Path.Combine(staging, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            // Written aside and renamed, so a marker is never seen half-written (a SIGKILL between the two leaves a
            // folder of unmarked leftovers, which the next write removes).
            File.WriteAllText(Path.Combine(staging, MarkerName + ".new"),
                string.Create(CultureInfo.InvariantCulture, $"{MarkerTitle}\npid: {Environment.ProcessId}\nstarted: {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}\ntarget: {full}\n"), new UTF8Encoding(false));
            File.Move(Path.Combine(staging, MarkerName + ".new"), Path.Combine(staging, MarkerName));
            if (folder) Directory.CreateDirectory(Path.Combine(staging, name));
            var result = new OutputStaging(full, folder, staging, liveLock, targetLock, targetLockPath, created);
            Live.Add(result);
            return result;
        }
        catch (Exception e)
        {
            liveLock?.Dispose();
            if (staging is not null) TryDeleteTree(staging);
            ReleaseTargetLock(targetLock, targetLockPath);
            RemoveEmptyCreated(created);
            if (e is IOException or UnauthorizedAccessException) throw OutputPath.Failure(e, full);
            throw;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    /// <summary>
    /// Creates a folder inside the new output (<paramref name="relative"/> to <see cref="WritePath"/>). Use this, not
    /// Directory.CreateDirectory: after a signal handler removed the staging folder, this refuses instead of creating
    /// the missing folders again (which would leave an unmarked leftover).
    /// </summary>
    public string CreateFolder(string relative)
    {
        lock (Gate)
        {
            if (_abandoned || _released) throw new OperationCanceledException("Stratify is stopping.");
            return Directory.CreateDirectory(Path.Combine(WritePath, relative)).FullName;
        }
    }

    /// <summary>Puts the staged output in place of the target (see the file header); afterwards the staging folder is removed on dispose.</summary>
    public void Commit(bool force = false)
    {
        lock (Gate)
        {
            if (_abandoned) throw new OperationCanceledException("Stratify is stopping.");
            if (_committed || _released) throw new InvalidOperationException("This staged output was already committed or released.");
            try
            {
                if (IsFolder) CommitFolder(force);
                else
                {
                    if (Directory.Exists(Target))
                        throw new StratifyInputException("a folder of this name appeared while Stratify was writing the file", Target,
                            suggestion: "Move the folder away and run again.");
                    File.Move(WritePath, Target, overwrite: true);
                }
                _committed = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw OutputPath.Failure(e, Target);
            }
        }
    }

    private void CommitFolder(bool force)
    {
        if (File.Exists(Target))
            throw new StratifyInputException("a file of this name appeared while Stratify was writing the folder", Target,
                suggestion: "Move the file away and run again.");
        if (!Directory.Exists(Target))
        {
            Directory.Move(WritePath, Target);
            return;
        }
        var previous = Path.Combine(Folder, PreviousName);
        Directory.Move(Target, previous);
        try { Directory.Move(WritePath, Target); }
        catch
        {
            Directory.Move(previous, Target);
            throw;
        }
        _notes.AddRange(MergePrevious(previous, Target, force));
    }

    /// <summary>
    /// Called from a signal handler: waits for a commit in progress to finish, then deletes every live staging
    /// folder of this process (the targets stay as they were) and refuses any new one. Returns the targets abandoned.
    /// </summary>
    public static IReadOnlyList<string> AbandonAll()
    {
        lock (Gate)
        {
            _abandoned = true;
            var targets = new List<string>();
            foreach (var staging in Live.ToArray())
            {
                if (!staging._committed) targets.Add(staging.Target);
                staging.ReleaseLocked();
            }
            Live.Clear();
            return targets;
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            Live.Remove(this);
            ReleaseLocked();
        }
    }

    /// <summary>
    /// Stops holding the staging folder's locks as a killed process would, leaving everything on disk as it is: for
    /// tests of the recovery of stale temporaries.
    /// </summary>
    internal void Desert()
    {
        lock (Gate)
        {
            Live.Remove(this);
            _released = true;
            _liveLock.Dispose();
            _targetLock?.Dispose();
        }
    }

    private void ReleaseLocked()
    {
        if (_released) return;
        _released = true;
        var previous = Path.Combine(Folder, PreviousName);
        if (Directory.Exists(previous))
        {
            // Entries of the user's that could not be merged: keep them, and the marker that lets a later run retry.
            File.Delete(Path.Combine(Folder, LockName));
            _liveLock.Dispose();
            TryDeleteTree(WritePath);
        }
        else
        {
            // Renamed first: a writer still running on another thread (a signal handler is calling this) can then
            // create nothing more in it, so the recursive delete does not race with a new file and leave the folder.
            var doomed = Path.Combine(Path.GetDirectoryName(Folder)!, string.Create(CultureInfo.InvariantCulture, $".{Short(Path.GetFileName(Target))}.stratify-{DateTime.UtcNow.Ticks:x16}-{Random.Shared.Next():x8}.tmp"));
            try { Directory.Move(Folder, doomed); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { doomed = Folder; }
            TryDeleteTree(doomed);
            _liveLock.Dispose();
        }
        ReleaseTargetLock(_targetLock, _targetLockPath);
        if (!_committed) RemoveEmptyCreated(_createdFolders);
    }

    /// <summary>
    /// The paths (relative, '/'-separated) a previous Stratify run wrote in <paramref name="folder"/>, from its
    /// manifest.json; null when the folder is not a Stratify output. A manifest of Stratify before the "generator"
    /// field (it has stratify_version and spec) counts, with <paramref name="legacyNames"/> as its files.
    /// </summary>
    public static HashSet<string>? StratifyFiles(string folder, IEnumerable<string> legacyNames)
    {
        var path = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > 16 << 20) return null;
            using var document = JsonDocument.Parse(stream);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var files = new HashSet<string>(StringComparer.Ordinal) { ManifestFileName };
            if (root.TryGetProperty("generator", out var generator))
            {
                if (generator.ValueKind != JsonValueKind.String || generator.GetString() != GeneratorName) return null;
                if (root.TryGetProperty("files", out var list) && list.ValueKind == JsonValueKind.Array)
                    foreach (var item in list.EnumerateArray())
                        if (item.ValueKind == JsonValueKind.String && IsPlainRelative(item.GetString()!)) files.Add(item.GetString()!);
                return files;
            }
            if (root.TryGetProperty("stratify_version", out _) && root.TryGetProperty("spec", out _))
            {
                files.UnionWith(legacyNames);
                return files;
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A relative path that stays inside its folder (no "..", no root), as a manifest's file list must hold.</summary>
    private static bool IsPlainRelative(string path) =>
        path.Length > 0 && !Path.IsPathRooted(path) && path.Split('/').All(part => part.Length > 0 && part != "." && part != "..");

    /// <summary>
    /// Moves the user's entries of <paramref name="previous"/> into <paramref name="target"/>, deletes Stratify's files
    /// (manifest.json last), then the empty folders. Returns notes on entries kept in <paramref name="previous"/>.
    /// </summary>
    private static List<string> MergePrevious(string previous, string target, bool force)
    {
        var notes = new List<string>();
        var stratify = StratifyFiles(previous, []) ?? [];
        MoveUserEntries(previous, target, "", stratify, force, notes);
        foreach (var file in stratify.Where(f => f != ManifestFileName))
        {
            var path = Path.Combine(previous, file);
            if (File.Exists(path) || new FileInfo(path).LinkTarget is not null) File.Delete(path);
        }
        var manifest = Path.Combine(previous, ManifestFileName);
        if (File.Exists(manifest)) File.Delete(manifest);
        RemoveEmptyFolders(previous);
        return notes;
    }

    private static void MoveUserEntries(string from, string to, string relative, HashSet<string> stratify, bool force, List<string> notes)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            bool link = entry.LinkTarget is not null;
            if (!link && entry is DirectoryInfo && stratify.Any(f => f.StartsWith(path + "/", StringComparison.Ordinal)))
            {
                var inner = Path.Combine(to, entry.Name);
                if (File.Exists(inner)) { notes.Add(Kept(entry.FullName)); continue; }
                Directory.CreateDirectory(inner);
                MoveUserEntries(entry.FullName, inner, path, stratify, force, notes);
                continue;
            }
            if (stratify.Contains(path) && !(entry is DirectoryInfo && !link)) continue; // Stratify's own: deleted afterwards
            var destination = Path.Combine(to, entry.Name);
            bool taken = File.Exists(destination) || Directory.Exists(destination) || new FileInfo(destination).LinkTarget is not null;
            if (taken && !force)
            {
                notes.Add(Kept(entry.FullName));
                continue;
            }
            if (taken)
            {
                TryDeleteTree(entry.FullName); // --force: the new output's entry replaces the user's
                continue;
            }
            // rename(2) either way; a link moves as itself (Directory.Move for a link to a folder, which File.Move refuses).
            if (entry is DirectoryInfo) Directory.Move(entry.FullName, destination);
            else File.Move(entry.FullName, destination);
        }

        static string Kept(string path) =>
            $"'{path}' was kept aside: the new output has an entry of the same name (move it back by hand, or rerun with --force to let Stratify's file replace it)";
    }

    private static void RemoveEmptyFolders(string folder)
    {
        if (!Directory.Exists(folder) || new DirectoryInfo(folder).LinkTarget is not null) return;
        foreach (var inner in Directory.GetDirectories(folder))
            if (new DirectoryInfo(inner).LinkTarget is null) RemoveEmptyFolders(inner);
        if (!Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
    }

    /// <summary>
    /// Finds this target's staging folders left by dead processes (name pattern, marker naming this target, lock not
    /// held) and recovers each: roll back a cut swap, finish a merge, delete what Stratify was writing.
    /// </summary>
    private static void RecoverStale(string parent, string name, string target)
    {
        var prefix = $".{Short(name)}.stratify-";
        foreach (var candidate in Directory.EnumerateDirectories(parent, prefix + "*.tmp").Order(StringComparer.Ordinal).ToArray())
        {
            if (new DirectoryInfo(candidate).LinkTarget is not null) continue;
            var marker = MarkerTarget(candidate);
            bool unfinished = marker is null && UnmarkedLeftover(candidate);
            if (marker != target && !unfinished) continue;
            using var takeOver = TryTakeLock(Path.Combine(candidate, LockName));
            if (takeOver is null) continue; // a live process is writing it
            var previous = Path.Combine(candidate, PreviousName);
            if (Directory.Exists(previous))
            {
                if (!Directory.Exists(target) && !File.Exists(target)) Directory.Move(previous, target);
                else MergePrevious(previous, target, force: false);
            }
            if (Directory.Exists(previous)) continue; // the user's entries stay, with the marker, until they can be merged
            TryDeleteTree(candidate); // while still locked, so no other process starts recovering it

        }
    }

    /// <summary>
    /// A staging folder killed before its marker was in place holds nothing but its lock file and the marker being
    /// written: nothing of value, and only Stratify names a folder so and puts those files in it.
    /// </summary>
    private static bool UnmarkedLeftover(string staging)
    {
        try
        {
            return Directory.GetFileSystemEntries(staging).All(entry =>
                Path.GetFileName(entry) is LockName or MarkerName + ".new" && File.Exists(entry) && new FileInfo(entry).LinkTarget is null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    /// <summary>The target a staging folder's marker names, or null when there is no Stratify marker.</summary>
    private static string? MarkerTarget(string staging)
    {
        var marker = Path.Combine(staging, MarkerName);
        try
        {
            if (!File.Exists(marker) || new FileInfo(marker).Length > 64 << 10) return null;
            var lines = File.ReadAllLines(marker);
            if (lines.Length == 0 || lines[0] != MarkerTitle) return null;
            return lines.FirstOrDefault(l => l.StartsWith("target: ", StringComparison.Ordinal))?["target: ".Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Opens and locks a staging folder's lock file: null when a live process holds it.</summary>
    private static FileStream? TryTakeLock(string path)
    {
        try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e) when (e.HResult == LockHeld) { return null; }
    }

    /// <summary>EWOULDBLOCK (Linux, macOS 35): .NET's FileShare.None is flock(LOCK_EX | LOCK_NB), and this is its refusal.</summary>
    private const int LockHeld = 11;

    private static FileStream AcquireTargetLock(string lockPath, string target, string parent, string name)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            var stream = TryTakeLock(lockPath) ?? throw Busy(target, parent, name);
            // The previous holder deletes the file before it unlocks; if it did so between our open and our lock, we
            // hold a file that no longer has this name, and must open the new one.
            if (StillNamed(stream)) return stream;
            stream.Dispose();
        }
        throw Busy(target, parent, name);
    }

    private static StratifyInputException Busy(string target, string parent, string name)
    {
        string? pid = null;
        foreach (var staging in Directory.EnumerateDirectories(parent, $".{Short(name)}.stratify-*.tmp"))
        {
            if (MarkerTarget(staging) != target) continue;
            try
            {
                var line = File.ReadAllLines(Path.Combine(staging, MarkerName)).FirstOrDefault(l => l.StartsWith("pid: ", StringComparison.Ordinal));
                if (line is not null) pid = line["pid: ".Length..];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return new StratifyInputException($"another Stratify run{(pid is null ? "" : $" (process {pid})")} is writing this folder now", target,
            suggestion: "Wait for it to finish, or choose another output folder.");
    }

    /// <summary>Linux: whether an open file still has a name (/proc/self/fd says "(deleted)" once it lost it); true elsewhere.</summary>
    private static bool StillNamed(FileStream stream)
    {
        var link = string.Create(CultureInfo.InvariantCulture, $"/proc/self/fd/{stream.SafeFileHandle.DangerousGetHandle()}");
        try { return new FileInfo(link).LinkTarget is not { } name || !name.EndsWith(" (deleted)", StringComparison.Ordinal); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
    }

    private static void ReleaseTargetLock(FileStream? stream, string? path)
    {
        if (stream is null || path is null) return;
        try { File.Delete(path); } // delete while still locked, so no one locks a file about to lose its name
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        stream.Dispose();
    }

    private static void CreateFolders(string folder, List<string> created)
    {
        var missing = new Stack<string>();
        for (var f = folder; f is not null && !Directory.Exists(f); f = Path.GetDirectoryName(f)) missing.Push(f);
        while (missing.Count > 0)
        {
            var f = missing.Pop();
            Directory.CreateDirectory(f);
            created.Add(f);
        }
    }

    /// <summary>Removes the folders this staging created on the way to its target, deepest first, while they are empty.</summary>
    private static void RemoveEmptyCreated(List<string> created)
    {
        for (int i = created.Count - 1; i >= 0; i--)
        {
            try
            {
                if (Directory.Exists(created[i]) && !Directory.EnumerateFileSystemEntries(created[i]).Any()) Directory.Delete(created[i]);
                else return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        }
    }

    private static void TryDeleteTree(string path)
    {
        try
        {
            if (new DirectoryInfo(path).LinkTarget is not null || File.Exists(path)) File.Delete(path);
            else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>At most 100 characters of a name, so that a staging folder's name stays within the 255 a file system allows.</summary>
    private static string Short(string name) => name.Length <= 100 ? name : name[..100];
}
