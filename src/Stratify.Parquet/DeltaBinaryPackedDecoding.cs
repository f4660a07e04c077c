using System.Buffers.Binary;
using System.Globalization;

namespace Stratify.Parquet;

/// <summary>
/// Decodes a DELTA_BINARY_PACKED run of INT32 or INT64 values (parquet-format's Encodings.md) into their PLAIN
/// little-endian bytes, so the column-chunk decoder widens and scatters them as it does PLAIN values.
///
/// Layout: a header of four varints — block size in values (a multiple of 128), miniblocks per block (the
/// miniblock size, block size / miniblocks, a multiple of 32), the total value count, and the first value
/// (zigzag ULEB128). Then blocks, each: the minimum delta (zigzag ULEB128), one bit-width byte per miniblock,
/// and the miniblocks, each holding (miniblock size) deltas minus the minimum delta, bit-packed least
/// significant bit first at that width. Value k+1 = value k + min delta + packed delta, with wrap-around in the
/// physical type's width: computed here in 64-bit unsigned arithmetic and truncated to 32 bits for INT32, which
/// is the same modulo 2^32. The specification's INT32 deltas fit 32 bits, but DuckDB computes INT32 deltas in
/// 64 bits and, when neighbouring values differ by more than 2^31, packs them 33 bits wide; 64-bit arithmetic
/// truncated to 32 bits decodes both exactly, so a width up to 64 is accepted for INT32 too (Parquet.Net 6.1
/// misreads those DuckDB pages: 19,999 of 20,000 full-range values came back wrong). The value count may stop mid-block: the remaining miniblocks' width bytes are still there
/// but may hold anything and have no bodies, and they are ignored.
/// </summary>
internal static class DeltaBinaryPackedDecoding
{
    /// <summary>
    /// Decodes <paramref name="count"/> values from <paramref name="encoded"/> into <paramref name="plain"/>
    /// (count × 4 bytes when <paramref name="int32"/>, else count × 8). Throws <see cref="InvalidDataException"/>
    /// when the header is invalid, its value count is not <paramref name="count"/>, a width exceeds 64 or the
    /// bytes end early.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> encoded, bool int32, int count, Span<byte> plain)
    {
        int position = 0;
        ulong blockSize = ReadUleb128(encoded, ref position);
        ulong miniblocks = ReadUleb128(encoded, ref position);
        ulong total = ReadUleb128(encoded, ref position);
        if (blockSize == 0 || blockSize % 128 != 0 || blockSize > int.MaxValue)
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"DELTA_BINARY_PACKED block size {blockSize} is not a positive multiple of 128"));
        if (miniblocks == 0 || blockSize % miniblocks != 0)
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"DELTA_BINARY_PACKED block of {blockSize} values cannot hold {miniblocks} equal miniblocks"));
        int miniblockSize = (int)(blockSize / miniblocks);
        if (miniblockSize % 32 != 0)
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"DELTA_BINARY_PACKED miniblock size {miniblockSize} is not a multiple of 32"));
        if (total != (ulong)count)
            throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"DELTA_BINARY_PACKED header counts {total} values where the page has {count}"));
        if (count == 0) return;

        ulong value = ZigZag(ReadUleb128(encoded, ref position));
        Store(plain, int32, 0, value);
        int filled = 1;
        while (filled < count)
        {
            ulong minDelta = ZigZag(ReadUleb128(encoded, ref position));
            if ((ulong)(encoded.Length - position) < miniblocks) throw Corrupt("a DELTA_BINARY_PACKED block ends before its bit widths");
            var widths = encoded.Slice(position, (int)miniblocks);
            position += (int)miniblocks;
            for (int m = 0; m < widths.Length && filled < count; m++)
            {
                int width = widths[m];
                if (width > 64) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"DELTA_BINARY_PACKED bit width {width} exceeds 64"));
                int take = Math.Min(miniblockSize, count - filled);
                // A full miniblock's body is miniblockSize × width bits (a whole number of bytes, as the size is a
                // multiple of 32); only the last one, which ends the page, may be cut to the values it holds.
                long bodyBytes = (long)miniblockSize * width / 8;
                long neededBytes = ((long)take * width + 7) / 8;
                if (neededBytes > encoded.Length - position) throw Corrupt("a DELTA_BINARY_PACKED miniblock ends early");
                var body = encoded.Slice(position, (int)Math.Min(bodyBytes, encoded.Length - position));
                if (width == 0)
                {
                    for (int i = 0; i < take; i++) Store(plain, int32, filled + i, value += minDelta);
                }
                else
                {
                    ulong mask = width == 64 ? ulong.MaxValue : (1UL << width) - 1;
                    long bit = 0;
                    for (int i = 0; i < take; i++, bit += width)
                        Store(plain, int32, filled + i, value += minDelta + (ReadBits(body, bit, width) & mask));
                }
                filled += take;
                position += (int)Math.Min(bodyBytes, encoded.Length - position);
            }
        }
    }

    /// <summary>The (up to 64) bits starting at bit <paramref name="bit"/> of <paramref name="data"/>, least
    /// significant first; bits past the end of the data read as zero (only above the value's width).</summary>
    private static ulong ReadBits(ReadOnlySpan<byte> data, long bit, int width)
    {
        int index = (int)(bit >> 3), shift = (int)(bit & 7);
        ulong word;
        if (index + 8 <= data.Length) word = BinaryPrimitives.ReadUInt64LittleEndian(data[index..]);
        else
        {
            word = 0;
            for (int b = 0; index + b < data.Length; b++) word |= (ulong)data[index + b] << (8 * b);
        }
        ulong result = word >> shift;
        if (shift + width > 64 && index + 8 < data.Length) result |= (ulong)data[index + 8] << (64 - shift);
        return result;
    }

    private static void Store(Span<byte> plain, bool int32, int index, ulong value)
    {
        if (int32) BinaryPrimitives.WriteUInt32LittleEndian(plain[(4 * index)..], (uint)value);
        else BinaryPrimitives.WriteUInt64LittleEndian(plain[(8 * index)..], value);
    }

    private static ulong ZigZag(ulong encoded) => (ulong)Uleb128.ZigZag(encoded);

    private static ulong ReadUleb128(ReadOnlySpan<byte> data, ref int position) =>
        Uleb128.TryRead(data, ref position, 64, out ulong value) ? value : throw Corrupt("a DELTA_BINARY_PACKED varint is cut short or longer than 64 bits");

    private static InvalidDataException Corrupt(string why) => new($"corrupt page: {why}");
}
