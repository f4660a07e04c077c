using System.Text.Json;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;
using Stratify.Tests.Clustering;

namespace Stratify.Tests.Stratification;

/// <summary>
/// What validation: split does with the patients held out of discovery, and the default RMST horizon, each against an
/// oracle computed outside the code under test.
/// </summary>
public class SplitAssignmentTests
{
    [Fact]
    public void Held_out_patients_join_the_medoid_nearest_by_R_daisy_gower_distance()
    {
        // lung's five features as cluster_reference.R gives them to daisy (age, sex, ph.ecog ordered, wt.loss, meal.cal;
        // NA left out pairwise), k-medoids with k = 3 on the even rows. Each odd row must get the subgroup of the medoid
        // nearest to it by R's daisy distance (cluster_reference.json, gower.lung), ties to the first subgroup.
        var spec = new StudySpec
        {
            Time = "time", Event = "status",
            Subgroups = new SubgroupSpec
            {
                Method = SubgroupMethod.KMedoids, KMin = 3, KMax = 3, Bootstrap = 0, Missing = MissingPolicy.Pairwise,
                Features =
                [
                    new CovariateSpec("age", CovariateKind.Numeric), new CovariateSpec("sex", CovariateKind.Categorical),
                    new CovariateSpec("ph.ecog", CovariateKind.Ordinal, Levels: ["0", "1", "2", "3"]),
                    new CovariateSpec("wt.loss", CovariateKind.Numeric), new CovariateSpec("meal.cal", CovariateKind.Numeric),
                ],
            },
        };
        var study = StudyBinder.Bind(CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")), spec);
        Assert.Equal(Enumerable.Range(0, 228), study.Rows); // the rows daisy saw, in its order
        var discovery = Enumerable.Range(0, 228).Where(i => i % 2 == 0).ToArray();

        var found = SubgroupFinder.Find(study, discovery, seed: 1);

        var medoids = found.Clustering!.Clusters.OrderBy(c => c.Cluster).Select(c => c.Medoid!.Value - 1).ToArray();
        Assert.Equal(3, medoids.Length);
        Assert.All(medoids, m => Assert.Equal(0, m % 2)); // medoids are discovery patients
        var daisy = ClusterReference.FromR.GetProperty("gower").GetProperty("lung").GetProperty("dist").Doubles();
        int held = 0;
        for (int row = 1; row < 228; row += 2, held++)
        {
            var distances = medoids.Select(m => daisy[PackedIndex(228, row, m)]).ToArray();
            int nearest = Array.IndexOf(distances, distances.Min());
            Assert.True(nearest == found.CodeOfRow[row],
                $"row {row + 1}: daisy distances to the medoids {string.Join(", ", distances)}, subgroup {found.CodeOfRow[row]}");
        }
        Assert.Equal(114, held);
        // Discovery patients keep their clustering (the result's assignment, in discovery order).
        Assert.Equal(found.Clustering.Assignment.Select(a => a - 1), discovery.Select(r => found.CodeOfRow[r]));
    }

    [Fact]
    public void Without_rmst_horizon_the_run_takes_the_longest_follow_up_common_to_every_subgroup_and_arm()
    {
        // tests/reference/rmst_horizon_reference.R: gbsg by grade × hormon, the longest follow-up per cell is
        // 2438 2556 / 2563 2659 / 2205 2471, so τ = 2205 (grade 3 without hormonal therapy), and R's RMSTs at it.
        var r = JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("rmst_horizon_reference.json"))).RootElement;
        var spec = StudySpecReader.Read(RepoPaths.ReferenceFile("specs/gbsg_by_grade.yaml")) with { RmstHorizon = null };

        var doc = ResultsMapping.ToDocument(StratificationRun.Execute(spec), []);

        Assert.Equal(r.GetProperty("horizon").GetDouble(), doc.Study.RmstHorizon);
        Assert.Equal(2205.0, doc.Study.RmstHorizon);
        var km = doc.Survival.KaplanMeier.Groups;
        var effects = doc.Treatment!.BySubgroup;
        for (int g = 0; g < 3; g++)
        {
            Close(r.GetProperty("rmst")[g].GetDouble(), km[g].Rmst);
            Close(r.GetProperty("rmst_se")[g].GetDouble(), km[g].RmstSe);
            Close(r.GetProperty("rmst_difference")[g].GetDouble(), effects[g].RmstDifference);
            Close(r.GetProperty("rmst_difference_se")[g].GetDouble(), effects[g].RmstDifferenceSe);
        }
    }

    /// <summary>Position of the pair (i, j), i ≠ j, in R's dist vector (the lower triangle by columns).</summary>
    private static int PackedIndex(int n, int i, int j)
    {
        if (i > j) (i, j) = (j, i);
        return n * i - i * (i + 1) / 2 + (j - i - 1);
    }

    /// <summary>Relative 1e-13 (the RMSTs and their SEs agree to 1e-14 elsewhere; see the Correctness table).</summary>
    private static void Close(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-13 * Math.Abs(expected), $"R {expected:R}, Stratify {actual:R}");
}
