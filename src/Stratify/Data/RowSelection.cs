namespace Stratify.Data;

/// <summary>Gathers the entries of a per-row array at given row indices (a subset or a reordering of patients).</summary>
internal static class RowSelection
{
    public static T[] Pick<T>(T[] values, int[] rows)
    {
        var result = new T[rows.Length];
        for (int k = 0; k < rows.Length; k++) result[k] = values[rows[k]];
        return result;
    }
}
