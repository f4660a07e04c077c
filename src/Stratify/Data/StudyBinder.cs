using System.Globalization;

namespace Stratify.Data;

/// <summary>
/// Binds a cohort's columns to the roles a <see cref="StudySpec"/> names and validates them once, at the
/// boundary, so estimators can trust their arrays. Refuses (with <see cref="StratifyInputException"/> naming file,
/// column, row and value): a column not found (closest name suggested); a type wrong for its role; negative,
/// NaN or infinite time; an event value outside the coding (with competing risks: neither censoring nor a declared
/// cause, see <see cref="CompetingCausesBinder"/>); duplicate patient ids; a used column with no values;
/// a categorical with one level; a reference level that does not occur; no events at all; a case weight that is not
/// a finite number ≥ 0, weights that are all 0, or a treatment arm or group whose weights sum to 0; with counting-process
/// input, an entry (start) that is not a finite number ≥ 0 before the row's time, start/stop rows without an id, the
/// overlapping intervals of a patient and an event before a patient's last interval. Rows missing a
/// value in a used column (the weight column included) are dropped and counted per column, never silently. Subgroup
/// features are bound too (with their missing values kept, so they never drop a patient); levels follow one set of
/// rules everywhere (<see cref="LevelRules"/>).
/// </summary>
public static class StudyBinder
{
    /// <summary>Reads the columns the spec uses (<see cref="StudySpec.UsedColumns"/>) of its data (files and part
    /// folders, concatenated in order) and binds them.</summary>
    public static BoundStudy Load(StudySpec spec) => Load(spec, CohortReadOptions.Only(spec.UsedColumns()));

    /// <summary>As <see cref="Load(StudySpec)"/>, reading what <paramref name="read"/> says (every column for a description).</summary>
    public static BoundStudy Load(StudySpec spec, CohortReadOptions read)
    {
        var bound = Bind(Read(spec, read), spec);
        Diagnostics.StageTimings.Mark("bind");
        return bound;
    }

    /// <summary>Reads the columns the spec uses of its data (files and part folders, concatenated in order) without binding them.</summary>
    public static Cohort Read(StudySpec spec) => Read(spec, CohortReadOptions.Only(spec.UsedColumns()));

    /// <summary>Reads the spec's data as <paramref name="read"/> says, without binding it.</summary>
    public static Cohort Read(StudySpec spec, CohortReadOptions read)
    {
        if (spec.Data.Count == 0)
            throw new StratifyInputException("no data given", spec.SourceFile,
                suggestion: spec.SourceFile is null ? "Pass --data cohort.parquet." : "Add 'data: cohort.parquet' to the spec.");
        Diagnostics.StageTimings.Mark("start");
        var cohorts = spec.Data.Select(path => ParquetCohortReader.Read(path, read)).ToList();
        Diagnostics.StageTimings.Mark("read");
        return cohorts.Count == 1 ? cohorts[0] : CohortConcatenation.Concat(cohorts);
    }

    /// <summary>
    /// The distinct non-missing values of the spec's event column, as the column formats them, in sorted order
    /// (for checks made before binding, e.g. whether an undeclared column holds more than two values).
    /// </summary>
    public static string[] EventValues(Cohort cohort, StudySpec spec)
    {
        if (spec.Event is null) return [];
        var column = cohort[spec.Event];
        string[] texts;
        // Codes such as 0/1 or 1/2 with no value missing: their texts from one pass, without a per-row array.
        if (column is NumericColumn { Missing: null } numeric && SmallWholeNumberTexts(numeric, null) is { } small) texts = small.Texts;
        else
        {
            var rows = new int[column.Length - column.MissingCount];
            for (int i = 0, k = 0; i < column.Length; i++) if (!column.IsMissing(i)) rows[k++] = i;
            texts = DistinctValues(column, rows).Texts;
        }
        return texts.Order(Comparer<string>.Create(LevelOrder.Compare)).ToArray();
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
        var weight = Resolve(spec.Weight);
        if (spec.Entry is not null && spec.Start is not null)
            throw new StratifyInputException("both entry: (delayed entry, one row per patient) and start: (start/stop rows) are given", spec.SourceFile ?? source,
                suggestion: "Use entry: with time: for one row per patient, or start: with stop: and id: for several rows per patient.");
        if (spec.Start is not null && spec.Id is null)
            throw new StratifyInputException("start/stop rows need the patient id column: a patient may have several rows", spec.SourceFile ?? source, spec.Start,
                suggestion: "Add id: (--id) naming the patient column.");
        var entry = Resolve(spec.Start ?? spec.Entry);
        if (entry is not null && time is null)
            throw new StratifyInputException($"an {(spec.Start is null ? "entry" : "start")} column needs the {(spec.Start is null ? "time" : "stop")} column too", spec.SourceFile ?? source, entry.Name,
                suggestion: spec.Start is null ? "Give time: (--time), the end of each patient's follow-up." : "Give stop: (--stop), the end of each interval.");
        var covariates = spec.Covariates.Select(c => (Spec: c, Column: cohort[c.Column])).ToArray();
        var featureSpecs = spec.Subgroups?.Features ?? [];
        var features = featureSpecs.Select(f => cohort[f.Column]).ToArray();
        if (time is not null && evt is null || evt is not null && time is null)
            throw new StratifyInputException("a survival analysis needs both a time and an event column", spec.SourceFile ?? source,
                suggestion: "Give both time and event (--time and --event).");

        // Every used column must hold values, and have a type its role accepts.
        var used = new List<Column>();
        void Use(Column? c) { if (c is not null && !used.Contains(c)) used.Add(c); }
        Use(id); Use(time); Use(entry); Use(evt); Use(treatment); Use(group); Use(subgroupColumn); Use(cluster); Use(weight);
        foreach (var s in strata) Use(s);
        foreach (var c in covariates) Use(c.Column);
        foreach (var c in used.Concat(features))
            if (c.MissingCount == c.Length && c.Length > 0)
                throw new StratifyInputException("the column has no values: every row is missing", source, c.Name);
        if (time is not null && time is not NumericColumn)
            throw TypeError(source, time, "the time column must be numeric (a number of days, weeks, months or years)");
        if (entry is not null and not NumericColumn)
            throw TypeError(source, entry, $"the {(spec.Start is null ? "entry" : "start")} column must be numeric (a time in the unit of the time column)");
        if (weight is not null and not NumericColumn)
            throw TypeError(source, weight, "the weight column must hold numbers (case weights ≥ 0)");
        if (time is { SourceType: SourceType.Date or SourceType.Timestamp or SourceType.Boolean })
            throw TypeError(source, time, "the time column must be a follow-up duration (days, weeks, months or years since the start of follow-up)",
                "Compute the duration first (for example the days from diagnosis to the event or last contact) and name that column as the time.");
        foreach (var (c, column) in covariates)
            if (c.Kind == CovariateKind.Numeric && column is not NumericColumn)
                throw TypeError(source, column, "a numeric covariate must hold numbers", "Declare it as categorical instead (--categorical or covariates: categorical:).");

        // Drop rows missing a value in any used column, counting per column.
        int n = cohort.RowCount;
        var dropped = new List<DroppedRows>();
        int[] rows;
        if (used.TrueForAll(c => c.MissingCount == 0)) rows = Survival.SurvivalOrder.Identity(n); // every row complete: no mask
        else
        {
            var keep = new bool[n];
            Array.Fill(keep, true);
            foreach (var c in used)
            {
                if (c.MissingCount == 0) continue;
                int count = 0;
                for (int i = 0; i < n; i++) if (c.IsMissing(i)) { count++; keep[i] = false; }
                dropped.Add(new DroppedRows(c.Name, count));
            }
            int kept = 0;
            foreach (bool k in keep) if (k) kept++;
            rows = new int[kept];
            for (int i = 0, r = 0; i < n; i++) if (keep[i]) rows[r++] = i;
        }

        // The group factor is coded on another core while the time and event columns are checked here; its result, or
        // its refusal, is taken where it was always taken, so the first problem reported is the same.
        var groupCoding = group is null ? null : Task.Run(() => BindFactor(source, group, rows, null, null, "group"));
        if (id is not null && spec.Start is null) CheckUniqueIds(source, id, rows);
        var timeValues = time is null ? null : BindTime(source, (NumericColumn)time, rows);
        if (timeValues is not null) RequireFollowUp(source, time!, timeValues);
        if (spec.Competing.Count > 0 && spec.EventOfInterest is null)
            throw new StratifyInputException("competing causes are given without the event of interest", spec.SourceFile ?? source, evt?.Name,
                suggestion: "Add event_of_interest (--event-of-interest).");
        if (spec.EventOfInterest is not null && entry is not null)
            throw new StratifyInputException($"competing risks with {(spec.Start is null ? "delayed entry" : "start/stop rows")} are not supported yet: cumulative incidence and Fine–Gray here follow cmprsk, which has no left truncation or time-varying rows",
                spec.SourceFile ?? source, entry.Name,
                suggestion: $"Drop {(spec.Start is null ? "entry: (--entry)" : "start:/stop: (--start/--stop)")} for a competing-risks analysis, or analyse one cause with the others coded as censoring.");
        var causes = evt is not null && spec.EventOfInterest is not null ? CompetingCausesBinder.Bind(source, spec, evt, rows) : null;
        var (events, codingText) = evt is null ? (null, null)
            : causes is not null ? (causes.EventOfInterestIndicator(), causes.CodingText)
            : BindEvent(source, spec, evt, rows);
        var entryValues = entry is null ? null : BindEntry(source, (NumericColumn)entry, (NumericColumn)time!, rows, timeValues!, spec.Start is null ? "entry" : "start");
        var patient = spec.Start is null ? null : BindIntervals(source, id!, entry!, evt!, rows, entryValues!, timeValues!, events!);
        if (events is not null && rows.Length > 0 && Array.IndexOf(events, true) < 0)
            throw new StratifyInputException("no events at all: every analysed patient is censored, so survival cannot be estimated", source, evt!.Name,
                suggestion: "Check the event coding (event_value / --event-value).");
        if (rows.Length == 0)
            throw new StratifyInputException("no row is complete in the used columns, so nothing is left to analyse", source,
                suggestion: "Missing values per column: " + string.Join(", ", dropped.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Column} {d.Rows}"))));

        var weights = weight is null ? null : BindWeights(source, (NumericColumn)weight, rows);
        var treatmentFactor = treatment is null ? null : BindFactor(source, treatment, rows, spec.TreatmentReference, null, "treatment");
        var groupFactor = groupCoding?.GetAwaiter().GetResult();
        if (weights is not null)
        {
            CheckLevelWeights(source, weights, treatmentFactor, "treatment arm", weight!.Name);
            CheckLevelWeights(source, weights, groupFactor, "group", weight!.Name);
        }

        return new BoundStudy
        {
            Spec = spec,
            Cohort = cohort,
            Rows = rows,
            IdColumn = id,
            Time = timeValues,
            Entry = entryValues,
            Patient = patient,
            Event = events,
            EventCodingText = codingText,
            Causes = causes,
            Treatment = treatmentFactor,
            Group = groupFactor,
            SubgroupColumn = subgroupColumn is null ? null : BindFactor(source, subgroupColumn, rows, null, null, "subgroup"),
            Strata = strata.Length == 0 ? null : CombineStrata(source, strata, rows),
            Cluster = cluster is null ? null : CombineStrata(source, [cluster], rows).Codes,
            Weights = weights,
            Covariates = covariates.Select(c => BindCovariate(source, c.Spec, c.Column, rows)).ToArray(),
            // Subgroup features keep their missing values: they never remove a patient from the analyses.
            Features = featureSpecs.Select((f, j) => BindVariable(source, f, features[j], rows, "feature")).ToArray(),
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
                throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"duplicate patient id (first seen in row {rows[first[v]] + 1})"), source, id.Name, rows[k] + 1, texts[v],
                    "Each row must be one patient; aggregate repeated records first.");
            first[v] = k;
        }
    }

    /// <summary>
    /// The distinct values of a column over the given rows, as text (formatted once per value, as messages and
    /// level names show them), and each row's index into them (−1 where the value is missing), in first-seen order.
    /// No per-row text.
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
                if (code < 0) { valueOfRow[k] = -1; continue; }
                if (map[code] < 0) { map[code] = texts.Count; texts.Add(categorical.Levels[code]); }
                valueOfRow[k] = map[code];
            }
            return (valueOfRow, texts.ToArray());
        }
        var numeric = (NumericColumn)column;
        if (numeric.Missing is { } missing)
        {
            // Code the present rows, then put the missing ones back as −1.
            var present = new List<int>(rows.Length);
            foreach (int row in rows) if (!missing[row]) present.Add(row);
            if (present.Count < rows.Length)
            {
                var (presentValue, presentTexts) = DistinctValues(numeric, present.ToArray());
                for (int k = 0, p = 0; k < rows.Length; k++) valueOfRow[k] = missing[rows[k]] ? -1 : presentValue[p++];
                return (valueOfRow, presentTexts);
            }
        }
        if (SmallWholeNumberTexts(numeric, rows) is { } small)
        {
            var values = numeric.Values;
            for (int k = 0; k < rows.Length; k++) valueOfRow[k] = small.TextOfSlot[(int)(values[rows[k]] - small.Min)];
            return (valueOfRow, small.Texts);
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

    /// <summary>
    /// Codes such as 0/1, 1/2 or group numbers, when every value over <paramref name="rows"/> (all rows when null) is a
    /// whole number and they span at most 65,536: the smallest value, the index of each value's text by value − min
    /// (−1 for a value no row has), and the texts in first-seen order, each formatted from its first row. An array
    /// indexed by value instead of a hash table, and no per-row array. Null otherwise (a missing value is NaN, so a
    /// column with one among the rows is null too).
    /// </summary>
    private static (double Min, int[] TextOfSlot, string[] Texts)? SmallWholeNumberTexts(NumericColumn numeric, int[]? rows)
    {
        var values = numeric.Values;
        int count = rows?.Length ?? values.Length;
        if (count == 0) return null;
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (int k = 0; k < count; k++)
        {
            double x = values[rows is null ? k : rows[k]];
            if (x != Math.Floor(x)) return null; // also NaN and infinities
            if (x < min) min = x;
            if (x > max) max = x;
        }
        if (max - min >= 65_536) return null;
        var textOfSlot = new int[(int)(max - min) + 1];
        Array.Fill(textOfSlot, -1);
        var texts = new List<string>();
        // The texts in first-seen order: stop as soon as every value in the span has been seen (0/1 codes: at once).
        for (int k = 0; k < count && texts.Count < textOfSlot.Length; k++)
        {
            int row = rows is null ? k : rows[k];
            ref int slot = ref textOfSlot[(int)(values[row] - min)];
            if (slot >= 0) continue;
            slot = texts.Count;
            texts.Add(numeric.Format(row));
        }
        return (min, textOfSlot, texts.ToArray());
    }

    /// <summary>Nobody followed for any time: no survival curve, hazard or hazard ratio has anything to estimate from.</summary>
    private static void RequireFollowUp(string source, Column time, double[] times)
    {
        if (times.Length > 0 && Array.TrueForAll(times, t => t == 0))
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"every follow-up time of the {times.Length:N0} patients is 0, so there is no survival to estimate"), source, time.Name,
                suggestion: "Check that this is the follow-up time column, and that its values were not lost on export.");
    }

    private static double[] BindTime(string source, NumericColumn time, int[] rows)
        => BindNonNegative(source, time, rows, "time", "Survival times must be finite and ≥ 0.");

    /// <summary>
    /// The column's values over the kept rows, each a finite number ≥ 0, else refused by row as
    /// "<paramref name="what"/> is negative" (or NaN, or infinite).
    /// </summary>
    private static double[] BindNonNegative(string source, NumericColumn column, int[] rows, string what, string suggestion)
    {
        // Every row kept: share the column's array (columns are never modified after reading) instead of copying it.
        var values = rows.Length == column.Length ? column.Values : new double[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            double v = column.Values[rows[k]];
            if (!double.IsFinite(v) || v < 0)
                throw new StratifyInputException(double.IsNaN(v) ? $"{what} is NaN (not a number)" : double.IsInfinity(v) ? $"{what} is infinite" : $"{what} is negative",
                    source, column.Name, rows[k] + 1, column.Format(rows[k]), suggestion);
            values[k] = v;
        }
        return values;
    }

    /// <summary>
    /// Entry (or interval start) times over the kept rows: each a finite number ≥ 0 and strictly before the row's time.
    /// R's <c>Surv(entry, time, event)</c> turns a row with entry ≥ time into NA with a warning and its na.omit drops it;
    /// Stratify refuses it, naming the row. Times that R's timefix would tie to each other (the interval would have
    /// length 0: aeqSurv stops there) are refused too.
    /// </summary>
    private static double[] BindEntry(string source, NumericColumn entry, NumericColumn time, int[] rows, double[] timeValues, string role)
    {
        var values = BindNonNegative(source, entry, rows, role, $"The {role} time must be a finite number ≥ 0.");
        for (int k = 0; k < rows.Length; k++)
            if (!(values[k] < timeValues[k]))
                throw new StratifyInputException(
                    $"the {role} ({entry.Format(rows[k])}) is not before the {(role == "start" ? "stop" : "time")} ({time.Format(rows[k])}): the row is at risk from {role} to {(role == "start" ? "stop" : "time")}, so {role} must be smaller",
                    source, entry.Name, rows[k] + 1, entry.Format(rows[k]),
                    "Correct the row, or remove it (R's Surv() would turn it into NA with a warning and drop it).");
        if (Survival.TimeFix.FirstCollapsedInterval(values, timeValues) is int collapsed)
            throw new StratifyInputException(
                $"the {role} ({entry.Format(rows[collapsed])}) and the {(role == "start" ? "stop" : "time")} ({time.Format(rows[collapsed])}) differ by less than R's timefix tolerance (sqrt of machine epsilon, absolute or relative to the mean time), so the interval has length 0",
                source, entry.Name, rows[collapsed] + 1, entry.Format(rows[collapsed]), "Round the times (for example to whole days), or remove the row.");
        return values;
    }

    /// <summary>
    /// Start/stop rows: the patient code of each kept row (from the id column, in first-seen order), after checking that
    /// a patient's intervals do not overlap and that only the last may end in an event (<see cref="Survival.PatientIntervals"/>).
    /// </summary>
    private static int[] BindIntervals(string source, Column id, Column start, Column evt, int[] rows, double[] startValues, double[] stopValues, bool[] events)
    {
        var (patient, texts) = DistinctValues(id, rows);
        if (Survival.PatientIntervals.Check(startValues, stopValues, events, patient) is not { } problem) return patient;
        string Interval(int k) => $"({startValues[k].ToString("R", CultureInfo.InvariantCulture)}, {stopValues[k].ToString("R", CultureInfo.InvariantCulture)}]";
        int row = problem.Row, other = problem.OtherRow;
        string who = texts[patient[row]];
        if (problem.Problem == Survival.IntervalProblem.Overlap)
            throw new StratifyInputException(
                string.Create(CultureInfo.InvariantCulture, $"the intervals of patient '{who}' (id column '{id.Name}') overlap: {Interval(other)} in row {rows[other] + 1} and {Interval(row)} in row {rows[row] + 1}"),
                source, start.Name, rows[row] + 1, start.Format(rows[row]),
                "A patient is at risk once at a time: make each start at or after the previous stop.");
        throw new StratifyInputException(
            string.Create(CultureInfo.InvariantCulture, $"patient '{who}' (id column '{id.Name}') has an event at the end of {Interval(row)}, but row {rows[other] + 1} continues their follow-up with {Interval(other)}: an event may only end a patient's last interval"),
            source, evt.Name, rows[row] + 1, evt.Format(rows[row]),
            "Stratify analyses the time to a first event; end the patient's follow-up at the event (repeated events are not supported).");
    }

    /// <summary>
    /// Case weights over the kept rows: each a finite number ≥ 0 (as R's survfit and coxph require), and not all 0.
    /// </summary>
    private static double[] BindWeights(string source, NumericColumn weight, int[] rows)
    {
        var values = BindNonNegative(source, weight, rows, "case weight", "Case weights must be finite numbers ≥ 0.");
        if (rows.Length > 0 && Array.TrueForAll(values, w => w == 0))
            throw new StratifyInputException("every case weight is 0, so no patient would count", source, weight.Name,
                suggestion: "Check the weight column; a weight of 0 removes a patient from the estimates.");
        return values;
    }

    /// <summary>
    /// Refuses a case weight of 0 for an analysis that, like R's coxph, needs every weight positive (Cox, the weighted
    /// log-rank test), naming the file row; nothing to check when the study has no weights.
    /// </summary>
    public static void RequirePositiveWeights(BoundStudy study, string analysis)
    {
        if (study.Weights is not { } weights) return;
        for (int k = 0; k < weights.Length; k++)
            if (weights[k] == 0)
            {
                var column = study.Cohort[study.Spec.Weight!];
                throw new StratifyInputException($"a case weight of 0 cannot enter {analysis} (R's coxph requires weights > 0)",
                    study.Cohort.Source, column.Name, study.Rows[k] + 1, column.Format(study.Rows[k]),
                    "Leave out the patients of weight 0 (they count for nothing), or give them a positive weight.");
            }
    }

    /// <summary>A treatment arm or group whose case weights sum to 0 would have no estimate: refused by name.</summary>
    private static void CheckLevelWeights(string source, double[] weights, Factor? factor, string role, string weightColumn)
    {
        if (factor is null) return;
        var total = new double[factor.LevelCount];
        for (int k = 0; k < weights.Length; k++) total[factor.Codes[k]] += weights[k];
        for (int level = 0; level < total.Length; level++)
            if (total[level] == 0)
                throw new StratifyInputException($"the {role} '{factor.Levels[level]}' has case weights that sum to 0 (weight column '{weightColumn}'), so it has no estimate",
                    source, factor.Name, value: factor.Levels[level],
                    suggestion: "Check the weights of its patients, or leave the level out of the data.");
    }

    /// <summary>Maps the event column to true (event) / false (censored) under the spec's coding.</summary>
    private static (bool[] Events, string CodingText) BindEvent(string source, StudySpec spec, Column column, int[] rows)
    {
        var coding = spec.EventCoding;
        if (spec.EventValues.Count > 0) coding = EventCoding.Declared;
        // Small whole-number codes (0/1, 1/2) are looked up by value below, without a per-row array of value indices.
        var small = column is NumericColumn numeric ? SmallWholeNumberTexts(numeric, rows) : null;
        var (valueOfRow, texts) = small is { } known ? (null, known.Texts) : DistinctValues(column, rows);
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
            _ => (spec.EventValues.Select(LevelRules.Canonical).ToArray(), spec.CensoredValues.Count > 0 ? spec.CensoredValues.Select(LevelRules.Canonical).ToArray() : null),
        };
        if (censored is null)
        {
            var others = distinct.Where(v => !In(events, v)).ToArray();
            if (others.Length > 1)
                throw new StratifyInputException(
                    string.Create(CultureInfo.InvariantCulture, $"event value(s) {string.Join(", ", events.Select(v => $"'{v}'"))} declared, but {others.Length} other values occur ({string.Join(", ", others.Take(6).Select(v => $"'{v}'"))}), so which mean censored is unclear"),
                    source, column.Name, suggestion: "Declare censored_value as well.");
            censored = others;
        }
        // Decide once per distinct value, then look up per row (no text per row).
        var isEvent = texts.Select(t => In(events, t)).ToArray();
        var isKnown = texts.Select(t => In(events, t) || In(censored, t)).ToArray();
        var result = new bool[rows.Length];
        var values = (column as NumericColumn)?.Values;
        for (int k = 0; k < rows.Length; k++)
        {
            int v = valueOfRow is not null ? valueOfRow[k] : small!.Value.TextOfSlot[(int)(values![rows[k]] - small.Value.Min)];
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

    /// <summary>Whether a value is among declared values, compared as <see cref="LevelRules"/> compares them ("2.0" matches 2).</summary>
    private static bool In(string[] declared, string value) => Array.Exists(declared, d => LevelRules.Matches(d, value));

    /// <summary>
    /// A factor over the kept rows, levels as <see cref="LevelRules"/> makes them (the values that occur, numbers by
    /// value, unless an order is declared); the reference level first in meaning (index stored), defaulting to the
    /// first level. Refuses a column with fewer than two levels that occur.
    /// </summary>
    public static Factor BindFactor(string source, Column column, int[] rows, string? reference, IReadOnlyList<string>? order, string role)
    {
        var (codes, levels) = LevelRules.Code(source, column, rows, order);
        var counts = new Factor(column.Name, codes, levels).Counts();
        if (counts.Count(c => c > 0) < 2)
            throw new StratifyInputException($"the {role} column has a single level, so there is nothing to compare", source, column.Name,
                value: levels.Where((_, l) => counts[l] > 0).FirstOrDefault(),
                suggestion: "Remove it from the analysis, or check that filtering did not remove the other levels.");
        int referenceIndex = 0;
        if (reference is not null)
        {
            referenceIndex = LevelRules.IndexOf(levels, reference);
            if (referenceIndex < 0)
                throw new StratifyInputException("reference level does not occur in the column", source, column.Name, value: reference,
                    suggestion: $"Levels: {string.Join(", ", levels.Take(20))}.");
        }
        return new Factor(column.Name, codes, levels, referenceIndex);
    }

    private static BoundCovariate BindCovariate(string source, CovariateSpec spec, Column column, int[] rows) => spec.Kind == CovariateKind.Numeric
        ? BindVariable(source, spec, column, rows, "covariate")
        : new BoundCovariate(spec, null, BindFactor(source, column, rows, spec.Reference, spec.Kind == CovariateKind.Ordinal ? spec.Levels : null,
            spec.Kind == CovariateKind.Ordinal ? "ordinal covariate" : "categorical covariate"));

    /// <summary>
    /// Binds columns that may have missing values (subgroup features, columns described in a Table 1) over
    /// <paramref name="rows"/> of the cohort (all rows when null): numbers as they are (NaN where missing),
    /// categorical and ordinal columns as factors whose missing rows have the code −1, by the rules of
    /// <see cref="LevelRules"/>. Refuses a numeric role on a text column, and a value that is present but not a finite
    /// number (NaN, ±Inf), naming file, column, row and value.
    /// </summary>
    public static IReadOnlyList<BoundCovariate> BindVariables(Cohort cohort, IReadOnlyList<CovariateSpec> specs, int[]? rows = null, string role = "feature")
    {
        rows ??= Enumerable.Range(0, cohort.RowCount).ToArray();
        var bound = new BoundCovariate[specs.Count];
        for (int j = 0; j < specs.Count; j++) bound[j] = BindVariable(cohort.Source, specs[j], cohort[specs[j].Column], rows, role);
        return bound;
    }

    /// <summary>More variables of a bound study over its analysed rows, missing values kept (see <see cref="BindVariables(Cohort, IReadOnlyList{CovariateSpec}, int[], string)"/>).</summary>
    public static IReadOnlyList<BoundCovariate> BindVariables(BoundStudy study, IReadOnlyList<CovariateSpec> specs, string role = "feature") =>
        BindVariables(study.Cohort, specs, study.Rows, role);

    /// <summary>
    /// The study's columns other than id, time, event and <paramref name="exclude"/>, bound over the analysed rows with
    /// missing values kept and the kind of <see cref="NaturalKind"/>: what a Table 1 describes when the spec declares no
    /// variable.
    /// </summary>
    public static IReadOnlyList<BoundCovariate> BindUndeclared(BoundStudy study, int categoricalUpTo, params string?[] exclude)
    {
        var spec = study.Spec;
        var roles = new HashSet<string?>([spec.Id, spec.Time, spec.Event, .. exclude]);
        var specs = study.Cohort.Columns.Where(c => !roles.Contains(c.Name)).Select(c => new CovariateSpec(c.Name, NaturalKind(c, categoricalUpTo))).ToArray();
        return BindVariables(study, specs, "Table 1 variable");
    }

    /// <summary>
    /// The natural kind of a column: text is categorical; numbers are numeric unless every value is a whole number and
    /// there are at most <paramref name="categoricalUpTo"/> distinct values (0 = never), e.g. 5 makes sex, ECOG and
    /// grade categorical but keeps age numeric.
    /// </summary>
    public static CovariateKind NaturalKind(Column column, int categoricalUpTo = 0)
    {
        if (column is not NumericColumn numeric) return CovariateKind.Categorical;
        if (categoricalUpTo <= 0) return CovariateKind.Numeric;
        var distinct = new HashSet<double>();
        for (int i = 0; i < numeric.Length; i++)
        {
            if (numeric.IsMissing(i)) continue;
            double v = numeric.Values[i];
            if (v != Math.Floor(v)) return CovariateKind.Numeric;
            distinct.Add(v);
            if (distinct.Count > categoricalUpTo) return CovariateKind.Numeric;
        }
        return distinct.Count == 0 ? CovariateKind.Numeric : CovariateKind.Categorical;
    }

    private static BoundCovariate BindVariable(string source, CovariateSpec spec, Column column, int[] rows, string role)
    {
        if (spec.Kind != CovariateKind.Numeric)
        {
            var (codes, levels) = LevelRules.Code(source, column, rows, spec.Kind == CovariateKind.Ordinal ? spec.Levels : null);
            int reference = spec.Reference is null ? 0 : Math.Max(0, LevelRules.IndexOf(levels, spec.Reference));
            return new BoundCovariate(spec, null, new Factor(column.Name, codes, levels, reference));
        }
        if (column is not NumericColumn numeric)
            throw TypeError(source, column, $"a numeric {role} must hold numbers", $"Declare it as categorical instead (categorical: in the spec{(role == "covariate" ? ", or --categorical" : "")}).");
        var values = numeric.Values;
        // Every row kept and none missing: share the column's array (columns are never modified after reading).
        var bound = rows.Length == values.Length && numeric.Missing is null ? values : new double[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int row = rows[k];
            if (numeric.IsMissing(row)) { bound[k] = double.NaN; continue; }
            bound[k] = values[row];
            if (!double.IsFinite(bound[k]))
                throw new StratifyInputException($"{role} value is not a finite number", source, column.Name, row + 1, column.Format(row),
                    "Leave the value empty (missing) or correct it.");
        }
        return new BoundCovariate(spec, bound, null);
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
