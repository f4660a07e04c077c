using Stratify.Clustering;
using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Stratification;

/// <summary>
/// How a feature of a subgroup model is read from a cohort: <see cref="Kind"/> "numeric" (the column's number),
/// "categorical" or "ordinal" (the column's value as text, which must be one of <see cref="Levels"/>; clustering uses
/// its 1-based position as the level code). For an ordinal split by a tree, <see cref="LevelValues"/> holds the
/// value each level is compared with (its number when every level is one, else its rank).
/// </summary>
public sealed record ModelFeature(string Name, string Kind, IReadOnlyList<string>? Levels, IReadOnlyList<double>? LevelValues)
{
    public const string Numeric = "numeric", Categorical = "categorical", Ordinal = "ordinal";
}

/// <summary>
/// k-medoids: each patient joins the medoid at the smallest Gower dissimilarity (the first on ties). The scaling is the
/// training data's: per feature its minimum and range (daisy's range of 1 for a constant feature) and weight;
/// categorical features compare equal or not. <see cref="Medoids"/> holds each medoid's feature values (numbers or
/// 1-based level codes; null = missing).
/// </summary>
public sealed record GowerPlacement(IReadOnlyList<double> Minimum, IReadOnlyList<double> Range, IReadOnlyList<double> Weight,
    IReadOnlyList<IReadOnlyList<double>> Medoids);

/// <summary>
/// k-means, mixtures and Ward's hierarchical clustering place a patient in the training data's coordinate space:
/// a missing value takes the training <see cref="Fill"/> (median, or the most frequent level) and sets its missing
/// indicator, where the training data had missing values in that feature (NaN fill: it had none, and a patient missing
/// it is not placed); then each coordinate column (<see cref="CoordinateColumn"/>, over the features followed by the
/// indicators of <see cref="Indicators"/>, which name the feature each indicates). k-means and hierarchical: the
/// nearest of <see cref="Centres"/> (squared Euclidean distance, the first on ties); mixtures: the component of
/// largest posterior probability under <see cref="Mixture"/>.
/// </summary>
public sealed record CoordinatePlacement(IReadOnlyList<double> Fill, IReadOnlyList<int> Indicators, IReadOnlyList<CoordinateColumn> Columns,
    IReadOnlyList<IReadOnlyList<double>> Centres, MixturePlacement? Mixture);

/// <summary>A mixture's parameters in the coordinate space: covariance "full" or "diagonal", weights, means (k × p), covariances (k × p × p or k × p).</summary>
public sealed record MixturePlacement(string Covariance, IReadOnlyList<double> Weights, IReadOnlyList<double> Means, IReadOnlyList<double> Covariances);

/// <summary>Trees: each patient joins the leaf whose every condition it meets; a condition's feature index points into the model's features.</summary>
public sealed record RulePlacement(IReadOnlyList<IReadOnlyList<SplitCondition>> Leaves);

/// <summary>STEPP bands of the model's one feature (the marker): band b holds Cuts[b−1] &lt; marker ≤ Cuts[b].</summary>
public sealed record BandPlacement(IReadOnlyList<double> Cuts);

/// <summary>Where each row of a cohort was placed: its subgroup index, or −1 with the reason in <see cref="Unplaced"/>.</summary>
public sealed record ModelAssignment(int[] SubgroupOfRow, string?[] Unplaced);

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
public sealed record SubgroupModel(string Method, string Placement, IReadOnlyList<string> Ids, IReadOnlyList<ModelFeature> Features,
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
        var row = new double[Features.Count];
        var place = Placer();
        for (int i = 0; i < rows.Count; i++)
        {
            for (int f = 0; f < row.Length; f++) row[f] = values[f][i];
            (subgroup[i], unplaced[i]) = place(row);
        }
        return new ModelAssignment(subgroup, unplaced);
    }

    /// <summary>
    /// Each feature over the rows: a number (numeric) or the 0-based index into <see cref="ModelFeature.Levels"/>
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
                    values[i] = level;
                }
            }
            result[f] = values;
        }
        return result;
    }

    /// <summary>The placement function of this model's method: feature values (as <see cref="Read"/> gives them) → subgroup or −1 with a reason.</summary>
    private Func<double[], (int Subgroup, string? Reason)> Placer()
    {
        if (Gower is { } gower) return GowerPlacer(gower);
        if (Coordinates is { } coordinates) return CoordinatePlacer(coordinates);
        if (Rules is { } rules) return RulePlacer(rules);
        if (Bands is { } bands)
            return row => double.IsNaN(row[0]) ? (-1, $"missing {Features[0].Name}") : (PredictiveSubgroups.Band([.. bands.Cuts], row[0]), null);
        // column: the subgroups are the column's levels
        return row => double.IsNaN(row[0]) ? (-1, $"missing {Features[0].Name}") : ((int)row[0], null);
    }

    private Func<double[], (int, string?)> GowerPlacer(GowerPlacement gower)
    {
        int p = Features.Count;
        var weights = gower.Weight.ToArray();
        var nominal = Features.Select(f => f.Kind == ModelFeature.Categorical).ToArray();
        double Scale(double code, int f) => (code - gower.Minimum[f]) / gower.Range[f];
        var medoids = gower.Medoids.Select(m => Enumerable.Range(0, p).Select(f => Scale(m[f], f)).ToArray()).ToArray();
        var scaled = new double[p];
        return row =>
        {
            for (int f = 0; f < p; f++) scaled[f] = Scale(Features[f].Kind == ModelFeature.Numeric ? row[f] : row[f] + 1, f);
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
        int features = Features.Count, p = coordinates.Columns.Count, k = Ids.Count;
        var extended = new double[features + coordinates.Indicators.Count];
        var x = new double[p];
        var centres = coordinates.Centres.Select(c => c.ToArray()).ToArray();
        var mixture = coordinates.Mixture is { } m ? new MixtureDensity(k, p, m.Covariance == "full", m.Weights, m.Means, m.Covariances) : null;
        return row =>
        {
            for (int f = 0; f < features; f++)
            {
                double v = Features[f].Kind == ModelFeature.Numeric ? row[f] : row[f] + 1;
                if (double.IsNaN(v))
                {
                    if (double.IsNaN(coordinates.Fill[f])) return (-1, $"missing {Features[f].Name}, which the training data never lacked");
                    v = coordinates.Fill[f];
                }
                extended[f] = v;
            }
            for (int j = 0; j < coordinates.Indicators.Count; j++)
                extended[features + j] = double.IsNaN(row[coordinates.Indicators[j]]) ? 2 : 1; // level codes of "0" and "1"
            for (int c = 0; c < p; c++) x[c] = coordinates.Columns[c].Value(extended[coordinates.Columns[c].Feature]);
            if (mixture is not null) return (mixture.MostProbable(x), null);
            int best = 0;
            double bestDistance = double.PositiveInfinity;
            for (int c = 0; c < centres.Length; c++)
            {
                double d = KMeans.SquaredDistance(x, centres[c]);
                if (d < bestDistance) { bestDistance = d; best = c; }
            }
            return (best, null);
        };
    }

    private Func<double[], (int, string?)> RulePlacer(RulePlacement rules)
    {
        return row =>
        {
            for (int leaf = 0; leaf < rules.Leaves.Count; leaf++)
            {
                bool all = true;
                foreach (var condition in rules.Leaves[leaf])
                {
                    var feature = Features[condition.FeatureIndex];
                    double v = row[condition.FeatureIndex];
                    if (double.IsNaN(v)) return (-1, $"missing {feature.Name}");
                    bool meets = feature.Kind switch
                    {
                        ModelFeature.Numeric => condition.Admits(v),
                        ModelFeature.Ordinal => condition.Admits(feature.LevelValues![(int)v]),
                        _ => condition.Admits(feature.Levels![(int)v]),
                    };
                    if (!meets) { all = false; break; }
                }
                if (all) return (leaf, null);
            }
            return (-1, "no leaf's rule applies");
        };
    }

    /// <summary>The tree features of a run as model features (numeric; categorical with levels; ordinal with the values its thresholds compare).</summary>
    internal static ModelFeature[] TreeFeatures(BoundStudy study, IReadOnlyList<SurvivalTreeFeature> features) => features.Select(f =>
    {
        var covariate = study.Covariates.First(c => c.Name == f.Name);
        return covariate.Kind switch
        {
            CovariateKind.Numeric => new ModelFeature(f.Name, ModelFeature.Numeric, null, null),
            CovariateKind.Categorical => new ModelFeature(f.Name, ModelFeature.Categorical, covariate.Factor!.Levels, null),
            _ => new ModelFeature(f.Name, ModelFeature.Ordinal, covariate.Factor!.Levels, StudyTreeFeatures.OrdinalLevelValues(covariate.Factor)),
        };
    }).ToArray();
}
