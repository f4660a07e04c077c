namespace Stratify.Tests.Cli;

public class CliBasicsTests
{
    [Fact]
    public void Unknown_option_is_an_input_error_with_exit_code_2()
    {
        var result = CliRunner.Run("version", "--no-such-flag");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-flag", result.Error);
    }

    [Fact]
    public void Version_prints_the_assembly_version()
    {
        var result = CliRunner.Run("version");
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("stratify ", result.Out);
    }
}
