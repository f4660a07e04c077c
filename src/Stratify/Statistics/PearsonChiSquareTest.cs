using System.Globalization;

// Pearson's chi-square test of independence in an r × c contingency table, without continuity correction,
// as R's chisq.test(table, correct = FALSE):
//   E_ij = (row total_i)(column total_j) / N,   X² = Σ (O_ij - E_ij)² / E_ij,   df = (r - 1)(c - 1)
//   p = P(χ²_df ≥ X²). Pearson K (1900) Phil Mag 50:157.
// The caller passes the table it wants tested; a row or column of zeros gives E = 0 and a NaN statistic,
// as in R, so Table 1 drops empty levels and empty groups first.
namespace Stratify.Statistics;

/// <summary>Result of <see cref="PearsonChiSquareTest.Compute"/> with the expected counts (row-major, r × c).</summary>
internal sealed record ContingencyTestResult(double Statistic, double DegreesOfFreedom, double PValue,
    int Rows, int Columns, double[] Expected)
{
    public const string TestName = "chi_square";

    public double ExpectedAt(int row, int column) => Expected[row * Columns + column];

    /// <summary>The smallest expected count, the usual check of the chi-square approximation (all ≥ 5).</summary>
    public double MinimumExpected
    {
        get
        {
            double min = double.PositiveInfinity;
            foreach (double e in Expected) min = Math.Min(min, e);
            return min;
        }
    }
}

/// <summary>Pearson chi-square test of independence of the rows and columns of a contingency table.</summary>
/// <example><code>var r = PearsonChiSquareTest.Compute(new[] { 10, 20, 30, 40 }, rows: 2, columns: 2); // as R chisq.test(m, correct = FALSE)</code></example>
internal static class PearsonChiSquareTest
{
    /// <summary>Tests the table of <paramref name="counts"/>, row-major with <paramref name="rows"/> × <paramref name="columns"/> cells.</summary>
    public static ContingencyTestResult Compute(ReadOnlySpan<int> counts, int rows, int columns)
    {
        if (counts.Length != rows * columns) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"expected {rows} × {columns} counts, got {counts.Length}"));
        var rowTotals = new double[rows];
        var columnTotals = new double[columns];
        double total = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                int o = counts[i * columns + j];
                if (o < 0) throw new ArgumentOutOfRangeException(nameof(counts), o, "counts are non-negative");
                rowTotals[i] += o;
                columnTotals[j] += o;
                total += o;
            }
        var expected = new double[rows * columns];
        double statistic = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
            {
                double e = rowTotals[i] * columnTotals[j] / total;
                expected[i * columns + j] = e;
                double d = counts[i * columns + j] - e;
                statistic += d * d / e;
            }
        int df = (rows - 1) * (columns - 1);
        double p = TailProbability.ChiSquarePValue(statistic, df);
        return new ContingencyTestResult(statistic, df, p, rows, columns, expected);
    }
}
