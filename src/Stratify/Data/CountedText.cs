using System.Globalization;
using System.Text;

namespace Stratify.Data;

/// <summary>What a count in a sentence counts: it decides how a report may print it.</summary>
public enum CountOf
{
    /// <summary>Patients (or rows) of no particular subgroup.</summary>
    Patients,
    /// <summary>Events of no particular subgroup.</summary>
    Events,
    /// <summary>Rows of the input (read, dropped, imputed).</summary>
    Rows,
    /// <summary>The size of the subgroup named by <see cref="TextCount.Subgroup"/>.</summary>
    SubgroupSize,
    /// <summary>The events of the subgroup named by <see cref="TextCount.Subgroup"/>.</summary>
    SubgroupEvents,
}

/// <summary>A count that a sentence states, kept as a number so that the edge that prints it can mask it.</summary>
public readonly record struct TextCount(int Value, CountOf Of = CountOf.Patients, string? Subgroup = null)
{
    public static TextCount Patients(int n) => new(n);
    public static TextCount Rows(int n) => new(n, CountOf.Rows);
    public static TextCount SubgroupSize(int n, string subgroup) => new(n, CountOf.SubgroupSize, subgroup);
}

/// <summary>
/// A sentence whose counts are data, not prose: a composite-format <see cref="Template"/> ("{0} of {1} patients
/// dropped") whose placeholders are the <see cref="Counts"/>. Whoever prints it decides how each count reads (the
/// exact number for an analyst, "&lt;5" or "suppressed" in a report under the small-cell rule), so no masking ever has
/// to search finished text. Build it from an interpolated string: <see cref="TextCount"/> arguments become slots,
/// every other argument (names, estimates, thresholds) is formatted into the template at once.
/// </summary>
/// <example><code>
/// var text = CountedText.Format($"{feature}: {TextCount.Rows(3)} missing values imputed");
/// text.ToString();                                          // "ph.karno: 3 missing values imputed"
/// text.Render(c => c.Value &lt; 5 ? "&lt;5" : c.Value.ToString()); // "ph.karno: &lt;5 missing values imputed"
/// </code></example>
public sealed record CountedText(string Template, IReadOnlyList<TextCount> Counts)
{
    /// <summary>Text without counts.</summary>
    public static CountedText Plain(string text) => new(Escape(text), []);

    /// <summary>The sentence of an interpolated string, its <see cref="TextCount"/> arguments kept as slots.</summary>
    public static CountedText Format(FormattableString text)
    {
        var format = text.Format;
        var arguments = text.GetArguments();
        var template = new StringBuilder(format.Length);
        var counts = new List<TextCount>();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if ((c == '{' || c == '}') && i + 1 < format.Length && format[i + 1] == c)
            {
                template.Append(c).Append(c);
                i++;
                continue;
            }
            if (c != '{')
            {
                template.Append(c);
                continue;
            }
            int end = format.IndexOf('}', i);
            if (end < 0) throw new FormatException($"unclosed placeholder in \"{format}\"");
            var item = format.AsSpan(i + 1, end - i - 1);
            int cut = item.IndexOfAny(',', ':');
            int index = int.Parse(cut < 0 ? item : item[..cut], NumberStyles.None, CultureInfo.InvariantCulture);
            if (arguments[index] is TextCount count)
            {
                template.Append('{').Append(counts.Count.ToString(CultureInfo.InvariantCulture)).Append('}');
                counts.Add(count);
            }
            else
            {
                string rendered = string.Format(CultureInfo.InvariantCulture, "{0" + (cut < 0 ? "" : item[cut..].ToString()) + "}", arguments[index]);
                template.Append(Escape(rendered));
            }
            i = end;
        }
        return new CountedText(template.ToString(), counts);
    }

    /// <summary>This sentence followed by <paramref name="text"/> (which holds no counts).</summary>
    public CountedText Append(string text) => this with { Template = Template + Escape(text) };

    /// <summary>This sentence followed by <paramref name="other"/>, whose slots come after this one's.</summary>
    public CountedText Append(CountedText other)
    {
        int offset = Counts.Count;
        var template = new StringBuilder(Template, Template.Length + other.Template.Length);
        for (int i = 0; i < other.Template.Length; i++)
        {
            char c = other.Template[i];
            if ((c == '{' || c == '}') && i + 1 < other.Template.Length && other.Template[i + 1] == c)
            {
                template.Append(c).Append(c);
                i++;
            }
            else if (c == '{')
            {
                int end = other.Template.IndexOf('}', i);
                int index = int.Parse(other.Template.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture);
                template.Append('{').Append((index + offset).ToString(CultureInfo.InvariantCulture)).Append('}');
                i = end;
            }
            else
            {
                template.Append(c);
            }
        }
        return new CountedText(template.ToString(), [.. Counts, .. other.Counts]);
    }

    /// <summary>The sentence with each count printed by <paramref name="count"/>.</summary>
    public string Render(Func<TextCount, string> count)
    {
        var text = new StringBuilder(Template.Length + 8 * Counts.Count);
        for (int i = 0; i < Template.Length; i++)
        {
            char c = Template[i];
            if ((c == '{' || c == '}') && i + 1 < Template.Length && Template[i + 1] == c)
            {
                text.Append(c);
                i++;
            }
            else if (c == '{')
            {
                int end = Template.IndexOf('}', i);
                text.Append(count(Counts[int.Parse(Template.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture)]));
                i = end;
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }

    /// <summary>The sentence with exact counts ("1,234"), for the analyst's console and logs.</summary>
    public override string ToString() => Render(c => c.Value.ToString("N0", CultureInfo.InvariantCulture));

    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);
}
