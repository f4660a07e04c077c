using System.Globalization;
using System.Runtime.InteropServices;

namespace Stratify.Cli;

/// <summary>
/// Asks Linux to back the garbage-collected heap with transparent huge pages (2 MiB) where the system leaves that to
/// the program (<c>/sys/kernel/mm/transparent_hugepage/enabled</c> = <c>madvise</c>, the common default). A million
/// patients means arrays of 8 MB per column, and every fresh 4 KiB page of them costs the kernel a page fault on first
/// touch: on a virtual machine that was a third of a short command's time (tests/benchmarks/README.md). With the
/// advice the kernel maps such arrays a 2 MiB page at a time. The contents, and so every result, are the same either
/// way; nothing is done, and nothing can fail, where the call is unavailable or refused.
/// Off with the environment variable <c>STRATIFY_HUGE_PAGES=0</c>.
/// </summary>
internal static class HugePages
{
    private const int MadviseHugePage = 14; // MADV_HUGEPAGE

    /// <summary>
    /// Marks the address range the GC reserved for its heap (the run of adjacent anonymous mappings around a freshly
    /// allocated object, read from <c>/proc/self/maps</c>) MADV_HUGEPAGE. Memory the GC commits later inside it inherits
    /// the advice. Returns whether the advice was given.
    /// </summary>
    public static bool AdviseGcHeap() => GcHeapAdvised = AdviseGcHeapOnce();

    /// <summary>Whether <see cref="AdviseGcHeap"/> gave the advice (false before it ran).</summary>
    public static bool GcHeapAdvised { get; private set; }

    private static bool AdviseGcHeapOnce()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("STRATIFY_HUGE_PAGES") == "0") return false;
        try
        {
            if (!LeftToPrograms(File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled"))) return false;
            var probe = new byte[64];
            ulong address = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(probe, 0); // only compared, never dereferenced
            var range = HeapRange(address, File.ReadAllLines("/proc/self/maps"));
            GC.KeepAlive(probe);
            return range is { } r && Madvise((nint)r.Start, (nuint)r.Length, MadviseHugePage) == 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the system's transparent-huge-page setting (the contents of
    /// <c>/sys/kernel/mm/transparent_hugepage/enabled</c>, the chosen mode in brackets) leaves huge pages to the
    /// program's advice: <c>madvise</c>. Under <c>always</c> the kernel uses them anyway; under <c>never</c> not at all.
    /// </summary>
    internal static bool LeftToPrograms(string setting) => setting.Contains("[madvise]", StringComparison.Ordinal);

    /// <summary>
    /// The run of adjacent anonymous mappings (no file, inode 0) in <paramref name="maps"/> (the lines of
    /// <c>/proc/self/maps</c>) around <paramref name="address"/>: the GC's reservation, its committed and its reserved
    /// parts. Null when the address lies in no mapping or in a file's.
    /// </summary>
    internal static (ulong Start, ulong Length)? HeapRange(ulong address, IReadOnlyList<string> maps)
    {
        var ranges = new (ulong Start, ulong End, bool Anonymous)[maps.Count];
        int found = -1;
        for (int i = 0; i < maps.Count; i++)
        {
            ranges[i] = Parse(maps[i]);
            if (ranges[i].Start <= address && address < ranges[i].End) found = i;
        }
        if (found < 0 || !ranges[found].Anonymous) return null;
        int first = found, last = found;
        while (first > 0 && ranges[first - 1].Anonymous && ranges[first - 1].End == ranges[first].Start) first--;
        while (last + 1 < ranges.Length && ranges[last + 1].Anonymous && ranges[last + 1].Start == ranges[last].End) last++;
        return (ranges[first].Start, ranges[last].End - ranges[first].Start);
    }

    /// <summary>One line of /proc/self/maps: "start-end perms offset dev inode [path]"; anonymous when inode 0 and no path.</summary>
    private static (ulong Start, ulong End, bool Anonymous) Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        int dash = fields[0].IndexOf('-');
        if (fields.Length < 5 || dash < 0) throw new FormatException($"unexpected line in /proc/self/maps: {line}");
        ulong start = ulong.Parse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        ulong end = ulong.Parse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        bool anonymous = fields.Length == 5 && fields[4] == "0";
        return (start, end, anonymous);
    }

    /// <summary>
    /// Whether the program's start-up data (the section the Native AOT runtime expands its type data into, advised by
    /// Native/hydrated_huge_pages.c before the runtime starts) is marked for huge pages: the constructor's advice, checked
    /// in <c>/proc/self/smaps</c> (the mapping's VmFlags hold <c>hg</c>). Null where the constructor is not part of the
    /// program (under <c>dotnet run</c> and the tests, or off Linux).
    /// </summary>
    public static bool? StartUpDataAdvised()
    {
        try
        {
            if (StartUpDataAdvice(out nuint start) <= 0) return false;
            return OperatingSystem.IsLinux() && Flags((ulong)start, File.ReadAllLines("/proc/self/smaps")) is { } flags && flags.Contains("hg");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// The VmFlags of the mapping in <paramref name="smaps"/> (the lines of <c>/proc/self/smaps</c>: a maps line per
    /// mapping, then its fields) that holds <paramref name="address"/>; null when none does.
    /// </summary>
    internal static string[]? Flags(ulong address, IReadOnlyList<string> smaps)
    {
        bool inside = false;
        foreach (var line in smaps)
        {
            int colon = line.IndexOf(':');
            bool field = colon > 0 && colon < line.Length && !line.AsSpan(0, colon).Contains('-') && !line.AsSpan(0, colon).Contains(' ');
            if (!field)
            {
                var (start, end, _) = Parse(line);
                inside = start <= address && address < end;
            }
            else if (inside && line.StartsWith("VmFlags:", StringComparison.Ordinal))
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        return null;
    }

    /// <summary>The huge-page advice in effect, for STRATIFY_TIMINGS: "heap, start-up data", "heap", ... or "none".</summary>
    public static string Describe()
    {
        var parts = new List<string>();
        if (GcHeapAdvised) parts.Add("heap");
        if (StartUpDataAdvised() == true) parts.Add("start-up data");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    [DllImport("stratify_native", EntryPoint = "stratify_start_up_data_advice")]
    private static extern int StartUpDataAdvice(out nuint start);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
