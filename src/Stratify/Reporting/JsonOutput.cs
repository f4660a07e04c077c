using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Stratify.Reporting;

/// <summary>
/// The one JSON convention of every Stratify output: snake_case names, a quantity R prints as NA (NaN, ±∞ in
/// our doubles) written as null, doubles in round-trip form, indented, stable property order (declaration order),
/// so that the same results give byte-identical files.
/// </summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new NaNAsNullDoubleConverter());
        options.Converters.Add(new JsonStringEnumConverter<CoxTies>(JsonNamingPolicy.SnakeCaseLower));
        // Metadata generated at compile time (StratifyJsonContext), never reflection: the same path with and without AOT.
        options.TypeInfoResolver = StratifyJsonContext.Default;
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The writer settings <see cref="Options"/> serializes with (indented, relaxed escaping), for a writer of our own.</summary>
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = Options.WriteIndented,
        IndentCharacter = Options.IndentCharacter,
        IndentSize = Options.IndentSize,
        NewLine = Options.NewLine,
        Encoder = Options.Encoder,
        MaxDepth = Options.MaxDepth,
    };

    /// <summary>The compile-time metadata of a document type under <see cref="Options"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, TypeInfo<T>());

    /// <summary>Writes the document (indented, UTF-8) straight to a stream, without an intermediate string.</summary>
    public static void Serialize<T>(Stream stream, T value) => JsonSerializer.Serialize(stream, value, TypeInfo<T>());

    public static T? Deserialize<T>(Stream stream) => JsonSerializer.Deserialize(stream, TypeInfo<T>());

    /// <summary>
    /// Writes the document and a newline. A writer that takes UTF-8 (<see cref="IUtf8TextWriter"/>, the CLI's stdout) or a
    /// <see cref="StreamWriter"/> in UTF-8 gets the serializer's UTF-8 bytes directly, without an intermediate string.
    /// </summary>
    public static void Write<T>(T value, TextWriter writer)
    {
        if (writer is IUtf8TextWriter utf8)
        {
            // The document as UTF-8 bytes, whole before any is written, handed over in segments: no UTF-16 string of it,
            // no second encoding, and no copying as it grows (a Kaplan–Meier document on a million patients is 2 MB).
            var segments = new SegmentedBuffer();
            using (var json = new Utf8JsonWriter(segments, WriterOptions)) JsonSerializer.Serialize(json, value, TypeInfo<T>());
            foreach (var segment in segments.Written) utf8.WriteUtf8(segment.Span);
            writer.WriteLine();
            return;
        }
        if (writer is StreamWriter { Encoding: UTF8Encoding } stream)
        {
            stream.Flush();
            Serialize(stream.BaseStream, value);
        }
        else writer.Write(Serialize(value));
        writer.WriteLine();
    }

    /// <summary>
    /// Bytes written into 256 KiB segments, a new one begun when the next write does not fit: nothing is copied as the
    /// document grows. Utf8JsonWriter asks for room for a whole token at once, so no UTF-8 sequence spans two segments.
    /// </summary>
    private sealed class SegmentedBuffer : System.Buffers.IBufferWriter<byte>
    {
        private const int SegmentSize = 256 * 1024;
        private readonly List<ReadOnlyMemory<byte>> _full = [];
        private byte[] _current = [];
        private int _used;

        /// <summary>The bytes written, in order.</summary>
        public IEnumerable<ReadOnlyMemory<byte>> Written => _used == 0 ? _full : _full.Append(_current.AsMemory(0, _used));

        public void Advance(int count)
        {
            if (count < 0 || _used + count > _current.Length) throw new ArgumentOutOfRangeException(nameof(count));
            _used += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            int needed = Math.Max(sizeHint, 1);
            if (_current.Length - _used < needed)
            {
                if (_used > 0) _full.Add(_current.AsMemory(0, _used));
                _current = new byte[Math.Max(SegmentSize, needed)];
                _used = 0;
            }
            return _current.AsMemory(_used);
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }

    /// <summary>Writes NaN and infinities as null (R's NA); reads null back as NaN.</summary>
    private sealed class NaNAsNullDoubleConverter : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}

/// <summary>
/// A text writer that also takes text already encoded as UTF-8 (the CLI's stdout, which writes it to its stream as it is
/// when nothing in it needs escaping for the terminal), so a large JSON document is never turned into a string.
/// </summary>
internal interface IUtf8TextWriter
{
    /// <summary>Writes <paramref name="utf8"/> (valid UTF-8) as the text it encodes.</summary>
    void WriteUtf8(ReadOnlySpan<byte> utf8);
}
