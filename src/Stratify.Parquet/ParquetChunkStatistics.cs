using System.Buffers.Binary;
using Parquet.Meta;
using System.Globalization;
using ParquetType = Parquet.Meta.Type;

namespace Stratify.Parquet;

/// <summary>
/// What a column chunk's footer statistics claim, in the form decoded values can be checked against: the null
/// count, and for plain numbers (INT32, INT64, FLOAT, DOUBLE without a date, time, timestamp or decimal meaning) the
/// minimum and maximum as doubles. parquet.thrift's min_value/max_value are used, or the deprecated min/max when
/// the column sorts signed (they were written in signed order whatever the column's type); a NaN bound is ignored,
/// as writers are told not to write one. The checks the reader makes are the ones the format guarantees: the null
/// count is exact, and every value lies within [min, max] (writers may widen the bounds, never narrow them).
/// </summary>
internal readonly record struct ParquetChunkStatistics(long? Nulls, double? Min, double? Max)
{
    public static ParquetChunkStatistics Of(ColumnChunk chunk, ParquetLeaf leaf)
    {
        var statistics = chunk.MetaData?.Statistics;
        if (statistics is null) return default;
        if (statistics.NullCount < 0) throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the column chunk's statistics count a negative number of nulls ({statistics.NullCount:N0})"));
        var element = leaf.Element;
        bool plainNumber = leaf.PhysicalType is ParquetType.INT32 or ParquetType.INT64 or ParquetType.FLOAT or ParquetType.DOUBLE
            && element.LogicalType is not { DATE: not null } and not { TIME: not null } and not { TIMESTAMP: not null } and not { DECIMAL: not null }
            && element.ConvertedType is null or ConvertedType.INT_8 or ConvertedType.INT_16 or ConvertedType.INT_32 or ConvertedType.INT_64
                or ConvertedType.UINT_8 or ConvertedType.UINT_16 or ConvertedType.UINT_32 or ConvertedType.UINT_64;
        if (!plainNumber) return new(statistics.NullCount, null, null);
        bool unsigned = element.LogicalType?.INTEGER is { IsSigned: false }
            || element.ConvertedType is ConvertedType.UINT_8 or ConvertedType.UINT_16 or ConvertedType.UINT_32 or ConvertedType.UINT_64;
        var min = statistics.MinValue ?? (unsigned ? null : statistics.Min);
        var max = statistics.MaxValue ?? (unsigned ? null : statistics.Max);
        return new(statistics.NullCount, Decode(min, leaf.PhysicalType, unsigned), Decode(max, leaf.PhysicalType, unsigned));
    }

    private static double? Decode(byte[]? bytes, ParquetType type, bool unsigned)
    {
        if (bytes is null) return null;
        int width = type is ParquetType.INT32 or ParquetType.FLOAT ? 4 : 8;
        if (bytes.Length != width)
            throw new ParquetFormatException(string.Create(CultureInfo.InvariantCulture, $"the column chunk's statistics hold a {bytes.Length}-byte bound for {width}-byte {type} values"));
        double value = type switch
        {
            ParquetType.INT32 => unsigned ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes),
            ParquetType.INT64 => unsigned ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes),
            ParquetType.FLOAT => BinaryPrimitives.ReadSingleLittleEndian(bytes),
            _ => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        };
        return double.IsNaN(value) ? null : value;
    }
}
