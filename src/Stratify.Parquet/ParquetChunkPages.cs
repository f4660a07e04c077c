using Parquet.Meta;
using System.Globalization;

namespace Stratify.Parquet;

/// <summary>One page of a column chunk: where its body starts in the file, and its header.</summary>
internal readonly record struct ParquetPage(long Body, PageHeader Header)
{
    public bool IsData => Header.Type is PageType.DATA_PAGE or PageType.DATA_PAGE_V2;

    /// <summary>Values (nulls included) of a data page; 0 for any other page.</summary>
    public int Values => Header.Type switch
    {
        PageType.DATA_PAGE => Header.DataPageHeader!.NumValues,
        PageType.DATA_PAGE_V2 => Header.DataPageHeaderV2!.NumValues,
        _ => 0,
    };

    public Encoding? ValueEncoding => Header.DataPageHeader?.Encoding ?? Header.DataPageHeaderV2?.Encoding;
}

/// <summary>
/// The pages of one flat column chunk, found by reading their headers alone (a few hundred bytes each) and checked
/// against the footer before either decoder runs: the pages tile the chunk's bytes exactly, from its first page to
/// its compressed size; each header is well formed with non-negative sizes inside the chunk; at most one dictionary
/// page, before the data pages; an uncompressed page's two sizes agree; a V2 page's null count and level lengths fit
/// the page, and its row count is its value count; and the data pages' values add up to the chunk's value count,
/// which the footer checks already tied to the row group's rows. So a page header whose count lies, or a chunk
/// offset that points into other bytes, is refused before a value is decoded, whichever decoder would decode it.
/// </summary>
internal sealed class ParquetChunkPages
{
    private ParquetChunkPages(long start, int size, List<ParquetPage> pages, long? nulls)
    {
        Start = start;
        Size = size;
        Pages = pages;
        NullsByHeaders = nulls;
    }

    public long Start { get; }
    public int Size { get; }
    public IReadOnlyList<ParquetPage> Pages { get; }

    /// <summary>The nulls the page headers count, when every data page is V2 (a V1 header does not count them).</summary>
    public long? NullsByHeaders { get; }

    /// <summary>
    /// Reads the page headers of <paramref name="chunk"/>; <paramref name="buffer"/> is scratch space for header
    /// bytes (pooled, owned by the caller). Throws <see cref="ParquetFormatException"/> (without row group and
    /// column, which the caller knows) at the first disagreement.
    /// </summary>
    public static ParquetChunkPages Scan(ParquetSource source, ColumnChunk chunk, ref byte[] buffer)
    {
        var meta = chunk.MetaData!;
        var (start, size) = ParquetFileLayout.Extent(meta);
        if (size > Array.MaxLength)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the column chunk holds {size:N0} bytes, more than the 2 GB Stratify reads in one piece"),
                suggestion: "Write the file with smaller row groups (DuckDB's ROW_GROUP_SIZE, pyarrow's row_group_size).");
        var pages = new List<ParquetPage>();
        long end = start + size, position = start, values = 0, nulls = 0;
        bool allV2 = true, dictionary = false, data = false;
        bool uncompressed = meta.Codec == CompressionCodec.UNCOMPRESSED;
        while (position < end)
        {
            var header = ReadHeader(source, position, end, ref buffer, out int headerLength);
            long body = position + headerLength;
            string at = string.Create(CultureInfo.InvariantCulture, $"the page at byte {position:N0}");
            if (header.CompressedPageSize < 0 || header.UncompressedPageSize < 0)
                throw new ParquetFormatException($"{at} claims a negative size");
            if (header.CompressedPageSize > end - body)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} claims {header.CompressedPageSize:N0} bytes, past the end of the column chunk at byte {end:N0}"));
            int count = 0;
            switch (header.Type)
            {
                case PageType.DICTIONARY_PAGE:
                    if (dictionary || data) throw new ParquetFormatException($"{at} is a second dictionary page, or one after the data pages");
                    if (header.DictionaryPageHeader is not { NumValues: >= 0 }) throw new ParquetFormatException($"{at} is a dictionary page without a valid dictionary header");
                    dictionary = true;
                    break;
                case PageType.DATA_PAGE:
                    count = header.DataPageHeader?.NumValues ?? throw new ParquetFormatException($"{at} is a data page without its data page header");
                    allV2 = false;
                    break;
                case PageType.DATA_PAGE_V2:
                {
                    var v2 = header.DataPageHeaderV2 ?? throw new ParquetFormatException($"{at} is a data page (V2) without its data page header");
                    count = v2.NumValues;
                    if (v2.NumNulls < 0 || v2.NumNulls > count) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} counts {v2.NumNulls:N0} nulls among {count:N0} values"));
                    if (v2.NumRows != count) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} counts {v2.NumRows:N0} rows for {count:N0} values of a flat column"));
                    if (v2.DefinitionLevelsByteLength < 0 || v2.RepetitionLevelsByteLength < 0
                        || (long)v2.DefinitionLevelsByteLength + v2.RepetitionLevelsByteLength > Math.Min(header.CompressedPageSize, header.UncompressedPageSize))
                        throw new ParquetFormatException($"{at} claims levels longer than the page");
                    nulls += v2.NumNulls;
                    if (v2.IsCompressed == false && header.CompressedPageSize != header.UncompressedPageSize)
                        throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} is stored uncompressed but claims {header.CompressedPageSize:N0} bytes stored and {header.UncompressedPageSize:N0} bytes decoded"));
                    break;
                }
                case PageType.INDEX_PAGE:
                    break;
                default:
                    throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} has an unknown page type ({(int)header.Type})"));
            }
            if (count < 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} counts a negative number of values ({count:N0})"));
            if (uncompressed && header.CompressedPageSize != header.UncompressedPageSize)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"{at} is stored uncompressed but claims {header.CompressedPageSize:N0} bytes stored and {header.UncompressedPageSize:N0} bytes decoded"));
            data |= header.Type is PageType.DATA_PAGE or PageType.DATA_PAGE_V2;
            values += count;
            if (values > meta.NumValues)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the pages hold more values than the {meta.NumValues:N0} the footer gives the column chunk (after {pages.Count + 1} pages)"));
            pages.Add(new ParquetPage(body, header));
            position = body + header.CompressedPageSize;
        }
        if (values != meta.NumValues)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the pages hold {values:N0} values where the footer gives the column chunk {meta.NumValues:N0}"));
        return new ParquetChunkPages(start, (int)size, pages, allV2 && data ? nulls : null);
    }

    /// <summary>The page header at <paramref name="position"/>: read from a small window, widened while it is cut off.</summary>
    private static PageHeader ReadHeader(ParquetSource source, long position, long end, ref byte[] buffer, out int length)
    {
        for (long window = 256; ; window *= 8)
        {
            int take = (int)Math.Min(window, end - position);
            if (ParquetPageHeaderReader.TryRead(source.Span(position, take, ref buffer), out var header, out length)) return header;
            if (take == end - position)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the page header at byte {position:N0} cannot be read: the column chunk's bytes there are not a page header"));
        }
    }
}
