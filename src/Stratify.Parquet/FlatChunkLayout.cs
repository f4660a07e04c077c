using Parquet.Meta;

namespace Stratify.Parquet;

/// <summary>
/// Where a top-level, non-nested column's chunks sit in a Parquet file: its position among the schema's leaf
/// columns (the order of every row group's column chunks, parquet.thrift's <c>RowGroup.columns</c>) and its
/// maximum definition level (0 when REQUIRED, 1 when OPTIONAL). Null for a column inside a group or a REPEATED
/// one: those are read by Parquet.Net only.
/// </summary>
internal sealed record FlatChunkLayout(string Name, int LeafIndex, int MaxDefinitionLevel)
{
    public static FlatChunkLayout? Find(FileMetaData? metadata, string name)
    {
        var schema = metadata?.Schema;
        if (schema is not { Count: > 1 }) return null;
        int leaves = 0, element = 1;
        for (int child = 0; child < (schema[0].NumChildren ?? 0) && element < schema.Count; child++)
        {
            var e = schema[element];
            if ((e.NumChildren ?? 0) == 0 && e.Name == name)
                return e.RepetitionType switch
                {
                    FieldRepetitionType.REQUIRED => new FlatChunkLayout(name, leaves, 0),
                    FieldRepetitionType.OPTIONAL => new FlatChunkLayout(name, leaves, 1),
                    _ => null,
                };
            element = SkipSubtree(schema, element, ref leaves, depth: 0);
        }
        return null;
    }

    /// <summary>This column's chunk in row group <paramref name="group"/>, when the chunk's path confirms it.</summary>
    public ColumnChunk? Chunk(FileMetaData metadata, int group)
    {
        if (group >= metadata.RowGroups.Count) return null;
        var columns = metadata.RowGroups[group].Columns;
        if (LeafIndex >= columns.Count) return null;
        var chunk = columns[LeafIndex];
        return chunk.MetaData?.PathInSchema is [var only] && only == Name ? chunk : null;
    }

    /// <summary>Index of the element after the subtree rooted at <paramref name="element"/>, counting its leaves.</summary>
    private static int SkipSubtree(List<SchemaElement> schema, int element, ref int leaves, int depth)
    {
        if (depth > 100) throw new InvalidDataException("the Parquet schema nests too deep");
        int children = schema[element].NumChildren ?? 0;
        element++;
        if (children == 0) { leaves++; return element; }
        for (int i = 0; i < children && element < schema.Count; i++) element = SkipSubtree(schema, element, ref leaves, depth + 1);
        return element;
    }
}
