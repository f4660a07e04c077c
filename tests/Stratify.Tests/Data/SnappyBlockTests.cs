using Snappier;
using Stratify.Parquet;

namespace Stratify.Tests.Data;

/// <summary>
/// Stratify's Snappy block decoder against Snappier (the reference compressor and decompressor Parquet.Net uses): every
/// block Snappier makes decodes to the original bytes, and a corrupt block is refused with InvalidDataException, never
/// a crash or a read or write outside the spans.
/// </summary>
public class SnappyBlockTests
{
    /// <summary>Bytes of the shapes pages hold: runs, small integers, repeated patterns with short and long periods, noise.</summary>
    private static byte[] PageLike(Random random, int length)
    {
        var bytes = new byte[length];
        int at = 0;
        while (at < length)
        {
            int run = Math.Min(length - at, random.Next(1, 5000));
            switch (random.Next(5))
            {
                case 0: bytes.AsSpan(at, run).Fill((byte)random.Next(256)); break;
                case 1: random.NextBytes(bytes.AsSpan(at, run)); break;
                case 2: // little-endian int64 values below 4000, as a column of days holds them
                    for (int i = 0; i < run; i += 8)
                    {
                        long value = random.Next(0, 4000);
                        for (int b = 0; b < 8 && i + b < run; b++) bytes[at + i + b] = (byte)(value >> (8 * b));
                    }
                    break;
                default:
                {
                    int period = random.Next(1, 40);
                    var pattern = new byte[period];
                    random.NextBytes(pattern);
                    for (int i = 0; i < run; i++) bytes[at + i] = pattern[i % period];
                    break;
                }
            }
            at += run;
        }
        return bytes;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(65_537)]
    [InlineData(1_000_000)]
    public void Every_block_Snappier_compresses_decodes_to_the_original_bytes(int length)
    {
        var random = new Random(length);
        for (int trial = 0; trial < 5; trial++)
        {
            var original = PageLike(random, length);
            var block = Snappy.CompressToArray(original);
            var decoded = new byte[length];

            SnappyBlock.Decompress(block, decoded);

            Assert.Equal(original, decoded);
            Assert.Equal(length, SnappyBlock.DeclaredLength(block));
        }
    }

    [Fact]
    public void Hand_made_elements_of_every_kind_decode_as_the_format_describes()
    {
        // Length 20; literal "abcd" (tag 3 << 2); copy-1 of 4 at offset 4 (tag 0b000_000_01, offset byte 4);
        // copy-2 of 8 at offset 2 (tag (7 << 2) | 2, 02 00: overlapping, repeats "cd"); copy-4 of 4 at offset 16.
        byte[] block = [20, 3 << 2, (byte)'a', (byte)'b', (byte)'c', (byte)'d', 0b000_000_01, 4, (7 << 2) | 2, 2, 0, (3 << 2) | 3, 16, 0, 0, 0];
        var decoded = new byte[20];

        SnappyBlock.Decompress(block, decoded);

        Assert.Equal("abcdabcdcdcdcdcdabcd", System.Text.Encoding.ASCII.GetString(decoded));
    }

    [Fact]
    public void A_long_literal_with_a_length_in_extra_bytes_decodes()
    {
        var literal = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
        // 300 = varint AC 02; literal tag 61 << 2 (two length bytes follow: 299 = 2B 01).
        byte[] block = [0xAC, 0x02, 61 << 2, 0x2B, 0x01, .. literal];
        var decoded = new byte[300];

        SnappyBlock.Decompress(block, decoded);

        Assert.Equal(literal, decoded);
    }

    [Fact]
    public void Copies_of_every_offset_and_length_repeat_their_pattern_whatever_room_follows()
    {
        // A 40-byte literal, then one copy-2 element (offset 1-40, length 1-64), then a literal of 0-20 bytes: the copy
        // meets every path (16-byte words, 8-byte words, a shuffled pattern, the doubling, byte by byte at the page's end).
        var random = new Random(11);
        var head = new byte[40];
        random.NextBytes(head);
        for (int offset = 1; offset <= 40; offset++)
            for (int count = 1; count <= 64; count++)
                for (int tail = 0; tail <= 20; tail += 5)
                {
                    var tailBytes = new byte[tail];
                    random.NextBytes(tailBytes);
                    var expected = new List<byte>(head);
                    for (int i = 0; i < count; i++) expected.Add(expected[^offset]);
                    expected.AddRange(tailBytes);
                    var block = new List<byte>();
                    for (uint v = (uint)expected.Count; ; v >>= 7) { block.Add((byte)(v < 0x80 ? v : (v & 0x7F) | 0x80)); if (v < 0x80) break; }
                    block.Add(39 << 2);
                    block.AddRange(head);
                    block.AddRange([(byte)(((count - 1) << 2) | 2), (byte)offset, 0]);
                    if (tail > 0) { block.Add((byte)((tail - 1) << 2)); block.AddRange(tailBytes); }
                    var decoded = new byte[expected.Count];

                    SnappyBlock.Decompress(block.ToArray(), decoded);

                    Assert.True(expected.SequenceEqual(decoded), $"offset {offset}, length {count}, {tail} bytes after");
                }
    }

    public static TheoryData<string, byte[], int> CorruptBlocks => new()
    {
        { "declared length differs from the page", [5, 4 << 2, 1, 2, 3, 4, 5], 6 },
        { "length varint cut short", [0x80], 1 },
        { "literal runs past the block", [5, 4 << 2, 1, 2, 3], 5 },
        { "literal runs past the page", [2, 4 << 2, 1, 2, 3, 4, 5], 2 },
        { "literal length bytes cut short", [70, 60 << 2], 70 },
        { "copy before the start of the page", [8, 0 << 2, 9, (3 << 2) | 2, 2, 0], 8 },
        { "copy with offset 0", [8, 0 << 2, 9, (6 << 2) | 2, 0, 0], 8 },
        { "copy past the end of the page", [6, 0 << 2, 9, (9 << 2) | 2, 1, 0], 6 },
        { "copy cut short", [6, 0 << 2, 9, (3 << 2) | 3, 1, 0], 6 },
        { "block ends before the page is full", [6, 0 << 2, 9], 6 },
        { "4-byte offset beyond 2^31", [6, 0 << 2, 9, (4 << 2) | 3, 0xFF, 0xFF, 0xFF, 0xFF], 6 },
    };

    [Theory]
    [MemberData(nameof(CorruptBlocks))]
    public void A_corrupt_block_is_refused_as_invalid_data(string why, byte[] block, int pageLength)
    {
        var target = new byte[pageLength];

        var error = Assert.Throws<InvalidDataException>(() => SnappyBlock.Decompress(block, target));

        Assert.StartsWith("corrupt page:", error.Message);
        Assert.False(string.IsNullOrEmpty(why));
    }

    [Fact]
    public void Random_damage_to_real_blocks_is_refused_or_decodes_within_the_page_never_crashes()
    {
        var random = new Random(42);
        int refused = 0;
        for (int trial = 0; trial < 2000; trial++)
        {
            var original = PageLike(random, random.Next(1, 3000));
            var block = Snappy.CompressToArray(original);
            for (int flips = random.Next(1, 4); flips > 0; flips--) block[random.Next(block.Length)] ^= (byte)(1 << random.Next(8));
            // Guard bytes around the target: a write outside the page would change them.
            var buffer = new byte[original.Length + 32];
            buffer.AsSpan().Fill(0xA5);
            try
            {
                SnappyBlock.Decompress(block, buffer.AsSpan(16, original.Length));
            }
            catch (InvalidDataException)
            {
                refused++;
            }
            Assert.All(buffer[..16], b => Assert.Equal(0xA5, b));
            Assert.All(buffer[^16..], b => Assert.Equal(0xA5, b));
        }
        Assert.True(refused > 500, $"only {refused} of 2000 damaged blocks were refused");
    }
}
