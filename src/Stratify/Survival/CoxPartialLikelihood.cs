using System.Runtime.CompilerServices;

namespace Stratify.Survival;

/// <summary>
/// Log partial likelihood of the Cox model, its score vector and information matrix at one β, in one sweep over
/// the sorted data (Cox 1972; Therneau and Grambsch 2000, ch. 3):
/// <code>
/// ℓ(β) = Σ_deaths η_i − Σ_t Σ_{k=0}^{d_t−1} log D_tk,        η = xβ,  r = exp(η)
/// U(β) = Σ_deaths x_i − Σ_t Σ_k x̄_tk,                        x̄_tk = A_tk / D_tk
/// I(β) = Σ_t Σ_k (C_tk / D_tk − x̄_tk x̄_tkᵀ)
/// </code>
/// with D, A, C the sums of r, r·x, r·x·xᵀ over the risk set (time ≥ t, same stratum). Breslow ties use the whole
/// risk set for every tied death (d_t·log D_t); Efron ties remove the tied deaths in equal fractions:
/// D_tk = D_t − (k/d_t)·Σ_{deaths at t} r.
///
/// Speed: D and A are running sums accumulated backwards in time (O(n·p)). C is never accumulated: since
/// Σ_t Σ_k C_tk/D_tk = Σ_i r_i·H_i·x_i x_iᵀ with H_i the (Efron-weighted) hazard increments Σ 1/D_tk over
/// the death times the row is at risk for, the information is a weighted Gram matrix Σ w_i x_i x_iᵀ minus the
/// Σ x̄ x̄ᵀ terms, computed in parallel over chunks of rows with vectorised rank-1 updates. The backward sums
/// are parallelised too: each chunk starts from the totals of the later chunks of its stratum. A tie group of many
/// rows (times in whole days) is summed once, in the pass that computes η (its non-deaths' Σr and Σr·x, its deaths'
/// Σr, Σr·x, Σwη and Σw·x), and the backward sums add the group as a whole: two passes over the design per
/// evaluation instead of three (the passes are bound by memory bandwidth).
/// All arithmetic is on the centred, scaled design of <see cref="CoxRiskSets"/>.
///
/// Case weights w (R's <c>coxfit6</c>): every risk-set sum uses w·r instead of r, a death contributes w_i·η_i and
/// w_i·x_i, and the d tied deaths at t share their summed weight W_t: Breslow multiplies log D_t, x̄_t and the
/// information term by W_t instead of d_t; Efron keeps its d fractions of the risk set and weighs each of its d terms
/// by W_t/d (the mean death weight). Unweighted data take the same code with w = 1 and W_t = d_t (multiplying by 1.0
/// changes no bit).
///
/// Counting-process data (rows at risk on (entry, stop], R's <c>agfit4</c>): the risk set at t holds the rows of the
/// stratum with entry &lt; t ≤ stop. The backward sums are then one sequential sweep that adds each row at its stop and
/// removes it (subtracts its r and r·x) before the first time at or below its entry (<see cref="RiskSetExits"/>),
/// starting again from exact zeros when the risk set empties, as agfit4 does. The Gram identity still holds with
/// H_i = (hazard accrued up to the row's stop) − (hazard accrued up to its entry), so the information keeps its
/// parallel weighted-Gram form; nothing is copied per event time.
/// </summary>
internal sealed class CoxPartialLikelihood
{
    private readonly CoxRiskSets _data;
    private readonly bool _efron;
    private readonly int _p;
    // per chunk: sums over the chunk's rows of its first stratum, the carried totals of later chunks, results
    private readonly double[] _leadDenominator, _carryDenominator, _chunkLogLik;
    private readonly double[][] _leadWeightedX, _carryWeightedX, _chunkScore, _chunkMeanProducts, _chunkGram;
    // Tie groups of at least SummedGroupRows rows keep their sums from the linear-predictor pass (slot per group, −1 for
    // none): per slot the non-deaths' Σr, the deaths' Σr and Σwη, and p-vectors of the non-deaths' Σr·x, the deaths'
    // Σr·x and Σw·x. The backward sums then add a whole group at once instead of reading its rows again.
    private readonly int[] _groupSlot;
    private readonly double[] _slotScalars, _slotVectors;

    public CoxPartialLikelihood(CoxRiskSets data, CoxTies ties) : this(data, ties, SummedGroupRows) { }

    /// <param name="summedGroupRows">The rows from which a tie group is summed in the linear-predictor pass (tests compare).</param>
    internal CoxPartialLikelihood(CoxRiskSets data, CoxTies ties, int summedGroupRows)
    {
        _data = data;
        _efron = ties == CoxTies.Efron;
        _p = data.P;
        int chunks = data.ChunkCount, p = data.P;
        Eta = new double[data.N];
        Risk = new double[data.N];
        GroupHazard = new double[data.GroupCount];
        GroupEventHazard = new double[data.GroupCount];
        GroupHazardBefore = new double[data.GroupCount];
        GroupHazardThrough = new double[data.GroupCount];
        Score = new double[p];
        Information = new double[p * p];
        _leadDenominator = new double[chunks];
        _carryDenominator = new double[chunks];
        _chunkLogLik = new double[chunks];
        _leadWeightedX = Jagged(chunks, p);
        _carryWeightedX = Jagged(chunks, p);
        _chunkScore = Jagged(chunks, p);
        _chunkMeanProducts = Jagged(chunks, p * p);
        _chunkGram = Jagged(chunks, p * p);
        _groupSlot = new int[data.GroupCount];
        int slots = 0;
        for (int g = 0; g < data.GroupCount; g++)
            _groupSlot[g] = data.GroupStart[g + 1] - data.GroupStart[g] >= summedGroupRows ? slots++ : -1;
        _slotScalars = new double[3 * slots];
        _slotVectors = new double[3 * slots * p];
    }

    /// <summary>
    /// From this many rows a tie group's sums are kept from the linear-predictor pass (times in whole days: nearly every
    /// row), which saves the backward sums a pass over the n×p design; the slots hold at most 3/16 of the design's size.
    /// </summary>
    internal const int SummedGroupRows = 16;

    public bool Efron => _efron;

    /// <summary>η = xβ per sorted row (centred, scaled design).</summary>
    public double[] Eta { get; }
    /// <summary>w·exp(η) per sorted row (exp(η) when unweighted): each row's share of the risk-set sums.</summary>
    public double[] Risk { get; }
    /// <summary>Per tie group: Σ_k 1/D_tk, the hazard increment of a row at risk but not dying at t (0 without deaths).</summary>
    public double[] GroupHazard { get; }
    /// <summary>Per tie group: Σ_k ((d−k)/d)/D_tk, the increment seen by a row dying at t (Efron); equals GroupHazard for Breslow.</summary>
    public double[] GroupEventHazard { get; }
    /// <summary>Per tie group: Σ GroupHazard over the earlier groups of its stratum.</summary>
    public double[] GroupHazardBefore { get; }
    /// <summary>Per tie group: GroupHazardBefore + GroupHazard, the hazard accrued up to and including the group's time.</summary>
    public double[] GroupHazardThrough { get; }
    public double[] Score { get; }
    /// <summary>Full symmetric p×p information matrix, row-major.</summary>
    public double[] Information { get; }

    /// <summary>Evaluates ℓ, U and I at <paramref name="beta"/> (scaled parametrisation); returns ℓ.</summary>
    public double Evaluate(double[] beta)
    {
        _data.ForEachChunk(c => LinearPredictors(c, beta));
        if (_data.IsCountingProcess) BackwardSumsCounting();
        else
        {
            CarryLaterChunks();
            _data.ForEachChunk(BackwardSums);
        }
        CumulateHazards();
        _data.ForEachChunk(WeightedGram);

        double logLik = 0;
        Array.Clear(Score);
        Array.Clear(Information);
        for (int c = 0; c < _data.ChunkCount; c++)
        {
            logLik += _chunkLogLik[c];
            CoxMatrixAlgebra.AddScaled(Score, 1, _chunkScore[c]);
            CoxMatrixAlgebra.AddScaled(Information, 1, _chunkGram[c]);
            CoxMatrixAlgebra.AddScaled(Information, -1, _chunkMeanProducts[c]);
        }
        CoxMatrixAlgebra.Symmetrise(Information, _p);
        return logLik;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void LinearPredictors(int chunk, double[] beta)
    {
        var x = _data.X;
        var weight = _data.Weight;
        var events = _data.Event;
        int p = _p;
        int firstGroup = _data.ChunkGroupStart[chunk], endGroup = _data.ChunkGroupStart[chunk + 1];
        int leadStratum = _data.GroupStratum[firstGroup];
        double leadDenominator = 0;
        var leadX = _leadWeightedX[chunk];
        Array.Clear(leadX);
        for (int g = firstGroup; g < endGroup; g++)
        {
            bool lead = _data.GroupStratum[g] == leadStratum;
            int slot = _groupSlot[g];
            if (slot >= 0)
            {
                _slotScalars.AsSpan(3 * slot, 3).Clear();
                _slotVectors.AsSpan(3 * slot * p, 3 * p).Clear();
            }
            for (int i = _data.GroupStart[g]; i < _data.GroupStart[g + 1]; i++)
            {
                var row = x.AsSpan(i * p, p);
                double eta = CoxMatrixAlgebra.Dot(row, beta);
                double r = Math.Exp(eta);
                if (weight is not null) r *= weight[i];
                Eta[i] = eta;
                Risk[i] = r;
                if (slot >= 0) AddToSlot(slot, row, eta, r, events[i], weight?[i] ?? 1);
                else if (lead)
                {
                    leadDenominator += r;
                    CoxMatrixAlgebra.AddScaled(leadX, r, row);
                }
            }
            if (slot >= 0 && lead)
            {
                // The chunk's lead sums add the group as a whole.
                leadDenominator += _slotScalars[3 * slot] + _slotScalars[3 * slot + 1];
                CoxMatrixAlgebra.AddScaled(leadX, 1, _slotVectors.AsSpan(3 * slot * p, p));
                CoxMatrixAlgebra.AddScaled(leadX, 1, _slotVectors.AsSpan((3 * slot + 1) * p, p));
            }
        }
        _leadDenominator[chunk] = leadDenominator;
    }

    /// <summary>Adds a row of a summed tie group to its slot (a death to the deaths' sums, else to the non-deaths').</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddToSlot(int slot, ReadOnlySpan<double> row, double eta, double r, bool died, double w)
    {
        int p = _p;
        if (died)
        {
            _slotScalars[3 * slot + 1] += r;
            _slotScalars[3 * slot + 2] += w * eta;
            CoxMatrixAlgebra.AddScaled(_slotVectors.AsSpan((3 * slot + 1) * p, p), r, row);
            CoxMatrixAlgebra.AddScaled(_slotVectors.AsSpan((3 * slot + 2) * p, p), w, row);
        }
        else
        {
            _slotScalars[3 * slot] += r;
            CoxMatrixAlgebra.AddScaled(_slotVectors.AsSpan(3 * slot * p, p), r, row);
        }
    }

    /// <summary>The risk-set sums a chunk inherits from the later chunks of the stratum its last group belongs to.</summary>
    private void CarryLaterChunks()
    {
        int chunks = _data.ChunkCount;
        for (int c = chunks - 1; c >= 0; c--)
        {
            var carryX = _carryWeightedX[c];
            Array.Clear(carryX);
            _carryDenominator[c] = 0;
            if (c == chunks - 1) continue;
            int nextFirst = _data.ChunkGroupStart[c + 1];
            int nextLast = _data.ChunkGroupStart[c + 2] - 1;
            int stratum = _data.GroupStratum[nextFirst];
            if (_data.GroupStratum[nextFirst - 1] != stratum) continue;
            _carryDenominator[c] = _leadDenominator[c + 1];
            CoxMatrixAlgebra.AddScaled(carryX, 1, _leadWeightedX[c + 1]);
            if (_data.GroupStratum[nextLast] == stratum)
            {
                _carryDenominator[c] += _carryDenominator[c + 1];
                CoxMatrixAlgebra.AddScaled(carryX, 1, _carryWeightedX[c + 1]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardSums(int chunk)
    {
        int p = _p;
        int firstGroup = _data.ChunkGroupStart[chunk], endGroup = _data.ChunkGroupStart[chunk + 1];
        double denominator = _carryDenominator[chunk];
        bool small = p <= 128; // keep large models off the thread's stack
        Span<double> a = small ? stackalloc double[p] : new double[p];
        Span<double> deathX = small ? stackalloc double[p] : new double[p];
        Span<double> mean = small ? stackalloc double[p] : new double[p];
        _carryWeightedX[chunk].CopyTo(a);
        var score = _chunkScore[chunk];
        var products = _chunkMeanProducts[chunk];
        Array.Clear(score);
        Array.Clear(products);
        double logLik = 0;

        for (int g = endGroup - 1; g >= firstGroup; g--)
        {
            if (g < endGroup - 1 && _data.GroupStratum[g] != _data.GroupStratum[g + 1])
            {
                denominator = 0;
                a.Clear();
            }
            AddTieGroup(g, ref denominator, a, deathX, mean, score, products, ref logLik);
        }
        _chunkLogLik[chunk] = logLik;
    }

    /// <summary>
    /// Adds tie group g to the running risk-set sums of a backward sweep (its non-deaths, then its deaths by Breslow's or
    /// Efron's rule) and accumulates its terms of ℓ, U and Σ x̄x̄ᵀ and its hazard increments.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddTieGroup(int g, ref double denominator, Span<double> a, Span<double> deathX, Span<double> mean, double[] score,
        double[] products, ref double logLik)
    {
        int p = _p;
        var x = _data.X;
        var events = _data.Event;
        var weight = _data.Weight;
        int start = _data.GroupStart[g], end = _data.GroupStart[g + 1];
        int deaths = _data.GroupDeaths[g];
        int slot = _groupSlot[g];
        if (slot >= 0)
        {
            // The group's sums from the linear-predictor pass.
            denominator += _slotScalars[3 * slot];
            CoxMatrixAlgebra.AddScaled(a, 1, _slotVectors.AsSpan(3 * slot * p, p));
        }
        if (deaths == 0)
        {
            if (slot < 0)
                for (int i = start; i < end; i++)
                {
                    denominator += Risk[i];
                    CoxMatrixAlgebra.AddScaled(a, Risk[i], x.AsSpan(i * p, p));
                }
            GroupHazard[g] = 0;
            GroupEventHazard[g] = 0;
            return;
        }

        double deathRisk = 0;
        if (slot >= 0)
        {
            deathRisk = _slotScalars[3 * slot + 1];
            logLik += _slotScalars[3 * slot + 2];
            _slotVectors.AsSpan((3 * slot + 1) * p, p).CopyTo(deathX);
            CoxMatrixAlgebra.AddScaled(score, 1, _slotVectors.AsSpan((3 * slot + 2) * p, p));
        }
        else
        {
            deathX.Clear();
            for (int i = start; i < end; i++)
            {
                var row = x.AsSpan(i * p, p);
                if (events[i])
                {
                    double w = weight?[i] ?? 1;
                    deathRisk += Risk[i];
                    CoxMatrixAlgebra.AddScaled(deathX, Risk[i], row);
                    logLik += w * Eta[i];
                    CoxMatrixAlgebra.AddScaled(score, w, row);
                }
                else
                {
                    denominator += Risk[i];
                    CoxMatrixAlgebra.AddScaled(a, Risk[i], row);
                }
            }
        }

        // The deaths' summed weight (their count when unweighted).
        double deathWeight = _data.GroupDeathWeight?[g] ?? deaths;
        if (!_efron || deaths == 1)
        {
            denominator += deathRisk;
            CoxMatrixAlgebra.AddScaled(a, 1, deathX);
            for (int j = 0; j < p; j++) mean[j] = a[j] / denominator;
            logLik -= deathWeight * Math.Log(denominator);
            CoxMatrixAlgebra.AddScaled(score, -deathWeight, mean);
            CoxMatrixAlgebra.AddOuterLower(products, mean, deathWeight);
            GroupHazard[g] = GroupEventHazard[g] = deathWeight / denominator;
        }
        else
        {
            // Efron: x̄_k = (a + s_k·b)/D_k with s_k = (d−k)/d, so Σ_k x̄_k and Σ_k x̄_k x̄_kᵀ need only
            // the scalar sums Σ1/D, Σs/D, Σ1/D², Σs/D², Σs²/D².
            // Each of the d terms weighs the mean death weight (1 when unweighted).
            double meanWeight = deathWeight / deaths;
            double hazard = 0, eventHazard = 0, c0 = 0, c1 = 0, c2 = 0;
            for (int k = 0; k < deaths; k++)
            {
                double share = (double)(deaths - k) / deaths;
                double d = denominator + share * deathRisk;
                double inverse = 1 / d;
                logLik -= meanWeight * Math.Log(d);
                hazard += inverse;
                eventHazard += share * inverse;
                c0 += inverse * inverse;
                c1 += share * inverse * inverse;
                c2 += share * share * inverse * inverse;
            }
            hazard *= meanWeight;
            eventHazard *= meanWeight;
            c0 *= meanWeight;
            c1 *= meanWeight;
            c2 *= meanWeight;
            CoxMatrixAlgebra.AddScaled(score, -hazard, a);
            CoxMatrixAlgebra.AddScaled(score, -eventHazard, deathX);
            CoxMatrixAlgebra.AddQuadraticLower(products, a, deathX, c0, c1, c2);
            denominator += deathRisk;
            CoxMatrixAlgebra.AddScaled(a, 1, deathX);
            GroupHazard[g] = hazard;
            GroupEventHazard[g] = eventHazard;
        }
    }

    /// <summary>
    /// The backward sums of counting-process data in one sequential sweep over all tie groups (see the class comment):
    /// before a group's risk set is used, the rows whose entry is at or after its time leave it. The results go to the
    /// first chunk's accumulators (the other chunks' are zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void BackwardSumsCounting()
    {
        int p = _p;
        bool small = p <= 128; // keep large models off the thread's stack
        Span<double> a = small ? stackalloc double[p] : new double[p];
        Span<double> deathX = small ? stackalloc double[p] : new double[p];
        Span<double> mean = small ? stackalloc double[p] : new double[p];
        for (int c = 0; c < _data.ChunkCount; c++)
        {
            Array.Clear(_chunkScore[c]);
            Array.Clear(_chunkMeanProducts[c]);
            _chunkLogLik[c] = 0;
        }
        var score = _chunkScore[0];
        var products = _chunkMeanProducts[0];
        double denominator = 0, logLik = 0;
        int atRisk = 0;
        var exits = new RiskSetExits(_data);
        for (int g = _data.GroupCount - 1; g >= 0; g--)
        {
            if (g == _data.GroupCount - 1 || _data.GroupStratum[g] != _data.GroupStratum[g + 1])
            {
                denominator = 0;
                a.Clear();
                atRisk = 0;
            }
            CoxTieGroupSums.RemoveExits(ref exits, g, Risk, _data.X, p, ref denominator, a, ref atRisk);
            AddTieGroup(g, ref denominator, a, deathX, mean, score, products, ref logLik);
            atRisk += _data.GroupStart[g + 1] - _data.GroupStart[g];
        }
        _chunkLogLik[0] = logLik;
    }

    private void CumulateHazards()
    {
        double cumulative = 0;
        for (int g = 0; g < _data.GroupCount; g++)
        {
            if (g > 0 && _data.GroupStratum[g] != _data.GroupStratum[g - 1]) cumulative = 0;
            GroupHazardBefore[g] = cumulative;
            cumulative += GroupHazard[g];
            GroupHazardThrough[g] = cumulative;
        }
    }

    /// <summary>
    /// Rows per block of <see cref="WeightedGram"/>: the rows' weights of a block are written to a small buffer on the
    /// thread's stack (no n-sized array that lives as long as the likelihood). A multiple of 4, the rows
    /// <see cref="CoxMatrixAlgebra.AddWeightedGramLower"/> adds at a time, so that the blocks add the same groups of
    /// four rows in the same order as one call over the chunk: the sums are bit for bit those of one call.
    /// </summary>
    private const int GramBlockRows = 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WeightedGram(int chunk)
    {
        int p = _p;
        var events = _data.Event;
        var gram = _chunkGram[chunk];
        Array.Clear(gram);
        int firstGroup = _data.ChunkGroupStart[chunk], endGroup = _data.ChunkGroupStart[chunk + 1];
        int endRow = _data.GroupStart[endGroup];
        Span<double> rowWeight = stackalloc double[GramBlockRows];
        int g = firstGroup;
        for (int blockStart = _data.GroupStart[firstGroup]; blockStart < endRow; blockStart += GramBlockRows)
        {
            int blockEnd = Math.Min(endRow, blockStart + GramBlockRows);
            for (int i = blockStart; i < blockEnd;)
            {
                while (_data.GroupStart[g + 1] <= i) g++;
                int groupEnd = Math.Min(blockEnd, _data.GroupStart[g + 1]);
                double before = GroupHazardBefore[g];
                double atRisk = before + GroupHazard[g], dying = before + GroupEventHazard[g];
                if (_data.EntryGroup is { } entryGroup)
                    // The hazard accrued before the row's entry did not touch it.
                    for (; i < groupEnd; i++)
                        rowWeight[i - blockStart] = Risk[i] * ((events[i] ? dying : atRisk) - HazardThrough(entryGroup[i]));
                else
                    for (; i < groupEnd; i++)
                        rowWeight[i - blockStart] = Risk[i] * (events[i] ? dying : atRisk);
            }
            CoxMatrixAlgebra.AddWeightedGramLower(gram, _data.X.AsSpan(blockStart * p, (blockEnd - blockStart) * p),
                rowWeight[..(blockEnd - blockStart)], p);
        }
    }

    /// <summary>
    /// η by original row (the model's linear predictors), written over the w·exp(η) array: at the fit's last read of the
    /// likelihood, so that the predictors take memory already touched instead of a fresh n-sized array. A scatter, whose
    /// independent writes run at memory speed (permuting η in place instead chases the permutation's cycles one dependent
    /// load at a time; tried, its Newton stage was 0.05–0.15 s slower at 1,000,000 rows, under load). The likelihood must
    /// not be evaluated or read after this.
    /// </summary>
    public double[] TakeLinearPredictorsByRow()
    {
        var byRow = Risk;
        var order = _data.Order;
        for (int k = 0; k < order.Length; k++) byRow[order[k]] = Eta[k];
        return byRow;
    }

    /// <summary>The hazard accrued up to and including tie group g's time (0 for g = −1: before the stratum's first time).</summary>
    public double HazardThrough(int g) => g < 0 ? 0 : GroupHazardThrough[g];

    private static double[][] Jagged(int rows, int length)
    {
        var a = new double[rows][];
        for (int i = 0; i < rows; i++) a[i] = new double[length];
        return a;
    }
}
