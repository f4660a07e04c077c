#:project ../../src/Stratify/Stratify.csproj
#:project ../LabKit/LabKit.csproj

// # Lab 1 — solutions
//
//     dotnet run notebooks/solutions/01-survival-basics.solutions.cs

using LabKit;
using Microsoft.Data.Analysis;
using Stratify;

var lung = DataFrame.LoadCsv(Lab.Dataset("lung.csv"));

// ## Exercise 1. Kaplan–Meier by ECOG performance status
//
// One patient has no `ph.ecog`: the binder drops the row (R's na.omit) and says how many it dropped.

var kmEcog = new KaplanMeier().Fit(lung, time: "time", @event: "status", group: "ph.ecog");
Console.WriteLine($"Rows dropped for a missing ph.ecog: {kmEcog.RowsDropped}");
Console.WriteLine();
Lab.Table("Kaplan–Meier by ECOG", ["ph.ecog", "patients", "deaths", "median", "lower 95%", "upper 95%"],
    kmEcog.Curves.Select(c => new object[] { c.Group, c.N, c.Events, c.Median.Time, c.Median.Lower, c.Median.Upper }));

// ECOG 3 is a single patient (median 118 days, no interval); among the larger groups ECOG 2 has the shortest median.

// ## Exercise 2. Log-rank test across the ECOG groups
//
// With g groups the test has g − 1 degrees of freedom: the O − E of the last group is fixed by the others.

var lrEcog = new LogRank().Fit(lung, time: "time", @event: "status", group: "ph.ecog");
Lab.Table("Log-rank test by ECOG", ["test", "statistic", "df", "p-value"], [["log-rank", lrEcog.Statistic, lrEcog.DegreesOfFreedom, lrEcog.PValue]]);

// ## Exercise 3. Peto–Peto weights (rho = 1)

var petoPeto = new LogRank(new LogRankOptions { Rho = 1 }).Fit(lung, time: "time", @event: "status", group: "sex");
Lab.Table("Peto–Peto test by sex", ["test", "statistic", "df", "p-value"], [["rho = 1", petoPeto.Statistic, petoPeto.DegreesOfFreedom, petoPeto.PValue]]);

// The conclusion holds (p ≈ 0.0004): the curves separate early, where the Peto–Peto weights are largest.

// ## Exercise 4. Women's survival at two years

var kmSex = new KaplanMeier().Fit(lung, time: "time", @event: "status", group: "sex");
var women = kmSex.Curve("2").SurvivalAt(730);
Lab.Table("Women's survival at 730 days", ["", "at risk", "survival", "lower 95%", "upper 95%"], [["women", women.NRisk, women.Survival, women.Lower, women.Upper]]);
