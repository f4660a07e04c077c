using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.InteropServices;
using Parquet.Meta;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Parquet;

/// <summary>
/// Decodes one flat numeric Parquet column chunk straight into its slice of the cohort's <c>double[]</c>, with
/// as few copies as the format allows: the chunk's bytes are taken once (a view of the file's in-memory copy, or
/// read into a reused buffer), and each page is decompressed into its final place — a required column's Snappy
/// page straight into the destination array (widened to double there, in place, when it holds 4- or 8-byte
/// integers or floats); a V2 page of doubles into the destination and spread to its rows around the nulls — or
/// else into a reused scratch buffer followed by one converting pass. One decoder per worker thread; its buffers
/// are pooled and grow to the largest chunk seen.
///
/// What it decodes (parquet-format's parquet.thrift and Encodings.md): data pages V1 and V2, PLAIN-encoded
/// INT32, INT64, FLOAT or DOUBLE, dictionary-encoded (a PLAIN dictionary page, then RLE_DICTIONARY or PLAIN_DICTIONARY
/// indices: what pyarrow, R's arrow, DuckDB and Spark write by default for columns with few distinct values), or
/// DELTA_BINARY_PACKED INT32 or INT64 (<see cref="DeltaBinaryPackedDecoding"/>;
/// Parquet.Net 6.1 misreads DuckDB's such INT32 pages when neighbouring values differ by more than 2^31), codec
/// UNCOMPRESSED or SNAPPY, a top-level REQUIRED or OPTIONAL column (maximum definition level 0 or 1) whose
/// definition levels are the RLE/bit-packed hybrid — in a V1 page prefixed by their 4-byte little-endian length
/// and compressed with the values; in a V2 page stored uncompressed before the compressed values, their length in
/// the header. A null row becomes NaN in the values and true in the missing mask, as Parquet.Net's path gives it.
///
/// Text (BYTE_ARRAY) chunks, PLAIN or dictionary-encoded, with the same codecs, pages and levels, decode through
/// <see cref="TryDecodeText"/> into per-row codes: the caller codes each distinct value's UTF-8 bytes, a dictionary's
/// entries once each on first use, so the column's levels are the values its rows hold (as through Parquet.Net).
///
/// The pages come checked (<see cref="ParquetChunkPages"/>: they tile the chunk and their values add up to the
/// footer's). Anything else — another codec, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY or BYTE_STREAM_SPLIT encoding, a repeated or nested column, a page larger than its values
/// can fill — makes <see cref="TryDecode"/> return false before it writes anything, and the caller reads the chunk
/// with Parquet.Net instead. A page whose contents turn out corrupt (a Snappy stream that does not decode, levels
/// that run short, too few values, a dictionary index beyond the dictionary, an invalid DELTA_BINARY_PACKED header)
/// throws <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class ParquetColumnChunkDecoder : IDisposable
{
    /// <summary>The code of one text value, given as its UTF-8 bytes (valid only during the call).</summary>
    public delegate int TextCoder(ReadOnlySpan<byte> utf8);

    private byte[] _chunk = [];
    private byte[] _scratch = [];
    private byte[] _levels = [];
    private byte[] _decoded = [];

    /// <summary>Data pages this decoder has decoded so far.</summary>
    public int DataPages { get; private set; }

    /// <summary>
    /// Decodes <paramref name="chunk"/>, whose pages are <paramref name="pages"/>, from <paramref name="source"/>
    /// into <paramref name="destination"/> (one element per row of the row group). <paramref name="missing"/> is
    /// asked for the row group's slice of the missing mask only when a null is found. False, with nothing written,
    /// when the chunk needs Parquet.Net.
    /// </summary>
    public bool TryDecode(ParquetSource source, ColumnChunk chunk, ParquetChunkPages pages, ParquetType physicalType, int maxDefinitionLevel,
        Span<double> destination, Func<Span<bool>> missing)
    {
        if (!Supports(chunk, physicalType, maxDefinitionLevel, destination.Length) || !SupportsPages(pages, physicalType, maxDefinitionLevel, destination.Length)) return false;
        var bytes = source.Span(pages.Start, pages.Size, ref _chunk);
        var codec = chunk.MetaData!.Codec;
        int row = 0;
        double[]? dictionary = null;
        foreach (var (body, header) in pages.Pages)
        {
            if (header.Type == PageType.DICTIONARY_PAGE)
            {
                dictionary = DecodeDictionary(bytes.Slice((int)(body - pages.Start), header.CompressedPageSize), header, codec, physicalType);
                continue;
            }
            if (header.Type is not (PageType.DATA_PAGE or PageType.DATA_PAGE_V2)) continue;
            int values = header.Type == PageType.DATA_PAGE ? header.DataPageHeader!.NumValues : header.DataPageHeaderV2!.NumValues;
            int at = row;
            DecodePage(bytes.Slice((int)(body - pages.Start), header.CompressedPageSize), header, codec, physicalType, (byte)maxDefinitionLevel,
                dictionary, destination.Slice(at, values), () => missing().Slice(at, values));
            row += values;
            DataPages++;
        }
        return true;
    }

    /// <summary>
    /// Decodes a flat BYTE_ARRAY (text) chunk, PLAIN or dictionary-encoded, uncompressed or Snappy, data pages V1 or V2,
    /// into <paramref name="codes"/> (one per row of the row group): each value's bytes (UTF-8) go to
    /// <paramref name="code"/>, which returns the code the row gets; a null row gets −1. A dictionary's entries are coded
    /// once each and its rows take their entry's code. False, with nothing written, when the chunk needs Parquet.Net.
    /// </summary>
    public bool TryDecodeText(ParquetSource source, ColumnChunk chunk, ParquetChunkPages pages, int maxDefinitionLevel, Span<int> codes, TextCoder code)
    {
        var meta = chunk.MetaData;
        if (meta is null || chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null || meta.Type != ParquetType.BYTE_ARRAY) return false;
        if (meta.Codec is not (CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY)) return false;
        if (maxDefinitionLevel is not (0 or 1) || meta.PathInSchema is not { Count: 1 } || meta.NumValues != codes.Length) return false;
        foreach (var encoding in meta.Encodings)
            if (!(encoding is Encoding.PLAIN or Encoding.RLE or Encoding.BIT_PACKED || IsDictionary(encoding))) return false;
        bool dictionaryPage = false;
        foreach (var (_, header) in pages.Pages)
        {
            // A page's decoded size is at most the chunk's (the footer's total), fits an array, and is what its bytes can
            // decode to: nothing is allocated for a size the file cannot hold.
            if (header.UncompressedPageSize > Math.Min(meta.TotalUncompressedSize, Array.MaxLength) || !WithinExpansion(header)) return false;
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE when header.DictionaryPageHeader is { Encoding: Encoding.PLAIN or Encoding.PLAIN_DICTIONARY }:
                    dictionaryPage = true;
                    continue;
                case PageType.DATA_PAGE when header.DataPageHeader is { } v1:
                    if (!(v1.Encoding == Encoding.PLAIN || IsDictionary(v1.Encoding) && dictionaryPage) || (maxDefinitionLevel > 0 && v1.DefinitionLevelEncoding != Encoding.RLE)) return false;
                    continue;
                case PageType.DATA_PAGE_V2 when header.DataPageHeaderV2 is { } v2:
                    if (!(v2.Encoding == Encoding.PLAIN || IsDictionary(v2.Encoding) && dictionaryPage) || v2.RepetitionLevelsByteLength != 0
                        || (maxDefinitionLevel == 0 && (v2.DefinitionLevelsByteLength != 0 || v2.NumNulls != 0))) return false;
                    continue;
                case PageType.INDEX_PAGE:
                    continue;
                default:
                    return false;
            }
        }
        var bytes = source.Span(pages.Start, pages.Size, ref _chunk);
        bool snappy = meta.Codec == CompressionCodec.SNAPPY;
        TextDictionary? dictionary = null;
        int row = 0;
        foreach (var (body, header) in pages.Pages)
        {
            var page = bytes.Slice((int)(body - pages.Start), header.CompressedPageSize);
            if (header.Type == PageType.DICTIONARY_PAGE)
            {
                dictionary = new TextDictionary(snappy ? DecompressToScratch(page, header.UncompressedPageSize) : page, header.DictionaryPageHeader!.NumValues);
                continue;
            }
            if (header.Type is not (PageType.DATA_PAGE or PageType.DATA_PAGE_V2)) continue;
            int values = header.Type == PageType.DATA_PAGE ? header.DataPageHeader!.NumValues : header.DataPageHeaderV2!.NumValues;
            DecodeTextPage(page, header, snappy, (byte)maxDefinitionLevel, dictionary, codes.Slice(row, values), code);
            row += values;
            DataPages++;
        }
        return true;
    }

    private void DecodeTextPage(ReadOnlySpan<byte> body, PageHeader header, bool snappy, byte maxDefinitionLevel, TextDictionary? dictionary, Span<int> codes, TextCoder code)
    {
        int rows = codes.Length;
        ReadOnlySpan<byte> levels = default, values;
        if (header.Type == PageType.DATA_PAGE)
        {
            SplitV1(snappy ? DecompressToScratch(body, header.UncompressedPageSize) : body, maxDefinitionLevel, out levels, out values);
        }
        else
        {
            var v2 = header.DataPageHeaderV2!;
            if (v2.DefinitionLevelsByteLength < 0 || v2.DefinitionLevelsByteLength > body.Length) throw Corrupt("the definition levels run past the page");
            levels = body[..v2.DefinitionLevelsByteLength];
            var data = body[v2.DefinitionLevelsByteLength..];
            values = snappy && (v2.IsCompressed ?? true) ? DecompressToScratch(data, header.UncompressedPageSize - v2.DefinitionLevelsByteLength) : data;
        }
        int present = Present(levels, header, maxDefinitionLevel, rows, out var definitions);
        // The present values' codes first, at the front of the page's slice; then spread to their rows from the back.
        var presentCodes = codes[..present];
        if (IsDictionary(header.DataPageHeader?.Encoding ?? header.DataPageHeaderV2!.Encoding))
        {
            DecodeIndices(values, dictionary!.Count, presentCodes);
            for (int i = 0; i < present; i++) presentCodes[i] = dictionary.Code(presentCodes[i], code);
        }
        else
        {
            int position = 0;
            for (int i = 0; i < present; i++) presentCodes[i] = code(NextText(values, ref position, i, present, "the page"));
        }
        if (present == rows) return;
        for (int i = rows - 1, next = present; i >= 0; i--)
            codes[i] = definitions[i] == maxDefinitionLevel ? codes[--next] : -1;
    }

    /// <summary>
    /// Whether a page's uncompressed size is one its stored bytes can decode to: a Snappy copy element turns 2 bytes into
    /// at most 11 and 3 into at most 64, so no page grows 32-fold (an uncompressed page does not grow at all).
    /// </summary>
    private static bool WithinExpansion(PageHeader header) => (long)header.UncompressedPageSize <= 32L * header.CompressedPageSize + 64;

    /// <summary>A V1 page's definition levels (after their 4-byte little-endian length, when the column has nulls) and values.</summary>
    private static void SplitV1(ReadOnlySpan<byte> page, byte maxDefinitionLevel, out ReadOnlySpan<byte> levels, out ReadOnlySpan<byte> values)
    {
        levels = default;
        values = page;
        if (maxDefinitionLevel == 0) return;
        if (page.Length < 4) throw Corrupt("the page ends before its definition levels");
        int length = BinaryPrimitives.ReadInt32LittleEndian(page);
        if (length < 0 || length > page.Length - 4) throw Corrupt("the definition levels run past the page");
        levels = page.Slice(4, length);
        values = page[(4 + length)..];
    }

    /// <summary>The next PLAIN byte array (a 4-byte little-endian length, then the bytes) from <paramref name="position"/>.</summary>
    private static ReadOnlySpan<byte> NextText(ReadOnlySpan<byte> plain, ref int position, int index, int count, string where)
    {
        if (plain.Length - position < 4) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"{where} ends after {index} of its {count} texts"));
        int length = BinaryPrimitives.ReadInt32LittleEndian(plain[position..]);
        position += 4;
        if (length < 0 || length > plain.Length - position) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"text {index + 1} of {where} runs past its end"));
        var text = plain.Slice(position, length);
        position += length;
        return text;
    }

    /// <summary>
    /// A text dictionary page's entries (PLAIN byte arrays), each coded on its first use by a row, so an entry no row
    /// uses never becomes a level (as when Parquet.Net reads the rows).
    /// </summary>
    private sealed class TextDictionary
    {
        private readonly byte[] _bytes;
        private readonly int[] _starts, _lengths, _codes;

        public TextDictionary(ReadOnlySpan<byte> plain, int count)
        {
            _bytes = plain.ToArray();
            _starts = new int[count];
            _lengths = new int[count];
            _codes = new int[count];
            Array.Fill(_codes, -1);
            int position = 0;
            for (int i = 0; i < count; i++)
            {
                var text = NextText(_bytes, ref position, i, count, "the dictionary page");
                _lengths[i] = text.Length;
                _starts[i] = position - text.Length;
            }
        }

        public int Count => _codes.Length;

        public int Code(int entry, TextCoder code)
        {
            int c = _codes[entry];
            return c >= 0 ? c : _codes[entry] = code(_bytes.AsSpan(_starts[entry], _lengths[entry]));
        }
    }

    private static bool Supports(ColumnChunk chunk, ParquetType physicalType, int maxDefinitionLevel, int rows)
    {
        var meta = chunk.MetaData;
        if (meta is null || chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null) return false;
        if (meta.Type != physicalType || Width(physicalType) == 0) return false;
        if (meta.Codec is not (CompressionCodec.UNCOMPRESSED or CompressionCodec.SNAPPY)) return false;
        if (maxDefinitionLevel is not (0 or 1) || meta.PathInSchema is not { Count: 1 } || meta.NumValues != rows) return false;
        // Levels may be listed as RLE or (legacy) BIT_PACKED; values must all be PLAIN, dictionary indices, or
        // DELTA_BINARY_PACKED integers.
        foreach (var encoding in meta.Encodings)
            if (!(encoding is Encoding.PLAIN or Encoding.RLE or Encoding.BIT_PACKED || IsDictionary(encoding) || IsDeltaInteger(encoding, physicalType))) return false;
        return true;
    }

    /// <summary>Whether every page is one this decoder reads; false hands the chunk to Parquet.Net.</summary>
    private static bool SupportsPages(ParquetChunkPages pages, ParquetType physicalType, int maxDefinitionLevel, int rows)
    {
        int width = Width(physicalType);
        bool dictionary = false;
        foreach (var (_, header) in pages.Pages)
        {
            int values;
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE when header.DictionaryPageHeader is { } d:
                    // PLAIN numbers, no more of them than the chunk has values, exactly as many bytes.
                    if (d.Encoding is not (Encoding.PLAIN or Encoding.PLAIN_DICTIONARY) || d.NumValues > rows
                        || header.UncompressedPageSize != (long)d.NumValues * width || !WithinExpansion(header)) return false;
                    dictionary = true;
                    continue;
                case PageType.DATA_PAGE when header.DataPageHeader is { } v1:
                    if (!IsValueEncoding(v1.Encoding, physicalType) || (maxDefinitionLevel > 0 && v1.DefinitionLevelEncoding != Encoding.RLE)) return false;
                    values = v1.NumValues;
                    break;
                case PageType.DATA_PAGE_V2 when header.DataPageHeaderV2 is { } v2:
                    if (!IsValueEncoding(v2.Encoding, physicalType) || v2.RepetitionLevelsByteLength != 0
                        || (maxDefinitionLevel == 0 && (v2.DefinitionLevelsByteLength != 0 || v2.NumNulls != 0))) return false;
                    values = v2.NumValues;
                    break;
                case PageType.INDEX_PAGE:
                    continue;
                default:
                    return false; // a page type this decoder does not know
            }
            // Dictionary indices need the chunk's dictionary page, which comes first (ParquetChunkPages checks the order).
            if (IsDictionary(header.DataPageHeader?.Encoding ?? header.DataPageHeaderV2!.Encoding) && !dictionary) return false;
            // Levels take at most about 2 bytes per value even in the worst RLE run layout: a larger page is not PLAIN
            // numbers. DELTA_BINARY_PACKED adds block headers and pads its last miniblock (up to 1024 values allowed here).
            bool delta = (header.DataPageHeader?.Encoding ?? header.DataPageHeaderV2!.Encoding) == Encoding.DELTA_BINARY_PACKED;
            long limit = delta ? (long)(values + 1024) * (width + 3) + 1024 : (long)values * (width + 2) + 16;
            if (header.UncompressedPageSize > limit) return false;
        }
        return true;
    }

    private void DecodePage(ReadOnlySpan<byte> body, PageHeader header, CompressionCodec codec, ParquetType physicalType,
        byte maxDefinitionLevel, double[]? dictionary, Span<double> destination, Func<Span<bool>> missing)
    {
        int rows = destination.Length;
        int width = Width(physicalType);
        bool snappy = codec == CompressionCodec.SNAPPY;
        ReadOnlySpan<byte> levels = default;
        ReadOnlySpan<byte> values;
        bool valuesInDestination = false;
        var encoding = header.DataPageHeader?.Encoding ?? header.DataPageHeaderV2!.Encoding;
        bool delta = encoding == Encoding.DELTA_BINARY_PACKED;
        bool indexed = IsDictionary(encoding);

        if (header.Type == PageType.DATA_PAGE)
        {
            if (maxDefinitionLevel == 0 && snappy && !delta && !indexed)
            {
                // No levels: the page is exactly the values. Decompress them into the destination's last bytes
                // (all of it for 8-byte values, its upper half for 4-byte ones) and widen to double in place.
                if (header.UncompressedPageSize != rows * width) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"a page of {rows} values claims {header.UncompressedPageSize} bytes"));
                var bytes = MemoryMarshal.AsBytes(destination);
                Decompress(body, bytes[(bytes.Length - rows * width)..]);
                WidenInPlace(destination, physicalType);
                return;
            }
            SplitV1(snappy ? DecompressToScratch(body, header.UncompressedPageSize) : body, maxDefinitionLevel, out levels, out values);
        }
        else
        {
            var v2 = header.DataPageHeaderV2!;
            levels = body[..v2.DefinitionLevelsByteLength];
            var data = body[v2.DefinitionLevelsByteLength..];
            int dataLength = header.UncompressedPageSize - v2.DefinitionLevelsByteLength;
            if (snappy && (v2.IsCompressed ?? true))
            {
                int present = v2.NumValues - v2.NumNulls;
                if (physicalType == ParquetType.DOUBLE && !indexed && dataLength == present * sizeof(double))
                {
                    Decompress(data, MemoryMarshal.AsBytes(destination[..present]));
                    values = MemoryMarshal.AsBytes(destination[..present]);
                    valuesInDestination = true;
                }
                else values = DecompressToScratch(data, dataLength);
            }
            else values = data;
        }

        if (indexed)
        {
            DecodeIndexed(values, levels, header, maxDefinitionLevel, dictionary!, destination, missing);
            return;
        }

        if (maxDefinitionLevel == 0)
        {
            if (delta) values = DecodeDelta(values, physicalType, rows);
            if (values.Length < rows * width) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"the page holds {values.Length / width} values for {rows} rows"));
            if (!valuesInDestination) Convert(values, physicalType, destination);
            return;
        }

        var definitions = Rent(ref _levels, rows).AsSpan(0, rows);
        int defined = DecodeLevels(levels, bitWidth: 1, maxDefinitionLevel, definitions);
        if (delta) values = DecodeDelta(values, physicalType, defined);
        if (values.Length < defined * width) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"the page holds {values.Length / width} values for {defined} non-null rows"));
        if (header.Type == PageType.DATA_PAGE_V2 && defined != header.DataPageHeaderV2!.NumValues - header.DataPageHeaderV2.NumNulls)
            throw Corrupt("the definition levels disagree with the page's null count");
        if (defined == rows)
        {
            if (!valuesInDestination) Convert(values, physicalType, destination);
            return;
        }
        var mask = missing();
        if (valuesInDestination) ExpandInPlace(destination, definitions, maxDefinitionLevel, defined, mask);
        else Scatter(values, physicalType, definitions, maxDefinitionLevel, destination, mask);
    }

    /// <summary>A dictionary-encoded page: its levels (when the column has nulls), its indices, each row's value looked up.</summary>
    private void DecodeIndexed(ReadOnlySpan<byte> values, ReadOnlySpan<byte> levels, PageHeader header, byte maxDefinitionLevel, double[] dictionary,
        Span<double> destination, Func<Span<bool>> missing)
    {
        int rows = destination.Length;
        int present = Present(levels, header, maxDefinitionLevel, rows, out var definitions);
        var indices = MemoryMarshal.Cast<byte, int>(Rent(ref _decoded, present * sizeof(int)).AsSpan(0, present * sizeof(int)));
        DecodeIndices(values, dictionary.Length, indices);
        if (present == rows)
        {
            for (int i = 0; i < rows; i++) destination[i] = dictionary[indices[i]];
            return;
        }
        var mask = missing();
        for (int i = 0, next = 0; i < rows; i++)
        {
            if (definitions[i] == maxDefinitionLevel) destination[i] = dictionary[indices[next++]];
            else
            {
                destination[i] = double.NaN;
                mask[i] = true;
            }
        }
    }

    /// <summary>
    /// How many of a page's <paramref name="rows"/> hold a value: all without levels, else those whose definition level
    /// (decoded into <paramref name="definitions"/>, a reused buffer) is the maximum, checked against a V2 header's count.
    /// </summary>
    private int Present(ReadOnlySpan<byte> levels, PageHeader header, byte maxDefinitionLevel, int rows, out Span<byte> definitions)
    {
        definitions = default;
        if (maxDefinitionLevel == 0) return rows;
        definitions = Rent(ref _levels, rows).AsSpan(0, rows);
        int present = DecodeLevels(levels, bitWidth: 1, maxDefinitionLevel, definitions);
        if (header.Type == PageType.DATA_PAGE_V2 && present != header.DataPageHeaderV2!.NumValues - header.DataPageHeaderV2.NumNulls)
            throw Corrupt("the definition levels disagree with the page's null count");
        return present;
    }

    private static bool IsDictionary(Encoding encoding) => encoding is Encoding.RLE_DICTIONARY or Encoding.PLAIN_DICTIONARY;

    /// <summary>A dictionary page's values (PLAIN, as many as its header says, their size checked by SupportsPages) as doubles.</summary>
    private double[] DecodeDictionary(ReadOnlySpan<byte> body, PageHeader header, CompressionCodec codec, ParquetType physicalType)
    {
        int count = header.DictionaryPageHeader!.NumValues;
        int length = header.UncompressedPageSize; // count × width (SupportsPages)
        var plain = codec == CompressionCodec.SNAPPY ? DecompressToScratch(body, length) : body;
        if (plain.Length < length) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"the dictionary page holds {plain.Length} bytes for {count} values"));
        var dictionary = new double[count];
        Convert(plain, physicalType, dictionary);
        return dictionary;
    }

    /// <summary>
    /// A dictionary-encoded page's values (Encodings.md, RLE_DICTIONARY and the older PLAIN_DICTIONARY): one byte giving
    /// the bit width (at most 32), then one index per present value in the RLE/bit-packed hybrid (see
    /// <see cref="DecodeLevels"/>), each below <paramref name="dictionaryLength"/>.
    /// </summary>
    internal static void DecodeIndices(ReadOnlySpan<byte> encoded, int dictionaryLength, Span<int> indices)
    {
        int count = indices.Length;
        if (count == 0) return;
        if (encoded.Length == 0) throw Corrupt("a dictionary-encoded page has no bit width");
        int bitWidth = encoded[0];
        if (bitWidth > 32) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"a dictionary index is {bitWidth} bits wide, more than 32"));
        int position = 1, filled = 0;
        int valueBytes = (bitWidth + 7) / 8;
        ulong mask = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        while (filled < count)
        {
            uint header = ReadVarint(encoded, ref position);
            int run;
            if ((header & 1) == 0)
            {
                if (valueBytes > encoded.Length - position) throw Corrupt("a dictionary-index run ends early");
                uint value = 0;
                for (int b = 0; b < valueBytes; b++) value |= (uint)encoded[position + b] << (8 * b);
                position += valueBytes;
                run = (int)Math.Min(header >> 1, (uint)(count - filled));
                if (run > 0 && value >= (uint)dictionaryLength) throw OutOfDictionary(value, dictionaryLength);
                indices.Slice(filled, run).Fill((int)value);
            }
            else
            {
                long values = (long)(header >> 1) * 8;
                long bytes = (long)(header >> 1) * bitWidth;
                run = (int)Math.Min(values, count - filled);
                // The values used must be there in full (a run's padding after the page's last value may be cut off).
                long needed = ((long)run * bitWidth + 7) / 8;
                if (needed > encoded.Length - position) throw Corrupt("a bit-packed dictionary-index run ends early");
                long bit = (long)position * 8;
                for (int i = 0; i < run; i++, bit += bitWidth)
                {
                    // A value lies in the 8 bytes from its first (shift + width ≤ 39 bits); near the end, fewer are read.
                    int index = (int)(bit >> 3), shift = (int)(bit & 7);
                    ulong word;
                    if (encoded.Length - index >= 8) word = BinaryPrimitives.ReadUInt64LittleEndian(encoded[index..]);
                    else
                    {
                        word = 0;
                        for (int b = 0; index + b < encoded.Length; b++) word |= (ulong)encoded[index + b] << (8 * b);
                    }
                    uint value = (uint)((word >> shift) & mask);
                    if (value >= (uint)dictionaryLength) throw OutOfDictionary(value, dictionaryLength);
                    indices[filled + i] = (int)value;
                }
                position += (int)Math.Min(encoded.Length - position, bytes);
            }
            filled += run;
        }
    }

    private static InvalidDataException OutOfDictionary(uint value, int length) =>
        Corrupt(string.Create(CultureInfo.InvariantCulture, $"dictionary index {value} is beyond the dictionary's {length} values"));

    private static bool IsDeltaInteger(Encoding encoding, ParquetType physicalType) =>
        encoding == Encoding.DELTA_BINARY_PACKED && physicalType is ParquetType.INT32 or ParquetType.INT64;

    private static bool IsValueEncoding(Encoding encoding, ParquetType physicalType) =>
        encoding == Encoding.PLAIN || IsDictionary(encoding) || IsDeltaInteger(encoding, physicalType);

    /// <summary>The page's <paramref name="count"/> DELTA_BINARY_PACKED integers as PLAIN bytes, in a reused buffer.</summary>
    private ReadOnlySpan<byte> DecodeDelta(ReadOnlySpan<byte> encoded, ParquetType physicalType, int count)
    {
        int length = count * Width(physicalType);
        var plain = Rent(ref _decoded, length).AsSpan(0, length);
        DeltaBinaryPackedDecoding.Decode(encoded, physicalType == ParquetType.INT32, count, plain);
        return plain;
    }

    /// <summary>
    /// Decodes one definition level per row into <paramref name="definitions"/> (bit width at most 8) from the
    /// RLE/bit-packed hybrid (Encodings.md): a run starts with a varint header h; h odd is a bit-packed run
    /// of (h &gt;&gt; 1) groups of 8 values, <paramref name="bitWidth"/> bits each, least significant bit first; h even
    /// is a run of (h &gt;&gt; 1) copies of one value stored in ceil(bitWidth / 8) little-endian bytes. Returns how many
    /// rows are defined (level equal to the maximum).
    /// </summary>
    internal static int DecodeLevels(ReadOnlySpan<byte> encoded, int bitWidth, byte maxLevel, Span<byte> definitions)
    {
        int rows = definitions.Length;
        int filled = 0, defined = 0, position = 0;
        int valueBytes = (bitWidth + 7) / 8;
        uint valueMask = (1u << bitWidth) - 1;
        while (filled < rows)
        {
            uint header = ReadVarint(encoded, ref position);
            int count;
            if ((header & 1) == 0)
            {
                long runLength = header >> 1;
                if (valueBytes > encoded.Length - position) throw Corrupt("a definition-level run ends early");
                uint value = 0;
                for (int b = 0; b < valueBytes; b++) value |= (uint)encoded[position + b] << (8 * b);
                position += valueBytes;
                if (value > maxLevel) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"definition level {value} exceeds the column's maximum {maxLevel}"));
                count = (int)Math.Min(runLength, rows - filled);
                definitions.Slice(filled, count).Fill((byte)value);
                if (value == maxLevel) defined += count;
            }
            else
            {
                long groups = header >> 1;
                long available = Math.Min(groups * 8, (long)(encoded.Length - position) * 8 / bitWidth);
                count = (int)Math.Min(available, rows - filled);
                if (count <= 0) throw Corrupt("a bit-packed definition-level run ends early");
                long bit = (long)position * 8;
                for (int i = 0; i < count; i++, bit += bitWidth)
                {
                    int index = (int)(bit >> 3), shift = (int)(bit & 7);
                    uint word = encoded[index];
                    if (index + 1 < encoded.Length) word |= (uint)encoded[index + 1] << 8;
                    uint value = (word >> shift) & valueMask;
                    if (value > maxLevel) throw Corrupt(string.Create(CultureInfo.InvariantCulture, $"definition level {value} exceeds the column's maximum {maxLevel}"));
                    definitions[filled + i] = (byte)value;
                    if (value == maxLevel) defined++;
                }
                position += (int)Math.Min(encoded.Length - position, groups * bitWidth);
            }
            filled += count;
        }
        return defined;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> data, ref int position) =>
        Uleb128.TryRead(data, ref position, 32, out ulong value) ? (uint)value : throw Corrupt("a run header of levels or dictionary indices is cut short or longer than 32 bits");

    private static void Convert(ReadOnlySpan<byte> values, ParquetType type, Span<double> destination)
    {
        switch (type)
        {
            case ParquetType.DOUBLE: values[..(destination.Length * sizeof(double))].CopyTo(MemoryMarshal.AsBytes(destination)); break;
            case ParquetType.FLOAT: Widen(MemoryMarshal.Cast<byte, float>(values), destination); break;
            case ParquetType.INT32: Widen(MemoryMarshal.Cast<byte, int>(values), destination); break;
            default: Widen(MemoryMarshal.Cast<byte, long>(values), destination); break;
        }
    }

    private static void Widen<T>(ReadOnlySpan<T> values, Span<double> destination) where T : unmanaged, INumberBase<T>
    {
        values = values[..destination.Length];
        for (int i = 0; i < destination.Length; i++) destination[i] = double.CreateTruncating(values[i]);
    }

    /// <summary>
    /// Turns the values stored in the destination's last <c>rows × width</c> bytes into doubles, in place. An
    /// 8-byte value is read and overwritten at its own index; a 4-byte value i starts at byte 4·rows + 4i and its
    /// double goes to bytes [8i, 8i + 8), which hold only 4-byte values with indices ≤ i, already read.
    /// </summary>
    private static void WidenInPlace(Span<double> destination, ParquetType type)
    {
        int rows = destination.Length;
        switch (type)
        {
            case ParquetType.DOUBLE: return;
            case ParquetType.INT64:
            {
                var stored = MemoryMarshal.Cast<double, long>(destination);
                for (int i = 0; i < rows; i++) { long v = stored[i]; destination[i] = v; }
                return;
            }
            case ParquetType.INT32:
            {
                var stored = MemoryMarshal.Cast<byte, int>(MemoryMarshal.AsBytes(destination)[(4 * rows)..]);
                for (int i = 0; i < rows; i++) { int v = stored[i]; destination[i] = v; }
                return;
            }
            default:
            {
                var stored = MemoryMarshal.Cast<byte, float>(MemoryMarshal.AsBytes(destination)[(4 * rows)..]);
                for (int i = 0; i < rows; i++) { float v = stored[i]; destination[i] = v; }
                return;
            }
        }
    }

    private static void Scatter(ReadOnlySpan<byte> values, ParquetType type, ReadOnlySpan<byte> definitions, byte maxLevel,
        Span<double> destination, Span<bool> missing)
    {
        switch (type)
        {
            case ParquetType.DOUBLE: Scatter(MemoryMarshal.Cast<byte, double>(values), definitions, maxLevel, destination, missing); break;
            case ParquetType.FLOAT: Scatter(MemoryMarshal.Cast<byte, float>(values), definitions, maxLevel, destination, missing); break;
            case ParquetType.INT32: Scatter(MemoryMarshal.Cast<byte, int>(values), definitions, maxLevel, destination, missing); break;
            default: Scatter(MemoryMarshal.Cast<byte, long>(values), definitions, maxLevel, destination, missing); break;
        }
    }

    private static void Scatter<T>(ReadOnlySpan<T> values, ReadOnlySpan<byte> definitions, byte maxLevel, Span<double> destination, Span<bool> missing)
        where T : unmanaged, INumberBase<T>
    {
        int next = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            if (definitions[i] == maxLevel) destination[i] = double.CreateTruncating(values[next++]);
            else
            {
                destination[i] = double.NaN;
                missing[i] = true;
            }
        }
    }

    /// <summary>The non-null values were decompressed into the front of the destination: spread them to their
    /// rows from the back, so no value is overwritten before it has moved (the k-th value never moves left).</summary>
    private static void ExpandInPlace(Span<double> destination, ReadOnlySpan<byte> definitions, byte maxLevel, int defined, Span<bool> missing)
    {
        int next = defined;
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            if (definitions[i] == maxLevel) destination[i] = destination[--next];
            else
            {
                destination[i] = double.NaN;
                missing[i] = true;
            }
        }
    }

    private ReadOnlySpan<byte> DecompressToScratch(ReadOnlySpan<byte> compressed, int length)
    {
        var target = Rent(ref _scratch, length).AsSpan(0, length);
        Decompress(compressed, target);
        return target;
    }

    private static void Decompress(ReadOnlySpan<byte> compressed, Span<byte> target) => SnappyBlock.Decompress(compressed, target);

    private static byte[] Rent(ref byte[] buffer, int size)
    {
        if (buffer.Length >= size) return buffer;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
        buffer = ArrayPool<byte>.Shared.Rent(size);
        return buffer;
    }

    private static int Width(ParquetType type) => type switch
    {
        ParquetType.INT32 or ParquetType.FLOAT => 4,
        ParquetType.INT64 or ParquetType.DOUBLE => 8,
        _ => 0,
    };

    private static InvalidDataException Corrupt(string why) => new($"corrupt page: {why}");

    public void Dispose()
    {
        foreach (var buffer in new[] { _chunk, _scratch, _levels, _decoded })
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
        _chunk = _scratch = _levels = _decoded = [];
    }
}
