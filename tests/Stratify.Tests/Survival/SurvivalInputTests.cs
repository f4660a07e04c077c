using Stratify.Data;
using Stratify.Survival;

namespace Stratify.Tests.Survival;

/// <summary>Binding survival columns and the shared time order.</summary>
public class SurvivalInputTests
{
    [Fact]
    public void Status_coded_1_2_counts_2_as_the_event()
    {
        // R: sum(lung$status == 2) = 165 deaths among 228 patients
        var data = SurvivalData.FromCohort(CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")), "time", "status");
        Assert.Equal(228, data.Count);
        Assert.Equal(165, data.Event.Count(e => e));
    }

    [Fact]
    public void Status_coded_0_1_counts_1_as_the_event()
    {
        // R: sum(veteran$status) = 128
        var data = SurvivalData.FromCohort(CsvCohortReader.Read(RepoPaths.Dataset("veteran.csv")), "time", "status");
        Assert.Equal(128, data.Event.Count(e => e));
    }

    [Fact]
    public void Rows_with_a_missing_group_are_dropped_as_na_omit_does()
    {
        // R: sum(is.na(lung$ph.ecog)) = 1
        var data = SurvivalData.FromCohort(CsvCohortReader.Read(RepoPaths.Dataset("lung.csv")), "time", "status", "ph.ecog", null, out int dropped);
        Assert.Equal(1, dropped);
        Assert.Equal(227, data.Count);
        Assert.Equal(["0", "1", "2", "3"], data.GroupLabels);
    }

    [Fact]
    public void A_negative_time_is_refused_with_its_row()
    {
        var error = Assert.Throws<StratifyInputException>(() => new SurvivalData([1, -2, 3], [true, false, true]));
        Assert.Equal(2, error.Row);
        Assert.Contains("-2", error.Message);
    }

    [Fact]
    public void A_status_outside_both_codings_is_refused_with_its_value()
    {
        using var folder = new TempFolder();
        var path = folder.File("bad.csv");
        File.WriteAllText(path, "time,status\n1,0\n2,1\n3,5\n");
        var error = Assert.Throws<StratifyInputException>(() => SurvivalData.FromCohort(CsvCohortReader.Read(path), "time", "status"));
        Assert.Equal(3, error.Row);
        Assert.Equal("5", error.Value);
    }

    [Fact]
    public void Time_order_is_ascending_with_events_first_then_rows_at_ties()
    {
        double[] time = [5, 2, 5, 2, 1, 5];
        bool[] events = [false, true, true, false, false, true];
        Assert.Equal([4, 1, 3, 2, 5, 0], SurvivalOrder.ByTimeEventsFirst(time, events));
    }

    [Fact]
    public void Order_by_strata_keeps_time_order_within_each_stratum()
    {
        double[] time = [5, 2, 5, 2, 1, 5];
        int[] strata = [1, 0, 0, 1, 1, 0];
        Assert.Equal([1, 2, 5, 4, 3, 0], SurvivalOrder.ByTime(time, strata));
    }

    [Fact]
    public void Holm_and_bh_adjustments_equal_p_adjust()
    {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.2), "holm") = 0.04 0.09 0.09 0.20; "BH" = 0.04 0.05333333 0.05333333 0.20
        double[] p = [0.01, 0.04, 0.03, 0.2];
        SurvivalReference.AssertClose([0.04, 0.09, 0.09, 0.2], MultipleTesting.Adjust(p, PValueAdjustment.Holm), 1e-12, "holm");
        SurvivalReference.AssertClose([0.04, 0.16 / 3, 0.16 / 3, 0.2], MultipleTesting.Adjust(p, PValueAdjustment.BenjaminiHochberg), 1e-12, "BH");
    }

    [Fact]
    public void Log_rank_without_groups_is_an_input_error()
    {
        var data = new SurvivalData([1, 2, 3], [true, false, true]);
        var error = Assert.Throws<StratifyInputException>(() => LogRankTest.Compute(data, new LogRankOptions()));
        Assert.Contains("group", error.Message);
    }

    [Fact]
    public void Log_rank_with_one_populated_group_is_an_input_error()
    {
        var data = new SurvivalData([1, 2, 3], [true, false, true], [1, 1, 1], ["a", "b"]);
        var error = Assert.Throws<StratifyInputException>(() => LogRankTest.Compute(data, new LogRankOptions()));
        Assert.Contains("at least 2 groups", error.Message);
    }

    [Fact]
    public void A_confidence_level_outside_0_and_1_is_an_input_error()
    {
        var data = new SurvivalData([1, 2, 3], [true, false, true]);
        Assert.Throws<StratifyInputException>(() => ProductLimit.Fit(data, new KaplanMeierOptions { ConfidenceLevel = 95 }));
    }

    [Fact]
    public void A_group_code_without_a_label_is_an_input_error()
    {
        var error = Assert.Throws<StratifyInputException>(() => new SurvivalData([1, 2], [true, true], [0, 2], ["a", "b"]));
        Assert.Equal("group", error.Column);
    }
}
