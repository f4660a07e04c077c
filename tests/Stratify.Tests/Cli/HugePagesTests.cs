using System.Globalization;
using System.Runtime.InteropServices;
using Stratify.Cli;

namespace Stratify.Tests.Cli;

/// <summary>
/// The native program advises Linux to back the GC heap with transparent huge pages (HugePages): the range it
/// advises, the settings under which it does, and that the advice reaches memory the GC commits afterwards.
/// </summary>
public sealed class HugePagesTests
{
    private static readonly string[] Maps =
    [
        "55e4690e0000-55e46a3a0000 r-xp 00000000 08:01 1234567                    /usr/local/bin/stratify",
        "55e46a3a0000-55e46a9a0000 rw-p 00000000 00:00 0 ",
        "7fc987881000-7fc9a2df1000 ---p 00000000 00:00 0",
        "7fc9a2df2000-7fc9a3000000 ---p 00000000 00:00 0",
        "7fc9a3000000-7fc9a3400000 rw-p 00000000 00:00 0",
        "7fc9a3400000-7fd5700b0000 ---p 00000000 00:00 0",
        "7fd5700b0000-7fd5700c0000 rw-p 00000000 00:00 0",
        "7fd5700c0000-7fd5700c8000 r--p 00000000 08:01 7654321                    /usr/lib/x86_64-linux-gnu/libc.so.6",
        "7ffd1a000000-7ffd1a021000 rw-p 00000000 00:00 0                          [stack]",
    ];

    private static ulong Hex(string text) => ulong.Parse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [Fact]
    public void The_flags_of_the_mapping_holding_an_address_are_read_from_smaps()
    {
        string[] smaps =
        [
            "55e4690e0000-55e46a3a0000 r-xp 00000000 08:01 1234567                    /usr/local/bin/stratify",
            "Size:              19200 kB",
            "AnonHugePages:         0 kB",
            "VmFlags: rd ex mr mw me sd",
            "55e46a3a0000-55e46a9a0000 rw-p 00000000 00:00 0 ",
            "Size:               6144 kB",
            "AnonHugePages:      4096 kB",
            "THPeligible:    1",
            "VmFlags: rd wr mr mw me ac sd hg",
            "7fd5700c0000-7fd5700c8000 r--p 00000000 08:01 7654321                    /opt/a:b/lib.so",
            "VmFlags: rd mr mw me sd",
        ];

        Assert.Equal(["rd", "wr", "mr", "mw", "me", "ac", "sd", "hg"], HugePages.Flags(Hex("55e46a3a1000"), smaps)!);
        Assert.Equal(["rd", "ex", "mr", "mw", "me", "sd"], HugePages.Flags(Hex("55e4690e0000"), smaps)!);
        Assert.Equal(["rd", "mr", "mw", "me", "sd"], HugePages.Flags(Hex("7fd5700c7fff"), smaps)!);
        Assert.Null(HugePages.Flags(Hex("55e46a9a0000"), smaps)); // the first byte past a mapping
    }

    [Fact]
    public void The_advised_range_is_the_run_of_adjacent_anonymous_mappings_around_the_heap_address()
    {
        // An object in the committed part: the reservation's pieces before and after it, up to the one-page gap below
        // and the library's file mapping above (the anonymous mapping right below the library is adjacent, so it joins).
        var range = HugePages.HeapRange(Hex("7fc9a3000100"), Maps);
        Assert.Equal((Hex("7fc9a2df2000"), Hex("7fd5700c0000") - Hex("7fc9a2df2000")), range);
    }

    [Fact]
    public void No_range_for_an_address_in_a_file_mapping_a_named_mapping_or_none()
    {
        Assert.Null(HugePages.HeapRange(Hex("55e4690e1000"), Maps)); // the program's own code
        Assert.Null(HugePages.HeapRange(Hex("7ffd1a000010"), Maps)); // [stack] is named
        Assert.Null(HugePages.HeapRange(Hex("7fc9a2df1800"), Maps)); // the gap between two mappings
        Assert.Null(HugePages.HeapRange(Hex("10"), Maps));
    }

    [Fact]
    public void A_malformed_maps_line_is_refused_not_misread()
    {
        Assert.Throws<FormatException>(() => HugePages.HeapRange(1, ["not a maps line"]));
    }

    [Theory]
    [InlineData("always [madvise] never\n", true)]
    [InlineData("[always] madvise never\n", false)]
    [InlineData("always madvise [never]\n", false)]
    public void Advice_is_given_only_where_the_system_leaves_huge_pages_to_the_program(string setting, bool advised)
    {
        Assert.Equal(advised, HugePages.LeftToPrograms(setting));
    }

    /// <summary>
    /// On this machine: after the advice, a large array the GC commits later lies in a mapping the kernel has marked
    /// for huge pages ("hg" in its VmFlags). Where the system does not leave huge pages to programs, nothing is advised.
    /// </summary>
    [Fact]
    public void Memory_the_GC_commits_after_the_advice_is_marked_for_huge_pages()
    {
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!OperatingSystem.IsLinux() || !File.Exists(setting))
        {
            Assert.False(HugePages.AdviseGcHeap());
            return;
        }
        bool advised = HugePages.AdviseGcHeap();
        Assert.Equal(HugePages.LeftToPrograms(File.ReadAllText(setting)), advised);
        if (!advised) return;
        var array = GC.AllocateUninitializedArray<double>(4 << 20, pinned: true); // 32 MB, committed now
        ulong address = (ulong)Marshal.UnsafeAddrOfPinnedArrayElement(array, 1 << 20);
        var flags = HugePages.Flags(address, File.ReadAllLines("/proc/self/smaps"));
        GC.KeepAlive(array);
        Assert.NotNull(flags);
        Assert.Contains("hg", flags);
    }
}
