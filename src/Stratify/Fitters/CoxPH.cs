using Microsoft.Data.Analysis;
using Microsoft.ML;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify;

/// <summary>
/// Cox proportional hazards regression, as R's <c>coxph(Surv(time, status) ~ covariates + strata(s), ties = "efron")</c>:
/// Newton–Raphson on the partial likelihood (Efron or Breslow ties), model-based or robust standard errors, the three
/// global tests, Harrell's concordance, and predicted survival for new patients (<c>survfit(fit, newdata)</c>); see
/// <see cref="CoxProportionalHazards"/> for the formulas and tie handling. Options in the constructor, data and roles in <c>Fit</c>.
/// </summary>
/// <example><code>
/// var df = DataFrame.LoadCsv("datasets/gbsg.csv");
/// var cox = new CoxPH(new CoxOptions { ConfidenceLevel = 0.95 })
///     .Fit(df, time: "rfstime", @event: "status", covariates: ["hormon", "age", "size", "nodes"]);
/// Console.WriteLine(cox.Summary());
/// </code></example>
public sealed class CoxPH(CoxOptions? options = null)
{
    /// <summary>The options. <see cref="CoxOptions.Weights"/> and <see cref="CoxOptions.Cluster"/> come from the
    /// <c>weight</c> and <c>cluster</c> roles of <c>Fit</c>, not from here.</summary>
    public CoxOptions Options { get; } = options ?? new CoxOptions();

    /// <inheritdoc cref="Fit(Cohort, string, string, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?, string?, string?)"/>
    public CoxPHFit Fit(DataFrame data, string time, string @event, IReadOnlyList<string> covariates, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? strata = null, string? weight = null, string? cluster = null) =>
        Fit(Cohort.FromDataFrame(data), time, @event, covariates, categorical, strata, weight, cluster);

    /// <inheritdoc cref="Fit(Cohort, string, string, IReadOnlyList{string}, IReadOnlyList{string}?, IReadOnlyList{string}?, string?, string?)"/>
    public CoxPHFit Fit(IDataView data, string time, string @event, IReadOnlyList<string> covariates, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? strata = null, string? weight = null, string? cluster = null) =>
        Fit(Cohort.FromDataView(data), time, @event, covariates, categorical, strata, weight, cluster);

    /// <summary>
    /// Fits the model on the rows complete in every used column (the others are counted in <see cref="CoxPHFit.RowsDropped"/>,
    /// as R's <c>na.omit</c>). A text covariate, or one listed in <paramref name="categorical"/>, is coded as dummies
    /// against its first level (in <see cref="LevelOrder"/>, as R's factor); any other is numeric.
    /// </summary>
    /// <param name="strata">Columns whose combinations are strata (a baseline hazard each); null = none.</param>
    /// <param name="weight">Case-weight column (finite, ≥ 0), R's <c>weights =</c>.</param>
    /// <param name="cluster">Cluster column for robust variances, R's <c>+ cluster(id)</c>.</param>
    public CoxPHFit Fit(Cohort data, string time, string @event, IReadOnlyList<string> covariates, IReadOnlyList<string>? categorical = null,
        IReadOnlyList<string>? strata = null, string? weight = null, string? cluster = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var study = StudyBinder.Bind(data, new StudySpec
        {
            Time = time,
            Event = @event,
            Covariates = FitterInput.Variables(data, covariates, categorical, null, "covariate"),
            Strata = strata ?? [],
            Weight = weight,
            Cluster = cluster,
        });
        if (weight is not null) StudyBinder.RequirePositiveWeights(study, "a Cox model");
        var model = CoxProportionalHazards.Fit(study.Time!, study.Event!, StudyTerms.Design(study), study.Strata?.Codes,
            Options with { Cluster = study.Cluster, Weights = study.Weights });
        return new CoxPHFit(model, FitterInput.Fitted(study.Covariates), study.Strata, strata ?? [], study.RowsDropped);
    }
}

/// <summary>
/// A fitted Cox model: coefficients with standard errors, hazard ratios and intervals, the global tests, the
/// concordance, and survival predicted for new patients. Immutable.
/// </summary>
public sealed class CoxPHFit
{
    private readonly CoxModel _model;
    private readonly FittedVariable[] _covariates;
    private readonly Factor? _strata;
    private readonly string[] _strataColumns;
    private IReadOnlyList<CoxSurvivalCurve>? _baseline;

    internal CoxPHFit(CoxModel model, FittedVariable[] covariates, Factor? strata, IReadOnlyList<string> strataColumns, int rowsDropped)
    {
        _model = model;
        _covariates = covariates;
        _strata = strata;
        _strataColumns = strataColumns.ToArray();
        RowsDropped = rowsDropped;
        Means = ((double[])model.Means.Clone()).AsReadOnly();
    }

    public int N => _model.N;
    public int Events => _model.Events;
    /// <summary>Rows left out for a missing value in a used column.</summary>
    public int RowsDropped { get; }
    public CoxTies Ties => _model.Ties;
    /// <summary>True when the standard errors are the robust (sandwich) ones.</summary>
    public bool Robust => _model.Robust;
    public double ConfidenceLevel => _model.ConfidenceLevel;
    /// <summary>One per design column (a numeric covariate, or a level of a categorical one against its reference).</summary>
    public IReadOnlyList<CoxCoefficient> Coefficients => _model.Coefficients;
    /// <summary>The centres of the design columns (R's <c>fit$means</c>).</summary>
    public IReadOnlyList<double> Means { get; }
    public double LogLikelihood => _model.LogLik;
    public double NullLogLikelihood => _model.LogLikNull;
    public CoxTest LikelihoodRatio => _model.LikelihoodRatio;
    public CoxTest Wald => _model.Wald;
    /// <summary>The score (log-rank) test.</summary>
    public CoxTest Score => _model.Score;
    /// <summary>Harrell's C of the linear predictor, with its standard error.</summary>
    public ConcordanceEstimate Concordance => _model.Concordance;
    public int Iterations => _model.Iterations;
    public bool Converged => _model.Converged;
    public IReadOnlyList<string> Warnings => _model.Warnings;

    /// <summary>
    /// One row per design column: term, coefficient, hazard_ratio, standard_error (robust when the fit is, with the
    /// model-based one as model_standard_error), statistic (Wald z), p_value, and lower and upper limits of the hazard
    /// ratio at <see cref="ConfidenceLevel"/> (R's <c>summary(coxph)</c>).
    /// </summary>
    public DataFrame Summary()
    {
        var c = Coefficients;
        var frame = new SummaryFrame()
            .Add("term", c.Select(x => x.Term))
            .Add("coefficient", c.Select(x => x.Coefficient))
            .Add("hazard_ratio", c.Select(x => x.HazardRatio))
            .Add("standard_error", c.Select(x => Robust ? x.RobustStandardError : x.StandardError));
        if (Robust) frame.Add("model_standard_error", c.Select(x => x.StandardError));
        return frame.Add("statistic", c.Select(x => x.Z))
            .Add("p_value", c.Select(x => x.PValue))
            .Add("lower", c.Select(x => x.HazardRatioLower))
            .Add("upper", c.Select(x => x.HazardRatioUpper))
            .ToDataFrame();
    }

    /// <summary>
    /// The variance matrix of the coefficients (R's <c>vcov(fit)</c>): p × p in the order of <see cref="Coefficients"/>,
    /// the inverse of the information at the fitted β, or the robust (sandwich) variance when <see cref="Robust"/>; zero
    /// rows and columns for aliased terms. A fresh copy on each call.
    /// </summary>
    /// <example><code>
    /// var v = cox.VarianceMatrix();   // v[j, j] = cox.Coefficients[j].StandardError², for a model-based fit
    /// </code></example>
    public double[,] VarianceMatrix()
    {
        int p = Coefficients.Count;
        var variance = new double[p, p];
        for (int j = 0; j < p; j++)
            for (int m = 0; m < p; m++) variance[j, m] = _model.Variance[j * p + m];
        return variance;
    }

    /// <summary>
    /// The test of proportional hazards, as R's <c>cox.zph(fit)</c> (scaled Schoenfeld residuals against the
    /// Kaplan–Meier transform of time; Grambsch &amp; Therneau 1994): a χ² per term and a global one. Not available
    /// for a model with case weights.
    /// </summary>
    public ProportionalHazardsResult TestProportionalHazards() => ProportionalHazardsTest.Compute(_model);

    /// <inheritdoc cref="PredictSurvival(Cohort, IReadOnlyList{double})"/>
    public double[,] PredictSurvival(DataFrame newRows, IReadOnlyList<double> times) => PredictSurvival(Cohort.FromDataFrame(newRows), times);

    /// <inheritdoc cref="PredictSurvival(Cohort, IReadOnlyList{double})"/>
    public double[,] PredictSurvival(IDataView newRows, IReadOnlyList<double> times) => PredictSurvival(Cohort.FromDataView(newRows), times);

    /// <summary>
    /// S(t | x) for each new patient (row) at each time (column), as R's <c>survfit(fit, newdata)</c>:
    /// S₀(t)^exp((x − m)·β), with S₀ the baseline survival at the centres m of the patient's stratum, read as a step
    /// function (1 before the first time, its last value after the last). Every covariate (and stratum) must have a
    /// value; a level the model was not fitted on is refused.
    /// </summary>
    public double[,] PredictSurvival(Cohort newRows, IReadOnlyList<double> times)
    {
        ArgumentNullException.ThrowIfNull(newRows);
        ArgumentNullException.ThrowIfNull(times);
        var rows = FitterInput.AllRows(newRows.RowCount);
        var bound = FitterInput.BindLike(newRows, _covariates, "covariate");
        FitterInput.RequireComplete(bound, rows, newRows.Source, "a prediction");
        var design = DesignMatrix.Build(bound.Select(StudyTerms.From).ToArray());
        var strata = StratumOfRows(newRows, rows);
        _baseline ??= _model.BaselineSurvival();
        var beta = _model.Coefficients.Select(c => double.IsNaN(c.Coefficient) ? 0 : c.Coefficient).ToArray();
        var survival = new double[newRows.RowCount, times.Count];
        for (int i = 0; i < newRows.RowCount; i++)
        {
            double eta = 0;
            for (int j = 0; j < beta.Length; j++) eta += (design[i, j] - _model.Means[j]) * beta[j];
            double relativeRisk = Math.Exp(eta);
            var curve = _baseline.First(c => c.Stratum == strata[i]);
            for (int t = 0; t < times.Count; t++)
            {
                int count = StepFunction.CountAtOrBefore(curve.Time, times[t]);
                survival[i, t] = count == 0 ? 1 : Math.Pow(curve.Survival[count - 1], relativeRisk);
            }
        }
        return survival;
    }

    /// <summary>The training stratum code of every new row (0 without strata), matched by the stratum's label.</summary>
    private int[] StratumOfRows(Cohort newRows, int[] rows)
    {
        var codes = new int[rows.Length];
        if (_strata is null) return codes;
        var columns = StudyBinder.BindVariables(newRows, _strataColumns.Select(s => new CovariateSpec(s, CovariateKind.Categorical)).ToArray(), role: "stratum");
        FitterInput.RequireComplete(columns, rows, newRows.Source, "a prediction");
        for (int k = 0; k < rows.Length; k++)
        {
            string label = columns.Count == 1 ? columns[0].Factor!.LevelOf(k)
                : string.Join(", ", columns.Select(c => $"{c.Name}={c.Factor!.LevelOf(k)}"));
            codes[k] = Array.IndexOf(_strata.Levels, label);
            if (codes[k] < 0)
                throw new StratifyInputException("this stratum is not one the model was fitted on", newRows.Source, string.Join(", ", _strataColumns),
                    k + 1, label, $"Strata: {string.Join("; ", _strata.Levels.Take(20))}.");
        }
        return codes;
    }
}
