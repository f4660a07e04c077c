using System.Numerics;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Stratify.Data;

/// <summary>
/// Cohorts from data already in memory: a Microsoft.Data.Analysis <see cref="DataFrame"/> or any ML.NET
/// <see cref="IDataView"/>. Columns are copied once into Stratify's columnar form (numbers as doubles, text as levels);
/// nothing is validated here: the <see cref="StudyBinder"/> binds and validates the roles, as for a file.
/// <list type="bullet">
/// <item>DataFrame: a null is a missing value; a NaN or infinity is a value (the binder refuses it, naming column, row and value).</item>
/// <item>IDataView: ML.NET marks a missing number as NaN, so a NaN in a floating-point column is a missing value there
/// (an IDataView has no other way to say it); empty text is missing in both.</item>
/// <item>Numbers of every width become doubles; booleans 0/1; DateTime a timestamp in days since 1970-01-01. Columns of
/// other types (vectors, keys, char) are kept out and named as unusable if a role asks for them.</item>
/// </list>
/// </summary>
internal static class InMemoryCohort
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const string TimestampUnit = "days since 1970-01-01";

    public static Cohort FromDataFrame(DataFrame frame, string source)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var columns = new List<Column>(frame.Columns.Count);
        var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in frame.Columns)
        {
            var converted = column switch
            {
                StringDataFrameColumn text => (Column)CategoricalColumn.FromStrings(text.Name, Texts(text)),
                ArrowStringDataFrameColumn text => CategoricalColumn.FromStrings(text.Name, Texts(text)),
                PrimitiveDataFrameColumn<bool> flags => FromNullable(flags.Name, flags, b => b ? 1 : 0, SourceType.Boolean),
                PrimitiveDataFrameColumn<DateTime> times => FromNullable(times.Name, times, ToDays, SourceType.Timestamp, TimestampUnit),
                PrimitiveDataFrameColumn<double> c => Numbers(c, SourceType.Float),
                PrimitiveDataFrameColumn<float> c => Numbers(c, SourceType.Float),
                PrimitiveDataFrameColumn<decimal> c => Numbers(c, SourceType.Decimal),
                PrimitiveDataFrameColumn<int> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<long> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<short> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<byte> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<sbyte> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<uint> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<ulong> c => Numbers(c, SourceType.Integer),
                PrimitiveDataFrameColumn<ushort> c => Numbers(c, SourceType.Integer),
                _ => null,
            };
            if (converted is null) unusable[column.Name] = $"a column of {column.DataType.Name}";
            else columns.Add(converted);
        }
        return new Cohort(columns, source, unusable);
    }

    public static Cohort FromDataView(IDataView view, string source)
    {
        ArgumentNullException.ThrowIfNull(view);
        var readable = new List<DataViewSchema.Column>();
        var unusable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var column in view.Schema)
        {
            if (column.IsHidden) continue;
            if (Readable(column.Type)) readable.Add(column);
            else unusable[column.Name] = $"a column of {column.Type}";
        }
        var values = readable.Select(_ => new List<double>()).ToArray();
        var texts = readable.Select(_ => new List<string?>()).ToArray();
        var readers = new Action[readable.Count];
        using (var cursor = view.GetRowCursor(readable))
        {
            for (int j = 0; j < readable.Count; j++) readers[j] = Reader(cursor, readable[j], values[j], texts[j]);
            while (cursor.MoveNext())
                foreach (var read in readers) read();
        }
        var columns = new Column[readable.Count];
        for (int j = 0; j < readable.Count; j++)
        {
            var column = readable[j];
            if (column.Type is TextDataViewType) { columns[j] = CategoricalColumn.FromStrings(column.Name, texts[j]); continue; }
            var numbers = values[j].ToArray();
            bool floating = column.Type.RawType == typeof(float) || column.Type.RawType == typeof(double);
            var missing = floating ? Array.ConvertAll(numbers, double.IsNaN) : null;
            var type = column.Type switch
            {
                BooleanDataViewType => SourceType.Boolean,
                DateTimeDataViewType => SourceType.Timestamp,
                _ when floating => SourceType.Float,
                _ => SourceType.Integer,
            };
            columns[j] = new NumericColumn(column.Name, numbers, missing, type, type == SourceType.Timestamp ? TimestampUnit : null);
        }
        return new Cohort(columns, source, unusable);
    }

    private static bool Readable(DataViewType type) =>
        type is TextDataViewType or BooleanDataViewType or DateTimeDataViewType
        || type is NumberDataViewType && type.RawType != typeof(DataViewRowId);

    private static Action Reader(DataViewRowCursor cursor, DataViewSchema.Column column, List<double> values, List<string?> texts)
    {
        var raw = column.Type.RawType;
        if (column.Type is TextDataViewType)
        {
            var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> text = default;
            return () => { get(ref text); texts.Add(text.Length == 0 ? null : text.ToString()); };
        }
        if (column.Type is BooleanDataViewType)
        {
            var get = cursor.GetGetter<bool>(column);
            bool flag = false;
            return () => { get(ref flag); values.Add(flag ? 1 : 0); };
        }
        if (column.Type is DateTimeDataViewType)
        {
            var get = cursor.GetGetter<DateTime>(column);
            DateTime time = default;
            return () => { get(ref time); values.Add(ToDays(time)); };
        }
        if (raw == typeof(double)) return NumberReader<double>(cursor, column, values);
        if (raw == typeof(float)) return NumberReader<float>(cursor, column, values);
        if (raw == typeof(int)) return NumberReader<int>(cursor, column, values);
        if (raw == typeof(long)) return NumberReader<long>(cursor, column, values);
        if (raw == typeof(short)) return NumberReader<short>(cursor, column, values);
        if (raw == typeof(byte)) return NumberReader<byte>(cursor, column, values);
        if (raw == typeof(sbyte)) return NumberReader<sbyte>(cursor, column, values);
        if (raw == typeof(uint)) return NumberReader<uint>(cursor, column, values);
        if (raw == typeof(ulong)) return NumberReader<ulong>(cursor, column, values);
        return NumberReader<ushort>(cursor, column, values);
    }

    private static Action NumberReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column, List<double> values) where T : INumberBase<T>
    {
        var get = cursor.GetGetter<T>(column);
        T value = T.Zero;
        return () => { get(ref value); values.Add(double.CreateChecked(value)); };
    }

    private static double ToDays(DateTime time) => (time.ToUniversalTime() - Epoch).TotalDays;

    private static string?[] Texts(DataFrameColumn column)
    {
        var texts = new string?[column.Length];
        for (long i = 0; i < column.Length; i++) texts[i] = column[i] as string;
        return texts;
    }

    private static NumericColumn Numbers<T>(PrimitiveDataFrameColumn<T> column, SourceType type) where T : unmanaged, INumberBase<T> =>
        FromNullable(column.Name, column, double.CreateChecked, type);

    private static NumericColumn FromNullable<T>(string name, PrimitiveDataFrameColumn<T> column, Func<T, double> toDouble, SourceType type,
        string? unit = null) where T : unmanaged
    {
        int n = checked((int)column.Length);
        var values = new double[n];
        var missing = new bool[n];
        for (int i = 0; i < n; i++)
        {
            if (column[i] is T value) values[i] = toDouble(value);
            else { values[i] = double.NaN; missing[i] = true; }
        }
        return new NumericColumn(name, values, missing, type, unit);
    }
}
