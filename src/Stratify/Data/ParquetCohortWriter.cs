using Parquet;
using Parquet.Schema;

namespace Stratify.Data;

/// <summary>
/// Writes a cohort to one Parquet file: integers as int64, floats and decimals as double, booleans as boolean,
/// dates as DATE, timestamps as TIMESTAMP (millis), categorical columns as UTF-8 strings (Parquet.Net
/// dictionary-encodes repeated labels). Columns with missing values are nullable. Row groups of at most
/// <paramref name="rowGroupSize"/> rows. Optional key/value metadata is stored in the file footer.
/// The file is written in a staging folder and moved into place (<see cref="OutputStaging"/>), so a failure or a
/// signal never leaves a partial file.
/// </summary>
internal static class ParquetCohortWriter
{
    private static readonly DateTime Epoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static void Write(Cohort cohort, string path, IReadOnlyDictionary<string, string>? metadata = null, int rowGroupSize = 1 << 20)
        => WriteAsync(cohort, path, metadata, rowGroupSize).GetAwaiter().GetResult();

    public static async Task WriteAsync(Cohort cohort, string path, IReadOnlyDictionary<string, string>? metadata = null,
        int rowGroupSize = 1 << 20, CancellationToken cancellation = default)
    {
        var fields = cohort.Columns.Select(FieldFor).ToArray();
        var schema = new ParquetSchema(fields);
        await OutputStaging.WriteFileAsync(path, async staged =>
        {
            await using var stream = File.Create(staged);
            await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellation);
            if (metadata is not null) writer.CustomMetadata = metadata.ToDictionary(kv => kv.Key, kv => kv.Value);
            for (int start = 0; start < cohort.RowCount || (start == 0 && cohort.RowCount == 0); start += rowGroupSize)
            {
                int rows = Math.Min(rowGroupSize, cohort.RowCount - start);
                using var group = writer.CreateRowGroup();
                for (int c = 0; c < fields.Length; c++)
                    await WriteColumn(group, fields[c], cohort.Columns[c], start, rows, cancellation);
                if (cohort.RowCount == 0) break;
            }
        });
    }

    private static DataField FieldFor(Column column) => column switch
    {
        CategoricalColumn c => new DataField<string>(c.Name, true),
        NumericColumn { SourceType: SourceType.Integer } n when IsWhole(n) => new DataField<long>(n.Name, n.Missing is not null),
        NumericColumn { SourceType: SourceType.Boolean } n => new DataField<bool>(n.Name, n.Missing is not null),
        NumericColumn { SourceType: SourceType.Date } n => new DateTimeDataField(n.Name, DateTimeFormat.Date, isNullable: n.Missing is not null),
        NumericColumn { SourceType: SourceType.Timestamp } n => new DateTimeDataField(n.Name, DateTimeFormat.DateAndTime, isNullable: n.Missing is not null),
        NumericColumn n => new DataField<double>(n.Name, n.Missing is not null),
        _ => throw new ArgumentException($"cannot write column {column.Name}"),
    };

    private static bool IsWhole(NumericColumn n)
    {
        var v = n.Values;
        for (int i = 0; i < v.Length; i++)
            if (!n.IsMissing(i) && (v[i] != Math.Floor(v[i]) || Math.Abs(v[i]) > 9.0e15)) return false;
        return true;
    }

    private static async Task WriteColumn(ParquetRowGroupWriter group, DataField field, Column column, int start, int rows, CancellationToken cancellation)
    {
        switch (column)
        {
            case CategoricalColumn c:
            {
                var values = new string?[rows];
                for (int i = 0; i < rows; i++) values[i] = c.Codes[start + i] < 0 ? null : c.Levels[c.Codes[start + i]];
                await group.WriteAsync(field, values!);
                break;
            }
            case NumericColumn n when field.ClrType == typeof(long):
                await WriteNumbers(group, field, n, start, rows, v => (long)v, cancellation);
                break;
            case NumericColumn n when field.ClrType == typeof(bool):
                await WriteNumbers(group, field, n, start, rows, v => v != 0, cancellation);
                break;
            case NumericColumn n when field.ClrType == typeof(DateTime):
                await WriteNumbers(group, field, n, start, rows, v => Epoch.AddDays(v), cancellation);
                break;
            case NumericColumn n:
                await WriteNumbers(group, field, n, start, rows, v => v, cancellation);
                break;
        }
    }

    private static async Task WriteNumbers<T>(ParquetRowGroupWriter group, DataField field, NumericColumn n, int start, int rows,
        Func<double, T> convert, CancellationToken cancellation) where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[rows];
            for (int i = 0; i < rows; i++) values[i] = n.IsMissing(start + i) ? null : convert(n.Values[start + i]);
            await group.WriteAsync<T>(field, values.AsMemory(), null, null, cancellation);
        }
        else
        {
            var values = new T[rows];
            for (int i = 0; i < rows; i++) values[i] = convert(n.Values[start + i]);
            await group.WriteAsync<T>(field, values.AsMemory(), null, null, cancellation);
        }
    }
}
