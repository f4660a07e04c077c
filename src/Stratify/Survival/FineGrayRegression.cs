using Stratify.Data;
using System.Globalization;

namespace Stratify.Survival;

/// <summary>
/// How the censoring Kaplan–Meier Ĝ treats a censoring at the same time as an event (any cause). The two R
/// references differ only here.
/// </summary>
internal enum FineGrayCensoringTies
{
    /// <summary>cmprsk's crr (default): Ĝ = survfit(Surv(time, censored)), so patients with an event at a censoring time are still at risk of it.</summary>
    FailuresAtRisk,
    /// <summary>survival's finegray(): event times are moved just before the censorings at the same time, so they leave Ĝ's risk set first.</summary>
    FailuresFirst,
}

/// <summary>
/// Options of <see cref="FineGrayRegression.Fit"/>. Newton–Raphson from β = 0 with step halving, stopping when a step
/// changes no coefficient by more than <see cref="Tolerance"/> × max(1, |β|) (the quadratic convergence of Newton then
/// leaves an error far below it; crr stops on the score instead, <c>gtol = 1e-6</c>, which can leave β about 1e-6 off
/// its maximum).
/// </summary>
/// <example><code>new FineGrayOptions { CensoringTies = FineGrayCensoringTies.FailuresFirst }   // as finegray() + coxph</code></example>
internal sealed record FineGrayOptions
{
    public int MaxIterations { get; init; } = 30;
    public double Tolerance { get; init; } = 1e-9;
    /// <summary>Relative pivot below which a design column counts as collinear (as <see cref="CoxOptions.CholeskyTolerance"/>).</summary>
    public double CholeskyTolerance { get; init; } = Math.Pow(2.220446049250313e-16, 0.75);
    public FineGrayCensoringTies CensoringTies { get; init; } = FineGrayCensoringTies.FailuresAtRisk;

    public static FineGrayOptions Default { get; } = new();
}

/// <summary>
/// The Fine–Gray proportional subdistribution hazards model (Fine &amp; Gray, JASA 1999; 94:496–509), fitted as
/// cmprsk 2.2's <c>crr</c> does (Gray's Fortran crrfsv, crrvv, crrfit), without expanding the data. The
/// subdistribution hazard of cause 1 is λ₁(t | x) = λ₁₀(t) exp(xβ); its risk set at time t holds every patient still
/// in follow-up (time ≥ t, weight 1) and every patient who had a competing event at Tⱼ &lt; t, with the inverse
/// probability of censoring weight wⱼ(t) = Ĝ(t−)/Ĝ(Tⱼ−), Ĝ the Kaplan–Meier of the censoring times
/// (<see cref="FineGrayCensoringTies"/>). With rᵢ = exp(xᵢβ) and S0, S1 the weighted sums of r and r·x over that
/// risk set (x̄ = S1/S0), Breslow ties (every event at t sees the whole risk set):
/// <code>
/// ℓ(β) = Σ_{cause-1 events} (xᵢβ − log S0(Tᵢ))      U(β) = Σ (xᵢ − x̄(Tᵢ))      I(β) = Σ_t d_t (S2/S0 − x̄x̄ᵀ)
/// </code>
/// The variance is the sandwich of Fine &amp; Gray (1999, section 3), as crr reports it: V = I⁻¹ Σᵢ (ηᵢ + ψᵢ)(ηᵢ + ψᵢ)ᵀ I⁻¹,
/// with ηᵢ patient i's score residual and ψᵢ the term for having estimated Ĝ:
/// <code>
/// ηᵢ = δ₁ᵢ (xᵢ − x̄(Tᵢ)) − rᵢ Σ_{t ≤ Tᵢ} (xᵢ − x̄(t)) d_t/S0(t) − [competing] rᵢ/Ĝ(Tᵢ−) Σ_{t &gt; Tᵢ} (xᵢ − x̄(t)) Ĝ(t−) d_t/S0(t)
/// q(u) = Σ_{t ≥ u} Ĝ(t−) d_t/S0(t) Σ_{competing j, Tⱼ &lt; u} rⱼ/Ĝ(Tⱼ−) (xⱼ − x̄(t))
/// ψᵢ = δ꜀ᵢ q(Tᵢ)/Y꜀(Tᵢ) − Σ_{censoring times u ≤ Tᵢ} c_u q(u)/Y꜀(u)²          (Y꜀: at risk of censoring, c_u: censored at u)
/// </code>
/// Every sum is a running sum over the time-sorted rows, so a fit costs one sort and O(n·p²) per Newton step
/// (crr's Fortran is O(n²) per step and O(n³) for the variance). Also reported: the model-based variance I⁻¹, and
/// the sandwich without ψ, which is what <c>coxph(Surv(fgstart, fgstop, fgstatus) ~ x + cluster(id), weights = fgwt,
/// ties = "breslow")</c> on <c>finegray()</c> data reports as its robust variance (it takes the weights as known).
/// Coefficients equal that coxph fit when the censoring-tie convention is the same (<see cref="FineGrayCensoringTies"/>);
/// coxph's default Efron ties differ when events of the cause tie. Times equal within sqrt(machine ε) are merged first
/// (R's timefix, as finegray() does; crr compares times exactly). Tests: pseudo likelihood ratio 2(ℓ − ℓ₀), Wald with
/// the sandwich, score Uᵀ I⁻¹ U at β = 0 (model-based, as coxph's score test on finegray() data).
/// </summary>
/// <example>
/// <code>
/// var bound = StudyBinder.Load(StudySpecReader.Read("datasets/melanoma.yaml"));
/// var model = FineGrayRegression.Fit(bound.Time!, bound.Causes!.Codes, StudyTerms.Design(bound));
/// double shr = model.Coefficients[0].HazardRatio;    // subdistribution hazard ratio, as cmprsk::crr
/// </code>
/// </example>
internal static class FineGrayRegression
{

    /// <param name="time">Follow-up time per row, finite and ≥ 0.</param>
    /// <param name="cause">Cause per row: 0 censored, otherwise a cause code (see <see cref="CompetingCauses"/>).</param>
    /// <param name="design">Covariates (see <see cref="DesignMatrix.Build"/>).</param>
    /// <param name="causeOfInterest">The cause modelled; every other non-zero code is a competing cause.</param>
    public static FineGrayModel Fit(double[] time, byte[] cause, DesignMatrix design, int causeOfInterest = 1, FineGrayOptions? options = null)
    {
        options ??= FineGrayOptions.Default;
        Validate(time, cause, design, causeOfInterest, options);
        var data = FineGrayRiskSets.Build(time, cause, causeOfInterest, design, options.CensoringTies);
        Diagnostics.StageTimings.Mark("risk sets");
        var likelihood = new FineGrayLikelihood(data);
        int p = data.P;

        var beta = new double[p];
        double nullLogLik = likelihood.Evaluate(beta);
        var factor = (double[])likelihood.Information.Clone();
        int rank = CoxMatrixAlgebra.Decompose(factor, p, options.CholeskyTolerance);
        var step = (double[])likelihood.Score.Clone();
        CoxMatrixAlgebra.Solve(factor, p, step);
        double scoreTest = 0;
        for (int j = 0; j < p; j++) scoreTest += likelihood.Score[j] * step[j];

        double logLik = nullLogLik;
        bool converged = false;
        int iterations = 0;
        var next = new double[p];
        while (iterations < options.MaxIterations && double.IsFinite(logLik))
        {
            iterations++;
            double candidate = double.NaN;
            for (int halving = 0; halving <= 30; halving++)
            {
                double scale = Math.Pow(0.5, halving);
                for (int j = 0; j < p; j++) next[j] = beta[j] + scale * step[j];
                candidate = likelihood.Evaluate(next);
                if (double.IsFinite(candidate) && candidate >= logLik - 1e-12 * Math.Abs(logLik)) break;
            }
            if (!double.IsFinite(candidate)) break;
            double largest = 0;
            for (int j = 0; j < p; j++) largest = Math.Max(largest, Math.Abs(next[j] - beta[j]) / Math.Max(1, Math.Abs(next[j])));
            (beta, next) = (next, beta);
            logLik = candidate;
            factor = (double[])likelihood.Information.Clone();
            rank = CoxMatrixAlgebra.Decompose(factor, p, options.CholeskyTolerance);
            if (largest <= options.Tolerance)
            {
                converged = true;
                break;
            }
            step = (double[])likelihood.Score.Clone();
            CoxMatrixAlgebra.Solve(factor, p, step);
        }
        if (!converged) logLik = likelihood.Evaluate(beta); // leave the likelihood's state at the reported β
        Diagnostics.StageTimings.Mark("newton");

        var modelVariance = CoxMatrixAlgebra.Invert(factor, p);
        var aliased = new bool[p];
        if (rank < p) for (int j = 0; j < p; j++) aliased[j] = modelVariance[j * p + j] == 0;
        var (withCensoring, weightsFixed) = FineGrayVariance.Sandwiches(data, likelihood, modelVariance);
        Diagnostics.StageTimings.Mark("variance");

        var warnings = new List<string>();
        if (!converged) warnings.Add(string.Create(CultureInfo.InvariantCulture, $"Ran out of iterations ({options.MaxIterations}) and did not converge; the estimates may be infinite or unstable."));
        for (int j = 0; j < p; j++)
            if (aliased[j]) warnings.Add($"{design.ColumnNames[j]} is collinear with other covariates; its coefficient is not estimable (NA).");

        var terms = new FineGrayCoefficient[p];
        double z95 = Statistics.TailProbability.NormalCriticalValue(0.95);
        for (int j = 0; j < p; j++)
        {
            string name = design.ColumnNames[j];
            if (aliased[j])
            {
                terms[j] = new FineGrayCoefficient(name, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, true);
                continue;
            }
            double b = beta[j], se = Math.Sqrt(withCensoring[j * p + j]), z = b / se;
            terms[j] = new FineGrayCoefficient(name, b, se, Math.Sqrt(modelVariance[j * p + j]), Math.Sqrt(weightsFixed[j * p + j]),
                Math.Exp(b), Math.Exp(b - z95 * se), Math.Exp(b + z95 * se), z, Statistics.TailProbability.NormalTwoSided(z), false);
        }
        var kept = Enumerable.Range(0, p).Where(j => !aliased[j]).ToArray();
        var keptVariance = new double[kept.Length * kept.Length];
        var keptBeta = new double[kept.Length];
        for (int a = 0; a < kept.Length; a++)
        {
            keptBeta[a] = beta[kept[a]];
            for (int c = 0; c < kept.Length; c++) keptVariance[a * kept.Length + c] = withCensoring[kept[a] * p + kept[c]];
        }
        int df = kept.Length;
        double wald = CoxMatrixAlgebra.QuadraticForm(keptVariance, kept.Length, keptBeta, options.CholeskyTolerance).Statistic;
        double lr = 2 * (logLik - nullLogLik);

        var failureTimes = new double[data.FailureGroups.Length];
        var jumps = new double[data.FailureGroups.Length];
        for (int f = 0; f < jumps.Length; f++)
        {
            int g = data.FailureGroups[f];
            failureTimes[f] = data.Time[data.GroupStart[g]];
            jumps[f] = data.GroupFailures[g] / likelihood.Denominator[f];
        }
        var coefficients = (double[])beta.Clone();
        for (int j = 0; j < p; j++) if (aliased[j]) coefficients[j] = double.NaN;
        return new FineGrayModel
        {
            N = data.N,
            Events = data.EventCount,
            CompetingEvents = data.CompetingCount,
            Censored = data.CensoredCount,
            CauseOfInterest = causeOfInterest,
            CensoringTies = options.CensoringTies,
            Coefficients = terms,
            Variance = withCensoring,
            ModelVariance = modelVariance,
            WeightsFixedVariance = weightsFixed,
            LogLikNull = nullLogLik,
            LogLik = logLik,
            LikelihoodRatio = new CoxTest(lr, df, Statistics.TailProbability.ChiSquarePValue(lr, df)),
            Wald = new CoxTest(wald, df, Statistics.TailProbability.ChiSquarePValue(wald, df)),
            Score = new CoxTest(scoreTest, df, Statistics.TailProbability.ChiSquarePValue(scoreTest, df)),
            Iterations = iterations,
            Converged = converged,
            Warnings = warnings,
            Design = design,
            Means = (double[])data.Means.Clone(),
            FailureTimes = failureTimes,
            BaselineJumps = jumps,
            CentredCoefficients = (double[])beta.Clone(),
        };
    }

    /// <summary>
    /// One Fine–Gray model per cause (cause k against all the others), for checking that the predicted cumulative
    /// incidences of the causes can add up (<see cref="CauseTotal.Of"/>).
    /// </summary>
    public static IReadOnlyList<FineGrayModel> FitEachCause(double[] time, byte[] cause, DesignMatrix design, int causeCount, FineGrayOptions? options = null)
    {
        var models = new List<FineGrayModel>(causeCount);
        var present = new bool[causeCount + 1];
        foreach (byte c in cause) present[c] = true;
        for (int k = 1; k <= causeCount; k++)
            if (present[k]) models.Add(Fit(time, cause, design, k, options));
        return models;
    }

    private static void Validate(double[] time, byte[] cause, DesignMatrix design, int causeOfInterest, FineGrayOptions options)
    {
        int n = time.Length;
        if (n == 0) throw new StratifyInputException("no rows to fit");
        if (cause.Length != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"cause has {cause.Length} rows but time has {n}"), column: "cause");
        if (design.Rows != n) throw new StratifyInputException(string.Create(CultureInfo.InvariantCulture, $"the covariates have {design.Rows} rows but time has {n}"));
        if (design.Columns == 0)
            throw new StratifyInputException("the model has no design columns (a categorical covariate with a single level has no contrast)",
                column: string.Join(", ", design.TermNames));
        if (causeOfInterest < 1) throw new ArgumentOutOfRangeException(nameof(causeOfInterest));
        if (options.MaxIterations < 1) throw new StratifyInputException("MaxIterations must be 1 or more", value: options.MaxIterations.ToString(CultureInfo.InvariantCulture));
        if (!(options.Tolerance > 0)) throw new StratifyInputException("Tolerance must be positive", value: options.Tolerance.ToString("R", CultureInfo.InvariantCulture));
        bool anyEvent = false;
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(time[i]) || time[i] < 0)
                throw new StratifyInputException("survival time must be a finite number ≥ 0", column: "time", row: i + 1,
                    value: time[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            anyEvent |= cause[i] == causeOfInterest;
        }
        if (!anyEvent) throw new StratifyInputException("no events of the cause of interest: a Fine–Gray model needs at least one", column: "event");
    }
}

/// <summary>
/// The two sandwich variances of a Fine–Gray fit, from one forward pass over the sorted rows computing each patient's
/// score residual ηᵢ and censoring term ψᵢ (formulas in <see cref="FineGrayRegression"/>): I⁻¹ Σ(η+ψ)(η+ψ)ᵀ I⁻¹ (crr's)
/// and I⁻¹ Σ ηηᵀ I⁻¹ (coxph's robust variance on finegray() data).
/// </summary>
internal static class FineGrayVariance
{
    public static (double[] WithCensoring, double[] WeightsFixed) Sandwiches(FineGrayRiskSets data, FineGrayLikelihood likelihood, double[] inverseInformation)
    {
        int p = data.P;
        var x = data.X;
        var risk = likelihood.Risk;
        double kTotal = likelihood.TotalWeightedHazard;
        // XK(∞) = Σ d Ĝ(t−) x̄/S0 over all failure times.
        var xkTotal = new double[p];
        for (int f = 0; f < data.FailureGroups.Length; f++)
        {
            int g = data.FailureGroups[f];
            CoxMatrixAlgebra.AddScaled(xkTotal, data.GroupFailures[g] * data.CensoringBefore[g] / likelihood.Denominator[f], likelihood.Mean.AsSpan(f * p, p));
        }
        var xh = new double[p];       // Σ_{u ≤ t} d x̄/S0
        var xk = new double[p];       // Σ_{u ≤ t} d Ĝ(u−) x̄/S0
        var competingX = new double[p];
        double competing = 0, hazard = 0, weightedHazard = 0;
        var q = new double[p];
        var censoringSum = new double[p]; // Σ_{u ≤ t} c_u q(u)/Y꜀(u)²
        var eta = new double[p];
        var total = new double[p];
        var omega = new double[p * p];
        var omegaEta = new double[p * p];
        int f2 = 0;
        for (int g = 0; g < data.GroupCount; g++)
        {
            int censored = data.GroupCensored[g];
            double yc = data.CensoringAtRisk[g];
            if (censored > 0)
            {
                // q(u) = C1(u)(K(∞) − K(u−)) − C0(u)(XK(∞) − XK(u−)), with the sums before this time.
                for (int j = 0; j < p; j++) q[j] = competingX[j] * (kTotal - weightedHazard) - competing * (xkTotal[j] - xk[j]);
                CoxMatrixAlgebra.AddScaled(censoringSum, censored / (yc * yc), q);
            }
            ReadOnlySpan<double> mean = default;
            if (data.GroupFailures[g] > 0)
            {
                double d = data.GroupFailures[g], s0 = likelihood.Denominator[f2];
                mean = likelihood.Mean.AsSpan(f2 * p, p);
                hazard += d / s0;
                weightedHazard += d * data.CensoringBefore[g] / s0;
                CoxMatrixAlgebra.AddScaled(xh, d / s0, mean);
                CoxMatrixAlgebra.AddScaled(xk, d * data.CensoringBefore[g] / s0, mean);
                f2++;
            }
            for (int i = data.GroupStart[g]; i < data.GroupStart[g + 1]; i++)
            {
                var row = x.AsSpan(i * p, p);
                double r = risk[i];
                byte status = data.Status[i];
                for (int j = 0; j < p; j++) eta[j] = -r * (row[j] * hazard - xh[j]);
                if (status == 1)
                    for (int j = 0; j < p; j++) eta[j] += row[j] - mean[j];
                else if (status == 2)
                {
                    double w = r / data.CensoringBefore[g];
                    for (int j = 0; j < p; j++) eta[j] -= w * (row[j] * (kTotal - weightedHazard) - (xkTotal[j] - xk[j]));
                }
                for (int j = 0; j < p; j++) total[j] = eta[j] - censoringSum[j];
                if (status == 0)
                    for (int j = 0; j < p; j++) total[j] += q[j] / yc;
                CoxMatrixAlgebra.AddOuterLower(omega, total, 1);
                CoxMatrixAlgebra.AddOuterLower(omegaEta, eta, 1);
            }
            for (int i = data.GroupStart[g]; i < data.GroupStart[g + 1]; i++)
                if (data.Status[i] == 2)
                {
                    double w = risk[i] / data.CensoringBefore[g];
                    competing += w;
                    CoxMatrixAlgebra.AddScaled(competingX, w, x.AsSpan(i * p, p));
                }
        }
        CoxMatrixAlgebra.Symmetrise(omega, p);
        CoxMatrixAlgebra.Symmetrise(omegaEta, p);
        return (CoxMatrixAlgebra.Sandwich(inverseInformation, omega, p), CoxMatrixAlgebra.Sandwich(inverseInformation, omegaEta, p));
    }
}
