namespace Stratify.Parquet;

/// <summary>
/// Unsigned LEB128 varints, as Parquet writes them in Thrift's compact protocol, in RLE run headers and in
/// DELTA_BINARY_PACKED headers (Encodings.md): 7 bits a byte, least significant group first, the high bit set on
/// every byte but the last. Zigzag-encoded signed values (0, −1, 1, −2, … written 0, 1, 2, 3, …) are decoded from them.
/// </summary>
internal static class Uleb128
{
    /// <summary>
    /// Reads the varint at <paramref name="position"/> (advanced past it) if it holds at most <paramref name="bits"/>
    /// bits; false when the data end inside it or it is longer.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> data, ref int position, int bits, out ulong value)
    {
        value = 0;
        for (int shift = 0, at = position; shift < bits && at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) != 0) continue;
            if (bits < 64 && value >> bits != 0) return false;
            position = at;
            return true;
        }
        return false;
    }

    public static long ZigZag(ulong encoded) => (long)(encoded >> 1) ^ -(long)(encoded & 1);
}
