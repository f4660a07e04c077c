using System.Globalization;

namespace Stratify.Data;

/// <summary>
/// The event column of a competing-risks study, bound once by <see cref="StudyBinder"/>: per analysed row a cause
/// code — 0 = censored, 1 = the event of interest, 2, 3, … = the competing causes in their declared order — with
/// the label of every code. Estimators read <see cref="Codes"/> directly; <see cref="BoundStudy.Event"/> of the same
/// study is the cause-specific view (true for the event of interest only, the competing causes counted as censored).
/// </summary>
/// <example>
/// <code>
/// // datasets/melanoma.yaml: event_of_interest: melanoma death, competing: [other death], censored_value: alive
/// var bound = StudyBinder.Load(StudySpecReader.Read("datasets/melanoma.yaml"));
/// var causes = bound.Causes!;   // causes.Label(1) = "melanoma death", causes.Label(2) = "other death"
/// </code>
/// </example>
public sealed class CompetingCauses
{
    public CompetingCauses(byte[] codes, IReadOnlyList<string> censoredValues, IReadOnlyList<string> causes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (causes.Count < 1 || causes.Count > MaxCauses)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"between 1 and {MaxCauses} causes are needed"), nameof(causes));
        Codes = codes;
        CensoredValues = censoredValues.ToArray();
        Causes = causes.ToArray();
        var counts = new int[Causes.Count + 1];
        foreach (byte c in codes)
        {
            if (c > Causes.Count) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"cause code {c} has no label"), nameof(codes));
            counts[c]++;
        }
        _counts = counts;
    }

    /// <summary>The most causes (event of interest plus competing) a column may have: codes are stored in a byte.</summary>
    public const int MaxCauses = 254;

    private readonly int[] _counts;

    /// <summary>Cause code per analysed row: 0 censored, 1 event of interest, 2.. competing causes.</summary>
    public byte[] Codes { get; }
    /// <summary>The event column's values meaning censored, as the column formats them.</summary>
    public IReadOnlyList<string> CensoredValues { get; }
    /// <summary>The causes by code − 1: [0] the event of interest, then the competing causes in declared order.</summary>
    public IReadOnlyList<string> Causes { get; }
    public string EventOfInterest => Causes[0];
    public IReadOnlyList<string> Competing => Causes.Skip(1).ToArray();
    /// <summary>Number of causes K (codes 1..K).</summary>
    public int CauseCount => Causes.Count;

    /// <summary>The label of a code ("censored" for 0).</summary>
    public string Label(int code) => code == 0 ? "censored" : Causes[code - 1];

    /// <summary>Rows with this code.</summary>
    public int Count(int code) => _counts[code];
    public int CensoredCount => _counts[0];
    public int EventOfInterestCount => _counts[1];
    public int CompetingCount => Codes.Length - _counts[0] - _counts[1];

    /// <summary>The coding in words: "alive = censored, melanoma death = event of interest, other death = competing".</summary>
    public string CodingText =>
        $"{string.Join("/", CensoredValues)} = censored, {EventOfInterest} = event of interest" +
        (Causes.Count > 1 ? $", {string.Join(", ", Competing)} = competing" : "");

    /// <summary>True where the row's cause is the event of interest (the cause-specific event indicator).</summary>
    public bool[] EventOfInterestIndicator()
    {
        var indicator = new bool[Codes.Length];
        for (int i = 0; i < indicator.Length; i++) indicator[i] = Codes[i] == 1;
        return indicator;
    }
}

/// <summary>
/// Binds an event column that holds causes (spec keys <c>event_of_interest</c>, <c>competing</c>,
/// <c>censored_value</c>): each distinct value is decided once, then every row is looked up. The censoring value
/// defaults to "0" (as cmprsk's <c>cencode = 0</c>); without a <c>competing</c> list, every other value is a
/// competing cause (as cmprsk treats every code that is not the censoring code), and then the censoring value must
/// occur. A value that is neither censoring nor a declared cause is refused naming file, column, row and value.
/// </summary>
internal static class CompetingCausesBinder
{
    public static CompetingCauses Bind(string source, StudySpec spec, Column column, int[] rows)
    {
        var file = spec.SourceFile ?? source;
        if (spec.EventValues.Count > 0)
            throw new StratifyInputException("event_value and event_of_interest are both given; with competing risks the event of interest replaces event_value", file,
                column.Name, suggestion: "Remove event_value (--event-value); keep event_of_interest, competing and censored_value.");
        if (spec.EventCoding is not (EventCoding.Auto or EventCoding.Declared))
            throw new StratifyInputException("an event_coding (0/1, 1/2, boolean) cannot describe competing risks", file, column.Name,
                suggestion: "Remove event_coding; the causes are given by event_of_interest, competing and censored_value.");
        string interest = LevelRules.Canonical(spec.EventOfInterest!);
        var censored = (spec.CensoredValues.Count > 0 ? spec.CensoredValues : ["0"]).Select(LevelRules.Canonical).Distinct().ToArray();
        var declared = spec.Competing.Select(LevelRules.Canonical).ToArray();
        if (censored.Contains(interest))
            throw new StratifyInputException("the event of interest is also a censoring value", file, column.Name, value: spec.EventOfInterest,
                suggestion: spec.CensoredValues.Count == 0 ? "The censoring value defaults to 0; declare censored_value (--censored-value)." : "Fix censored_value or event_of_interest.");
        for (int a = 0; a < declared.Length; a++)
        {
            if (declared[a] == interest)
                throw new StratifyInputException("a competing cause is the event of interest itself", file, column.Name, value: declared[a]);
            if (censored.Contains(declared[a]))
                throw new StratifyInputException("a competing cause is also a censoring value", file, column.Name, value: declared[a],
                    suggestion: spec.CensoredValues.Count == 0 ? "The censoring value defaults to 0; declare censored_value (--censored-value)." : null);
            if (Array.IndexOf(declared, declared[a]) < a)
                throw new StratifyInputException("a competing cause is listed twice", file, column.Name, value: declared[a]);
        }

        var (valueOfRow, texts) = StudyBinder.DistinctValues(column, rows);
        string[] competing;
        if (declared.Length > 0) competing = declared;
        else
        {
            // Every other value competes: then a typo in censored_value would silently turn censoring into a cause.
            if (rows.Length > 0 && !texts.Any(censored.Contains))
                throw new StratifyInputException(
                    $"no row is censored: the censoring value{(censored.Length > 1 ? "s" : "")} {string.Join(", ", censored.Select(v => $"'{v}'"))} do{(censored.Length > 1 ? "" : "es")} not occur, and without a competing list every other value would count as a competing cause",
                    file, column.Name, suggestion: $"Declare censored_value (--censored-value) and competing (--competing); values: {string.Join(", ", texts.Order(StringComparer.Ordinal).Take(8))}.");
            competing = texts.Where(t => t != interest && !censored.Contains(t)).Order(Comparer<string>.Create(LevelOrder.Compare)).ToArray();
        }
        if (competing.Length + 1 > CompetingCauses.MaxCauses)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the event column has {competing.Length} competing causes, more than the {CompetingCauses.MaxCauses - 1} Stratify handles"),
                file, column.Name, suggestion: "Is this the right column? Group rare causes into one value first.");

        // One decision per distinct value, then one lookup per row.
        var codeOfValue = new int[texts.Length];
        for (int v = 0; v < texts.Length; v++)
            codeOfValue[v] = censored.Contains(texts[v]) ? 0 : texts[v] == interest ? 1 : Array.IndexOf(competing, texts[v]) is int c and >= 0 ? c + 2 : -1;
        var codes = new byte[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int code = codeOfValue[valueOfRow[k]];
            if (code < 0)
                throw new StratifyInputException(
                    $"event value is neither censoring ({string.Join(", ", censored)}), the event of interest ({interest}) nor a declared competing cause ({string.Join(", ", competing)})",
                    source, column.Name, rows[k] + 1, texts[valueOfRow[k]],
                    "Add it to competing (--competing), or to censored_value (--censored-value) if it means censored.");
            codes[k] = (byte)code;
        }
        var causes = new CompetingCauses(codes, censored, [interest, .. competing]);
        if (rows.Length > 0 && causes.EventOfInterestCount == 0)
            throw new StratifyInputException($"the event of interest '{interest}' never occurs in the analysed rows, so its cumulative incidence cannot be estimated",
                source, column.Name, suggestion: $"Check event_of_interest (--event-of-interest); values: {string.Join(", ", texts.Order(StringComparer.Ordinal).Take(8))}.");
        return causes;
    }
}
