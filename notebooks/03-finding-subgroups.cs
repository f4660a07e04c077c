#:project ../src/Stratify/Stratify.csproj
#:project LabKit/LabKit.csproj

// # Lab 3 — Finding subgroups and choosing k
//
// Run it from the repository root:
//
//     dotnet run notebooks/03-finding-subgroups.cs
//
// You will learn to
// - measure how different two patients are when their characteristics mix numbers and categories (Gower),
// - partition patients into k subgroups around representative patients (k-medoids, PAM),
// - choose k with the average silhouette width and the gap statistic, and say when neither is convincing,
// - check whether the subgroups are stable when the data are resampled.
//
// The data are the German Breast Cancer Study Group 2 cohort (Schumacher et al. 1994; `gbsg` in R's survival
// package): 686 women with node-positive breast cancer. We cluster on seven characteristics measured at diagnosis:
// age, menopausal status (`meno`, 0 = pre, 1 = post), tumour size (mm), grade (1 < 2 < 3), positive lymph nodes,
// and progesterone and oestrogen receptors (`pgr`, `er`, fmol/l). Survival plays no part in the clustering: we
// look for patients who resemble each other, and only later (lab 4) ask whether the groups fare differently.
// The deterministic numbers below are cross-checked against R's cluster package in `notebooks/r/03-finding-subgroups.R`.

using LabKit;
using Microsoft.Data.Analysis;
using Stratify;

// ## 1. Gower's dissimilarity
//
// Gower (1971) averages one dissimilarity per characteristic, each between 0 and 1:
// - numeric: |x_i − x_j| / range of that characteristic in the cohort,
// - categorical: 0 if equal, 1 if not,
// - ordinal: the difference of ranks divided by the range of ranks (R's `daisy` type "O").
//
// So a 10 mm difference in size counts as much as a tenth of the largest size gap in the cohort, and being pre-
// rather than post-menopausal counts as fully different on that characteristic. The formula is short enough to
// compute by hand for a few pairs; the `KMedoids` fitter below computes every pair the same way.

var gbsg = DataFrame.LoadCsv(Lab.Dataset("gbsg.csv"));
double[] Column(string name) => gbsg[name].Cast<object>().Select(Convert.ToDouble).ToArray();
string[] numeric = ["age", "size", "nodes", "pgr", "er"];
var values = numeric.Concat(["meno", "grade"]).ToDictionary(f => f, Column);
double Gower(int i, int j)
{
    double sum = 0;
    foreach (var f in numeric) sum += Math.Abs(values[f][i] - values[f][j]) / (values[f].Max() - values[f].Min());
    sum += values["meno"][i] == values["meno"][j] ? 0 : 1;                                                     // categorical
    sum += Math.Abs(values["grade"][i] - values["grade"][j]) / (values["grade"].Max() - values["grade"].Min()); // ordinal: grades 1 < 2 < 3 are their ranks
    return sum / 7;
}
int n = (int)gbsg.Rows.Count;
long pairs = (long)n * (n - 1) / 2;
Lab.Table("Gower dissimilarities", ["pair", "dissimilarity"],
[
    ["patients 1 and 2", Gower(0, 1)],
    ["patients 1 and 3", Gower(0, 2)],
    ["patients 2 and 3", Gower(1, 2)],
]);
Console.WriteLine($"{n} patients, so {pairs:N0} pairwise dissimilarities.");
Console.WriteLine();

// ## 2. k-medoids
//
// k-medoids (PAM, Kaufman and Rousseeuw 1990) picks k patients, the *medoids*, so that the total dissimilarity of
// every patient to their nearest medoid is as small as possible; each patient joins the subgroup of their nearest
// medoid. Unlike k-means it needs only the dissimilarities, and each subgroup is summarised by a real patient.
// BUILD chooses the starting medoids greedily; swaps then improve them until no swap helps (FasterPAM, Schubert and
// Rousseeuw 2021).
//
// ## 3. How many subgroups? The silhouette
//
// For patient i, let a(i) be the average dissimilarity to the rest of their own subgroup and b(i) the average to
// the nearest other subgroup. The silhouette width s(i) = (b − a) / max(a, b) is near 1 when i sits well inside its
// subgroup, near 0 on a border, negative when i would fit better elsewhere. The average over patients measures
// how clear the partition is: Kaufman and Rousseeuw read above 0.5 as a reasonable structure, 0.26–0.5 as weak
// structure that could be artificial, below 0.25 as no substantial structure.
//
// `KMedoids.ChooseK` fits k = 1, 2, …, 6 on one Gower matrix and returns, for each k, the criteria for choosing it
// (the silhouette here, the gap statistic in section 4) and the fit itself. `meno` is coded 0/1, so we declare it
// categorical; `grade` is ordinal.

string[] features = ["age", "meno", "size", "grade", "nodes", "pgr", "er"];
var kmedoids = new KMedoids(new KMedoidsOptions { Seed = 2024 });       // the seed draws the gap's reference sets
var choice = kmedoids.ChooseK(gbsg, features, maxK: 6, categorical: ["meno"], ordinal: ["grade"], referenceSets: 20);
var tried = choice.Criteria.Where(c => c.K >= 2).ToArray();              // the silhouette needs two subgroups
Lab.Table("k-medoids on Gower dissimilarities", ["k", "average dissimilarity to medoid", "average silhouette"],
    tried.Select(c => new object[] { c.K, c.AverageDissimilarity, c.Silhouette }));
new SvgChart("Average silhouette width by number of subgroups", "k (number of subgroups)", "average silhouette width")
    .Line("average silhouette", tried.Select(c => (double)c.K).ToArray(), tried.Select(c => c.Silhouette).ToArray())
    .Save("03-silhouette.svg");

// The silhouette clearly prefers k = 2 (`choice.BySilhouette`), at 0.59 — "a reasonable structure" by Kaufman and
// Rousseeuw's reading. Before describing two kinds of patient, look at what the two subgroups are. Each is
// represented by its medoid, a real patient.

int chosen = choice.BySilhouette;
var fit = choice.Fit(chosen);
Lab.Table($"The medoids for k = {chosen}", ["medoid", "patients", .. features],
    Enumerable.Range(0, chosen).Select(c =>
    {
        int row = fit.Medoids[c];                                       // the medoid's row in the data frame (0-based)
        return new object[] { $"pid {gbsg["pid"][row]}", fit.Sizes[c] }.Concat(features.Select(f => gbsg[f][row])).ToArray();
    }));

// The two medoids are alike in size, grade, nodes and receptors; they differ in age and menopausal status.
// Cross-tabulate the subgroups with menopausal status:

var meno = values["meno"];
Lab.Table($"Subgroups (k = {chosen}) by menopausal status", ["subgroup of", "premenopausal", "postmenopausal"],
    Enumerable.Range(0, chosen).Select(c => new object[]
    {
        $"pid {gbsg["pid"][fit.Medoids[c]]}",
        Enumerable.Range(0, n).Count(i => fit.Labels[i] == c && meno[i] == 0),
        Enumerable.Range(0, n).Count(i => fit.Labels[i] == c && meno[i] == 1),
    }));

// The "structure" is menopausal status, exactly. Gower counts a mismatch on a two-level characteristic as a full 1,
// while a numeric difference is divided by the range, which a few extreme values make wide (nodes run from 1 to
// 51, pgr from 0 to 2,380): a typical difference in nodes adds only a few hundredths. One binary characteristic
// outweighs the rest. Always ask *what* drives a partition; transform skewed characteristics (e.g. log of the
// receptors, exercise 2), or leave the dominant one out and describe it afterwards (exercise 1).

// ## 4. The gap statistic
//
// The gap statistic (Tibshirani, Walther and Hastie 2001) compares the within-subgroup dispersion log W_k with what
// it would be in data *without* subgroups: reference data sets drawn uniformly over the range of each
// characteristic, clustered the same way. Gap(k) = E*[log W*_k] − log W_k; the rule "first k whose gap is within one
// standard error of the next" picks the smallest k that is about as good as it gets. log W_k is deterministic; the
// gap depends on the random reference sets (seeded here, so the run is reproducible).

Lab.Table("Gap statistic (20 uniform reference sets)", ["k", "log W_k", "expected log W_k", "gap", "std error"],
    choice.Criteria.Select(c => new object[] { c.K, c.LogW, c.ExpectedLogW, c.Gap, c.GapStandardError }));
Console.WriteLine($"The first-SE-max rule picks k = {choice.ByGap}.");
Console.WriteLine();

// The gap grows all the way to the largest k tried, so the rule picks the edge of the range: compared with
// uniform noise, more subgroups always look better. That is what skewed characteristics do — a uniform reference
// over a range stretched by outliers is a poor picture of "no subgroups". The gap gives no clear k here.

// ## 5. Are the subgroups stable?
//
// A subgroup worth describing should reappear when the data change a little. Hennig's (2007) bootstrap check
// clusters bootstrap resamples of the patients and, for each original subgroup, finds the most similar resampled
// subgroup by the Jaccard coefficient (shared patients / patients in either). A mean Jaccard below 0.5 means the
// subgroup dissolves; 0.6–0.75 is a pattern; above 0.85 highly stable.

var stability = fit.Stability(resamples: 50, seed: 2024);
Lab.Table($"Bootstrap stability, k = {chosen} (50 resamples)", ["subgroup", "patients", "mean Jaccard", "times dissolved", "verdict"],
    Enumerable.Range(0, chosen).Select(c => new object[] { $"{c + 1}", fit.Sizes[c], stability.MeanJaccard[c], stability.Dissolved[c], stability.Verdict(c) }));

// Both subgroups come back in every resample — as they must, since they reproduce one binary characteristic.
// Stability is necessary for a subgroup worth describing, not sufficient.

// ## 6. From exploration to a rule you can apply
//
// Once k is chosen, fit it directly: the `KMedoids` fitter binds the features, computes Gower and runs PAM, and
// returns a model that can place *new* patients — each goes to the subgroup of the nearest medoid, with Gower's
// ranges taken from the training data.

var pam = new KMedoids(new KMedoidsOptions { K = chosen })
    .Fit(gbsg, features, categorical: ["meno"], ordinal: ["grade"]);
Console.WriteLine($"The fitter chose the same medoids as section 3: {pam.Medoids.SequenceEqual(fit.Medoids)}.");
Console.WriteLine();
Lab.Table("pam.Summary()", pam.Summary());

var newPatients = new DataFrame(
    new DoubleDataFrameColumn("age", [44, 67]), new DoubleDataFrameColumn("meno", [0, 1]), new DoubleDataFrameColumn("size", [30, 18]),
    new DoubleDataFrameColumn("grade", [3, 2]), new DoubleDataFrameColumn("nodes", [8, 1]), new DoubleDataFrameColumn("pgr", [5, 120]),
    new DoubleDataFrameColumn("er", [10, 200]));
var placed = pam.Predict(newPatients);
Lab.Table("Two new patients placed by pam.Predict", ["patient", "age", "meno", "cluster (medoid)"],
    Enumerable.Range(0, placed.Length).Select(i => new object[] { $"new {i + 1}", newPatients["age"][i], newPatients["meno"][i],
        $"{placed[i]} (pid {gbsg["pid"][pam.Medoids[placed[i]]]})" }));

// ## What to take away
//
// Clustering always returns subgroups, whether or not the patients fall into groups. Before describing them,
// report how clear (silhouette), how much better than structureless data (gap) and how stable (bootstrap Jaccard)
// they are — and remember that a subgroup defined by baseline characteristics is a description of the cohort,
// not yet evidence that treatment works differently in it (lab 4).

// ## Exercises
//
// 1. Drop `meno` from the features. Which k does the silhouette prefer now, and how high is it?
// 2. Replace `pgr` and `er` by log(1 + pgr) and log(1 + er) (add the columns to the data frame). Which k does the
//    silhouette prefer now, and what do the medoids differ in?
// 3. Repeat the stability check for k = 3 (`choice.Fit(3).Stability(...)`). Which subgroup is least stable?
// 4. How many pairwise dissimilarities does a cohort of 10,000 patients need, and how much memory at 8 bytes each?
//    (Stratify switches to CLARA, which clusters samples, from 50,000 patients on.)
//
// Solutions: `dotnet run notebooks/solutions/03-finding-subgroups.solutions.cs`.
