namespace Stratify.Tests.Cli;

/// <summary>
/// Every verb honours every spec key it has a flag for, and the flag overrides the key. One row per (verb, key): a spec
/// with the key set to a value v, the same spec without the key, the flag giving v, and the flag giving another value
/// w. For each row:
/// <list type="number">
/// <item>the key matters: the spec with the key prints something else than the spec without it (so the checks below
/// cannot pass by ignoring both);</item>
/// <item>the verb uses the spec's value: the spec with the key prints what the spec without it plus the flag v prints;</item>
/// <item>the flag overrides the spec: the spec with the key plus the flag w prints what the spec without it plus the flag
/// w prints, and not what the spec alone prints.</item>
/// </list>
/// "Prints" is the exit code, stdout and stderr (and the file written by --out where a row says so). Both specs are the
/// same file, rewritten between runs, so that messages naming it agree.
/// </summary>
public class SpecKeyFlagTests
{
    /// <param name="Verb">The command.</param>
    /// <param name="Key">The spec key (subgroups keys as subgroups.key), for the row's name.</param>
    /// <param name="Without">The spec without the key ({data}: the data file).</param>
    /// <param name="With">The spec with the key set to v.</param>
    /// <param name="FlagV">The flag(s) giving v.</param>
    /// <param name="FlagW">The flag(s) giving another value w; null where the flag adds to the spec rather than replacing
    /// a value (--categorical changes a kind), so there is no override to check.</param>
    /// <param name="Arguments">Further arguments of every run ({out}: a fresh output path).</param>
    /// <param name="Data">The data set: gbsg (default) or lung (which has missing values).</param>
    /// <param name="Compared">What is compared besides the console: a file the run writes ({out} or {out}/results.json).</param>
    public sealed record Row(string Verb, string Key, string Without, string With, string[] FlagV, string[]? FlagW,
        string[] Arguments, string Data = "gbsg", string? Compared = null)
    {
        public override string ToString() => $"{Verb} {Key}";
    }

    private const string Gbsg = "data: {data}\ntime: rfstime\nevent: status\n";
    private const string Lung = "data: {data}\ntime: time\nevent: status\n";
    private const string GbsgFeatures = Gbsg + "subgroups:\n  features:\n    numeric: [age, nodes, pgr]\n";
    private static readonly string[] Json = ["--format", "json"];
    // --quiet: cluster's stage lines carry elapsed times, which differ between two runs.
    private static readonly string[] ClusterJson = ["--format", "json", "--gap", "0", "--bootstrap", "0", "--quiet"];

    private static readonly Row[] Rows =
    [
        new("km", "data", "time: rfstime\nevent: status\n", Gbsg, ["--data", "{data}"], ["--data", "{data2}"], Json),
        new("km", "time", "data: {data}\nevent: status\n", Gbsg, ["--time", "rfstime"], ["--time", "age"], Json),
        new("km", "time_unit", Gbsg, Gbsg + "time_unit: months\n", ["--time-unit", "months"], ["--time-unit", "years"], []),
        new("km", "event", "data: {data}\ntime: rfstime\n", Gbsg, ["--event", "status"], ["--event", "grade"], Json),
        new("km", "event_value", Gbsg, Gbsg + "event_value: [0]\n", ["--event-value", "0"], ["--event-value", "1"], Json),
        new("km", "censored_value", "data: {data}\ntime: rfstime\nevent: grade\nevent_value: [3]\n",
            "data: {data}\ntime: rfstime\nevent: grade\nevent_value: [3]\ncensored_value: [1, 2]\n",
            ["--censored-value", "1,2"], ["--censored-value", "1"], Json),
        new("km", "group", Gbsg, Gbsg + "group: hormon\n", ["--group", "hormon"], ["--group", "meno"], Json),
        new("km", "landmarks", Gbsg, Gbsg + "landmarks: [365, 730]\n", ["--at", "365,730"], ["--at", "100"], Json),
        new("km", "rmst_horizon", Gbsg, Gbsg + "rmst_horizon: 1000\n", ["--rmst", "1000"], ["--rmst", "500"], Json),
        new("km", "weight", Gbsg, Gbsg + "weight: age\n", ["--weights", "age"], ["--weights", "nodes"], Json),

        new("logrank", "group", Gbsg, Gbsg + "group: hormon\n", ["--group", "hormon"], ["--group", "meno"], Json),
        new("logrank", "strata", Gbsg + "group: hormon\n", Gbsg + "group: hormon\nstrata: [meno]\n", ["--strata", "meno"], ["--strata", "grade"], Json),
        new("logrank", "weight", Gbsg + "group: hormon\n", Gbsg + "group: hormon\nweight: age\n", ["--weights", "age"], ["--weights", "nodes"], Json),

        new("cox", "covariates", Gbsg, Gbsg + "covariates:\n  numeric: [age, nodes]\n", ["--covariates", "age,nodes"], ["--covariates", "age,pgr"], Json),
        new("cox", "covariates: categorical", Gbsg + "covariates:\n  numeric: [age, grade]\n", Gbsg + "covariates:\n  numeric: [age]\n  categorical: [grade]\n",
            ["--categorical", "grade"], null, Json),
        new("cox", "covariates: categorical reference", Gbsg + "covariates:\n  numeric: [age]\n  categorical: [meno]\n",
            Gbsg + "covariates:\n  numeric: [age]\n  categorical:\n    meno: premenopausal\n",
            ["--reference", "meno=premenopausal"], ["--reference", "meno=postmenopausal"], Json),
        new("cox", "strata", Gbsg + "covariates:\n  numeric: [age]\n", Gbsg + "covariates:\n  numeric: [age]\nstrata: [meno]\n",
            ["--strata", "meno"], ["--strata", "grade"], Json),
        new("cox", "cluster", Gbsg + "covariates:\n  numeric: [age]\n", Gbsg + "covariates:\n  numeric: [age]\ncluster: grade\n",
            ["--cluster", "grade"], ["--cluster", "meno"], Json),
        new("cox", "weight", Gbsg + "covariates:\n  numeric: [age]\n", Gbsg + "covariates:\n  numeric: [age]\nweight: nodes\n",
            ["--weights", "nodes"], ["--weights", "pgr"], Json),

        new("describe", "id", Gbsg, Gbsg + "id: pid\n", ["--id", "pid"], ["--id", "age"], Json),
        new("describe", "group", Gbsg, Gbsg + "group: hormon\n", ["--group", "hormon"], ["--group", "meno"], Json),
        new("describe", "treatment", Gbsg, Gbsg + "treatment: hormon\n", ["--treatment", "hormon"], ["--treatment", "meno"], Json),
        new("describe", "covariates", Gbsg, Gbsg + "covariates:\n  numeric: [age]\n", ["--covariates", "age"], ["--covariates", "nodes"], Json),

        new("cluster", "subgroups.features", Gbsg, GbsgFeatures, ["--features", "age,nodes,pgr"], ["--features", "age,er"], ClusterJson),
        new("cluster", "subgroups.k", GbsgFeatures, GbsgFeatures + "  k: 3\n", ["--k", "3"], ["--k", "4"], ClusterJson),
        new("cluster", "subgroups.method", GbsgFeatures, GbsgFeatures + "  method: kmeans\n", ["--method", "kmeans"], ["--method", "hierarchical"], ClusterJson),
        new("cluster", "subgroups.bootstrap", GbsgFeatures + "  k: 2\n", GbsgFeatures + "  k: 2\n  bootstrap: 3\n", ["--bootstrap", "3"], ["--bootstrap", "0"],
            ["--format", "json", "--gap", "0", "--quiet"]),
        new("cluster", "subgroups.missing", Lung + "subgroups:\n  features:\n    numeric: [age, wt.loss]\n",
            Lung + "subgroups:\n  features:\n    numeric: [age, wt.loss]\n  missing: complete_case\n",
            ["--missing", "complete_case"], ["--missing", "indicator"], ClusterJson, Data: "lung"),
        new("cluster", "subgroups.features: categorical", Gbsg + "subgroups:\n  features:\n    numeric: [age, grade]\n",
            Gbsg + "subgroups:\n  features:\n    numeric: [age]\n    categorical: [grade]\n", ["--categorical", "grade"], null, ClusterJson),
        new("cluster", "subgroups.features: ordinal", Gbsg + "subgroups:\n  features:\n    numeric: [age, grade]\n",
            Gbsg + "subgroups:\n  features:\n    numeric: [age]\n    ordinal: [grade]\n", ["--ordinal", "grade"], null, ClusterJson),
        new("cluster", "seed", GbsgFeatures + "  k: 3\n", GbsgFeatures + "  k: 3\nseed: 7\n", ["--seed", "7"], ["--seed", "8"],
            ["--format", "json", "--gap", "0", "--bootstrap", "4", "--quiet"]),
        new("cluster", "id", GbsgFeatures + "  k: 2\n", GbsgFeatures + "  k: 2\nid: pid\n", ["--id", "pid"], ["--id", "age"],
            [.. ClusterJson, "--out", "{out}"], Compared: "{out}"),

        new("tree", "subgroups.features", Gbsg, GbsgFeatures, ["--features", "age,nodes,pgr"], ["--features", "age,er"], Json),
        new("tree", "subgroups.min_node_size", GbsgFeatures, GbsgFeatures + "  min_node_size: 150\n", ["--min-node-size", "150"], ["--min-node-size", "60"], Json),
        new("tree", "subgroups.max_depth", GbsgFeatures, GbsgFeatures + "  max_depth: 1\n", ["--max-depth", "1"], ["--max-depth", "2"], Json),
        new("tree", "subgroups.missing", Lung + "subgroups:\n  features:\n    numeric: [age, wt.loss, ph.karno]\n",
            Lung + "subgroups:\n  features:\n    numeric: [age, wt.loss, ph.karno]\n  missing: complete_case\n",
            ["--missing", "complete_case"], ["--missing", "indicator"], Json, Data: "lung"),
        new("tree", "subgroups.features: categorical", Gbsg + "subgroups:\n  features:\n    numeric: [nodes, grade]\n",
            Gbsg + "subgroups:\n  features:\n    numeric: [nodes]\n    categorical: [grade]\n", ["--categorical", "grade"], null, Json),

        new("run", "seed", GbsgFeatures + "  k: 2..3\n  bootstrap: 3\ntreatment: hormon\ndesign: randomised\n", GbsgFeatures + "  k: 2..3\n  bootstrap: 3\ntreatment: hormon\ndesign: randomised\nseed: 7\n",
            ["--seed", "7"], ["--seed", "8"], ["--quiet", "--out", "{out}"], Compared: "{out}/results.json"),
        new("run", "output", GbsgFeatures + "  k: 2\n  bootstrap: 0\ntreatment: hormon\ndesign: randomised\n", GbsgFeatures + "  k: 2\n  bootstrap: 0\ntreatment: hormon\ndesign: randomised\noutput: {out}\n",
            ["--out", "{out}"], ["--out", "{out}x"], ["--quiet"], Compared: "{out}/results.json"),
    ];

    public static TheoryData<string> Cases()
    {
        var names = new TheoryData<string>();
        foreach (var row in Rows) names.Add(row.ToString());
        return names;
    }

    [Theory, MemberData(nameof(Cases))]
    public void A_verb_uses_the_spec_value_and_its_flag_overrides_it(string name)
    {
        var row = Rows.Single(r => r.ToString() == name);
        using var dir = new TempFolder();
        var data = DataFiles(row.Data);
        int runs = 0;
        string Run(string yaml, string[] flags)
        {
            string output = dir.File($"out{++runs}") + (row.Verb == "run" ? "" : ".csv");
            string Fill(string text) => text.Replace("{data2}", data.Second).Replace("{data}", data.First).Replace("{out}", output);
            File.WriteAllText(dir.File("study.yaml"), Fill(yaml));
            var result = CliRunner.Run([row.Verb, dir.File("study.yaml"), .. flags.Select(Fill), .. row.Arguments.Select(Fill)]);
            // The output path differs between runs by design: compare the text with it written as {out}.
            string printed = $"exit {result.ExitCode}\n{result.Out}\n{result.Error}".Replace(output, "{out}");
            if (row.Compared is not null)
            {
                // Where the run wrote is part of what it printed: an output given elsewhere ({out}x) leaves no file here.
                string file = Fill(row.Compared);
                printed += "\n" + (File.Exists(file) ? File.ReadAllText(file).Replace(output, "{out}") : "(no file)");
            }
            return printed;
        }

        string withKey = Run(row.With, []);
        Assert.NotEqual(Run(row.Without, []), withKey);                 // 1. the key matters
        Assert.Equal(Run(row.Without, row.FlagV), withKey);             // 2. the verb uses the spec's value
        if (row.FlagW is not null)
        {
            string overridden = Run(row.With, row.FlagW);
            Assert.Equal(Run(row.Without, row.FlagW), overridden);      // 3. the flag overrides the spec
            Assert.NotEqual(withKey, overridden);
        }
    }

    [Fact]
    public void Every_flag_with_a_spec_key_has_a_row()
    {
        // The role flags shared by the analysis verbs and each verb's own flags that a spec key also sets.
        var expected = new[]
        {
            "km data", "km time", "km time_unit", "km event", "km event_value", "km censored_value", "km group", "km landmarks",
            "km rmst_horizon", "km weight", "logrank group", "logrank strata", "logrank weight", "cox covariates",
            "cox covariates: categorical", "cox covariates: categorical reference", "cox strata", "cox cluster", "cox weight",
            "describe id", "describe group", "describe treatment", "describe covariates", "cluster subgroups.features",
            "cluster subgroups.k", "cluster subgroups.method", "cluster subgroups.bootstrap", "cluster subgroups.missing",
            "cluster subgroups.features: categorical", "cluster subgroups.features: ordinal", "cluster seed", "cluster id",
            "tree subgroups.features", "tree subgroups.min_node_size", "tree subgroups.max_depth", "tree subgroups.missing",
            "tree subgroups.features: categorical", "run seed", "run output",
        };
        Assert.Equal(expected.Order(), Rows.Select(r => r.ToString()).Order());
    }

    [Fact]
    public void Cluster_on_a_spec_that_finds_subgroups_by_tree_uses_k_medoids_and_says_so()
    {
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("veteran.yaml"), "--k", "2", "--bootstrap", "0", "--gap", "0", "--format", "json");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("note: the spec finds subgroups by tree; cluster uses k-medoids", result.Error);
        Assert.Contains("\"method\": \"k-medoids", result.Out);
    }

    [Theory]
    [InlineData("cluster", "--categorical", "er", "'er' is given in --categorical but is not a feature")]
    [InlineData("tree", "--ordinal", "er", "'er' is given in --ordinal but is not a feature")]
    public void A_kind_flag_naming_a_column_that_is_not_a_feature_is_refused(string verb, string flag, string column, string message)
    {
        var result = CliRunner.Run(verb, RepoPaths.Dataset("gbsg.parquet"), "--time", "rfstime", "--event", "status", "--features", "age,grade", flag, column);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Contains("Add it to --features", result.Error);
    }

    [Fact]
    public void A_feature_named_both_categorical_and_ordinal_is_refused()
    {
        var result = CliRunner.Run("cluster", RepoPaths.Dataset("gbsg.parquet"), "--time", "rfstime", "--event", "status", "--features", "age,grade",
            "--categorical", "grade", "--ordinal", "grade");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'grade' is given in both --categorical and --ordinal", result.Error);
    }

    /// <summary>The row's data file, and another (rotterdam, which lacks gbsg's time column) for the --data override.</summary>
    private static (string First, string Second) DataFiles(string dataset) =>
        (RepoPaths.Dataset(dataset + ".parquet"), RepoPaths.Dataset("rotterdam.parquet"));
}
