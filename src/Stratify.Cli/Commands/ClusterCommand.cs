using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Stratify.Clustering;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Cli.Commands;

/// <summary>`stratify cluster`: subgroups from baseline features, k chosen honestly, stability, profiles.</summary>
internal static class ClusterCommand
{
    public static Command Create(CliContext context)
    {
        var study = new StudyOptions();
        var format = OutputFormats.Option(OutputFormat.Table, OutputFormat.Json);
        var defaults = new SubgroupSpec();
        var features = FeatureOptions.FeaturesOption("Clustering features");
        var ordinal = FeatureOptions.OrdinalOption();
        var method = new Option<string?>("--method") { Description = "kmedoids (Gower), kmeans, gmm or hierarchical (default: the spec's subgroups method when it is one of these, else kmedoids)." };
        var k = new Option<string?>("--k") { Description = string.Create(CultureInfo.InvariantCulture, $"Number of clusters, or a range such as 2..8 to choose k (default: the spec's k, else {defaults.KMin}..{defaults.KMax}).") };
        var bootstrap = new Option<int?>("--bootstrap") { Description = string.Create(CultureInfo.InvariantCulture, $"Bootstrap resamples for stability, 0 = none (default: the spec's bootstrap, else {defaults.Bootstrap}).") };
        var gap = new Option<int>("--gap") { Description = "Reference sets for the gap statistic (0 = none).", DefaultValueFactory = _ => 10 };
        var seed = new Option<int?>("--seed") { Description = "Random seed (default: the spec's seed, else 1)." };
        var scaling = new Option<string>("--scaling") { Description = "Numeric scaling for coordinate methods: standardise (default) or robust (median/IQR).", DefaultValueFactory = _ => "standardise" };
        var missing = new Option<string?>("--missing") { Description = "Missing feature values: impute (default), indicator, complete_case, or pairwise (Gower methods only); overrides the spec's missing:." };
        var covariance = new Option<string>("--covariance") { Description = "Mixture covariance: full (default) or diagonal.", DefaultValueFactory = _ => "full" };
        var linkage = new Option<string>("--linkage") { Description = "Hierarchical linkage: ward (default, Euclidean) or average (Gower).", DefaultValueFactory = _ => "ward" };
        var output = new Option<string?>("--out") { Description = "Write patient id → cluster to this .parquet or .csv file." };
        var truth = new Option<string?>("--truth") { Description = "A column of known groups (e.g. simulate's true_subgroup): report the adjusted Rand index against it." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress lines on stderr (for scripts)." };
        var command = new Command("cluster", "Cluster patients on baseline features; choose k by silhouette/gap/BIC; bootstrap stability; profiles.")
            { format, features, ordinal, method, k, bootstrap, gap, seed, scaling, missing, covariance, linkage, output, truth, quiet };
        study.AddForFeaturesTo(command);
        command.SetAction(parse =>
        {
            var shape = OutputFormats.Parse(parse.GetValue(format), OutputFormat.Table, OutputFormat.Json);
            // --categorical and --ordinal change a feature's kind before binding, so the binder's level rules apply to it.
            var spec = FeatureOptions.WithFeatures(study.ToSpec(parse), parse.GetValue(features), parse.GetValue(study.Categorical), parse.GetValue(ordinal));
            // Every setting with a spec key comes from the spec (subgroups: method, k, bootstrap, missing; seed) unless its flag is given.
            var fromSpec = spec.Subgroups!;
            var (kMin, kMax) = parse.GetValue(k) is { } kText ? StudySpecReader.ParseK(kText, "--k") : (fromSpec.KMin, fromSpec.KMax);
            int replicates = parse.GetValue(bootstrap) ?? fromSpec.Bootstrap;
            if (parse.GetValue(bootstrap) is int b)
                StudySpecReader.CheckReplicates(b, "--bootstrap", "20 to 100 replicates are usual; 1,000 already estimate a stability to ±0.01.");
            StudySpecReader.CheckReplicates(parse.GetValue(gap), "--gap", "R's clusGap uses 100 reference sets.");
            AssignmentFile.CheckPath(parse.GetValue(output), spec); // before any work: never an input, a .parquet or .csv name
            string methodText = parse.GetValue(method) ?? SpecMethod(fromSpec.Method) ?? "kmedoids";
            if (parse.GetValue(method) is null && SpecMethod(fromSpec.Method) is null && spec.SourceFile is not null)
                context.Error.WriteLine($"note: the spec finds subgroups by {ResultsMapping.MethodName(fromSpec.Method)}; cluster uses k-medoids (choose another with --method).");
            var clusteringMethod = methodText.ToLowerInvariant() switch
            {
                "kmedoids" or "k-medoids" or "pam" => ClusteringMethod.KMedoids,
                "kmeans" or "k-means" => ClusteringMethod.KMeans,
                "gmm" or "mixture" => ClusteringMethod.GaussianMixture,
                "hierarchical" or "agglomerative" => ClusteringMethod.Hierarchical,
                var other => throw new StratifyInputException("unknown clustering method", "--method", value: other, suggestion: "Use kmedoids, kmeans, gmm or hierarchical."),
            };
            var hierarchicalLinkage = Choose(parse.GetValue(linkage), "--linkage", ("ward", Linkage.WardD2), ("average", Linkage.Average));
            bool gower = clusteringMethod == ClusteringMethod.KMedoids || clusteringMethod == ClusteringMethod.Hierarchical && hierarchicalLinkage == Linkage.Average;
            // --missing overrides the spec's missing: (default impute) for every feature.
            var subgroups = parse.GetValue(missing) is { } m
                ? spec.Subgroups! with { Missing = StudySpecReader.ParseMissing(m, "--missing"), MissingByFeature = new Dictionary<string, MissingPolicy>() }
                : spec.Subgroups!;
            if (!gower && subgroups.Features.FirstOrDefault(f => subgroups.MissingFor(f.Column) == MissingPolicy.Pairwise) is { } pairwise)
                throw new StratifyInputException("pairwise missing values are for Gower methods (k-medoids, average linkage); this method needs a value for every patient",
                    "--missing", pairwise.Column, suggestion: "Use --missing impute, indicator or complete_case.");
            if (replicates < 0) throw new StratifyInputException("must be 0 or more", "--bootstrap");
            if (parse.GetValue(gap) < 0) throw new StratifyInputException("must be 0 or more", "--gap");
            StudyOptions.RequireOneRowPerPatient(spec, "stratify cluster");
            var truthColumn = parse.GetValue(truth);
            // Stage lines, and within the long stages (k, CLARA samples, sampled silhouettes, gap reference sets, bootstrap
            // replicates) the share done and the time left, as `run` prints them; stdout stays the table or the JSON.
            using var progress = new StageProgress(context, parse.GetValue(quiet));
            progress.Stage("Load and validate");
            var bound = StudyBinder.Load(spec, CohortReadOptions.Only(spec.UsedColumns()).With(truthColumn is null ? [] : [truthColumn]));
            var featureSet = FeatureSet.From(bound.Features, subgroups.Missing, subgroups.MissingByFeature);
            progress.Stage("Find subgroups");
            var result = SubgroupDiscovery.Fit(featureSet, new ClusteringOptions(clusteringMethod,
                K: kMin == kMax ? kMin : null, KMin: kMin, KMax: kMax, Seed: parse.GetValue(seed) ?? spec.Seed,
                Scaling: Choose(parse.GetValue(scaling), "--scaling", ("standardise", FeatureScaling.Standardise), ("robust", FeatureScaling.Robust)),
                Covariance: Choose(parse.GetValue(covariance), "--covariance", ("full", CovarianceType.Full), ("diagonal", CovarianceType.Diagonal)),
                Linkage: hierarchicalLinkage, GapReferenceSets: parse.GetValue(gap), StabilityResamples: replicates)
            { Progress = new ImmediateProgress(progress.Detail) });
            if (parse.GetValue(output) is { } path)
            {
                progress.Stage("Write assignments");
                var labels = new string[bound.RowCount];
                Array.Fill(labels, "unassigned");
                for (int i = 0; i < result.Assignment.Length; i++) labels[result.SourceRows[i]] = SubgroupFinder.Letter(result.Assignment[i] - 1);
                AssignmentFile.Write(path, bound, labels);
            }
            progress.Dispose(); // no still-working line after the work
            double? ari = null;
            if (truthColumn is not null)
            {
                var known = StudyBinder.BindFactor(bound.Cohort.Source, bound.Cohort[truthColumn], result.SourceRows.Select(r => bound.Rows[r]).ToArray(), null, null, "truth");
                ari = AdjustedRandIndex.Compute(known.Codes, result.Assignment);
            }
            if (shape == OutputFormat.Json)
            {
                JsonOutput.Write(ClusteringJson.From(result) with { AdjustedRandIndex = ari }, context.Out);
                return CliApp.ExitOk;
            }
            var console = OutputFormats.Console(context);
            console.Write(OutputFormats.Grid($"Choosing k ({result.Method}, {result.Distance})", ["k", "Silhouette", "Gap (SE)", "BIC"],
                result.Criteria.Select(c => (IEnumerable<string>)[c.K.ToString(CultureInfo.InvariantCulture) + (c.K == result.K ? " ←" : ""),
                    Text.Number(c.Silhouette, 3), $"{Text.Number(c.Gap, 3)} ({Text.Number(c.GapStandardError, 2)})", Text.Number(c.Bic, 6)])));
            console.Write(OutputFormats.Grid(string.Create(CultureInfo.InvariantCulture, $"{result.K} subgroups of {result.N:N0} patients (average silhouette {Text.Number(result.Silhouette, 3)})"),
                ["Subgroup", "Size", "Stability (Jaccard)", "Description"],
                result.Clusters.Select(c => (IEnumerable<string>)[SubgroupFinder.Letter(c.Cluster - 1), c.Size.ToString(CultureInfo.InvariantCulture),
                    double.IsNaN(c.Stability) ? "not assessed" : $"{Text.Number(c.Stability, 2)}{(c.Stability < 0.6 ? " (unstable)" : "")}", c.Label])));
            if (ari is double a) console.WriteLine($"Adjusted Rand index against {parse.GetValue(truth)}: {Text.Number(a, 3)}");
            foreach (var warning in result.Warnings) console.WriteLine($"warning: {warning}");
            return CliApp.ExitOk;
        });
        return command;
    }

    /// <summary>The --method name of the spec's subgroups method when it is a clustering method (null for tree or column).</summary>
    private static string? SpecMethod(SubgroupMethod method) =>
        method is SubgroupMethod.SurvivalTree or SubgroupMethod.Column ? null : ResultsMapping.MethodName(method);

    private static T Choose<T>(string? text, string option, params (string Name, T Value)[] choices)
    {
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new StratifyInputException($"unknown value for {option}", option, value: text, suggestion: $"Use {string.Join(" or ", choices.Select(c => c.Name))}.");
    }
}
