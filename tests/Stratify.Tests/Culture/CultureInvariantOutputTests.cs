using System.Buffers.Binary;
using System.Globalization;
using Stratify.Data;
using Stratify.Parquet;
using Stratify.Tests.Cli;

namespace Stratify.Tests.Culture;

/// <summary>
/// What Stratify writes does not depend on the culture of the program that calls it: a C# program running in a German,
/// French or Swedish locale gets, byte for byte, the text the stratify program (invariant globalization) prints. Each
/// test runs the same work under the invariant culture and under a culture with de-DE's, fr-FR's or sv-SE's number
/// format (1000.5 written "1.000,5", "1 000,5" with a narrow no-break space, "1 000,5" with a no-break space and
/// −1 with a minus sign U+2212), and compares. The culture is set on the test's own thread and restored before the test
/// returns; the library's worker tasks inherit it, as they would in the caller's program.
/// </summary>
/// <remarks>
/// The test host runs with invariant globalization, like the stratify program (Directory.Build.props): there is no ICU
/// data for de-DE, and turning it on would change how other tests' culture-sensitive assertions (xUnit's
/// Assert.Contains) match control characters. So the cultures are the invariant one with those locales' separators,
/// minus sign and infinity (as in CLDR); numbers are all that Stratify's texts could take from a culture.
/// </remarks>
public sealed class CultureInvariantOutputTests
{
    public static TheoryData<string> Cultures => ["de-DE", "fr-FR", "sv-SE"];

    /// <summary>The invariant culture with <paramref name="name"/>'s separators, minus sign and infinity; "" is the invariant culture itself.</summary>
    private static CultureInfo NumberCulture(string name)
    {
        if (name == "") return CultureInfo.InvariantCulture;
        var (group, minus) = name switch
        {
            "de-DE" => (".", "-"),
            "fr-FR" => ("\u202F", "-"),
            "sv-SE" => ("\u00A0", "\u2212"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "a culture these tests know"),
        };
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        var format = culture.NumberFormat;
        format.NumberGroupSeparator = format.CurrencyGroupSeparator = format.PercentGroupSeparator = group;
        format.NumberDecimalSeparator = format.CurrencyDecimalSeparator = format.PercentDecimalSeparator = ",";
        format.NegativeSign = minus;
        format.PositiveInfinitySymbol = "∞";
        format.NegativeInfinitySymbol = minus + "∞";
        format.PercentPositivePattern = 0; // "n %"
        format.PercentNegativePattern = 0; // "-n %"
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>Runs <paramref name="work"/> with <paramref name="name"/>'s culture as the current culture and UI culture.</summary>
    private static T Under<T>(string name, Func<T> work)
    {
        var culture = NumberCulture(name);
        var (saved, savedUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return work();
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
            CultureInfo.CurrentUICulture = savedUi;
        }
    }

    /// <summary>The culture really formats numbers its own way: without this a comparison could pass only because the
    /// culture had become the invariant one.</summary>
    private static void AssertTheCultureFormatsDifferently(string name) =>
        Assert.NotEqual("1,000.5", Under(name, () => $"{1000.5:N1}"));

    private static CliRunner.Result Cli(string culture, params string[] args) => Under(culture, () => CliRunner.Run(args));

    private static void AssertSameOutput(string culture, params string[] args)
    {
        AssertTheCultureFormatsDifferently(culture);
        var invariant = Cli("", args);
        Assert.True(invariant.ExitCode == 0, invariant.Error);
        var local = Cli(culture, args);
        Assert.Equal(invariant.ExitCode, local.ExitCode);
        Assert.Equal(invariant.Out, local.Out);
        Assert.Equal(invariant.Error, local.Error);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Describe_prints_the_rows_read_with_a_comma_for_thousands_in_any_culture(string culture)
    {
        AssertTheCultureFormatsDifferently(culture);
        // rotterdam.parquet holds 2,982 patients (datasets/README.md).
        var result = Cli(culture, "describe", RepoPaths.Dataset("rotterdam.parquet"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("2,982 rows read; all analysed.", result.Out);
    }

    [Theory]
    [InlineData("de-DE", "table")]
    [InlineData("de-DE", "markdown")]
    [InlineData("de-DE", "json")]
    [InlineData("de-DE", "csv")]
    [InlineData("fr-FR", "table")]
    [InlineData("fr-FR", "markdown")]
    [InlineData("fr-FR", "json")]
    [InlineData("fr-FR", "csv")]
    [InlineData("sv-SE", "table")]
    [InlineData("sv-SE", "json")]
    public void Describe_is_the_same_text_in_any_culture(string culture, string format)
    {
        AssertSameOutput(culture, "describe", RepoPaths.Dataset("rotterdam.parquet"), "--group", "chemo", "--format", format);
        AssertSameOutput(culture, "describe", RepoPaths.Dataset("gbsg.parquet"), "--format", format);
    }

    [Theory]
    [InlineData("de-DE", "km", "json")]
    [InlineData("fr-FR", "km", "json")]
    [InlineData("de-DE", "km", "table")]
    [InlineData("de-DE", "logrank", "json")]
    [InlineData("fr-FR", "logrank", "table")]
    [InlineData("de-DE", "cox", "json")]
    [InlineData("fr-FR", "cox", "json")]
    [InlineData("fr-FR", "cox", "table")]
    [InlineData("sv-SE", "km", "table")]
    [InlineData("sv-SE", "cox", "table")]
    public void Survival_estimates_are_the_same_text_in_any_culture(string culture, string verb, string format) =>
        AssertSameOutput(culture, verb, RepoPaths.Dataset("rotterdam.yaml"), "--format", format);

    [Theory]
    [MemberData(nameof(Cultures))]
    public void A_parquet_error_counts_bytes_with_a_comma_for_thousands_in_any_culture(string culture)
    {
        AssertTheCultureFormatsDifferently(culture);
        using var dir = new TempFolder();
        // gbsg.parquet with its footer length (the 4 bytes before the closing PAR1) claiming 2,000,000,000 bytes.
        var bytes = File.ReadAllBytes(RepoPaths.Dataset("gbsg.parquet"));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 2_000_000_000);
        string path = dir.File("footer.parquet");
        File.WriteAllBytes(path, bytes);

        string Message()
        {
            using var source = ParquetSource.Open(path);
            return Assert.Throws<ParquetFormatException>(() => ParquetFileLayout.Read(source)).Message;
        }

        string local = Under(culture, Message);
        Assert.Contains($"the footer length 2,000,000,000 does not fit in a file of {bytes.Length / 1000},{bytes.Length % 1000:000} bytes", local);
        Assert.Equal(Under("", Message), local);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void A_study_spec_refused_for_its_size_counts_bytes_with_a_comma_for_thousands_in_any_culture(string culture)
    {
        AssertTheCultureFormatsDifferently(culture);
        using var dir = new TempFolder();
        string path = dir.File("huge.yaml");
        File.WriteAllText(path, "# " + new string('x', StudySpecReader.MaxBytes) + "\n");

        string local = Under(culture, () => Assert.Throws<StratifyInputException>(() => StudySpecReader.Read(path)).Message);
        // MaxBytes is 1 MiB = 1,048,576 bytes; the file is 3 bytes longer.
        Assert.Contains("the study spec is 1,048,579 bytes, more than the 1,048,576 a spec may have", local);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void An_input_error_quotes_the_refused_number_as_it_is_written_in_any_culture(string culture)
    {
        AssertTheCultureFormatsDifferently(culture);
        string local = Under(culture, () => Assert.Throws<StratifyInputException>(() => global::Stratify.Survival.ProductLimit.NormalQuantile(1.5, [])).Message);
        Assert.Contains("(value: '1.5')", local);
    }
}
