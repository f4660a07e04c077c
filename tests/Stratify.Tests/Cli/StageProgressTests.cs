using Stratify.Cli;
using Stratify.Reporting;

namespace Stratify.Tests.Cli;

/// <summary>
/// The interactive progress display writes to stderr as it is (so that Spectre's own styling reaches the terminal):
/// every text it shows must still pass the terminal guard, so that a control sequence in a stage name or a detail
/// line (a column name, a level from the data) is printed as a visible escape, never sent to the terminal.
/// </summary>
public class StageProgressTests
{
    [Fact]
    public void An_interactive_display_shows_control_characters_from_the_data_as_visible_escapes()
    {
        var raw = new StringWriter();
        var context = new CliContext(new StringWriter(), new StringWriter(), Interactive: true) { Progress = raw };
        const string hostile = "age\u001b[31m\u001b]0;pwned\u0007";
        using (var progress = new StageProgress(context, quiet: false))
        {
            progress.Stage($"Load {hostile}");
            progress.Detail($"feature {hostile}: 3 levels");
        }

        string shown = raw.ToString();
        Assert.DoesNotContain("\u001b[31m", shown);
        Assert.DoesNotContain("\u001b]0;", shown);
        Assert.DoesNotContain('\u0007', shown);
        Assert.Contains(PrintableText.Escape("\u001b[31m"), shown);
        Assert.Contains("feature age", shown);
    }
}
