using System.Text;
using Stratify.Reporting;

namespace Stratify.Cli;

/// <summary>
/// Wraps stdout or stderr so that nothing from data can drive the terminal: every character
/// <see cref="PrintableText"/> calls unprintable (ESC, other C0 and C1 controls, bidirectional overrides) is written
/// as a visible escape, whatever printed it — a table cell, a warning, an error message naming a column.
/// </summary>
internal sealed class PrintableTextWriter(TextWriter inner) : TextWriter, IUtf8TextWriter
{
    /// <summary>Bytes that stand for themselves: printable ASCII, newline and tab.</summary>
    private static readonly System.Buffers.SearchValues<byte> Plain =
        System.Buffers.SearchValues.Create([(byte)'\n', (byte)'\t', .. Enumerable.Range(0x20, 0x7F - 0x20).Select(b => (byte)b)]);

    private readonly StringBuilder _buffer = new();

    public override Encoding Encoding => inner.Encoding;
    public override IFormatProvider FormatProvider => inner.FormatProvider;
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public override string NewLine { get => inner.NewLine; set => inner.NewLine = value; }

    public override void Write(char value)
    {
        if (!PrintableText.IsUnprintable(value)) inner.Write(value);
        else inner.Write(Escaped(value));
    }

    public override void Write(string? value) => inner.Write(PrintableText.Escape(value));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void WriteLine(string? value)
    {
        inner.Write(PrintableText.Escape(value));
        inner.WriteLine();
    }

    public override void Flush() => inner.Flush();

    /// <summary>
    /// UTF-8 text (a JSON document): when it holds nothing <see cref="PrintableText"/> would escape and the writer beneath
    /// is a UTF-8 stream (redirected stdout), its bytes go to the stream as they are — the bytes the escaping path would
    /// write, without making a string of them; otherwise it is decoded and written, escaped, as any text.
    /// </summary>
    public void WriteUtf8(ReadOnlySpan<byte> utf8)
    {
        if (inner is StreamWriter { Encoding: UTF8Encoding } stream && IsPrintable(utf8))
        {
            stream.Flush();
            stream.BaseStream.Write(utf8);
        }
        else Write(Encoding.UTF8.GetString(utf8));
    }

    /// <summary>Whether valid UTF-8 holds no character that <see cref="PrintableText.IsUnprintable"/> rewrites (ASCII is scanned vectorised).</summary>
    private static bool IsPrintable(ReadOnlySpan<byte> utf8)
    {
        while (true)
        {
            int at = utf8.IndexOfAnyExcept(Plain);
            if (at < 0) return true;
            if (utf8[at] < 0x80 || System.Text.Rune.DecodeFromUtf8(utf8[at..], out var rune, out int used) != System.Buffers.OperationStatus.Done) return false;
            if (rune.IsBmp && PrintableText.IsUnprintable((char)rune.Value)) return false;
            utf8 = utf8[(at + used)..];
        }
    }

    private string Escaped(char value)
    {
        _buffer.Clear();
        PrintableText.Append(_buffer, value);
        return _buffer.ToString();
    }
}
