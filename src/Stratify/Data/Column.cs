using Microsoft.Data.Analysis;

namespace Stratify.Data;

/// <summary>How a column's values were stored in the source file; decides which roles the column may take.</summary>
public enum SourceType
{
    Integer,
    Float,
    Decimal,
    Boolean,
    String,
    Date,
    Timestamp,
}

/// <summary>
/// One column of a cohort, held as a contiguous array (never one object per row). Missing values are part of
/// the column: a numeric column keeps a parallel missing mask, a categorical one the code -1.
/// </summary>
public abstract class Column
{
    protected Column(string name, int length)
    {
        Name = name;
        Length = length;
    }

    public string Name { get; }
    public int Length { get; }
    public abstract SourceType SourceType { get; }
    public abstract bool IsMissing(int row);

    public virtual int MissingCount
    {
        get
        {
            int count = 0;
            for (int i = 0; i < Length; i++) if (IsMissing(i)) count++;
            return count;
        }
    }

    /// <summary>The value of a row as text, as a message or a report shows it ("NA" when missing).</summary>
    public abstract string Format(int row);

    /// <summary>The same column as a Microsoft.Data.Analysis column (for notebooks and DataFrame users).</summary>
    public abstract DataFrameColumn ToDataFrameColumn();
}

/// <summary>
/// Numbers: integers, floats, decimals, booleans (0/1) and dates or timestamps (converted to a numeric time
/// in <see cref="Unit"/>, for example days since 1970-01-01). <see cref="Values"/> holds NaN where a value is
/// missing; <see cref="Missing"/> says which rows are missing, so a stored NaN (an error for a time column) is
/// not confused with an absent value.
/// </summary>
public sealed class NumericColumn : Column
{
    public NumericColumn(string name, double[] values, bool[]? missing = null, SourceType sourceType = SourceType.Float, string? unit = null)
        : base(name, values.Length)
    {
        if (missing is not null && missing.Length != values.Length)
            throw new ArgumentException("missing mask length differs from values", nameof(missing));
        Values = values;
        Missing = missing is not null && Array.IndexOf(missing, true) >= 0 ? missing : null;
        SourceType = sourceType;
        Unit = unit;
    }

    public double[] Values { get; }
    /// <summary>Null when no value is missing.</summary>
    public bool[]? Missing { get; }
    public override SourceType SourceType { get; }
    /// <summary>For dates and timestamps: the unit of the numeric time, e.g. "days since 1970-01-01".</summary>
    public string? Unit { get; }

    public override bool IsMissing(int row) => Missing is not null && Missing[row];

    public override int MissingCount
    {
        get
        {
            if (Missing is null) return 0;
            int count = 0;
            foreach (bool m in Missing) if (m) count++;
            return count;
        }
    }

    public override string Format(int row) => IsMissing(row)
        ? "NA"
        : Values[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    public override DataFrameColumn ToDataFrameColumn()
    {
        var column = new PrimitiveDataFrameColumn<double>(Name, Length);
        for (int i = 0; i < Length; i++) column[i] = IsMissing(i) ? null : Values[i];
        return column;
    }
}

/// <summary>
/// Labels: each row holds a code into <see cref="Levels"/>, or -1 where missing. Levels are in sorted order
/// unless declared otherwise (an ordinal's order, a reference level first).
/// </summary>
public sealed class CategoricalColumn : Column
{
    public CategoricalColumn(string name, int[] codes, string[] levels, SourceType sourceType = SourceType.String)
        : base(name, codes.Length)
    {
        Codes = codes;
        Levels = levels;
        SourceType = sourceType;
    }

    public int[] Codes { get; }
    public string[] Levels { get; }
    public override SourceType SourceType { get; }

    public override bool IsMissing(int row) => Codes[row] < 0;

    public override string Format(int row) => Codes[row] < 0 ? "NA" : Levels[Codes[row]];

    /// <summary>Counts per level (missing rows not counted).</summary>
    public int[] LevelCounts()
    {
        var counts = new int[Levels.Length];
        foreach (int code in Codes) if (code >= 0) counts[code]++;
        return counts;
    }

    /// <summary>Builds a categorical column from text values; null, "" and "NA" are missing; levels sorted ordinally.</summary>
    public static CategoricalColumn FromStrings(string name, IReadOnlyList<string?> values, SourceType sourceType = SourceType.String)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var raw = new int[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (string.IsNullOrEmpty(v) || v == "NA") { raw[i] = -1; continue; }
            if (!index.TryGetValue(v, out int code)) { code = index.Count; index.Add(v, code); }
            raw[i] = code;
        }
        return FromCodes(name, raw, index, sourceType);
    }

    /// <summary>Re-codes first-seen codes so that levels are in ordinal sorted order (deterministic).</summary>
    internal static CategoricalColumn FromCodes(string name, int[] firstSeenCodes, Dictionary<string, int> index, SourceType sourceType)
    {
        var levels = index.Keys.ToArray();
        Array.Sort(levels, LevelOrder.Compare);
        var remap = new int[levels.Length];
        for (int i = 0; i < levels.Length; i++) remap[index[levels[i]]] = i;
        for (int i = 0; i < firstSeenCodes.Length; i++)
            if (firstSeenCodes[i] >= 0) firstSeenCodes[i] = remap[firstSeenCodes[i]];
        return new CategoricalColumn(name, firstSeenCodes, levels, sourceType);
    }

    public override DataFrameColumn ToDataFrameColumn()
    {
        var column = new StringDataFrameColumn(Name, Length);
        for (int i = 0; i < Length; i++) column[i] = Codes[i] < 0 ? null : Levels[Codes[i]];
        return column;
    }
}

/// <summary>
/// The default order of category levels: numeric-looking labels by value ("2" before "10"), then the rest
/// ordinally. R sorts factor levels alphabetically in its locale; for the labels clinical data uses (codes,
/// words) this gives the same order, and it does not depend on the machine's culture.
/// </summary>
public static class LevelOrder
{
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null) return string.CompareOrdinal(a, b);
        bool an = double.TryParse(a, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double av);
        bool bn = double.TryParse(b, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double bv);
        if (an && bn) return av.CompareTo(bv) != 0 ? av.CompareTo(bv) : string.CompareOrdinal(a, b);
        if (an) return -1;
        if (bn) return 1;
        return string.CompareOrdinal(a, b);
    }
}
