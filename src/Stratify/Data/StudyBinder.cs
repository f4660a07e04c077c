using System.Globalization;

namespace Stratify.Data;

/// <summary>
/// Binds a cohort's columns to the roles a <see cref="StudySpec"/> names and validates them once, at the
/// boundary, so estimators can trust their arrays. Refuses (with <see cref="StratifyInputException"/> naming file,
/// column, row and value): a column not found (closest name suggested); a type wrong for its role; negative,
/// NaN or infinite time; an event value outside the coding; duplicate patient ids; a used column with no values;
/// a categorical with one level; a reference level that does not occur; no events at all. Rows missing a value in
/// a used column are dropped and counted per column, never silently.
/// </summary>
public static class StudyBinder
{
    /// <summary>Reads the columns the spec uses (<see cref="StudySpec.UsedColumns"/>) of its data (files and part
    /// folders, concatenated in order) and binds them.</summary>
    public static BoundStudy Load(StudySpec spec) => Load(spec, CohortReadOptions.Only(spec.UsedColumns()));

    /// <summary>As <see cref="Load(StudySpec)"/>, reading what <paramref name="read"/> says (every column for a description).</summary>
    public static BoundStudy Load(StudySpec spec, CohortReadOptions read)
    {
        if (spec.Data.Count == 0)
            throw new StratifyInputException("no data given", spec.SourceFile,
                suggestion: spec.SourceFile is null ? "Pass --data cohort.parquet." : "Add 'data: cohort.parquet' to the spec.");
        Diagnostics.StageTimings.Mark("start");
        var cohorts = spec.Data.Select(path => ParquetCohortReader.Read(path, read)).ToList();
        Diagnostics.StageTimings.Mark("read");
        var bound = Bind(cohorts.Count == 1 ? cohorts[0] : CohortConcatenation.Concat(cohorts), spec);
        Diagnostics.StageTimings.Mark("bind");
        return bound;
    }

    public static BoundStudy Bind(Cohort cohort, StudySpec spec)
    {
        var source = cohort.Source;
        Column? Resolve(string? name) => name is null ? null : cohort[name];

        var id = Resolve(spec.Id);
        var time = Resolve(spec.Time);
        var evt = Resolve(spec.Event);
        var treatment = Resolve(spec.Treatment);
        var group = Resolve(spec.Group);
        var subgroupColumn = spec.Subgroups is { Method: SubgroupMethod.Column } sg ? Resolve(sg.Column) : null;
        var strata = spec.Strata.Select(s => cohort[s]).ToArray();
        var cluster = Resolve(spec.Cluster);
        var covariates = spec.Covariates.Select(c => (Spec: c, Column: cohort[c.Column])).ToArray();
        var features = (spec.Subgroups?.Features ?? []).Select(f => cohort[f.Column]).ToArray();
        if (time is not null && evt is null || evt is not null && time is null)
            throw new StratifyInputException("a survival analysis needs both a time and an event column", spec.SourceFile ?? source,
                suggestion: "Give both time and event (--time and --event).");

        // Every used column must hold values, and have a type its role accepts.
        var used = new List<Column>();
        void Use(Column? c) { if (c is not null && !used.Contains(c)) used.Add(c); }
        Use(id); Use(time); Use(evt); Use(treatment); Use(group); Use(subgroupColumn); Use(cluster);
        foreach (var s in strata) Use(s);
        foreach (var c in covariates) Use(c.Column);
        foreach (var c in used.Concat(features))
            if (c.MissingCount == c.Length && c.Length > 0)
                throw new StratifyInputException("the column has no values: every row is missing", source, c.Name);
        if (time is not null && time is not NumericColumn)
            throw TypeError(source, time, "the time column must be numeric (a number of days, weeks, months or years)");
        if (time is { SourceType: SourceType.Date or SourceType.Timestamp or SourceType.Boolean })
            throw TypeError(source, time, "the time column must be a follow-up duration (days, weeks, months or years since the start of follow-up)",
                "Compute the duration first (for example the days from diagnosis to the event or last contact) and name that column as the time.");
        foreach (var (c, column) in covariates)
            if (c.Kind == CovariateKind.Numeric && column is not NumericColumn)
                throw TypeError(source, column, "a numeric covariate must hold numbers", "Declare it as categorical instead (--categorical or covariates: categorical:).");

        // Drop rows missing a value in any used column, counting per column.
        int n = cohort.RowCount;
        var keep = new bool[n];
        Array.Fill(keep, true);
        var dropped = new List<DroppedRows>();
        foreach (var c in used)
        {
            if (c.MissingCount == 0) continue;
            int count = 0;
            for (int i = 0; i < n; i++) if (c.IsMissing(i)) { count++; keep[i] = false; }
            dropped.Add(new DroppedRows(c.Name, count));
        }
        int kept = 0;
        foreach (bool k in keep) if (k) kept++;
        var rows = new int[kept];
        for (int i = 0, r = 0; i < n; i++) if (keep[i]) rows[r++] = i;

        if (id is not null) CheckUniqueIds(source, id, rows);
        var timeValues = time is null ? null : BindTime(source, (NumericColumn)time, rows);
        var (events, codingText) = evt is null ? (null, null) : BindEvent(source, spec, evt, rows);
        if (events is not null && rows.Length > 0 && Array.IndexOf(events, true) < 0)
            throw new StratifyInputException("no events at all: every analysed patient is censored, so survival cannot be estimated", source, evt!.Name,
                suggestion: "Check the event coding (event_value / --event-value).");
        if (rows.Length == 0)
            throw new StratifyInputException("no row is complete in the used columns, so nothing is left to analyse", source,
                suggestion: "Missing values per column: " + string.Join(", ", dropped.Select(d => $"{d.Column} {d.Rows}")));

        return new BoundStudy
        {
            Spec = spec,
            Cohort = cohort,
            Rows = rows,
            IdColumn = id,
            Time = timeValues,
            Event = events,
            EventCodingText = codingText,
            Treatment = treatment is null ? null : BindFactor(source, treatment, rows, spec.TreatmentReference, null, "treatment"),
            Group = group is null ? null : BindFactor(source, group, rows, null, null, "group"),
            SubgroupColumn = subgroupColumn is null ? null : BindFactor(source, subgroupColumn, rows, null, null, "subgroup"),
            Strata = strata.Length == 0 ? null : CombineStrata(source, strata, rows),
            Cluster = cluster is null ? null : CombineStrata(source, [cluster], rows).Codes,
            Covariates = covariates.Select(c => BindCovariate(source, c.Spec, c.Column, rows)).ToArray(),
            Features = features,
            Dropped = dropped,
        };
    }

    private static StratifyInputException TypeError(string source, Column column, string problem, string? suggestion = null)
    {
        int row = Enumerable.Range(0, column.Length).FirstOrDefault(i => !column.IsMissing(i));
        return new StratifyInputException($"{problem}, but it holds {Describe(column.SourceType)} values", source, column.Name, row + 1,
            column.Format(row), suggestion);
    }

    private static string Describe(SourceType type) => type switch
    {
        SourceType.String => "text",
        SourceType.Boolean => "true/false",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static void CheckUniqueIds(string source, Column id, int[] rows)
    {
        var (valueOfRow, texts) = DistinctValues(id, rows);
        if (texts.Length == rows.Length) return;
        var first = new int[texts.Length];
        Array.Fill(first, -1);
        for (int k = 0; k < rows.Length; k++)
        {
            int v = valueOfRow[k];
            if (first[v] >= 0)
                throw new StratifyInputException($"duplicate patient id (first seen in row {rows[first[v]] + 1})", source, id.Name, rows[k] + 1, texts[v],
                    "Each row must be one patient; aggregate repeated records first.");
            first[v] = k;
        }
    }

    /// <summary>
    /// The distinct values of a column over the given rows, as text (formatted once per value, as messages and
    /// level names show them), and each row's index into them, in first-seen order. No per-row text.
    /// </summary>
    internal static (int[] ValueOfRow, string[] Texts) DistinctValues(Column column, int[] rows)
    {
        var valueOfRow = new int[rows.Length];
        var texts = new List<string>();
        if (column is CategoricalColumn categorical)
        {
            var map = new int[categorical.Levels.Length];
            Array.Fill(map, -1);
            for (int k = 0; k < rows.Length; k++)
            {
                int code = categorical.Codes[rows[k]];
                if (map[code] < 0) { map[code] = texts.Count; texts.Add(categorical.Levels[code]); }
                valueOfRow[k] = map[code];
            }
            return (valueOfRow, texts.ToArray());
        }
        var numeric = (NumericColumn)column;
        if (SmallWholeNumberRange(numeric.Values, rows) is (double min, int range))
        {
            // Codes such as 0/1, 1/2 or group numbers: an array indexed by value instead of a hash table.
            var slot = new int[range];
            Array.Fill(slot, -1);
            for (int k = 0; k < rows.Length; k++)
            {
                int at = (int)(numeric.Values[rows[k]] - min);
                int v = slot[at];
                if (v < 0)
                {
                    v = slot[at] = texts.Count;
                    texts.Add(numeric.Format(rows[k]));
                }
                valueOfRow[k] = v;
            }
            return (valueOfRow, texts.ToArray());
        }
        var index = new Dictionary<double, int>();
        for (int k = 0; k < rows.Length; k++)
        {
            double x = numeric.Values[rows[k]];
            if (!index.TryGetValue(x, out int v))
            {
                v = index.Count;
                index.Add(x, v);
                texts.Add(numeric.Format(rows[k]));
            }
            valueOfRow[k] = v;
        }
        return (valueOfRow, texts.ToArray());
    }

    /// <summary>(minimum, max − min + 1) when every value over the rows is a whole number spanning at most 65,536; else null.</summary>
    private static (double Min, int Range)? SmallWholeNumberRange(double[] values, int[] rows)
    {
        if (rows.Length == 0) return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int k = 0; k < rows.Length; k++)
        {
            double x = values[rows[k]];
            if (x != Math.Floor(x)) return null; // also NaN and infinities
            if (x < min) min = x;
            if (x > max) max = x;
        }
        return max - min < 65_536 ? (min, (int)(max - min) + 1) : null;
    }

    private static double[] BindTime(string source, NumericColumn time, int[] rows)
    {
        // Every row kept: share the column's array (columns are never modified after reading) instead of copying it.
        var values = rows.Length == time.Length ? time.Values : new double[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            double t = time.Values[rows[k]];
            if (!double.IsFinite(t) || t < 0)
                throw new StratifyInputException(double.IsNaN(t) ? "time is NaN (not a number)" : double.IsInfinity(t) ? "time is infinite" : "time is negative",
                    source, time.Name, rows[k] + 1, time.Format(rows[k]), "Survival times must be finite and ≥ 0.");
            values[k] = t;
        }
        return values;
    }

    /// <summary>Maps the event column to true (event) / false (censored) under the spec's coding.</summary>
    private static (bool[] Events, string CodingText) BindEvent(string source, StudySpec spec, Column column, int[] rows)
    {
        var coding = spec.EventCoding;
        if (spec.EventValues.Count > 0) coding = EventCoding.Declared;
        var (valueOfRow, texts) = DistinctValues(column, rows);
        var distinct = texts.Order(StringComparer.Ordinal).ToArray();
        if (coding == EventCoding.Auto)
        {
            coding = column.SourceType == SourceType.Boolean ? EventCoding.Boolean
                : distinct.All(v => v is "0" or "1") ? EventCoding.ZeroOne
                : distinct.All(v => v is "1" or "2") ? EventCoding.OneTwo
                : distinct.All(v => v is "true" or "false" or "True" or "False") ? EventCoding.Boolean
                : distinct.Contains("0") && distinct.Contains("2")
                    ? throw new StratifyInputException("the event column mixes the 0/1 and 1/2 codings (0, 1 and 2 all occur)", source, column.Name,
                        suggestion: "Declare the coding: event_coding: 0/1 or 1/2, or event_value / censored_value.")
                // One recognisable coding plus stray values: assume it, so the row check below names the first stray value.
                : distinct.Contains("0") ? EventCoding.ZeroOne
                : distinct.Contains("2") ? EventCoding.OneTwo
                : throw new StratifyInputException(
                    $"the event coding is not recognised: values {string.Join(", ", distinct.Take(6).Select(v => $"'{v}'"))}{(distinct.Length > 6 ? ", ..." : "")}",
                    source, column.Name,
                    suggestion: "Declare it: event_value: <value meaning event> and censored_value: <value meaning censored> (CLI: --event-value).");
        }
        (string[] events, string[]? censored) = coding switch
        {
            EventCoding.ZeroOne => (new[] { "1" }, new[] { "0" }),
            EventCoding.OneTwo => (new[] { "2" }, new[] { "1" }),
            EventCoding.Boolean => (new[] { "1", "true", "True" }, new[] { "0", "false", "False" }),
            _ => (spec.EventValues.Select(Canonical).ToArray(), spec.CensoredValues.Count > 0 ? spec.CensoredValues.Select(Canonical).ToArray() : null),
        };
        if (censored is null)
        {
            var others = distinct.Where(v => !events.Contains(v)).ToArray();
            if (others.Length > 1)
                throw new StratifyInputException(
                    $"event value(s) {string.Join(", ", events.Select(v => $"'{v}'"))} declared, but {others.Length} other values occur ({string.Join(", ", others.Take(6).Select(v => $"'{v}'"))}), so which mean censored is unclear",
                    source, column.Name, suggestion: "Declare censored_value as well.");
            censored = others;
        }
        // Decide once per distinct value, then look up per row (no text per row).
        var isEvent = texts.Select(events.Contains).ToArray();
        var isKnown = texts.Select(t => events.Contains(t) || censored.Contains(t)).ToArray();
        var result = new bool[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int v = valueOfRow[k];
            if (!isKnown[v])
                throw new StratifyInputException(
                    $"event value outside the coding ({CodingText(coding, events, censored)})", source, column.Name, rows[k] + 1, texts[v],
                    "Fix the value, or declare the coding with event_value / censored_value.");
            result[k] = isEvent[v];
        }
        return (result, CodingText(coding, events, censored));
    }

    private static string CodingText(EventCoding coding, string[] events, string[] censored) => coding switch
    {
        EventCoding.ZeroOne => "0 = censored, 1 = event",
        EventCoding.OneTwo => "R's coding: 1 = censored, 2 = event",
        EventCoding.Boolean => "false = censored, true = event",
        _ => $"{string.Join("/", censored)} = censored, {string.Join("/", events)} = event",
    };

    /// <summary>Declared values compare as the column formats them ("2.0" in a spec matches the number 2).</summary>
    private static string Canonical(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : value;

    /// <summary>
    /// A factor over the kept rows: levels that occur, in sorted order (numbers by value) unless an order is
    /// given; the reference level first in meaning (index stored), defaulting to the first level.
    /// </summary>
    public static Factor BindFactor(string source, Column column, int[] rows, string? reference, IReadOnlyList<string>? order, string role)
    {
        string[] levels;
        var (valueOfRow, texts) = DistinctValues(column, rows);
        var present = new HashSet<string>(texts, StringComparer.Ordinal);
        if (order is not null)
        {
            var declared = order.Select(Canonical).ToArray();
            for (int k = 0; k < rows.Length; k++)
            {
                var v = texts[valueOfRow[k]];
                if (!declared.Contains(v))
                    throw new StratifyInputException($"value not among the declared levels ({string.Join(", ", declared)})", source, column.Name, rows[k] + 1, v,
                        "Add it to the level order in the spec.");
            }
            levels = declared.Where(present.Contains).ToArray();
        }
        else levels = present.Order(Comparer<string>.Create(LevelOrder.Compare)).ToArray();
        if (levels.Length < 2)
            throw new StratifyInputException($"the {role} column has a single level, so there is nothing to compare", source, column.Name,
                value: levels.FirstOrDefault(), suggestion: "Remove it from the analysis, or check that filtering did not remove the other levels.");
        int referenceIndex = 0;
        if (reference is not null)
        {
            referenceIndex = Array.IndexOf(levels, Canonical(reference));
            if (referenceIndex < 0)
                throw new StratifyInputException("reference level does not occur in the column", source, column.Name, value: reference,
                    suggestion: $"Levels: {string.Join(", ", levels.Take(20))}.");
        }
        var levelOfValue = texts.Select(t => Array.IndexOf(levels, t)).ToArray();
        var codes = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) codes[k] = levelOfValue[valueOfRow[k]];
        return new Factor(column.Name, codes, levels, referenceIndex);
    }

    private static BoundCovariate BindCovariate(string source, CovariateSpec spec, Column column, int[] rows)
    {
        if (spec.Kind == CovariateKind.Numeric)
        {
            var values = ((NumericColumn)column).Values;
            // Every row kept: share the column's array (columns are never modified after reading) instead of copying it.
            var bound = rows.Length == values.Length ? values : new double[rows.Length];
            for (int k = 0; k < rows.Length; k++)
            {
                bound[k] = values[rows[k]];
                if (!double.IsFinite(bound[k]))
                    throw new StratifyInputException("covariate value is not a finite number", source, column.Name, rows[k] + 1, column.Format(rows[k]));
            }
            return new BoundCovariate(spec, bound, null);
        }
        var factor = BindFactor(source, column, rows, spec.Reference, spec.Kind == CovariateKind.Ordinal ? spec.Levels : null,
            spec.Kind == CovariateKind.Ordinal ? "ordinal covariate" : "categorical covariate");
        return new BoundCovariate(spec, null, factor);
    }

    private static Factor CombineStrata(string source, Column[] strata, int[] rows)
    {
        // Each row's combination of per-column values as one mixed-radix number, labelled once per distinct combination.
        var perColumn = strata.Select(s => DistinctValues(s, rows)).ToArray();
        if (perColumn.Aggregate(1.0, (product, c) => product * Math.Max(1, c.Texts.Length)) > long.MaxValue / 2)
            throw new StratifyInputException("the strata columns together have too many combinations to stratify on", source,
                string.Join(", ", strata.Select(s => s.Name)), suggestion: "Stratify on fewer columns, or group their levels first.");
        var combination = new Dictionary<long, int>();
        var labels = new List<string>();
        var first = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            long key = 0;
            foreach (var c in perColumn) key = key * c.Texts.Length + c.ValueOfRow[k];
            if (!combination.TryGetValue(key, out int code))
            {
                code = combination.Count;
                combination.Add(key, code);
                labels.Add(strata.Length == 1 ? perColumn[0].Texts[perColumn[0].ValueOfRow[k]]
                    : string.Join(", ", strata.Select((s, j) => $"{s.Name}={perColumn[j].Texts[perColumn[j].ValueOfRow[k]]}")));
            }
            first[k] = code;
        }
        var levels = labels.Distinct().Order(Comparer<string>.Create(LevelOrder.Compare)).ToArray();
        var index = levels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var remap = labels.Select(l => index[l]).ToArray();
        var codes = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++) codes[k] = remap[first[k]];
        return new Factor(string.Join("+", strata.Select(s => s.Name)), codes, levels);
    }
}
