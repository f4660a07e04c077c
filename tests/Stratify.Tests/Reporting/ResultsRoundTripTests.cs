using System.Text.Json;
using Stratify.Data;
using Stratify.Reporting;
using Stratify.Stratification;

namespace Stratify.Tests.Reporting;

public class ResultsRoundTripTests
{
    [Fact]
    public void Results_json_of_a_run_reads_back_with_table_1_cell_numbers_intact()
    {
        var spec = StudySpecReader.Read(RepoPaths.Dataset("veteran.yaml"));
        var document = ResultsMapping.ToDocument(StratificationRun.Execute(spec), []);
        var json = JsonOutput.Serialize(document);
        var back = JsonSerializer.Deserialize<ResultsDocument>(json, JsonOutput.Options)!;
        Assert.Equal(json, JsonOutput.Serialize(back));
        var karno = back.Table1ByTreatment.Variables.First(v => v.Variable == "karno");
        var cell = Assert.IsType<MeanSdCellDto>(karno.Rows[0].Overall);
        Assert.True(cell.Mean > 0 && cell.Sd > 0);
    }
}
