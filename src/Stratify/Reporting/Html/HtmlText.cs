using System.Text;

namespace Stratify.Reporting.Html;

/// <summary>
/// HTML escaping for every string that comes from data (column names, category labels, file names). It escapes
/// the five characters that can end a text node or an attribute value (&amp; &lt; &gt; " '), so the result is safe
/// both as element content and inside a quoted attribute. Control characters become visible escapes first
/// (<see cref="PrintableText"/>): a level holding ESC or U+0001 prints as <c>\x1B</c> / <c>\x01</c>.
/// </summary>
/// <example><code>
/// HtmlText.Escape("&lt;script&gt;")   // "&amp;lt;script&amp;gt;"
/// </code></example>
internal static class HtmlText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        text = PrintableText.Escape(text);
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0) return text;
        var builder = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            } ?? c.ToString());
        }
        return builder.ToString();
    }
}
