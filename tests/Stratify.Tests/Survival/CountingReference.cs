using System.Text.Json;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>
/// The cases of tests/reference/counting_reference.json (written by counting_reference.R with survival 3.5):
/// survfit, the log-rank as coxph's score test, and coxph on counting-process data, Surv(entry, time, event) with one
/// row per patient (delayed entry) or Surv(start, stop, event) with several rows per patient and an id. <see cref="Bind"/>
/// binds the case's CSV through <see cref="StudyBinder"/> with the spec keys a user would write (entry:, or start:,
/// stop: and id:), dropping the rows R dropped as incomplete.
/// </summary>
public static class CountingReference
{
    private static readonly ReferenceCases Cases = new("counting_reference.json");

    public static JsonElement Case(string section, string name) => Cases.Case(section, name);

    public static TheoryData<string> Names(string section, Func<JsonElement, bool>? where = null) => Cases.Names(section, where);

    /// <summary>The case's study, bound as the R script used it: start/stop rows with the patient id when the case names one.</summary>
    public static BoundStudy Bind(JsonElement c)
    {
        string? id = SurvivalReference.OptionalString(c, "id");
        string? strata = SurvivalReference.OptionalString(c, "strata");
        string entry = c.GetProperty("entry").GetString()!;
        return StudyBinder.Bind(ReferenceCases.Cohort(c), new StudySpec
        {
            Id = id,
            Entry = id is null ? entry : null,
            Start = id is null ? null : entry,
            Time = c.GetProperty("time").GetString(),
            Event = c.GetProperty("status").GetString(),
            EventValues = [c.GetProperty("event_value").GetRawText()],
            Weight = SurvivalReference.OptionalString(c, "weight"),
            Group = SurvivalReference.OptionalString(c, "group"),
            Strata = strata is null ? [] : [strata],
            Cluster = SurvivalReference.OptionalString(c, "cluster"),
            Covariates = ReferenceCases.Covariates(c),
        });
    }
}
