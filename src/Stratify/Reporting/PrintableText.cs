using System.Text;

namespace Stratify.Reporting;

/// <summary>
/// Makes text from data safe to show to a person: control characters are written as visible escapes, so a column
/// name or category level can neither drive a terminal (an ESC sequence that recolours, moves the cursor or retitles
/// the window), nor break an SVG/XML document (which cannot hold them), nor reorder what a reader sees.
/// Escaped: C0 controls except tab and line feed (as <c>\x1B</c>), DEL (<c>\u007F</c>), C1 controls (<c>\u009B</c>)
/// and the Unicode bidirectional formatting characters (<c>\u202E</c>: "Trojan Source" reordering). Everything
/// else, including every printable non-ASCII letter, passes unchanged. Used for the terminal (every line the CLI
/// prints, error messages included), the HTML report and its SVG charts. JSON printed to the terminal stays valid:
/// its serializer escapes every C0 control itself, and the <c>\uXXXX</c> form of the others is JSON's own escape.
/// </summary>
/// <example><code>PrintableText.Escape("norm\u001B[31mRED")   // "norm\x1B[31mRED", shown as typed, in no colour</code></example>
internal static class PrintableText
{
    /// <summary>True for a character that <see cref="Escape"/> rewrites.</summary>
    public static bool IsUnprintable(char c) =>
        c < 0x20 && c != '\n' && c != '\t'
        || c is >= '\u007F' and <= '\u009F'
        || c is '\u061C' or '\u200E' or '\u200F' or >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        int first = 0;
        while (first < text.Length && !IsUnprintable(text[first])) first++;
        if (first == text.Length) return text;
        var builder = new StringBuilder(text.Length + 8).Append(text, 0, first);
        for (int i = first; i < text.Length; i++) Append(builder, text[i]);
        return builder.ToString();
    }

    /// <summary>Appends <paramref name="c"/>, or its visible escape when it is unprintable.</summary>
    public static void Append(StringBuilder builder, char c)
    {
        if (!IsUnprintable(c)) builder.Append(c);
        else if (c < '\u007F') builder.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        else builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
    }
}
