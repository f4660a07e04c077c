// Section 6 of the subgroup report: a methods paragraph that cites only the methods this run used, the reference
// list, and what a reviewer needs to reproduce the run (data files with SHA-256, seed, versions, times, the spec as
// run). Without a manifest the data files and seed come from results.json and the section says what is missing.
using Stratify.Reporting.Html;
using Stratify.Survival;
using System.Globalization;

namespace Stratify.Reporting;

internal static partial class SubgroupReport
{
    /// <summary>A cited work: the short form used in the text and the full reference.</summary>
    private sealed record Citation(string Short, string Full);

    private static readonly Citation KaplanMeier1958 = new("Kaplan & Meier 1958",
        "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc. 1958;53(282):457–481.");
    private static readonly Citation Greenwood1926 = new("Greenwood 1926",
        "Greenwood M. The natural duration of cancer. Reports on Public Health and Medical Subjects, No. 33. London: HMSO; 1926.");
    private static readonly Citation Mantel1966 = new("Mantel 1966",
        "Mantel N. Evaluation of survival data and two new rank order statistics arising in its consideration. Cancer Chemother Rep. 1966;50(3):163–170.");
    private static readonly Citation Holm1979 = new("Holm 1979",
        "Holm S. A simple sequentially rejective multiple test procedure. Scand J Stat. 1979;6(2):65–70.");
    private static readonly Citation Cox1972 = new("Cox 1972",
        "Cox DR. Regression models and life-tables. J R Stat Soc Series B. 1972;34(2):187–220.");
    private static readonly Citation Efron1977 = new("Efron 1977",
        "Efron B. The efficiency of Cox's likelihood function for censored data. J Am Stat Assoc. 1977;72(359):557–565.");
    private static readonly Citation Breslow1974 = new("Breslow 1974",
        "Breslow N. Covariance analysis of censored survival data. Biometrics. 1974;30(1):89–99.");
    private static readonly Citation GrambschTherneau1994 = new("Grambsch & Therneau 1994",
        "Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted residuals. Biometrika. 1994;81(3):515–526.");
    private static readonly Citation Harrell1982 = new("Harrell et al. 1982",
        "Harrell FE, Califf RM, Pryor DB, Lee KL, Rosati RA. Evaluating the yield of medical tests. JAMA. 1982;247(18):2543–2546.");
    private static readonly Citation Gower1971 = new("Gower 1971",
        "Gower JC. A general coefficient of similarity and some of its properties. Biometrics. 1971;27(4):857–871.");
    private static readonly Citation SchubertRousseeuw2021 = new("Schubert & Rousseeuw 2021",
        "Schubert E, Rousseeuw PJ. Fast and eager k-medoids clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS algorithms. Inf Syst. 2021;101:101804.");
    private static readonly Citation KaufmanRousseeuw1990 = new("Kaufman & Rousseeuw 1990",
        "Kaufman L, Rousseeuw PJ. Finding Groups in Data: An Introduction to Cluster Analysis. New York: Wiley; 1990.");
    private static readonly Citation Tibshirani2001 = new("Tibshirani et al. 2001",
        "Tibshirani R, Walther G, Hastie T. Estimating the number of clusters in a data set via the gap statistic. J R Stat Soc Series B. 2001;63(2):411–423.");
    private static readonly Citation Hennig2007 = new("Hennig 2007",
        "Hennig C. Cluster-wise assessment of cluster stability. Comput Stat Data Anal. 2007;52(1):258–271.");
    private static readonly Citation PolitisRomanoWolf1999 = new("Politis et al. 1999",
        "Politis DN, Romano JP, Wolf M. Subsampling. New York: Springer; 1999.");
    private static readonly Citation BickelGotzeVanZwet1997 = new("Bickel et al. 1997",
        "Bickel PJ, Götze F, van Zwet WR. Resampling fewer than n observations: gains, losses, and remedies for losses. Stat Sin. 1997;7(1):1–31.");
    private static readonly Citation RoystonParmar2013 = new("Royston & Parmar 2013",
        "Royston P, Parmar MKB. Restricted mean survival time: an alternative to the hazard ratio for the design and analysis of randomized trials with a time-to-event outcome. BMC Med Res Methodol. 2013;13:152.");
    private static readonly Citation Wang2007 = new("Wang et al. 2007",
        "Wang R, Lagakos SW, Ware JH, Hunter DJ, Drazen JM. Statistics in medicine — reporting of subgroup analyses in clinical trials. N Engl J Med. 2007;357(21):2189–2194.");
    private static readonly Citation Rothwell2005 = new("Rothwell 2005",
        "Rothwell PM. Subgroup analysis in randomised controlled trials: importance, indications, and interpretation. Lancet. 2005;365(9454):176–186.");
    private static readonly Citation Ema2019 = new("EMA 2019",
        "European Medicines Agency. Guideline on the investigation of subgroups in confirmatory clinical trials. EMA/CHMP/539146/2013. 2019.");
    private static readonly Citation Viechtbauer2005 = new("Viechtbauer 2005",
        "Viechtbauer W. Bias and efficiency of meta-analytic variance estimators in the random-effects model. J Educ Behav Stat. 2005;30(3):261–293.");
    private static readonly Citation DerSimonianLaird1986 = new("DerSimonian & Laird 1986",
        "DerSimonian R, Laird N. Meta-analysis in clinical trials. Control Clin Trials. 1986;7(3):177–188.");
    private static readonly Citation Morris1983 = new("Morris 1983",
        "Morris CN. Parametric empirical Bayes inference: theory and applications. J Am Stat Assoc. 1983;78(381):47–55.");
    private static readonly Citation HernanRobins2020 = new("Hernán & Robins 2020",
        "Hernán MA, Robins JM. Causal Inference: What If. Boca Raton: Chapman & Hall/CRC; 2020.");
    private static readonly Citation IchE9R1 = new("ICH E9(R1) 2019",
        "International Council for Harmonisation. E9(R1): Addendum on estimands and sensitivity analysis in clinical trials to the guideline on statistical principles for clinical trials. 2019.");
    private static readonly Citation RosenbaumRubin1983 = new("Rosenbaum & Rubin 1983",
        "Rosenbaum PR, Rubin DB. The central role of the propensity score in observational studies for causal effects. Biometrika. 1983;70(1):41–55.");
    private static readonly Citation Robins2000 = new("Robins et al. 2000",
        "Robins JM, Hernán MA, Brumback B. Marginal structural models and causal inference in epidemiology. Epidemiology. 2000;11(5):550–560.");
    private static readonly Citation ColeHernan2008 = new("Cole & Hernán 2008",
        "Cole SR, Hernán MA. Constructing inverse probability weights for marginal structural models. Am J Epidemiol. 2008;168(6):656–664.");
    private static readonly Citation Austin2009 = new("Austin 2009",
        "Austin PC. Balance diagnostics for comparing the distribution of baseline covariates between treatment groups in propensity-score matched samples. Stat Med. 2009;28(25):3083–3107.");
    private static readonly Citation LinWei1989 = new("Lin & Wei 1989",
        "Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. J Am Stat Assoc. 1989;84(408):1074–1078.");
    private static readonly Citation Su2008 = new("Su et al. 2008",
        "Su X, Zhou T, Yan X, Fan J, Yang S. Interaction trees with censored survival data. Int J Biostat. 2008;4(1):Article 2.");
    private static readonly Citation AtheyImbens2016 = new("Athey & Imbens 2016",
        "Athey S, Imbens G. Recursive partitioning for heterogeneous causal effects. Proc Natl Acad Sci USA. 2016;113(27):7353–7360.");
    private static readonly Citation BonettiGelber2004 = new("Bonetti & Gelber 2004",
        "Bonetti M, Gelber RD. Patterns of treatment effects in subsets of patients in clinical trials. Biostatistics. 2004;5(3):465–481.");
    private static readonly Citation LeBlancCrowley1993 = new("LeBlanc & Crowley 1993",
        "LeBlanc M, Crowley J. Survival trees by goodness of split. J Am Stat Assoc. 1993;88(422):457–467.");

    private static void WriteMethods(ReportContext report)
    {
        var html = report.Html;
        html.Heading(2, "Methods and reproducibility", "methods");
        var cited = new List<Citation>();
        foreach (var sentence in MethodSentences(report, cited)) html.Paragraph(sentence);
        html.Heading(3, "References");
        foreach (var citation in cited.Distinct().OrderBy(c => c.Full, StringComparer.Ordinal)) html.Paragraph(citation.Full);
        WriteManifest(report);
    }

    /// <summary>The methods text, one paragraph per step, appending each work it cites to <paramref name="cited"/>.</summary>
    private static IEnumerable<string> MethodSentences(ReportContext report, List<Citation> cited)
    {
        var results = report.Results;
        string Cite(params Citation[] works)
        {
            cited.AddRange(works);
            return "(" + string.Join("; ", works.Select(w => w.Short)) + ")";
        }

        var discovery = results.Discovery;
        var features = string.Join(", ", discovery.Features);
        if (discovery.Clustering is { } clustering)
        {
            var text = $"Subgroups were found by {MethodName(discovery.Method)}";
            if (discovery.Method == "kmedoids") text += " " + Cite(SchubertRousseeuw2021);
            text += $" on {features}";
            text += clustering.Distance.Equals("gower", StringComparison.OrdinalIgnoreCase)
                ? $", with Gower's dissimilarity for mixed numeric and categorical features {Cite(Gower1971)}."
                : $", with {clustering.Distance} distance.";
            text += $" The number of subgroups was chosen with the average silhouette width {Cite(KaufmanRousseeuw1990)}";
            if (clustering.Criteria.Any(c => double.IsFinite(c.Gap))) text += $" and the gap statistic {Cite(Tibshirani2001)}";
            if (clustering.GapSample is { } gapSample)
                text += $" (the gap statistic computed on a random sample of {gapSample.ToString("N0", Invariant)} of the patients)";
            text += ".";
            if (clustering.StabilitySubsample is { } m)
                text += $" The stability of each subgroup is its mean Jaccard similarity {Cite(Hennig2007)} over repeated random subsamples "
                    + $"of {m.ToString("N0", Invariant)} patients each, drawn without replacement and clustered anew, compared with the subgroups of the same patients "
                    + $"(m-out-of-n subsampling {Cite(BickelGotzeVanZwet1997, PolitisRomanoWolf1999)}, used because reclustering every patient would take too long); below 0.6 a subgroup is called unstable.";
            else if (clustering.Stability.Count > 0)
                text += $" The stability of each subgroup is its mean Jaccard similarity over bootstrap resamples {Cite(Hennig2007)}; below 0.6 a subgroup is called unstable.";
            yield return text;
        }
        else if (discovery.Tree is not null)
        {
            yield return $"Subgroups are the leaves of a survival tree grown on {features} by maximal log-rank splits with "
                + $"Bonferroni-adjusted stopping {Cite(LeBlancCrowley1993)}.";
        }
        else if (discovery.InteractionTree is { } interactionTree)
        {
            yield return $"Subgroups are the leaves of an interaction tree grown on {features} {Cite(Su2008)}: each split is the cut where the "
                + "treatment effect differs most between the two sides, scored by the score test of the treatment × side term of a Cox model, "
                + "and made only when its p-value, Bonferroni-adjusted for every cut point searched, is below "
                + $"{Number(results.Treatment?.BottomLine.InteractionAlpha ?? 0.05, 2)}. "
                + (interactionTree.Honest
                    ? $"The tree was grown on one part of the patients and every effect estimated on the other (honest estimation {Cite(AtheyImbens2016)})."
                    : $"The tree was grown and its effects estimated on the same patients, so the effects overstate how much they differ {Cite(AtheyImbens2016)}.");
        }
        else if (discovery.Stepp is { } stepp)
        {
            yield return $"Subgroups are bands of {stepp.Marker} of about equal size, cut at its quantiles without looking at outcomes. The "
                + $"treatment effect along {stepp.Marker} is a subpopulation treatment effect pattern plot (STEPP) {Cite(BonettiGelber2004)}: "
                + string.Create(CultureInfo.InvariantCulture, $"overlapping windows of about {stepp.PatientsPerWindow} patients, consecutive windows sharing at most {stepp.Overlap}, each with ")
                + "its treatment hazard ratio and RMST difference, and a permutation test of heterogeneity (the largest standardised difference "
                + "between a window's log hazard ratio and the overall one, window memberships permuted within each arm).";
        }
        else
        {
            yield return $"Subgroups were defined by {MethodName(discovery.Method)} ({features}).";
        }
        yield return report.Render(RunSentences.Inference(results.Inference, results.Discovery.Method));

        var km = results.Survival.KaplanMeier;
        var logRank = results.Survival.LogRank;
        var variance = km.Weights is { Variance: "infinitesimal jackknife" }
            ? "infinitesimal-jackknife (robust) variances, as R's survfit gives for fractional case weights,"
            : $"Greenwood variances {Cite(Greenwood1926)}";
        if (results.CompetingRisks is { } competingRisks)
            foreach (var sentence in CompetingRisksMethods(results, competingRisks, works => Cite(works))) yield return sentence;
        else
            yield return $"Survival curves are Kaplan–Meier estimates {Cite(KaplanMeier1958)} with {variance} and "
                + string.Create(CultureInfo.InvariantCulture, $"{km.ConfLevel * 100:0}% pointwise confidence limits on the {km.ConfType} scale")
                + (logRank is null ? "; with one subgroup there was nothing to compare them with."
                    : $"; subgroups were compared with the log-rank test {Cite(Mantel1966)}"
                        + (logRank.Pairwise.Count > 0 && logRank.Pairwise[0].Method == "holm" ? $", pairwise comparisons Holm-adjusted {Cite(Holm1979)}." : "."));

        if (km.Weights is { } caseWeights)
            yield return $"The survival curves, log-rank test and Cox models of the subgroups are weighted by the case weights in column '{caseWeights.Column}' "
                + "(as R's weights = argument); the subgroups themselves and the descriptive tables were computed without weights.";

        var cox = results.Survival.Cox;
        var ties = cox is null || cox.Ties == CoxTies.Efron ? $"Efron's approximation for tied times {Cite(Efron1977)}" : $"Breslow's approximation for tied times {Cite(Breslow1974)}";
        var coxText = $"Hazard ratios come from Cox proportional-hazards models {Cite(Cox1972)} with {ties}";
        if (results.Study.Covariates.Count > 0) coxText += $", adjusted for {string.Join(", ", results.Study.Covariates)}";
        coxText += ".";
        if (cox?.PhTest is not null) coxText += $" Proportional hazards were checked with scaled Schoenfeld residuals {Cite(GrambschTherneau1994)}.";
        coxText += $" Discrimination is Harrell's concordance {Cite(Harrell1982)}.";
        yield return coxText;

        if (results.Treatment is { } treatment)
        {
            string adjusted = treatment.Overall.AdjustedFor.Count > 0 ? $"adjusted for {string.Join(", ", treatment.Overall.AdjustedFor)}" : "with treatment as the only covariate";
            yield return $"The treatment effect ({treatment.Treated} vs {treatment.Reference}) is the {(results.CompetingRisks is null ? "" : "cause-specific ")}hazard ratio of a Cox model {adjusted}, in all "
                + "patients and within each subgroup (a covariate that takes one value within a subgroup, or is collinear there, is left out of that "
                + "subgroup's model and the report says so), with the unadjusted hazard ratio beside it"
                + (double.IsFinite(results.Study.RmstHorizon)
                    ? $", and the difference in restricted mean survival time up to {Time(results.Study.RmstHorizon)} {results.Study.Endpoint.TimeUnit} {Cite(RoystonParmar2013)}. "
                    : ". ")
                + "No effect is estimated "
                + string.Create(CultureInfo.InvariantCulture, $"where an arm has fewer than {results.Study.SmallCellThreshold} patients or {RunSentences.FewerEventsThan(treatment.MinEventsPerArm)}.");
            yield return $"Whether the effect differs between subgroups is judged by the {(treatment.Interaction.Test == "robust_wald" ? "robust Wald" : "likelihood-ratio")} test of the subgroup × treatment interaction, "
                + $"not by comparing the subgroups' own p-values {Cite(Wang2007, Rothwell2005)}. Subgroup verdicts (benefit, harm, no clear difference) are "
                + $"given only when that test's p is below {Number(treatment.BottomLine.InteractionAlpha)}; otherwise each subgroup is reported as consistent with "
                + "the overall effect, whose estimate is the best guide for every subgroup. A subgroup found in the data is a hypothesis, not a "
                + $"confirmatory finding, unless it was specified in advance {Cite(Ema2019)}.";
            if (treatment.Shrinkage is { } shrinkage)
                yield return "Shrunken subgroup estimates come from a normal–normal random-effects model on the subgroups' adjusted log hazard ratios, "
                    + $"with the between-subgroup variance estimated by {(shrinkage.Method == "REML" ? $"restricted maximum likelihood {Cite(Viechtbauer2005)}" : $"the method of DerSimonian and Laird {Cite(DerSimonianLaird1986)}")}, "
                    + $"as empirical-Bayes predictions whose intervals include the uncertainty of the pooled mean but not of that variance {Cite(Morris1983)}.";
            if (treatment.Weights is { } weights)
                yield return $"Because the treatment was not randomised, every estimate except the unadjusted one is weighted by stabilised inverse "
                    + $"probabilities of treatment {Cite(RosenbaumRubin1983, Robins2000)}, from a logistic regression of {treatment.Column} on "
                    + $"{string.Join(", ", weights.Confounders)}"
                    + (weights.Trim is double trim ? $", truncated at the {(100 * trim).ToString("0.#", Invariant)}th and {(100 * (1 - trim)).ToString("0.#", Invariant)}th percentiles {Cite(ColeHernan2008)}" : "")
                    + $": hazard ratios from weighted Cox models with robust (sandwich) standard errors {Cite(LinWei1989)}, RMST differences from weighted "
                    + "Kaplan–Meier curves, and the subgroup × treatment test as a robust Wald test. Balance is judged by standardised mean differences "
                    + $"before and after weighting (|SMD| at most 0.1) {Cite(Austin2009)}.";
            if (treatment.Design == "observational")
                yield return "The treatment was not randomised, so the hazard ratios estimate associations; reading them as effects of the treatment "
                    + $"requires that the covariates capture every common cause of treatment and outcome (no unmeasured confounding) {Cite(HernanRobins2020, IchE9R1)}.";
        }
        else if (double.IsFinite(results.Study.RmstHorizon) && results.Study.RmstHorizon > 0)
        {
            yield return $"Restricted mean survival times are given up to {Time(results.Study.RmstHorizon)} {results.Study.Endpoint.TimeUnit} {Cite(RoystonParmar2013)}.";
        }
        int threshold = results.Study.SmallCellThreshold;
        if (threshold > 1)
            yield return string.Create(CultureInfo.InvariantCulture, $"To protect privacy, a positive count below {threshold} is printed as \"<{threshold}\", and groups that small are not described. ")
                + $"Where such a count belongs to a set of counts whose total is printed (subgroup sizes, events, the levels of a Table 1 variable, "
                + $"numbers at risk), and it is the only one hidden, the next smallest count of the set is printed as \"{SmallCellPolicy.SuppressedText}\" "
                + "as well (complementary suppression), so that the small count cannot be worked out by subtraction; a subgroup whose size is "
                + "suppressed is not described in Table 1 either.";
    }

    private static void WriteManifest(ReportContext report)
    {
        var html = report.Html;
        var results = report.Results;
        html.Heading(3, "Reproducibility");
        if (report.Manifest is not { } manifest)
        {
            html.Paragraph(string.Create(CultureInfo.InvariantCulture, $"No manifest.json was supplied, so versions, times and the spec as run are not shown. Seed: {results.Study.Seed}."));
            WriteDataFiles(html, results.Study.DataFiles);
            return;
        }
        html.Facts(
        [
            new("Stratify", manifest.StratifyVersion),
            new("Runtime", manifest.Runtime),
            new("Seed", manifest.Seed.ToString(Invariant)),
            new("Started (UTC)", manifest.StartedUtc),
            new("Finished (UTC)", manifest.FinishedUtc),
            new("Spec file", manifest.SpecFile),
        ]);
        WriteDataFiles(html, manifest.Inputs);
        if (manifest.Dependencies.Count > 0)
            html.Table(new HtmlTable("Dependencies", ["Package", "Version"],
                manifest.Dependencies.Select(d => new HtmlTableRow(d.Name, [d.Version])).ToList()));
        if (manifest.Stages.Count > 0)
            html.Table(new HtmlTable("Time taken by each stage", ["Stage", "Seconds"],
                manifest.Stages.Select(s => new HtmlTableRow(s.Stage, [Number(s.Seconds, 2)])).ToList(), [1]));
        html.Heading(4, "The spec as run");
        report.Preformatted(manifest.Spec);
    }

    private static void WriteDataFiles(HtmlDocumentBuilder html, IReadOnlyList<DataFileJson> files)
    {
        if (files.Count == 0) return;
        html.Table(new HtmlTable("Data files and their SHA-256 checksums", ["File", "SHA-256"],
            files.Select(f => new HtmlTableRow(f.Name, [f.Sha256])).ToList()));
    }
}
