using System.Buffers.Binary;
using Parquet.Meta;
using System.Globalization;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Parquet;

/// <summary>One leaf column of the schema, in the order of every row group's column chunks.</summary>
/// <param name="Path">Names from the top-level field down to the leaf.</param>
/// <param name="MaxDefinitionLevel">Optional and repeated ancestors, the leaf included (0 when every one is required).</param>
/// <param name="MaxRepetitionLevel">Repeated ancestors, the leaf included (0 for a flat column).</param>
internal sealed record ParquetLeaf(IReadOnlyList<string> Path, SchemaElement Element, int MaxDefinitionLevel, int MaxRepetitionLevel)
{
    public string Name => string.Join('.', Path);
    public ParquetType PhysicalType => Element.Type!.Value;
}

/// <summary>
/// The footer of one Parquet file, read with bounded sizes (<see cref="ParquetMetadataReader"/>) and cross-checked
/// before any column chunk is read: the schema is one well-formed tree (every element has a valid repetition type;
/// no negative child count, no group without children, at most <see cref="MaxSchemaDepth"/> levels, every element
/// used exactly once) with distinct top-level names; the file's row count is the sum of its row groups' and none is
/// negative; each row group has one chunk per leaf column, whose path and physical type are the schema's and,
/// for a flat column, whose value count is the row group's row count; every chunk lies between the leading
/// "PAR1" and the footer and overlaps no other chunk. Any disagreement is a <see cref="ParquetFormatException"/>
/// naming the row group and column.
/// </summary>
internal sealed class ParquetFileLayout
{
    /// <summary>Deeper schemas are refused (a flat table has depth 1; nested data rarely passes 10).</summary>
    public const int MaxSchemaDepth = 64;
    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private ParquetFileLayout(FileMetaData metadata, List<ParquetLeaf> leaves, Dictionary<string, int?> flat, long footerStart)
    {
        Metadata = metadata;
        Leaves = leaves;
        _flatLeaf = flat;
        FooterStart = footerStart;
    }

    private readonly Dictionary<string, int?> _flatLeaf;

    public FileMetaData Metadata { get; }

    /// <summary>The leaf columns, in the order of each row group's column chunks.</summary>
    public IReadOnlyList<ParquetLeaf> Leaves { get; }

    /// <summary>Where the footer starts: every column chunk ends at or before it.</summary>
    public long FooterStart { get; }

    public long RowCount => Metadata.NumRows;
    public int RowGroupCount => Metadata.RowGroups.Count;

    /// <summary>
    /// The leaf index of the top-level column <paramref name="name"/> when it is flat (a required or optional
    /// leaf directly under the root, one value per row); null for a group, a repeated field or an unknown name.
    /// </summary>
    public int? FlatLeaf(string name) => _flatLeaf.GetValueOrDefault(name);

    /// <summary>Column chunk <paramref name="leaf"/> of row group <paramref name="group"/>.</summary>
    public ColumnChunk Chunk(int group, int leaf) => Metadata.RowGroups[group].Columns[leaf];

    /// <summary>The byte range [start, start + size) of a chunk: its first page (dictionary or data) and its compressed size.</summary>
    public static (long Start, long Size) Extent(ColumnMetaData meta)
    {
        long start = meta.DataPageOffset;
        if (meta.DictionaryPageOffset is long dictionary && dictionary > 0 && dictionary < start) start = dictionary;
        return (start, meta.TotalCompressedSize);
    }

    /// <summary>Reads and checks the footer of <paramref name="source"/>.</summary>
    public static ParquetFileLayout Read(ParquetSource source)
    {
        long length = source.Length;
        Span<byte> head = stackalloc byte[4], tail = stackalloc byte[8];
        source.ReadExactly(0, head);
        source.ReadExactly(length - 8, tail);
        if (tail[4..].SequenceEqual("PARE"u8))
            throw new ParquetFormatException("the file is encrypted (its footer ends in PARE), which Stratify does not read");
        if (!head.SequenceEqual(Magic) || !tail[4..].SequenceEqual(Magic))
            throw new ParquetFormatException("not a Parquet file: it does not start and end with the Parquet marker PAR1");
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the footer length {footerLength:N0} does not fit in a file of {length:N0} bytes"));
        long footerStart = length - 8 - footerLength;
        var bytes = GC.AllocateUninitializedArray<byte>(footerLength);
        source.ReadExactly(footerStart, bytes);
        FileMetaData metadata;
        try
        {
            metadata = ParquetMetadataReader.Read(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or OverflowException)
        {
            throw new ParquetFormatException($"the footer is not valid Parquet metadata ({e.Message})");
        }
        if (metadata.EncryptionAlgorithm is not null)
            throw new ParquetFormatException("the file's columns are encrypted, which Stratify does not read");

        var (leaves, flat) = ReadSchema(metadata.Schema);
        CheckRowGroups(metadata, leaves, footerStart);
        return new ParquetFileLayout(metadata, leaves, flat, footerStart);
    }

    /// <summary>Walks the schema (a depth-first list in which each group is followed by its children) without recursion.</summary>
    private static (List<ParquetLeaf>, Dictionary<string, int?>) ReadSchema(List<SchemaElement> schema)
    {
        if (schema.Count == 0) throw new ParquetFormatException("the schema is empty");
        int rootChildren = schema[0].NumChildren ?? 0;
        if (rootChildren <= 0)
            throw new ParquetFormatException(rootChildren == 0 ? "the schema has no columns" : string.Create(CultureInfo.InvariantCulture, $"the schema's root claims {rootChildren} children"));
        var leaves = new List<ParquetLeaf>();
        var flat = new Dictionary<string, int?>(StringComparer.Ordinal);
        // Open groups: children still to come, and the levels and path down to them.
        var open = new Stack<(int Remaining, int Definition, int Repetition, string[] Path)>();
        open.Push((rootChildren, 0, 0, []));
        int index = 1;
        while (open.Count > 0)
        {
            var (remaining, definition, repetition, path) = open.Pop();
            if (remaining == 0) continue;
            open.Push((remaining - 1, definition, repetition, path));
            if (index >= schema.Count)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the schema's groups claim more children than its {schema.Count - 1} elements"), column: path.Length > 0 ? string.Join('.', path) : null);
            var element = schema[index++];
            string[] own = [.. path, element.Name];
            string name = string.Join('.', own);
            if (element.RepetitionType is not (FieldRepetitionType.REQUIRED or FieldRepetitionType.OPTIONAL or FieldRepetitionType.REPEATED))
                throw new ParquetFormatException(element.RepetitionType is null
                    ? "the schema gives the column no repetition type (required, optional or repeated)"
                    : string.Create(CultureInfo.InvariantCulture, $"the schema gives the column an invalid repetition type ({(int)element.RepetitionType})"), column: name);
            int ownDefinition = definition + (element.RepetitionType == FieldRepetitionType.REQUIRED ? 0 : 1);
            int ownRepetition = repetition + (element.RepetitionType == FieldRepetitionType.REPEATED ? 1 : 0);
            if (path.Length == 0)
            {
                if (flat.ContainsKey(element.Name))
                    throw new ParquetFormatException("two columns have this name", column: element.Name,
                        suggestion: "Rename one of them (in the tool that wrote the file) so that every column name is unique.");
                flat[element.Name] = null;
            }
            int children = element.NumChildren ?? 0;
            if (children < 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the schema claims {children} children for this group"), column: name);
            if (children > 0)
            {
                if (own.Length >= MaxSchemaDepth)
                    throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the schema nests more than {MaxSchemaDepth} levels deep"), column: own[0]);
                open.Push((children, ownDefinition, ownRepetition, own));
                continue;
            }
            if (element.Type is not { } type)
                throw new ParquetFormatException("the schema has a group with no children here", column: name);
            if (!Enum.IsDefined(type)) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the schema gives the column an unknown physical type ({(int)type})"), column: name);
            if (type == ParquetType.FIXED_LEN_BYTE_ARRAY && element.TypeLength is not > 0)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"a fixed-length byte array column needs a positive length, not {element.TypeLength}"), column: name);
            if (path.Length == 0 && ownRepetition == 0) flat[element.Name] = leaves.Count;
            leaves.Add(new ParquetLeaf(own, element, ownDefinition, ownRepetition));
        }
        if (index != schema.Count)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the schema lists {schema.Count - 1} elements but its tree holds {index - 1}"));
        return (leaves, flat);
    }

    private static void CheckRowGroups(FileMetaData metadata, List<ParquetLeaf> leaves, long footerStart)
    {
        if (metadata.NumRows < 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the footer counts a negative number of rows ({metadata.NumRows:N0})"));
        var extents = new List<(long Start, long End, int Group, int Leaf)>();
        int groups = metadata.RowGroups.Count;
        long total = 0;
        for (int g = 0; g < metadata.RowGroups.Count; g++)
        {
            var group = metadata.RowGroups[g];
            if (group.NumRows < 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the row group counts a negative number of rows ({group.NumRows:N0})"), g, groups);
            if (group.NumRows > metadata.NumRows - total)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the row groups hold more rows than the footer's total of {metadata.NumRows:N0}"), g, groups);
            total += group.NumRows;
            if (group.Columns.Count != leaves.Count)
                throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the row group has {group.Columns.Count} column chunks for the schema's {leaves.Count} columns"), g, groups);
            for (int c = 0; c < leaves.Count; c++)
            {
                var leaf = leaves[c];
                var chunk = group.Columns[c];
                ParquetFormatException Wrong(string problem) => new(problem, g, groups, leaf.Name);
                if (chunk.CryptoMetadata is not null || chunk.EncryptedColumnMetadata is not null)
                    throw Wrong("the column chunk is encrypted, which Stratify does not read");
                if (chunk.FilePath is not null) throw Wrong($"the column chunk is stored in another file ({chunk.FilePath}), which Stratify does not read");
                var meta = chunk.MetaData ?? throw Wrong("the column chunk has no metadata");
                if (!meta.PathInSchema.SequenceEqual(leaf.Path))
                    throw Wrong($"the column chunk belongs to '{string.Join('.', meta.PathInSchema)}' by its own metadata, not to this column");
                if (meta.Type != leaf.PhysicalType)
                    throw Wrong($"the column chunk is stored as {meta.Type} where the schema says {leaf.PhysicalType}");
                if (meta.NumValues < 0) throw Wrong(string.Create(CultureInfo.InvariantCulture, $"the column chunk counts a negative number of values ({meta.NumValues:N0})"));
                if (leaf.MaxRepetitionLevel == 0 && meta.NumValues != group.NumRows)
                    throw Wrong(string.Create(CultureInfo.InvariantCulture, $"the column chunk holds {meta.NumValues:N0} values where the row group has {group.NumRows:N0} rows"));
                var (start, size) = Extent(meta);
                if (size < 0 || start < 4 || start > footerStart || size > footerStart - start)
                    throw Wrong(string.Create(CultureInfo.InvariantCulture, $"the column chunk's bytes [{start:N0}, {start + size:N0}) do not lie between the file's header and its footer (bytes 4 to {footerStart:N0})"));
                if (size > 0) extents.Add((start, start + size, g, c));
            }
        }
        if (total != metadata.NumRows)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the footer counts {metadata.NumRows:N0} rows but its row groups hold {total:N0}"));
        extents.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (int i = 1; i < extents.Count; i++)
            if (extents[i].Start < extents[i - 1].End)
            {
                var (earlier, later) = (extents[i - 1], extents[i]);
                throw new ParquetFormatException(
                    string.Create(CultureInfo.InvariantCulture, $"the column chunk's bytes overlap those of column '{leaves[earlier.Leaf].Name}' in row group {earlier.Group + 1} ") +
                    string.Create(CultureInfo.InvariantCulture, $"(bytes {later.Start:N0} to {later.End:N0} against {earlier.Start:N0} to {earlier.End:N0})"), later.Group, groups, leaves[later.Leaf].Name);
            }
    }
}
