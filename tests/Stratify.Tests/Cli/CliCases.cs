using System.Text.Json;
using Stratify.Data;

namespace Stratify.Tests.Cli;

/// <summary>What the CLI tests of the analysis verbs share: running a verb for its JSON, expecting a refusal, reading a wrapped table title, and copying a cohort with one value changed (to make a bad input file).</summary>
internal static class CliCases
{
    /// <summary>Runs the verb with --format json; it must succeed.</summary>
    public static JsonElement RunJson(params string[] args)
    {
        var result = CliRunner.Run([.. args, "--format", "json"]);
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    /// <summary>Runs the verb; it must refuse the input: exit code 2 and nothing on stdout.</summary>
    public static CliRunner.Result Refused(params string[] args)
    {
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Out);
        return result;
    }

    /// <summary>Table titles wrap: compare with every run of white space as one space.</summary>
    public static string OneLine(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    /// <summary>The cohort with the numeric <paramref name="column"/> set to <paramref name="value"/> at 0-based <paramref name="row"/>.</summary>
    public static Cohort WithValue(Cohort cohort, string column, int row, double value)
    {
        var columns = cohort.Columns.Select(c =>
        {
            if (c.Name != column) return c;
            var values = (double[])((NumericColumn)c).Values.Clone();
            values[row] = value;
            return new NumericColumn(c.Name, values, null, c.SourceType);
        }).ToArray();
        return new Cohort(columns, cohort.Source);
    }
}
