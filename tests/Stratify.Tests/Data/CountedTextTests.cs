using Stratify.Data;

namespace Stratify.Tests.Data;

public class CountedTextTests
{
    [Fact]
    public void Counts_become_slots_and_every_other_argument_is_formatted_into_the_template()
    {
        double hr = 0.6912;
        var text = CountedText.Format($"{"ph.karno"}: {TextCount.Rows(3)} missing of {TextCount.Patients(1234)}; HR {hr:0.00}");
        Assert.Equal("ph.karno: {0} missing of {1}; HR 0.69", text.Template);
        Assert.Equal([TextCount.Rows(3), TextCount.Patients(1234)], text.Counts);
        Assert.Equal("ph.karno: 3 missing of 1,234; HR 0.69", text.ToString());
        Assert.Equal("ph.karno: <5 missing of 1234; HR 0.69", text.Render(c => c.Value < 5 ? "<5" : c.Value.ToString()));
    }

    [Fact]
    public void Braces_in_names_stay_text_and_never_become_slots()
    {
        var text = CountedText.Format($"subgroup {"{0}"} has {TextCount.SubgroupSize(3, "{0}")} patients {{literal}}").Append(" and {1} more");
        Assert.Single(text.Counts);
        Assert.Equal("subgroup {0} has [3 in {0}] patients {literal} and {1} more", text.Render(c => $"[{c.Value} in {c.Subgroup}]"));
    }

    [Fact]
    public void Plain_text_has_no_slots_and_renders_as_written()
    {
        var text = CountedText.Plain("variable 3 {x} is collinear");
        Assert.Empty(text.Counts);
        Assert.Equal("variable 3 {x} is collinear", text.Render(_ => throw new InvalidOperationException("no slot expected")));
    }
}
