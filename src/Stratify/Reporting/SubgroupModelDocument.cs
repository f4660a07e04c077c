using System.Text.Json;
using Stratify.Data;
using Stratify.Stratification;

namespace Stratify.Reporting;

/// <summary>
/// model.json of `stratify run`: the rule that places a patient in one of the run's subgroups
/// (<see cref="SubgroupModel"/>, learnt on the discovery patients; it placed every patient of the run) and each
/// subgroup's treatment estimate as the run reported it, so that `stratify assign` can place new patients and tell
/// each one its subgroup's estimated effect. <c>id_column</c> names the patient id of the training data (assign uses
/// it when the new file has it). Schema version <see cref="CurrentSchemaVersion"/>.
/// </summary>
/// <remarks>
/// A k-medoids model holds its medoids' feature values: one real training patient per subgroup (no id, no
/// outcome). Treat model.json as results.json: for analysts, not for circulation.
/// </remarks>
internal sealed record SubgroupModelDocument(
    string SchemaVersion,
    string Title,
    string? IdColumn,
    SubgroupModel Model,
    IReadOnlyList<ModelSubgroupJson> Subgroups,
    ModelTreatmentJson? Treatment)
{
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>The model of a run, with the estimates as results.json reports them.</summary>
    public static SubgroupModelDocument From(StratificationResult run, ResultsDocument results)
    {
        var model = run.Subgroups.Model ?? throw new InvalidOperationException("the run's subgroups carry no placement model");
        var effects = results.Treatment?.BySubgroup.ToDictionary(e => e.Subgroup, StringComparer.Ordinal);
        var subgroups = results.Subgroups.Select(s => new ModelSubgroupJson(s.Id, s.Description, s.Rule, s.N, s.Events,
            effects is not null && effects.TryGetValue(s.Id, out var e) ? Effect(e) : null)).ToArray();
        var treatment = results.Treatment is { } t
            ? new ModelTreatmentJson(t.Column, t.Reference, t.Treated, t.Design, results.Study.Endpoint.TimeUnit, results.Study.RmstHorizon, t.BottomLine,
                Effect(t.Overall), results.Inference.Statement)
            : null;
        return new SubgroupModelDocument(CurrentSchemaVersion, results.Study.Title, run.Study.Spec.Id, model, subgroups, treatment);
    }

    private static ModelEffectJson Effect(TreatmentEffectJson e) => new(e.Estimable, e.Hr, e.HrLower, e.HrUpper, e.P, e.AdjustedFor, e.Unadjusted, e.Shrunken,
        e.RmstDifference, e.RmstDifferenceSe, e.RmstDifferenceLower, e.RmstDifferenceUpper, e.Verdict, e.Sentence);

    /// <summary>Reads model.json; refuses a missing file, text that is not a Stratify model, or another schema version.</summary>
    public static SubgroupModelDocument Read(string path)
    {
        if (!File.Exists(path)) throw new StratifyInputException("model file not found", path, suggestion: "Give the model.json that `stratify run` wrote.");
        SubgroupModelDocument? document;
        try
        {
            using var stream = File.OpenRead(path);
            document = JsonOutput.Deserialize<SubgroupModelDocument>(stream);
        }
        catch (JsonException e)
        {
            throw new StratifyInputException($"not a Stratify subgroup model ({e.Message.Split('.')[0]})", path, suggestion: "Give the model.json that `stratify run` wrote.");
        }
        if (document?.Model is null || document.Subgroups is null)
            throw new StratifyInputException("not a Stratify subgroup model (no model or subgroups)", path, suggestion: "Give the model.json that `stratify run` wrote.");
        if (document.SchemaVersion != CurrentSchemaVersion)
            throw new StratifyInputException($"model schema version {document.SchemaVersion} is not the {CurrentSchemaVersion} this Stratify reads", path,
                suggestion: "Assign with the Stratify version that wrote the model, or rerun the study.");
        return document;
    }

    /// <summary>
    /// Places every patient of <paramref name="cohort"/>: a table of the patient id (the training id column when the
    /// file has it, else the row number), the subgroup ("unassigned" with the reason when the rule cannot place the
    /// patient), its description, and the subgroup's estimated treatment effect and interval.
    /// </summary>
    public Cohort Assign(Cohort cohort)
    {
        var placed = Model.Assign(cohort);
        int n = cohort.RowCount;
        bool hasId = IdColumn is not null && cohort.TryGet(IdColumn, out _);
        var id = new string[n];
        var subgroup = new string[n];
        var description = new string[n];
        var reason = new string?[n];
        var verdict = new string?[n];
        var numbers = new double[10][];
        var estimable = new string?[n];
        for (int j = 0; j < numbers.Length; j++) numbers[j] = new double[n];
        for (int i = 0; i < n; i++)
        {
            id[i] = hasId ? cohort[IdColumn!].Format(i) : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            int s = placed.SubgroupOfRow[i];
            var group = s >= 0 ? Subgroups[s] : null;
            subgroup[i] = group?.Id ?? "unassigned";
            description[i] = group?.Description ?? "";
            reason[i] = placed.Unplaced[i];
            var e = group?.Effect;
            verdict[i] = e?.Verdict;
            estimable[i] = e?.Estimable;
            double[] values = [e?.Hr ?? double.NaN, e?.HrLower ?? double.NaN, e?.HrUpper ?? double.NaN, e?.P ?? double.NaN,
                e?.Shrunken?.Hr ?? double.NaN, e?.Shrunken?.HrLower ?? double.NaN, e?.Shrunken?.HrUpper ?? double.NaN,
                e?.RmstDifference ?? double.NaN, e?.RmstDifferenceLower ?? double.NaN, e?.RmstDifferenceUpper ?? double.NaN];
            for (int j = 0; j < numbers.Length; j++) numbers[j][i] = values[j];
        }
        string[] names = ["hr", "hr_lower", "hr_upper", "p", "shrunken_hr", "shrunken_hr_lower", "shrunken_hr_upper",
            "rmst_difference", "rmst_difference_lower", "rmst_difference_upper"];
        var columns = new List<Column>
        {
            CategoricalColumn.FromStrings(hasId ? IdColumn! : "row", id),
            CategoricalColumn.FromStrings("subgroup", subgroup),
            CategoricalColumn.FromStrings("description", description),
        };
        for (int j = 0; j < names.Length; j++)
            columns.Add(new NumericColumn(names[j], numbers[j], numbers[j].Select(double.IsNaN).ToArray()));
        columns.Add(CategoricalColumn.FromStrings("estimable", estimable));
        columns.Add(CategoricalColumn.FromStrings("verdict", verdict));
        columns.Add(CategoricalColumn.FromStrings("not_placed_because", reason));
        return new Cohort(columns, cohort.Source);
    }
}

/// <summary>A subgroup as the run reported it: id, description, rule, size and events (estimation patients), and its treatment effect (null without a treatment).</summary>
internal sealed record ModelSubgroupJson(string Id, string Description, string? Rule, int N, int Events, ModelEffectJson? Effect);

/// <summary>
/// A treatment effect as results.json reports it (schema 2.0, <c>treatment.overall</c> and <c>treatment.by_subgroup[]</c>,
/// the same names): <c>estimable</c>, the adjusted HR with 95% CI and p and the covariates it is adjusted for, the
/// unadjusted HR, the shrunken HR (subgroups only), the RMST difference with SE and 95% CI, the verdict and the sentence.
/// </summary>
internal sealed record ModelEffectJson(string Estimable, double Hr, double HrLower, double HrUpper, double P, IReadOnlyList<string> AdjustedFor,
    HazardRatioJson? Unadjusted, ShrunkenHazardRatioJson? Shrunken,
    double RmstDifference, double RmstDifferenceSe, double RmstDifferenceLower, double RmstDifferenceUpper, string Verdict, string Sentence);

/// <summary>
/// The treatment as results.json's <c>treatment</c> names it: column, reference and treated arms, design; the RMST's
/// time unit and horizon; the <c>bottom_line</c> (does the effect differ between subgroups: per-subgroup verdicts
/// stand only when it says "differs"); the overall effect; and how honest the estimates are (the run's inference
/// statement).
/// </summary>
internal sealed record ModelTreatmentJson(string Column, string Reference, string Treated, string Design, string TimeUnit, double RmstHorizon,
    BottomLineJson BottomLine, ModelEffectJson Overall, string Inference);
