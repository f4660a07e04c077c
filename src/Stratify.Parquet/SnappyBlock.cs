using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Stratify.Parquet;

/// <summary>
/// Decompresses one raw Snappy block (the unframed format Parquet's SNAPPY codec stores a page in; Google Snappy's
/// format_description.txt) straight into the caller's memory: the page's final place in the column's array. Snappier's
/// block API decompresses into a pooled scratch buffer and then copies it out, which for a million-row column doubled the
/// fresh memory the read touched and added a copy as large as the column.
///
/// The format: the uncompressed length as a little-endian base-128 varint (at most 32 bits), then elements, each a tag
/// byte whose low two bits say its kind —
/// 00 a literal of (tag &gt;&gt; 2) + 1 bytes, or for tag &gt;&gt; 2 = 60..63 a length − 1 in the next 1..4 little-endian bytes,
/// followed by the bytes themselves;
/// 01 a copy of 4 + ((tag &gt;&gt; 2) &amp; 7) bytes from offset ((tag &gt;&gt; 5) &lt;&lt; 8) | next byte;
/// 10 a copy of (tag &gt;&gt; 2) + 1 bytes from a 2-byte little-endian offset;
/// 11 the same with a 4-byte offset.
/// A copy's offset counts back from the current output position: it must be at least 1 and at most what was written,
/// and may be less than the length (the copied bytes repeat, as run-length encoding).
///
/// Every length and offset is checked before a byte is written, so a corrupt or hostile block throws
/// <see cref="InvalidDataException"/> and never reads or writes outside the two spans.
/// </summary>
internal static class SnappyBlock
{
    /// <summary>The uncompressed length a block declares, or −1 when its varint is cut short or exceeds 32 bits.</summary>
    public static long DeclaredLength(ReadOnlySpan<byte> block)
    {
        int position = 0;
        return Uleb128.TryRead(block, ref position, 32, out ulong length) ? (long)length : -1;
    }

    /// <summary>
    /// Decompresses <paramref name="block"/> into <paramref name="target"/>, which must be exactly the declared length;
    /// throws <see cref="InvalidDataException"/> for any disagreement or corrupt element.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> block, Span<byte> target)
    {
        int input = 0;
        if (!Uleb128.TryRead(block, ref input, 32, out ulong declared) || declared != (ulong)target.Length)
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"the Snappy block does not decompress to the page's {target.Length} bytes"));
        ref byte source = ref MemoryMarshal.GetReference(block);
        ref byte output = ref MemoryMarshal.GetReference(target);
        ref ushort elements = ref MemoryMarshal.GetArrayDataReference(Elements);
        ref uint masks = ref MemoryMarshal.GetArrayDataReference(TrailerMasks);
        int end = block.Length, length = target.Length, written = 0;
        // While a tag and four more bytes remain: the element's length and the bytes after its tag come from a table
        // (no branch on the kind until literal or copy), its trailer from one 4-byte read, masked to its size. The checks
        // and their messages are those of the element-by-element loop below, which decodes the block's last bytes.
        while (end - input >= 5)
        {
            uint tag = Unsafe.Add(ref source, input);
            uint entry = Unsafe.Add(ref elements, (nint)tag);
            uint extra = entry >> 11;
            uint trailer = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, input + 1));
            if (!BitConverter.IsLittleEndian) trailer = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(trailer);
            trailer &= Unsafe.Add(ref masks, (nint)extra);
            input += 1 + (int)extra;
            int count = (int)(entry & 0xFF);
            if ((tag & 3) == 0)
            {
                if (extra > 0)
                {
                    if (trailer >= int.MaxValue) throw Corrupt("a Snappy literal is longer than the page");
                    count = (int)trailer + 1;
                }
                Literal(ref source, ref input, end, ref output, ref written, length, count);
                continue;
            }
            uint offset = (entry & 0x700) + trailer;
            if (offset == 0 || offset > (uint)written) throw Corrupt("a Snappy copy reaches before the start of the page");
            if (count > length - written) throw Corrupt("a Snappy copy runs past the end of the page");
            Copy(ref Unsafe.Add(ref output, written), (int)offset, count, length - written);
            written += count;
        }
        while (input < end)
        {
            byte tag = Unsafe.Add(ref source, input++);
            int count, offset;
            switch (tag & 3)
            {
                case 0:
                {
                    count = tag >> 2;
                    if (count >= 60)
                    {
                        int bytes = count - 59;
                        if (bytes > end - input) throw Corrupt("a Snappy literal's length is cut short");
                        uint extended = 0;
                        for (int b = 0; b < bytes; b++) extended |= (uint)Unsafe.Add(ref source, input + b) << (8 * b);
                        input += bytes;
                        if (extended >= int.MaxValue) throw Corrupt("a Snappy literal is longer than the page");
                        count = (int)extended;
                    }
                    Literal(ref source, ref input, end, ref output, ref written, length, count + 1);
                    continue;
                }
                case 1:
                    if (input >= end) throw Corrupt("a Snappy copy is cut short");
                    count = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | Unsafe.Add(ref source, input++);
                    break;
                case 2:
                    if (2 > end - input) throw Corrupt("a Snappy copy is cut short");
                    count = (tag >> 2) + 1;
                    offset = Unsafe.Add(ref source, input) | (Unsafe.Add(ref source, input + 1) << 8);
                    input += 2;
                    break;
                default:
                {
                    if (4 > end - input) throw Corrupt("a Snappy copy is cut short");
                    count = (tag >> 2) + 1;
                    uint far = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref source, input));
                    if (!BitConverter.IsLittleEndian) far = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(far);
                    if (far > int.MaxValue) throw Corrupt("a Snappy copy reaches before the start of the page");
                    offset = (int)far;
                    input += 4;
                    break;
                }
            }
            if (offset == 0 || offset > written) throw Corrupt("a Snappy copy reaches before the start of the page");
            if (count > length - written) throw Corrupt("a Snappy copy runs past the end of the page");
            Copy(ref Unsafe.Add(ref output, written), offset, count, length - written);
            written += count;
        }
        if (written != length) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"the Snappy block decompresses to {written} bytes, not the page's {length}"));
    }

    /// <summary>
    /// Moves a literal of <paramref name="count"/> bytes at <paramref name="input"/> to <paramref name="written"/>, both
    /// advanced past it, after checking it lies within the block and the page. A short literal (most of them) moves 16
    /// bytes at once; the bytes past it are rewritten by the elements that follow, which must fill the page to its end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Literal(ref byte source, ref int input, int end, ref byte output, ref int written, int length, int count)
    {
        if (count > end - input || count > length - written) throw Corrupt("a Snappy literal runs past the block or the page");
        if (count <= 16 && end - input >= 16 && length - written >= 16)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, written), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref source, input)));
        else Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref output, written), ref Unsafe.Add(ref source, input), (uint)count);
        input += count;
        written += count;
    }

    /// <summary>
    /// Copies <paramref name="count"/> bytes from <paramref name="offset"/> bytes back to <paramref name="at"/>, as if byte
    /// by byte front to back, so a copy that overlaps its own output repeats the pattern of period offset.
    /// <paramref name="room"/> (≥ count) is the space left from <paramref name="at"/>. With 16 bytes to spare, whole
    /// 16- or 8-byte words are moved, spilling past the copy into bytes that later elements rewrite: a word read from
    /// offset ≥ its width back holds only bytes already written. An offset below 8 (a run: offset 1 repeats the last
    /// byte) is a pattern: its 16-byte word is shuffled from the offset bytes behind <paramref name="at"/>
    /// (byte i = behind[i mod offset]) and stored every 16 − 16 mod offset bytes, a whole number of periods.
    /// With less room, 8-byte words, the pattern widened by doubling: a word copied from the pattern's start to
    /// <c>at + done</c> is right in its first done + offset bytes (the bytes already known), so done grows to
    /// 2·done + offset, always a whole number of periods, until the source lies 8 or more bytes behind; from there
    /// at[done + i] = source[i] word by word, and no word reads a byte not yet written. Byte by byte at the page's end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(ref byte at, int offset, int count, int room)
    {
        ref byte from = ref Unsafe.Subtract(ref at, offset);
        if (room - count >= 16)
        {
            if (offset >= 16)
            {
                for (int i = 0; i < count; i += 16)
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, i), Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref from, i)));
                return;
            }
            if (offset >= 8)
            {
                for (int i = 0; i < count; i += 8)
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, i), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, i)));
                return;
            }
            if (Ssse3.IsSupported)
            {
                // The 16 bytes read from the pattern's start reach past at (room ≥ 16 makes them the page's), but the
                // shuffle takes only the offset bytes behind at.
                var pattern = Ssse3.Shuffle(Unsafe.ReadUnaligned<Vector128<byte>>(ref from),
                    Unsafe.ReadUnaligned<Vector128<byte>>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(PatternShuffles), offset * 16)));
                int step = 16 - 16 % offset;
                for (int done = 0; done < count; done += step) Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, done), pattern);
                return;
            }
        }
        if (room - count < 8)
        {
            for (int i = 0; i < count; i++) Unsafe.Add(ref at, i) = Unsafe.Add(ref from, i);
            return;
        }
        int known = 0;
        while (known + offset < 8 && known < count)
        {
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, known), Unsafe.ReadUnaligned<ulong>(ref from));
            known += known + offset;
        }
        for (int i = known; i < count; i += 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref at, i), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, i - known)));
    }

    /// <summary>For offsets 1–7, at offset·16: the 16 byte indices i mod offset (a repeating pattern's shuffle).</summary>
    private static readonly byte[] PatternShuffles = BuildPatternShuffles();

    private static byte[] BuildPatternShuffles()
    {
        var table = new byte[8 * 16];
        for (int offset = 1; offset < 8; offset++)
            for (int i = 0; i < 16; i++) table[offset * 16 + i] = (byte)(i % offset);
        return table;
    }

    /// <summary>
    /// Per tag byte: bits 0–7 the element's length (a literal's when it fits the tag, else unused), bits 8–10 a 1-byte-offset
    /// copy's high offset bits, bits 11–13 how many bytes follow the tag before a literal's data (0, or 1–4 bytes of
    /// length) or make a copy's offset (1, 2 or 4).
    /// </summary>
    private static readonly ushort[] Elements = BuildElements();

    /// <summary>The low bytes of a 4-byte read that hold 0–4 trailing bytes.</summary>
    private static readonly uint[] TrailerMasks = [0, 0xFF, 0xFFFF, 0xFF_FFFF, 0xFFFF_FFFF];

    private static ushort[] BuildElements()
    {
        var table = new ushort[256];
        for (int tag = 0; tag < 256; tag++)
        {
            int value = tag >> 2;
            (int count, int high, int extra) = (tag & 3) switch
            {
                0 => value < 60 ? (value + 1, 0, 0) : (0, 0, value - 59),
                1 => (4 + (value & 7), (tag >> 5) << 8, 1),
                2 => (value + 1, 0, 2),
                _ => (value + 1, 0, 4),
            };
            table[tag] = (ushort)(count | high | (extra << 11));
        }
        return table;
    }

    private static InvalidDataException Corrupt(string why) => new($"corrupt page: {why}");
}
