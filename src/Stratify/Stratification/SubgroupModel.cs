using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// How a feature of a subgroup model is read from a cohort: <see cref="Kind"/> "numeric" (the column's number),
/// "categorical" or "ordinal" (the column's value as text, which must be one of <see cref="Levels"/>; the placement
/// uses its 1-based position as the level code, as <see cref="FeatureSet"/> does). For an ordinal split by a tree,
/// <see cref="LevelValues"/> holds the value each level is compared with (its number when every level is one, else
/// its rank). A missing value follows <see cref="Missing"/>, the training run's policy ("impute", "indicator",
/// "complete_case", "pairwise"): impute and indicator put <see cref="Fill"/> in its place (a number, or a level as
/// text; null when no training patient lacked the feature, and then a patient lacking it is not placed), and
/// <see cref="Indicator"/> adds the 0/1 feature "name (missing)" after the read features; complete_case leaves the
/// patient unplaced; pairwise (k-medoids) leaves the feature out of the Gower average.
/// </summary>
internal sealed record ModelFeature(string Name, string Kind, IReadOnlyList<string>? Levels, IReadOnlyList<double>? LevelValues,
    string Missing = ModelFeature.CompleteCase, string? Fill = null, bool Indicator = false)
{
    public const string Numeric = "numeric", Categorical = "categorical", Ordinal = "ordinal";
    public const string Impute = "impute", MissingIndicator = "indicator", CompleteCase = "complete_case", Pairwise = "pairwise";
}

/// <summary>
/// k-medoids: each patient joins the medoid at the smallest Gower dissimilarity (the first on ties). The scaling is the
/// training data's: per feature (the read features, then their missing indicators) its minimum and range (daisy's
/// range of 1 for a constant feature) and weight; categorical features compare equal or not. <see cref="Medoids"/>
/// holds each medoid's feature values (numbers or 1-based level codes; null = missing, left pairwise).
/// </summary>
internal sealed record GowerPlacement(IReadOnlyList<double> Minimum, IReadOnlyList<double> Range, IReadOnlyList<double> Weight,
    IReadOnlyList<IReadOnlyList<double>> Medoids);

/// <summary>
/// k-means, mixtures and Ward's hierarchical clustering place a patient in the training data's coordinate space: each
/// coordinate column (<see cref="CoordinateColumn"/>, over the model's features after their missing-value fills,
/// followed by their missing indicators). k-means and hierarchical: the nearest of <see cref="Centres"/> (squared
/// Euclidean distance, the first on ties); mixtures: the component of largest posterior probability under
/// <see cref="Mixture"/>.
/// </summary>
internal sealed record CoordinatePlacement(IReadOnlyList<CoordinateColumn> Columns, IReadOnlyList<IReadOnlyList<double>> Centres, MixturePlacement? Mixture);

/// <summary>A mixture's parameters in the coordinate space: covariance "full" or "diagonal", weights, means (k × p), covariances (k × p × p or k × p).</summary>
internal sealed record MixturePlacement(string Covariance, IReadOnlyList<double> Weights, IReadOnlyList<double> Means, IReadOnlyList<double> Covariances);

/// <summary>Trees: each patient joins the leaf whose every condition it meets; a condition's feature index points into the model's features followed by their missing indicators.</summary>
internal sealed record RulePlacement(IReadOnlyList<IReadOnlyList<SplitCondition>> Leaves);

/// <summary>STEPP bands of the model's one feature (the marker): band b holds Cuts[b−1] &lt; marker ≤ Cuts[b].</summary>
internal sealed record BandPlacement(IReadOnlyList<double> Cuts);

/// <summary>Where each row of a cohort was placed: its subgroup index, or −1 with the reason in <see cref="Unplaced"/>.</summary>
internal sealed record ModelAssignment(int[] SubgroupOfRow, string?[] Unplaced);

/// <summary>
/// The rule that places a patient in one of a run's subgroups, learnt on the training (discovery) patients and
/// applied alike to every analysed patient of the run and to new patients (<c>stratify assign</c>), so that the run's
/// subgroups are exactly those a new patient can be placed in. <see cref="Method"/> is the spec's method name; the
/// placement is one of <see cref="Gower"/> (kmedoids), <see cref="Coordinates"/> (kmeans, gmm, hierarchical),
/// <see cref="Rules"/> (tree, interaction_tree), <see cref="Bands"/> (stepp), or the level of the one feature (column).
/// </summary>
/// <example>
/// <code>
/// var placed = run.Subgroups.Model!.Assign(ParquetCohortReader.Read("new_patients.parquet"));
/// // placed.SubgroupOfRow[i] indexes run.Subgroups.Ids (−1: not placed, see placed.Unplaced[i])
/// </code>
/// </example>
internal sealed record SubgroupModel(string Method, string Placement, IReadOnlyList<string> Ids, IReadOnlyList<ModelFeature> Features,
    GowerPlacement? Gower = null, CoordinatePlacement? Coordinates = null, RulePlacement? Rules = null, BandPlacement? Bands = null)
{
    /// <summary>
    /// Places the rows of <paramref name="cohort"/> (all, or <paramref name="rows"/>). Refuses (exit 2 in the CLI) a
    /// cohort without one of the model's features, a text column where the model needs a number, and a level the
    /// training data never had (naming column, row and value); a row missing a value the rule needs is not placed.
    /// </summary>
    public ModelAssignment Assign(Cohort cohort, IReadOnlyList<int>? rows = null)
    {
        rows ??= SurvivalOrder.Identity(cohort.RowCount);
        var values = Read(cohort, rows);
        var subgroup = new int[rows.Count];
        var unplaced = new string?[rows.Count];
        var indicated = Enumerable.Range(0, Features.Count).Where(f => Features[f].Indicator).ToArray();
        var fills = Features.Select(Filling).ToArray();
        var row = new double[Features.Count + indicated.Length];
        var place = Placer();
        for (int i = 0; i < rows.Count; i++)
        {
            string? reason = null;
            for (int f = 0; f < Features.Count && reason is null; f++)
            {
                double v = values[f][i];
                if (double.IsNaN(v))
                    switch (Features[f].Missing)
                    {
                        case ModelFeature.Pairwise: break;
                        case ModelFeature.CompleteCase: reason = $"missing {Features[f].Name}"; break;
                        default:
                            if (double.IsNaN(fills[f])) reason = $"missing {Features[f].Name}, which no training patient lacked";
                            v = fills[f];
                            break;
                    }
                row[f] = v;
            }
            for (int j = 0; j < indicated.Length; j++) row[Features.Count + j] = double.IsNaN(values[indicated[j]][i]) ? 2 : 1; // level codes of "0" and "1"
            (subgroup[i], unplaced[i]) = reason is null ? place(row) : (-1, reason);
        }
        return new ModelAssignment(subgroup, unplaced);
    }

    /// <summary>The model's features followed by their missing indicators ("name (missing)", levels "0" and "1"): what a placement reads.</summary>
    public IReadOnlyList<ModelFeature> Placed() => Features.Concat(Features.Where(f => f.Indicator)
        .Select(f => new ModelFeature(f.Name + " (missing)", ModelFeature.Categorical, ["0", "1"], null))).ToArray();

    /// <summary>A feature's fill in placement coding (a number, or the 1-based code of the level); NaN without one.</summary>
    private static double Filling(ModelFeature feature)
    {
        if (feature.Fill is not { } fill) return double.NaN;
        if (feature.Kind == ModelFeature.Numeric) return double.Parse(fill, System.Globalization.CultureInfo.InvariantCulture);
        int level = feature.Levels!.ToList().IndexOf(fill);
        return level >= 0 ? level + 1 : throw new StratifyInputException("the model's fill is not one of the feature's levels", column: feature.Name, value: fill);
    }

    /// <summary>
    /// Each feature over the rows: a number (numeric) or the 1-based code of its level in <see cref="ModelFeature.Levels"/>
    /// (categorical, ordinal); NaN where missing.
    /// </summary>
    private double[][] Read(Cohort cohort, IReadOnlyList<int> rows)
    {
        var result = new double[Features.Count][];
        for (int f = 0; f < Features.Count; f++)
        {
            var feature = Features[f];
            if (!cohort.TryGet(feature.Name, out var column))
                throw new StratifyInputException("the subgroup model needs this column, which the file does not have", cohort.Source, feature.Name,
                    suggestion: $"Every feature the subgroups were found on must be present: {string.Join(", ", Features.Select(x => x.Name))}.");
            var values = new double[rows.Count];
            if (feature.Kind == ModelFeature.Numeric)
            {
                if (column is not NumericColumn numeric)
                    throw new StratifyInputException("the subgroup model needs numbers in this column, but the file holds text", cohort.Source, feature.Name,
                        value: rows.Count > 0 ? column.Format(rows[0]) : null);
                for (int i = 0; i < rows.Count; i++) values[i] = numeric.IsMissing(rows[i]) ? double.NaN : numeric.Values[rows[i]];
            }
            else
            {
                var index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int l = 0; l < feature.Levels!.Count; l++) index[feature.Levels[l]] = l;
                for (int i = 0; i < rows.Count; i++)
                {
                    if (column.IsMissing(rows[i])) { values[i] = double.NaN; continue; }
                    var text = column.Format(rows[i]);
                    if (!index.TryGetValue(text, out int level))
                        throw new StratifyInputException("a level the subgroups were never trained on", cohort.Source, feature.Name, rows[i] + 1, text,
                            $"The model knows {string.Join(", ", feature.Levels)}; recode the value or leave the patient out.");
                    values[i] = level + 1;
                }
            }
            result[f] = values;
        }
        return result;
    }

    /// <summary>The placement function of this model's method: the placed features' values (<see cref="Placed"/>, after the fills) → subgroup or −1 with a reason.</summary>
    private Func<double[], (int Subgroup, string? Reason)> Placer()
    {
        if (Gower is { } gower) return GowerPlacer(gower);
        if (Coordinates is { } coordinates) return CoordinatePlacer(coordinates);
        if (Rules is { } rules) return RulePlacer(rules);
        if (Bands is { } bands)
            return row => double.IsNaN(row[0]) ? (-1, $"missing {Features[0].Name}") : (PredictiveSubgroups.Band([.. bands.Cuts], row[0]), null);
        // column: the subgroups are the column's levels
        return row => double.IsNaN(row[0]) ? (-1, $"missing {Features[0].Name}") : ((int)row[0] - 1, null);
    }

    private Func<double[], (int, string?)> GowerPlacer(GowerPlacement gower)
    {
        var placed = Placed();
        int p = placed.Count;
        var weights = gower.Weight.ToArray();
        var nominal = placed.Select(f => f.Kind == ModelFeature.Categorical).ToArray();
        double Scale(double code, int f) => (code - gower.Minimum[f]) / gower.Range[f];
        var medoids = gower.Medoids.Select(m => Enumerable.Range(0, p).Select(f => Scale(m[f], f)).ToArray()).ToArray();
        var scaled = new double[p];
        return row =>
        {
            for (int f = 0; f < p; f++) scaled[f] = Scale(row[f], f);
            int best = -1;
            double bestDistance = double.PositiveInfinity;
            for (int c = 0; c < medoids.Length; c++)
            {
                double d = GowerDissimilarity.Between(scaled, medoids[c], weights, nominal);
                if (d < bestDistance) { bestDistance = d; best = c; }
            }
            return best >= 0 ? (best, null) : (-1, "no feature observed in common with any medoid");
        };
    }

    private Func<double[], (int, string?)> CoordinatePlacer(CoordinatePlacement coordinates)
    {
        int p = coordinates.Columns.Count, k = Ids.Count;
        var x = new double[p];
        var centres = coordinates.Centres.Select(c => c.ToArray()).ToArray();
        var mixture = coordinates.Mixture is { } m ? new MixtureDensity(k, p, m.Covariance == "full", m.Weights, m.Means, m.Covariances) : null;
        return row =>
        {
            for (int c = 0; c < p; c++) x[c] = coordinates.Columns[c].Value(row[coordinates.Columns[c].Feature]);
            if (mixture is not null) return (mixture.MostProbable(x), null);
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int c = 0; c < centres.Length; c++)
            {
                double d = LloydKMeans.SquaredDistance(x, centres[c]);
                if (d < bestDistance) { bestDistance = d; best = c; }
            }
            return (best, null);
        };
    }

    private Func<double[], (int, string?)> RulePlacer(RulePlacement rules)
    {
        var placed = Placed();
        return row =>
        {
            for (int leaf = 0; leaf < rules.Leaves.Count; leaf++)
            {
                bool all = true;
                foreach (var condition in rules.Leaves[leaf])
                {
                    var feature = placed[condition.FeatureIndex];
                    double v = row[condition.FeatureIndex];
                    bool meets = feature.Kind switch
                    {
                        ModelFeature.Numeric => condition.Admits(v),
                        ModelFeature.Ordinal => condition.Admits(feature.LevelValues![(int)v - 1]),
                        _ => condition.Admits(feature.Levels![(int)v - 1]),
                    };
                    if (!meets) { all = false; break; }
                }
                if (all) return (leaf, null);
            }
            return (-1, "no leaf's rule applies");
        };
    }

    /// <summary>
    /// The read features of a feature set (its missing indicators are derived) as model features, each with its
    /// missing-value policy and fill; with <paramref name="rules"/>, ordinal features carry the level values a tree's
    /// thresholds compare.
    /// </summary>
    internal static ModelFeature[] FeaturesOf(FeatureSet set, bool rules) => set.Features.Where(f => !f.IsMissingIndicator).Select(f =>
    {
        var missing = set.Missing.Features.First(m => m.Feature == f.Name);
        string kind = f.Role switch
        {
            FeatureRole.Numeric => ModelFeature.Numeric,
            FeatureRole.Categorical => ModelFeature.Categorical,
            _ => ModelFeature.Ordinal,
        };
        var levelValues = rules && f.Role == FeatureRole.Ordinal ? SurvivalTreeFeature.OrdinalLevelValues(f.Levels!) : null;
        return new ModelFeature(f.Name, kind, f.Levels, levelValues, StudySpecWriter.MissingName(missing.Policy), missing.Fill, missing.IndicatorAdded);
    }).ToArray();
}
