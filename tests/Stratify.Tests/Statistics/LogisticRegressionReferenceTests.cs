using System.Globalization;
using System.Text.Json;
using Stratify.Data;
using Stratify.Statistics;
using Stratify.Survival;
using static Stratify.Tests.Survival.SurvivalReference;

namespace Stratify.Tests.Statistics;

/// <summary>
/// Logistic regression against R's glm(family = binomial) (tests/reference/propensity_reference.R): a categorical
/// term, an aliased (collinear) column, fractional and whole-number prior weights, complete separation, rows dropped
/// for missing values, and a fit stopped after two iterations; coefficients, SE, z, p, deviances, df, AIC,
/// iterations, convergence, R's warnings, the covariance and every fitted probability.
/// </summary>
public class LogisticRegressionReferenceTests
{
    /// <summary>Largest relative difference measured: 1.0e-13 (fitted probabilities); the separated fit, whose coefficients run to infinity, 2.6e-11.</summary>
    private const double Tolerance = 5e-13;

    /// <summary>p-values: measured 2.4e-12 at p = 1.6e-108 (the normal tail multiplies z's relative error by about z²).</summary>
    private const double PValueTolerance = 1e-11;

    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.ReferenceFile("propensity_reference.json"))).RootElement);

    public static TheoryData<string> Cases
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var c in Root.Value.GetProperty("logistic").EnumerateObject()) names.Add(c.Name);
            return names;
        }
    }

    /// <summary>The case's rows (complete in the used columns), outcome, design and prior weights, as the R script built them.</summary>
    private static (bool[] Outcome, DesignMatrix Design, double[]? Weights) Bind(JsonElement c)
    {
        string file = c.GetProperty("file").GetString()!;
        var cohort = CsvCohortReader.Read(file.StartsWith("logistic_") ? RepoPaths.ReferenceFile(Path.Combine("data", file)) : RepoPaths.Dataset(file));
        var numeric = c.GetProperty("numeric").EnumerateArray().Select(v => v.GetString()!).ToArray();
        var categorical = c.GetProperty("categorical").EnumerateArray().Select(v => (Name: v.GetProperty("name").GetString()!, Reference: v.GetProperty("reference").GetString()!)).ToArray();
        string outcome = c.GetProperty("outcome").GetString()!;
        string? weight = OptionalString(c, "weight");
        var used = new List<string> { outcome };
        used.AddRange(numeric);
        used.AddRange(categorical.Select(x => x.Name));
        if (weight is not null) used.Add(weight);
        var rows = Enumerable.Range(0, cohort.RowCount).Where(i => used.All(u => !cohort[u].IsMissing(i))).ToArray();
        double Value(string column, int row) => cohort[column] is NumericColumn n ? n.Values[row] : double.Parse(cohort[column].Format(row), CultureInfo.InvariantCulture);
        double eventValue = c.GetProperty("event_value").GetDouble();
        var y = rows.Select(i => Value(outcome, i) == eventValue).ToArray();
        var terms = new List<CovariateTerm>();
        foreach (var name in numeric) terms.Add(CovariateTerm.Numeric(name, rows.Select(i => Value(name, i)).ToArray()));
        foreach (var (name, reference) in categorical)
        {
            var labels = rows.Select(cohort[name].Format).ToArray();
            var levels = labels.Distinct().ToArray();
            terms.Add(CovariateTerm.Categorical(name, labels.Select(l => Array.IndexOf(levels, l)).ToArray(), levels, reference));
        }
        return (y, DesignMatrix.Build(terms), weight is null ? null : rows.Select(i => Value(weight, i)).ToArray());
    }

    private static (LogisticRegressionModel Model, JsonElement R) Fit(string name)
    {
        var r = Root.Value.GetProperty("logistic").GetProperty(name);
        var (y, design, weights) = Bind(r);
        return (LogisticRegression.Fit(y, design, new LogisticRegressionOptions { PriorWeights = weights, MaxIterations = r.GetProperty("maxit").GetInt32() }), r);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Coefficients_and_standard_errors_equal_glm(string name)
    {
        var (model, r) = Fit(name);
        var terms = r.GetProperty("terms").EnumerateArray().Select(t => t.GetString()!).ToArray();
        var byTerm = model.Coefficients.ToDictionary(c => c.Term);
        Assert.Equal(terms.Order(), byTerm.Keys.Order());
        double tolerance = name == "sim_separation" ? 1e-10 : Tolerance; // coefficients running to infinity: 25 iterations of growth amplify rounding (measured 2.6e-11)
        for (int k = 0; k < terms.Length; k++)
        {
            var c = byTerm[terms[k]];
            Assert.Equal(double.IsNaN(Numbers(r.GetProperty("coef"))[k]), c.Aliased);
            AssertClose(Numbers(r.GetProperty("coef"))[k], c.Estimate, tolerance, $"{name} {terms[k]} coef");
            AssertClose(Numbers(r.GetProperty("se"))[k], c.StandardError, tolerance, $"{name} {terms[k]} se");
            AssertClose(Numbers(r.GetProperty("z"))[k], c.Statistic, tolerance, $"{name} {terms[k]} z");
            AssertClose(Numbers(r.GetProperty("p"))[k], c.PValue, PValueTolerance, $"{name} {terms[k]} p");
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Deviances_aic_iterations_and_warnings_equal_glm(string name)
    {
        var (model, r) = Fit(name);
        AssertClose(Number(r.GetProperty("deviance")), model.Deviance, name == "sim_separation" ? 1e-10 : Tolerance, name + " deviance");
        AssertClose(Number(r.GetProperty("null_deviance")), model.NullDeviance, Tolerance, name + " null deviance");
        AssertClose(Number(r.GetProperty("aic")), model.Aic, Tolerance, name + " aic");
        Assert.Equal(r.GetProperty("df_residual").GetInt32(), model.DegreesOfFreedom);
        Assert.Equal(r.GetProperty("df_null").GetInt32(), model.NullDegreesOfFreedom);
        Assert.Equal(r.GetProperty("rank").GetInt32(), model.Rank);
        Assert.Equal(r.GetProperty("iterations").GetInt32(), model.Iterations);
        Assert.Equal(r.GetProperty("converged").GetBoolean(), model.Converged);
        Assert.Equal(r.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()), model.Warnings);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Fitted_probabilities_equal_glm(string name)
    {
        var (model, r) = Fit(name);
        var expected = Numbers(r.GetProperty("fitted"));
        Assert.Equal(expected.Length, model.FittedProbabilities.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            // Near 0 or 1 (separation) compare on the absolute scale.
            double difference = Math.Abs(expected[i] - model.FittedProbabilities[i]);
            Assert.True(difference <= (name == "sim_separation" ? 1e-17 : Tolerance * expected[i]), $"{name} fitted[{i}]: R {expected[i]:R}, Stratify {model.FittedProbabilities[i]:R}");
        }
    }
}
