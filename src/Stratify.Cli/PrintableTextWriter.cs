using System.Text;
using Stratify.Reporting;

namespace Stratify.Cli;

/// <summary>
/// Wraps stdout or stderr so that nothing from data can drive the terminal: every character
/// <see cref="PrintableText"/> calls unprintable (ESC, other C0 and C1 controls, bidirectional overrides) is written
/// as a visible escape, whatever printed it — a table cell, a warning, an error message naming a column.
/// </summary>
internal sealed class PrintableTextWriter(TextWriter inner) : TextWriter
{
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

    private string Escaped(char value)
    {
        _buffer.Clear();
        PrintableText.Append(_buffer, value);
        return _buffer.ToString();
    }
}
