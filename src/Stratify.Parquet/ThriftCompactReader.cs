using System.Globalization;

namespace Stratify.Parquet;

/// <summary>
/// The few pieces of Apache Thrift's compact protocol a Parquet page header needs, read from a byte span
/// (specification: thrift/doc/specs/thrift-compact-protocol.md). A struct is a sequence of fields ending in a
/// stop byte 0x00; each field starts with one byte whose low nibble is the field's type and whose high nibble is
/// the field id's increase over the previous field (1–15), or 0 when the id follows as a zigzag varint i16.
/// Integers (i16, i32, i64) are zigzag varints: 0, -1, 1, -2, 2 are written 0, 1, 2, 3, 4, in 7-bit groups,
/// least significant first, the high bit set on every byte but the last. Booleans in a field live in the type
/// nibble (1 true, 2 false). Binary is a varint length and the bytes; a list's header byte holds its size (high
/// nibble, 15 meaning a varint size follows) and element type (low nibble). Fields a caller does not know are
/// skipped by type, so newer writers' additions are harmless.
/// </summary>
/// <remarks>Malformed input (a varint longer than its type, a read past the end, nesting deeper than
/// <see cref="MaxDepth"/>) throws <see cref="InvalidDataException"/>; the span is never read out of bounds.</remarks>
internal ref struct ThriftCompactReader
{
    public const byte Stop = 0, BooleanTrue = 1, BooleanFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7,
        Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;
    private const int MaxDepth = 32;

    private readonly ReadOnlySpan<byte> _data;
    private short _lastFieldId;

    public ThriftCompactReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        Position = 0;
        _lastFieldId = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public int Position { get; private set; }

    /// <summary>Reads the next field header of the current struct; false at the struct's stop byte.</summary>
    public bool NextField(out short id, out byte type)
    {
        byte header = ReadByte();
        type = (byte)(header & 0x0F);
        if (type == Stop) { id = 0; return false; }
        int delta = header >> 4;
        id = delta == 0 ? checked((short)ReadZigZag(16)) : checked((short)(_lastFieldId + delta));
        _lastFieldId = id;
        return true;
    }

    public int ReadI32(byte type)
    {
        if (type is not (I32 or I16 or Byte)) throw Malformed(string.Create(CultureInfo.InvariantCulture, $"expected an integer field, found type {type}"));
        return type == Byte ? (sbyte)ReadByte() : (int)ReadZigZag(32);
    }

    public long ReadI64(byte type) => type == I64 ? ReadZigZag(64) : ReadI32(type);

    /// <summary>A binary (or string) field's bytes, as a slice of the input.</summary>
    public ReadOnlySpan<byte> ReadBinary(byte type)
    {
        if (type != Binary) throw Malformed(string.Create(CultureInfo.InvariantCulture, $"expected a binary field, found type {type}"));
        int length = checked((int)ReadVarint(32));
        int start = Position;
        Advance(length);
        return _data.Slice(start, length);
    }

    public string ReadString(byte type) => System.Text.Encoding.UTF8.GetString(ReadBinary(type));

    /// <summary>
    /// Starts a list (or set) field: returns its size and element type. Every element takes at least one byte, so a
    /// size larger than the bytes left is refused here, before a caller allocates room for it.
    /// </summary>
    public int ReadListHeader(byte type, out byte elementType)
    {
        if (type is not (List or Set)) throw Malformed(string.Create(CultureInfo.InvariantCulture, $"expected a list field, found type {type}"));
        byte header = ReadByte();
        int size = header >> 4;
        if (size == 15) size = checked((int)ReadVarint(32));
        elementType = (byte)(header & 0x0F);
        if (size > _data.Length - Position) throw Malformed(string.Create(CultureInfo.InvariantCulture, $"a list claims {size:N0} elements in {_data.Length - Position:N0} bytes"));
        return size;
    }

    public static bool ReadBoolean(byte type) => type switch
    {
        BooleanTrue => true,
        BooleanFalse => false,
        _ => throw Malformed(string.Create(CultureInfo.InvariantCulture, $"expected a boolean field, found type {type}")),
    };

    /// <summary>Reads one field of a struct into <paramref name="target"/>; false leaves the field to be skipped.</summary>
    public delegate bool FieldReader<in T>(ref ThriftCompactReader reader, short id, byte type, T target);

    /// <summary>
    /// Reads a struct (the top-level one, or a field's value) field by field into <paramref name="target"/>,
    /// skipping the fields <paramref name="read"/> does not take. Returns which field ids 1–63 were taken, bit
    /// <c>1 &lt;&lt; id</c> each, for the caller to check its required fields.
    /// </summary>
    public ulong ReadStruct<T>(T target, FieldReader<T> read)
    {
        ulong taken = 0;
        short outer = BeginStruct();
        while (NextField(out short id, out byte type))
        {
            if (read(ref this, id, type, target)) { if (id is > 0 and < 64) taken |= 1UL << id; }
            else Skip(type);
        }
        EndStruct(outer);
        return taken;
    }

    /// <summary>The bit of <see cref="ReadStruct"/>'s result for each field id given.</summary>
    public static ulong Fields(params ReadOnlySpan<int> ids)
    {
        ulong mask = 0;
        foreach (int id in ids) mask |= 1UL << id;
        return mask;
    }

    /// <summary>Starts a nested struct: field ids restart from zero; returns the outer struct's last id to restore.</summary>
    public short BeginStruct()
    {
        short outer = _lastFieldId;
        _lastFieldId = 0;
        return outer;
    }

    public void EndStruct(short outer) => _lastFieldId = outer;

    /// <summary>Skips a value of the given type (a field's value, or a list/set/map element).</summary>
    public void Skip(byte type) => Skip(type, 0);

    private void Skip(byte type, int depth)
    {
        if (depth > MaxDepth) throw Malformed("nesting too deep");
        switch (type)
        {
            case BooleanTrue or BooleanFalse: return; // a field's boolean lives in its header
            case Byte: ReadByte(); return;
            case I16: ReadZigZag(16); return;
            case I32: ReadZigZag(32); return;
            case I64: ReadZigZag(64); return;
            case Double: Advance(8); return;
            case Binary: Advance(checked((int)ReadVarint(32))); return;
            case List or Set:
            {
                byte header = ReadByte();
                int size = header >> 4;
                if (size == 15) size = checked((int)ReadVarint(32));
                byte element = (byte)(header & 0x0F);
                // Booleans inside a list take one byte each.
                for (int i = 0; i < size; i++)
                    if (element is BooleanTrue or BooleanFalse) ReadByte(); else Skip(element, depth + 1);
                return;
            }
            case Map:
            {
                int size = checked((int)ReadVarint(32));
                if (size == 0) return;
                byte types = ReadByte();
                byte key = (byte)(types >> 4), value = (byte)(types & 0x0F);
                for (int i = 0; i < size; i++)
                {
                    if (key is BooleanTrue or BooleanFalse) ReadByte(); else Skip(key, depth + 1);
                    if (value is BooleanTrue or BooleanFalse) ReadByte(); else Skip(value, depth + 1);
                }
                return;
            }
            case Struct:
            {
                short outer = BeginStruct();
                while (NextField(out _, out byte fieldType)) Skip(fieldType, depth + 1);
                EndStruct(outer);
                return;
            }
            default: throw Malformed(string.Create(CultureInfo.InvariantCulture, $"unknown type {type}"));
        }
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length) throw Malformed("the header ends early");
        return _data[Position++];
    }

    private void Advance(int count)
    {
        if (count < 0 || count > _data.Length - Position) throw Malformed("the header ends early");
        Position += count;
    }

    private ulong ReadVarint(int bits)
    {
        int position = Position;
        if (!Uleb128.TryRead(_data, ref position, bits, out ulong value)) throw Malformed(string.Create(CultureInfo.InvariantCulture, $"a varint is cut short or longer than {bits} bits allow"));
        Position = position;
        return value;
    }

    private long ReadZigZag(int bits) => Uleb128.ZigZag(ReadVarint(bits));

    private static InvalidDataException Malformed(string why) => new($"malformed Thrift compact data: {why}");
}
