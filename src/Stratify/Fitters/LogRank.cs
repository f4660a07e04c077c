using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify;

/// <summary>
/// The k-sample log-rank test (and its Fleming–Harrington G(ρ) family), optionally stratified, as R's
/// <c>survdiff(Surv(time, status) ~ group + strata(s), rho = ρ)</c>; see <see cref="LogRankTest"/> for the statistic,
/// the tie rule and the weighted form. Options in the constructor, data and roles in <c>Fit</c>.
/// </summary>
/// <example><code>
/// var test = new LogRank().Fit(DataFrame.LoadCsv("datasets/lung.csv"), time: "time", @event: "status", group: "sex");
/// // test.Statistic = 10.3 on 1 degree of freedom, PValue = 0.00131, as survdiff(Surv(time, status) ~ sex, lung)
/// </code></example>
public sealed class LogRank(LogRankOptions? options = null)
{
    public LogRankOptions Options { get; } = options ?? new LogRankOptions();

    /// <inheritdoc cref="Fit(Cohort, string, string, string, IReadOnlyList{string}?, string?)"/>
    public LogRankFit Fit(DataFrame data, string time, string @event, string group, IReadOnlyList<string>? strata = null, string? weight = null) =>
        Fit(Cohort.FromDataFrame(data), time, @event, group, strata, weight);

    /// <inheritdoc cref="Fit(Cohort, string, string, string, IReadOnlyList{string}?, string?)"/>
    public LogRankFit Fit(IDataView data, string time, string @event, string group, IReadOnlyList<string>? strata = null, string? weight = null) =>
        Fit(Cohort.FromDataView(data), time, @event, group, strata, weight);

    /// <summary>Tests whether survival differs between the levels of <paramref name="group"/>.</summary>
    /// <param name="strata">Columns whose combinations are strata (the test is summed over them); null = none.</param>
    /// <param name="weight">Case-weight column; the test is then the score test of the weighted Cox model (see <see cref="LogRankTest"/>).</param>
    public LogRankFit Fit(Cohort data, string time, string @event, string group, IReadOnlyList<string>? strata = null, string? weight = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = StudyBinder.Bind(data, new StudySpec { Time = time, Event = @event, Group = group, Strata = strata ?? [], Weight = weight });
        return new LogRankFit(LogRankTest.Compute(SurvivalData.From(study, study.Group), Options), study.RowsDropped);
    }
}

/// <summary>A log-rank test: χ² statistic, degrees of freedom, p-value, and observed and expected events per group. Immutable.</summary>
public sealed class LogRankFit
{
    private readonly LogRankResult _result;

    internal LogRankFit(LogRankResult result, int rowsDropped)
    {
        _result = result;
        RowsDropped = rowsDropped;
    }

    public double Statistic => _result.Statistic;
    public int DegreesOfFreedom => _result.DegreesOfFreedom;
    public double PValue => _result.PValue;
    /// <summary>Observed and expected events per group (groups with patients, in level order).</summary>
    public IReadOnlyList<LogRankGroup> Groups => _result.Groups;
    /// <summary>The pairwise tests, when <see cref="LogRankOptions.Pairwise"/> asked for them.</summary>
    public IReadOnlyList<PairwiseLogRank> Pairwise => _result.Pairwise;
    /// <summary>The test for trend, when <see cref="LogRankOptions.Trend"/> asked for it.</summary>
    public LogRankTrend? Trend => _result.Trend;
    /// <summary>Rows left out for a missing time, event, group, stratum or weight.</summary>
    public int RowsDropped { get; }

    /// <summary>One row per group: group, n, observed, expected, (O − E)²/E (survdiff's table).</summary>
    public DataFrame Summary() => new SummaryFrame()
        .Add("group", Groups.Select(g => g.Group))
        .Add("n", Groups.Select(g => g.N))
        .Add("observed", Groups.Select(g => g.Observed))
        .Add("expected", Groups.Select(g => g.Expected))
        .Add("(O-E)^2/E", Groups.Select(g => (g.Observed - g.Expected) * (g.Observed - g.Expected) / g.Expected))
        .ToDataFrame();
}
