using Stratify.Clustering;
using Stratify.Data;

namespace Stratify;

/// <summary>
/// The input side shared by the clustering fitters: features bound once by <see cref="StudyBinder"/> (as a spec's
/// subgroup features: missing values kept), coordinates for the Euclidean methods with the training scales, and the
/// feature columns of their summaries.
/// </summary>
internal static class ClusteringInput
{
    /// <summary>Binds the named features of every row (see <see cref="FitterInput.Variables"/> for their kinds).</summary>
    public static BoundStudy Bind(Cohort data, IReadOnlyList<string> features, IReadOnlyList<string>? categorical, IReadOnlyList<string>? ordinal) =>
        StudyBinder.Bind(data, new StudySpec
        {
            Subgroups = new SubgroupSpec { Features = FitterInput.Variables(data, features, categorical, ordinal, "feature") },
        });

    /// <summary>
    /// Coordinates of complete features (a missing value is refused, naming its row): numeric and ordinal features scaled
    /// (with <paramref name="given"/> scales when not null), categorical ones one-hot.
    /// </summary>
    public static CoordinateMatrix Coordinates(IReadOnlyList<BoundCovariate> features, string source, string method, FeatureScaling scaling,
        IReadOnlyList<(double Center, double Scale)>? given, out (double Center, double Scale)[] used)
    {
        FitterInput.RequireComplete(features, FitterInput.AllRows(features[0].Length), source, method);
        return FeatureSet.From(features).ToCoordinates(scaling, given, out used);
    }

    /// <summary>
    /// Centres (k × p, row-major, in coordinates) on the features' own scale: a numeric or ordinal coordinate
    /// unscaled (centre + value × scale), a one-hot coordinate as it is (the share of the level).
    /// </summary>
    public static double[] Unscaled(double[] centres, int k, IReadOnlyList<FittedVariable> features, IReadOnlyList<(double Center, double Scale)> scales)
    {
        int p = centres.Length / k;
        var result = new double[centres.Length];
        for (int c = 0; c < k; c++)
            for (int f = 0, j = 0; f < features.Count; f++)
            {
                if (features[f].Spec.Kind == CovariateKind.Categorical)
                {
                    for (int l = 0; l < features[f].Levels!.Length; l++, j++) result[c * p + j] = centres[c * p + j];
                    continue;
                }
                result[c * p + j] = scales[f].Center + centres[c * p + j] * scales[f].Scale;
                j++;
            }
        return result;
    }

    /// <summary>Adds one column per coordinate (named as the coordinate: "age", "sex=female") with the k centres.</summary>
    public static void AddCentres(SummaryFrame frame, double[] centres, int k, IReadOnlyList<string> names)
    {
        int p = names.Count;
        for (int j = 0; j < p; j++)
        {
            int column = j;
            frame.Add(names[j], Enumerable.Range(0, k).Select(c => centres[c * p + column]));
        }
    }

    /// <summary>Adds one column per feature with its values over <paramref name="rows"/>: numbers, or level text ("NA" when missing).</summary>
    public static void AddFeatureValues(SummaryFrame frame, IReadOnlyList<FittedVariable> features, FeatureSet rows)
    {
        for (int f = 0; f < features.Count; f++)
        {
            var values = rows.Features[f].Values;
            if (features[f].Levels is { } levels)
                frame.Add(features[f].Name, values.Select(v => double.IsNaN(v) ? "NA" : levels[(int)v - 1]));
            else
                frame.Add(features[f].Name, values);
        }
    }
}
