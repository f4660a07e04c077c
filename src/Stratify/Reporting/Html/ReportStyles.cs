namespace Stratify.Reporting.Html;

/// <summary>
/// The report's one inline style sheet: A4 pages with 16 mm margins, a serif-free body that reads in print, tables
/// with ruled headers, figures that never split across pages (break-inside: avoid), and colours used only with a
/// second cue (text, line pattern) so a greyscale print loses nothing. On a phone-width screen the facts stack and
/// wide tables scroll within themselves.
/// </summary>
internal static class ReportStyles
{
    public const string Css = """
        @page { size: A4; margin: 16mm 14mm 18mm 14mm; }
        :root { color-scheme: light; }
        html { font-family: 'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.45;
               color: #000; background: #fff; }
        body { max-width: 190mm; margin: 0 auto; padding: 8mm 4mm; }
        h1 { font-size: 20pt; margin: 0 0 4mm; border-bottom: 2px solid #000; padding-bottom: 2mm; }
        h2 { font-size: 15pt; margin: 8mm 0 3mm; border-bottom: 1px solid #666; padding-bottom: 1mm; }
        h3 { font-size: 12.5pt; margin: 6mm 0 2mm; }
        h4 { font-size: 11pt; margin: 4mm 0 2mm; }
        h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
        p { margin: 0 0 3mm; }
        .note { border-left: 4px solid #555; background: #f2f2f2; padding: 2mm 3mm; }
        .warning { border-left: 6px double #000; background: #f2f2f2; padding: 2mm 3mm; font-weight: bold; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 0 0 4mm; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        /* A table stays on one page with its caption and header when it fits on a page; a longer one breaks
           between rows and repeats its header (thead below), never leaving the caption or header alone. */
        table { border-collapse: collapse; margin: 2mm 0 5mm; font-size: 9.5pt; break-inside: avoid; page-break-inside: avoid; }
        caption, thead { break-after: avoid; page-break-after: avoid; }
        tbody tr:first-child { break-before: avoid; page-break-before: avoid; }
        caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 1.5mm; }
        th, td { border-bottom: 1px solid #999; padding: 1mm 2.5mm; vertical-align: top; text-align: left; }
        thead th { border-top: 2px solid #000; border-bottom: 2px solid #000; }
        tbody th { font-weight: normal; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        thead { display: table-header-group; }
        figure { margin: 4mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
        figure svg { display: block; max-width: 100%; height: auto; }
        figcaption { font-size: 9.5pt; margin-top: 1.5mm; }
        footer { margin-top: 10mm; font-size: 8.5pt; color: #333; border-top: 1px solid #999; padding-top: 2mm; }
        /* A phone: facts stack (term above its value), and a wide table scrolls inside its own box instead of
           widening the page. */
        @media screen and (max-width: 640px) {
          body { padding: 4mm 3mm; }
          h1 { font-size: 17pt; }
          dl.facts { grid-template-columns: 1fr; gap: 0; }
          dl.facts dd { margin: 0 0 2mm; }
          table { display: block; overflow-x: auto; max-width: 100%; }
        }
        @media print {
          body { max-width: none; padding: 0; }
          a { color: #000; text-decoration: none; }
          .note, .warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          figure svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }
        """;
}
