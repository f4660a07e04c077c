using Stratify.Data;
using Stratify.Statistics;
using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// Cox proportional hazards regression, h(t | x) = h₀ₛ(t)·exp(xβ) with a baseline hazard per stratum s, fitted by
/// maximising the log partial likelihood (Cox 1972) with Efron (default) or Breslow ties; it reproduces R's
/// <c>survival::coxph</c> (Therneau, survival 3.5, <c>coxfit6.c</c>):
/// <list type="bullet">
/// <item>the design is centred on column means and scaled by the mean absolute deviation (columns coded −1/0/1 are
/// left alone), which changes nothing mathematically and keeps exp(xβ) in range;</item>
/// <item>Newton–Raphson from β = 0, β ← β + I⁻¹U, stopping when |1 − ℓ_best/ℓ_new| ≤ eps (1e-9); when ℓ falls
/// the step is shortened (β_new ← (β_new + h·β)/(h + 1), h = 1, 2, ...);</item>
/// <item>I is factored by a pivot-tolerant LDLᵀ Cholesky; a pivot below toler.chol × max diagonal marks the column
/// aliased (collinear): its coefficient stays 0 and is reported as NaN (R's NA);</item>
/// <item>variance = I⁻¹ at the final β; Wald z = β/SE; likelihood-ratio 2(ℓ − ℓ₀), score UᵀI⁻¹U at β = 0 and Wald
/// βᵀV⁻¹β tests with df = number of non-aliased columns (<c>summary.coxph</c>);</item>
/// <item>robust variance (Lin and Wei 1989): V = DᵀD with D the dfbeta residuals (score residuals × I⁻¹), summed
/// within clusters; as in <c>summary.coxph</c> of a robust fit, z, p, the intervals and the Wald test then use
/// the robust variance, while the likelihood-ratio and score tests stay model-based;</item>
/// <item>hazard-ratio intervals exp(β ± z·SE) with z = Φ⁻¹((1 + level)/2) at <see cref="CoxOptions.ConfidenceLevel"/>
/// (0.95 by default; R's <c>summary(fit, conf.int = level)</c>), and the same level for predicted survival;</item>
/// <item>a coefficient heading to ±∞ (monotone likelihood) is flagged as R does: |U·V|_j > eps and > sqrt(eps)·|β_j|
/// at convergence;</item>
/// <item>case weights (<see cref="CoxOptions.Weights"/>, R's <c>weights =</c>): the weighted partial likelihood of
/// <c>coxfit6</c> (weighted centres, risk sets w·exp(η), deaths weighted, Efron terms weighted by the mean death
/// weight; see <see cref="CoxPartialLikelihood"/>). As in R, a fractional weight makes the fit robust unless
/// <see cref="CoxOptions.Robust"/> says otherwise: the sandwich variance then uses the weighted dfbeta residuals
/// wᵢLᵢV (the variance for inverse-probability weights, Lin and Wei 1989; Binder 1992), and the robust score test
/// (R's "Robust" line) is reported beside the model-based one. The model-based SE treats the weights as
/// frequencies (integer weights equal replicated rows).</item>
/// </list>
/// Harrell's C and its standard error follow R's <c>concordancefit</c> (<see cref="CoxConcordance"/>).
/// Times are tied as R's default <c>coxph.control(timefix = TRUE)</c> ties them: before the fit, distinct times closer
/// than sqrt(machine ε), absolutely or relative to the mean distinct time, are merged into the first of their run
/// (<see cref="TimeFix"/>, survival's <c>aeqSurv</c>), and every later pass (likelihood, robust variance,
/// concordance, <c>cox.zph</c>, baseline and predicted survival) sees the merged times.
/// <para>Counting-process data, R's <c>coxph(Surv(entry, stop, event) ~ ...)</c> (<c>agreg.fit</c>, <c>agfit4.c</c>): a
/// row is in the risk set at t when entry &lt; t ≤ stop (delayed entry / left truncation with one row per patient; the
/// Andersen–Gill counting process with several (start, stop] rows per patient carrying time-varying covariates;
/// Andersen and Gill 1982). The partial likelihood, Efron and Breslow terms, strata and weights are as above over these
/// risk sets, built by sweeping the rows' stop and entry orders together (<see cref="CoxRiskSets"/>); the robust
/// variance sums the dfbeta residuals per patient (R's <c>cluster = id</c>: <see cref="Fit(SurvivalData, DesignMatrix, CoxOptions?)"/>
/// uses the data's patients unless a coarser cluster is given); the centres are the unweighted column means, and a
/// coefficient is flagged as possibly infinite when |U·V|_j &gt; sqrt(eps)·(1 + |β_j|), as <c>agreg.fit</c> does.</para>
/// </summary>
/// <example>
/// <code>
/// var lung = CsvCohortReader.Read("datasets/lung.csv");   // complete rows only
/// var x = DesignMatrix.Build(new[] { CovariateTerm.FromColumn(lung["age"]), CovariateTerm.FromColumn(lung["sex"]) });
/// var model = CoxProportionalHazards.Fit(time, died, x);
/// Console.WriteLine(model.Coefficients[1].HazardRatio);   // 0.599 (R: coxph(Surv(time, status) ~ age + sex, lung))
/// </code>
/// </example>
internal static class CoxProportionalHazards
{
    /// <summary>Fits the model to complete rows.</summary>
    /// <param name="time">Follow-up time per row, finite and ≥ 0.</param>
    /// <param name="died">True where the row's time is an event, false where it is censored.</param>
    /// <param name="design">Covariates (see <see cref="DesignMatrix.Build"/>).</param>
    /// <param name="strata">Optional stratum label per row: a separate baseline hazard per stratum (R's <c>strata()</c>).</param>
    /// <param name="options">Ties, iteration control, robust variance and clusters; defaults as R.</param>
    public static CoxModel Fit(double[] time, bool[] died, DesignMatrix design, int[]? strata = null, CoxOptions? options = null)
        => Fit(time, died, design, strata, options, CoxRiskSets.ChunkRows);

    /// <summary>
    /// Fits the model to counting-process rows, R's <c>coxph(Surv(entry, time, event) ~ ...)</c>: each row is at risk on
    /// (entry, time] only. Several rows of a patient (start/stop intervals with time-varying covariates) should come with
    /// <see cref="CoxOptions.Cluster"/> set to the patient, as R's <c>cluster = id</c>.
    /// </summary>
    /// <param name="entry">Entry (start) time per row, finite, ≥ 0 and before the row's time.</param>
    /// <example><code>
    /// // Stanford heart transplant, R's survival::heart: coxph(Surv(start, stop, event) ~ age + surgery + transplant, cluster = id)
    /// var model = CoxProportionalHazards.Fit(start, stop, died, design, options: new CoxOptions { Cluster = patient });
    /// </code></example>
    public static CoxModel Fit(double[] entry, double[] time, bool[] died, DesignMatrix design, int[]? strata = null, CoxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Fit(time, died, design, strata, options, CoxRiskSets.ChunkRows, entry);
    }

    /// <summary>The fit with a chosen chunk size for the parallel passes (tests check that it changes nothing).</summary>
    internal static CoxModel Fit(double[] time, bool[] died, DesignMatrix design, int[]? strata, CoxOptions? options, int chunkRows,
        double[]? entry = null)
    {
        Diagnostics.StageTimings.MarkOuter();
        options ??= CoxOptions.Default;
        ValidateTimes(time, died);
        if (entry is not null) ValidateEntries(entry, time);
        Validate(died, design, strata, options);
        return Fit(CoxRiskSets.Build(time, died, design, strata, chunkRows, options.Weights, entry), died, design, strata, options);
    }

    /// <summary>
    /// Fits the model to survival data (strata taken from it) whose times were validated where the data were bound, and
    /// whose time order and timefix are shared with the Kaplan–Meier and log-rank estimates of the same patients: the
    /// fit sorts nothing by time again.
    /// </summary>
    /// <example><code>
    /// var data = SurvivalData.From(study, study.Treatment);           // sorted once
    /// var km = ProductLimit.Fit(data, new KaplanMeierOptions());
    /// var cox = CoxProportionalHazards.Fit(data, StudyTerms.Design(study));
    /// </code></example>
    public static CoxModel Fit(SurvivalData data, DesignMatrix design, CoxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Diagnostics.StageTimings.MarkOuter();
        options ??= CoxOptions.Default;
        if (data.Count == 0) throw new StratifyInputException("no rows to fit");
        // The data's weights are the fit's: one source of truth.
        if (options.Weights is not null && !ReferenceEquals(options.Weights, data.Weights))
            throw new ArgumentException("give the case weights either with the survival data or in the options, not both", nameof(options));
        options = options with { Weights = data.Weights };
        // Several rows per patient: the robust variance sums them per patient (R's cluster = id) unless a coarser cluster is given.
        if (data.Patient is not null && options.Cluster is null) options = options with { Cluster = data.Patient };
        Validate(data.Event, design, data.Strata, options);
        return Fit(CoxRiskSets.Build(data, design, CoxRiskSets.ChunkRows), data.Event, design, data.Strata, options);
    }

    private static CoxModel Fit(CoxRiskSets data, bool[] died, DesignMatrix design, int[]? strata, CoxOptions options)
    {
        Diagnostics.StageTimings.Mark("risk sets");
        double critical = TailProbability.NormalCriticalValue(options.ConfidenceLevel); // refuses a level outside (0, 1) before the fit
        var likelihood = new CoxPartialLikelihood(data, options.Ties);
        int p = data.P;
        bool robust = CaseWeights.RobustByDefault(options.Robust, options.Weights, options.Cluster is not null) || options.Cluster is not null;

        var beta = new double[p];
        double nullLogLik = likelihood.Evaluate(beta);
        // The robust score test needs the residuals at β = 0, i.e. now.
        CoxTest? robustScore = null;
        var step = (double[])likelihood.Score.Clone();
        var factor = (double[])likelihood.Information.Clone();
        int rank = CoxMatrixAlgebra.Decompose(factor, p, options.CholeskyTolerance);
        CoxMatrixAlgebra.Solve(factor, p, step);
        double scoreTest = 0;
        for (int j = 0; j < p; j++) scoreTest += likelihood.Score[j] * step[j];
        double robustScoreStatistic = robust
            ? CoxScoreResiduals.RobustScore(data, likelihood, options.Cluster, options.CholeskyTolerance).Statistic
            : double.NaN;

        double best = nullLogLik;
        int iterations = 0;
        bool converged = false;
        var finalBeta = beta;
        if (options.MaxIterations > 0 && double.IsFinite(nullLogLik))
        {
            var next = new double[p];
            for (int j = 0; j < p; j++) next[j] = beta[j] + step[j];
            int halving = 0;
            for (iterations = 1; iterations <= options.MaxIterations; iterations++)
            {
                double logLik = likelihood.Evaluate(next);
                factor = (double[])likelihood.Information.Clone();
                rank = CoxMatrixAlgebra.Decompose(factor, p, options.CholeskyTolerance);
                bool finite = double.IsFinite(logLik) && AllFinite(likelihood.Score) && AllFinite(likelihood.Information);
                if (finite && Math.Abs(1 - best / logLik) <= options.Tolerance)
                {
                    best = logLik;
                    finalBeta = next;
                    converged = true;
                    break;
                }
                if (iterations == options.MaxIterations) break;
                if (!finite || logLik < best)
                {
                    halving++;
                    for (int j = 0; j < p; j++) next[j] = (next[j] + halving * beta[j]) / (halving + 1.0);
                }
                else
                {
                    halving = 0;
                    best = logLik;
                    step = (double[])likelihood.Score.Clone();
                    CoxMatrixAlgebra.Solve(factor, p, step);
                    beta = (double[])next.Clone();
                    for (int j = 0; j < p; j++) next[j] += step[j];
                }
            }
            if (!converged)
            {
                iterations = options.MaxIterations;
                finalBeta = beta;
                best = likelihood.Evaluate(beta);
                factor = (double[])likelihood.Information.Clone();
                rank = CoxMatrixAlgebra.Decompose(factor, p, options.CholeskyTolerance);
            }
        }
        else if (options.MaxIterations == 0)
        {
            converged = true;
        }

        // Back to the original scale: β = β_s·s, V = S V_s S, U = U_s / s.
        var scale = data.Scale;
        var scaledVariance = CoxMatrixAlgebra.Invert(factor, p);
        var variance = new double[p * p];
        var coefficients = new double[p];
        var score = new double[p];
        for (int i = 0; i < p; i++)
        {
            coefficients[i] = finalBeta[i] * scale[i];
            score[i] = likelihood.Score[i] / scale[i];
            for (int j = 0; j < p; j++) variance[i * p + j] = scaledVariance[i * p + j] * scale[i] * scale[j];
        }
        var aliased = new bool[p];
        if (rank < p) for (int j = 0; j < p; j++) aliased[j] = variance[j * p + j] == 0;

        var warnings = new List<string>();
        if (options.MaxIterations > 1)
        {
            if (!converged) warnings.Add("Ran out of iterations and did not converge");
            else
            {
                var infinite = new List<string>();
                double tolerInf = Math.Sqrt(options.Tolerance);
                for (int j = 0; j < p; j++)
                {
                    double uv = 0;
                    for (int i = 0; i < p; i++) uv += score[i] * variance[i * p + j];
                    uv = Math.Abs(uv);
                    // coxph.fit: |UV| > eps and > sqrt(eps)·|β|; agreg.fit (counting-process data): |UV| > sqrt(eps)·(1 + |β|).
                    bool diverging = data.IsCountingProcess
                        ? uv > tolerInf * (1 + Math.Abs(coefficients[j]))
                        : uv > options.Tolerance && uv > tolerInf * Math.Abs(coefficients[j]);
                    if (!double.IsFinite(score[j]) || diverging)
                        infinite.Add(string.Create(CultureInfo.InvariantCulture, $"{j + 1} ({design.ColumnNames[j]})"));
                }
                if (infinite.Count > 0)
                    warnings.Add($"Loglik converged before variable {string.Join(", ", infinite)}; coefficient may be infinite.");
            }
        }
        for (int j = 0; j < p; j++)
            if (aliased[j]) warnings.Add($"{design.ColumnNames[j]} is collinear with other covariates; its coefficient is not estimable (NA).");

        double[]? robustVariance = null;
        if (robust)
            robustVariance = CoxScoreResiduals.RobustVariance(data, likelihood, scaledVariance, options.Cluster);
        var inferenceVariance = robustVariance ?? variance;
        // The likelihood is not read after this: its n-sized arrays are garbage before the concordance allocates (a
        // collection there lets the concordance reuse their memory rather than touch fresh pages), but for the one that
        // takes η by row, the model's linear predictors and the concordance's risk score.
        var groupHazard = (double[])likelihood.GroupHazard.Clone();
        var linearPredictors = likelihood.TakeLinearPredictorsByRow();

        int df = p - aliased.Count(a => a);
        var kept = Enumerable.Range(0, p).Where(j => !aliased[j]).ToArray();
        var keptVariance = new double[kept.Length * kept.Length];
        var keptBeta = new double[kept.Length];
        for (int a = 0; a < kept.Length; a++)
        {
            keptBeta[a] = coefficients[kept[a]];
            for (int b = 0; b < kept.Length; b++) keptVariance[a * kept.Length + b] = inferenceVariance[kept[a] * p + kept[b]];
        }
        var wald = CoxMatrixAlgebra.QuadraticForm(keptVariance, kept.Length, keptBeta, options.CholeskyTolerance);
        double lr = 2 * (best - nullLogLik);

        var terms = new CoxCoefficient[p];
        for (int j = 0; j < p; j++)
        {
            if (aliased[j])
            {
                terms[j] = new CoxCoefficient(design.ColumnNames[j], double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, true);
                continue;
            }
            double se = Math.Sqrt(variance[j * p + j]);
            double robustSe = robustVariance is null ? double.NaN : Math.Sqrt(robustVariance[j * p + j]);
            double inferenceSe = robust ? robustSe : se;
            double b = coefficients[j];
            double z = b / inferenceSe;
            terms[j] = new CoxCoefficient(design.ColumnNames[j], b, se, robustSe, Math.Exp(b),
                Math.Exp(b - critical * inferenceSe), Math.Exp(b + critical * inferenceSe),
                z, TailProbability.NormalTwoSided(z), false);
        }

        Diagnostics.StageTimings.Mark("newton");
        var concordance = CoxConcordance.Compute(data, data.TimeByRow, died, linearPredictors, strata, options.Cluster, options.Weights);
        Diagnostics.StageTimings.Mark("concordance");
        for (int j = 0; j < p; j++) if (aliased[j]) coefficients[j] = double.NaN;
        if (robust) robustScore = new CoxTest(robustScoreStatistic, df, TailProbability.ChiSquarePValue(robustScoreStatistic, df));

        return new CoxModel
        {
            N = data.N,
            Events = data.EventCount,
            Ties = options.Ties,
            Coefficients = terms,
            Variance = inferenceVariance,
            ModelVariance = variance,
            LogLikNull = nullLogLik,
            LogLik = best,
            LikelihoodRatio = new CoxTest(lr, df, TailProbability.ChiSquarePValue(lr, df)),
            Wald = new CoxTest(wald.Statistic, df, TailProbability.ChiSquarePValue(wald.Statistic, df)),
            Score = new CoxTest(scoreTest, df, TailProbability.ChiSquarePValue(scoreTest, df)),
            RobustScore = robustScore,
            Weighted = options.Weights is not null,
            CountingProcess = data.IsCountingProcess,
            Concordance = concordance,
            Iterations = iterations,
            Converged = converged,
            Robust = robust,
            ConfidenceLevel = options.ConfidenceLevel,
            Warnings = warnings,
            Design = design,
            Means = (double[])data.Means.Clone(),
            LinearPredictors = linearPredictors,
            RiskSets = data,
            ScaledBeta = (double[])finalBeta.Clone(),
            GroupHazard = groupHazard,
        };
    }

    private static bool AllFinite(double[] values)
    {
        foreach (double v in values) if (!double.IsFinite(v)) return false;
        return true;
    }

    private static void ValidateTimes(double[] time, bool[] died)
    {
        int n = time.Length;
        if (n == 0) throw new StratifyInputException("no rows to fit");
        if (died.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"event has {died.Length} rows but time has {n}"), column: "event");
        for (int i = 0; i < n; i++)
            if (!double.IsFinite(time[i]) || time[i] < 0)
                throw new StratifyInputException("survival time must be a finite number ≥ 0", column: "time", row: i + 1,
                    value: time[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void ValidateEntries(double[] entry, double[] time)
    {
        if (entry.Length != time.Length) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"entry has {entry.Length} rows but time has {time.Length}"), column: "entry");
        for (int i = 0; i < entry.Length; i++)
            if (!double.IsFinite(entry[i]) || entry[i] < 0 || !(entry[i] < time[i]))
                throw new StratifyInputException("an entry (start) time must be a finite number ≥ 0 and before the row's time", column: "entry", row: i + 1,
                    value: entry[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Validate(bool[] died, DesignMatrix design, int[]? strata, CoxOptions options)
    {
        int n = died.Length;
        if (design.Rows != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the covariates have {design.Rows} rows but time has {n}"));
        if (design.Columns == 0)
            throw new StratifyInputException("the model has no design columns (a categorical covariate with a single level has no contrast)",
                column: string.Join(", ", design.TermNames));
        if (strata is not null && strata.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"strata has {strata.Length} rows but time has {n}"), column: "strata");
        if (options.Cluster is not null && options.Cluster.Length != n)
            throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"cluster has {options.Cluster.Length} rows but time has {n}"), column: "cluster");
        if (options.Weights is { } weights)
        {
            if (weights.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"weights has {weights.Length} rows but time has {n}"), column: "weights");
            for (int i = 0; i < n; i++)
                if (!double.IsFinite(weights[i]) || weights[i] <= 0)
                    throw new StratifyInputException("a case weight in a Cox model must be a finite number > 0 (R's coxph refuses 0 as well)",
                        column: "weights", row: i + 1, value: weights[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        suggestion: "Leave out the rows of weight 0.");
        }
        if (options.MaxIterations < 0) throw new StratifyInputException("MaxIterations must be 0 or more", value: options.MaxIterations.ToString(CultureInfo.InvariantCulture));
        if (!(options.Tolerance > 0)) throw new StratifyInputException("Tolerance must be positive", value: options.Tolerance.ToString("R", CultureInfo.InvariantCulture));
        if (Array.IndexOf(died, true) < 0) throw new StratifyInputException("no events: a Cox model needs at least one event", column: "event");
    }
}
