namespace Stratify.Survival;

/// <summary>
/// The rows of one curve of counting-process data seen from their entry side: positions (into the time-sorted arrays)
/// [<see cref="From"/>, <see cref="To"/>) of <see cref="Order"/> by ascending entry, the entry time of every position
/// and the cluster of every position (the patient with long-format data, else the position itself). A risk set at t
/// is built by sweeping the stop order and this order together, never by copying rows per time.
/// </summary>
/// <remarks>
/// The infinitesimal-jackknife (robust) variance of survfitkm for (entry, stop] rows clustered by patient,
/// Var(t) = Σ_c a_c(t)², where a cluster's influence (on log S for Kaplan–Meier, on H for Nelson–Aalen) is
/// <code>
/// a_c(t) = Σ_{rows i ∈ c} w_i [ C(min(stopᵢ, t)) − C(min(entryᵢ, t)) − δᵢ 1{stopᵢ ≤ t} jump(stopᵢ) ]
/// </code>
/// with C the cumulative variance increment (Kaplan–Meier: Σ d/(n(n − d)); Nelson–Aalen: Σ d/n²) and jump the event
/// term (1/(n − d); 1/n), as in Therneau's survfitkm notes (R computes the same a_c by a recursion over all clusters at
/// every event time, O(clusters × times)). Here it is one forward sweep, O(rows + times): between changes a cluster's
/// a_c grows by W_c·ΔC (W_c its weight at risk), so the sums Q = Σ a_c², L = Σ W_c a_c and N = Σ W_c² follow an event
/// increment ΔC as Q += 2ΔC·L + ΔC²·N, L += ΔC·N, and a cluster is brought up to date (a_c += W_c·(C − C_then)) only
/// when one of its rows enters or leaves. The clusters no longer at risk are summed apart from those at risk, whose
/// sums restart from exact zeros whenever none is left, so that no large sum is ever cancelled.
/// </remarks>
internal sealed class CountingProcessRows(int[] order, int from, int to, double[] entry, int[] cluster)
{
    public int[] Order { get; } = order;
    public int From { get; } = from;
    public int To { get; } = to;
    /// <summary>Entry time of each position (after timefix).</summary>
    public double[] Entry { get; } = entry;
    /// <summary>Cluster code (0-based) of each position.</summary>
    public int[] Cluster { get; } = cluster;

    /// <summary>Σ_c a_c(t_j)² at each time of <paramref name="table"/> (see the class remarks).</summary>
    public double[] JackknifeSumOfSquares(RiskTable table, double[] sortedTime, bool[] sortedEvent, double[]? sortedWeight,
        double[] cumulative, double[] jump)
    {
        int m = table.Time.Length;
        int clusters = 0;
        for (int p = table.From; p < table.To; p++) clusters = Math.Max(clusters, Cluster[table.Order[p]] + 1);
        var influence = new double[clusters];
        var weightAtRisk = new double[clusters];
        var cumulativeThen = new double[clusters];
        var rowsAtRisk = new int[clusters];
        double current = 0, activeSquares = 0, finishedSquares = 0, linear = 0, squaredWeights = 0;
        int activeClusters = 0;

        void BringUpToDate(int c)
        {
            influence[c] += weightAtRisk[c] * (current - cumulativeThen[c]);
            cumulativeThen[c] = current;
        }
        void RemoveActive(int c)
        {
            activeSquares -= influence[c] * influence[c];
            linear -= weightAtRisk[c] * influence[c];
            squaredWeights -= weightAtRisk[c] * weightAtRisk[c];
        }
        void AddActive(int c)
        {
            activeSquares += influence[c] * influence[c];
            linear += weightAtRisk[c] * influence[c];
            squaredWeights += weightAtRisk[c] * weightAtRisk[c];
        }

        var sums = new double[m];
        int stop = table.From, enter = From;
        for (int j = 0; j < m; j++)
        {
            double t = table.Time[j];
            for (; enter < To && Entry[Order[enter]] < t; enter++)
            {
                int k = Order[enter], c = Cluster[k];
                BringUpToDate(c);
                if (rowsAtRisk[c] == 0)
                {
                    finishedSquares -= influence[c] * influence[c];
                    activeClusters++;
                }
                else RemoveActive(c);
                weightAtRisk[c] += sortedWeight?[k] ?? 1;
                rowsAtRisk[c]++;
                AddActive(c);
            }
            if (cumulative[j] != current)
            {
                double increment = cumulative[j] - current;
                activeSquares += 2 * increment * linear + increment * increment * squaredWeights;
                linear += increment * squaredWeights;
                current = cumulative[j];
            }
            for (; stop < table.To && sortedTime[table.Order[stop]] == t; stop++)
            {
                int k = table.Order[stop], c = Cluster[k];
                double w = sortedWeight?[k] ?? 1;
                BringUpToDate(c);
                RemoveActive(c);
                if (sortedEvent[k]) influence[c] -= w * jump[j];
                if (--rowsAtRisk[c] == 0)
                {
                    weightAtRisk[c] = 0;
                    finishedSquares += influence[c] * influence[c];
                    if (--activeClusters == 0) activeSquares = linear = squaredWeights = 0;
                }
                else
                {
                    weightAtRisk[c] -= w;
                    AddActive(c);
                }
            }
            sums[j] = finishedSquares + activeSquares;
        }
        return sums;
    }
}
