using System.Text.Json.Nodes;
using LabSite.Clusters.Netns.Proxy.Rules;

namespace LabSite.Clusters.Netns.Tests.Proxy.Rules;

/// <summary>The <c>rules.http</c> section as the policy parser hands it over: good rules compile, bad ones name their field.</summary>
public sealed class HttpRuleJsonTests
{
    private const string At = "spec.ingress[0].toPorts[0].rules.http";

    private static (IReadOnlyList<HttpRule> Rules, List<string> Errors) Parse(string json)
    {
        var errors = new List<string>();
        var rules = HttpRuleJson.Parse(JsonNode.Parse(json)!.AsArray(), At, (path, message) => errors.Add($"{path}: {message}"));
        return (rules, errors);
    }

    [Fact]
    public void StarWarsRuleParses()
    {
        var (rules, errors) = Parse("""[{"method": "POST", "path": "/v1/request-landing"}]""");

        Assert.Empty(errors);
        var rule = Assert.Single(rules);
        Assert.Equal(("POST", "/v1/request-landing", ""), (rule.Method, rule.Path, rule.Host));
    }

    [Fact]
    public void EmptyRuleAndHeaderFormsParse()
    {
        var (rules, errors) = Parse("""[{}, {"headers": ["X-A", "X-B: 1"], "headerMatches": [{"name": "X-C", "value": "v", "mismatch": "ADD"}]}]""");

        Assert.Empty(errors);
        Assert.Equal(2, rules.Count);
        Assert.Equal(HeaderMismatchAction.Add, rules[1].HeaderMatches[0].Mismatch);
    }

    [Fact]
    public void EveryProblemIsReportedWithItsPath()
    {
        var (rules, errors) = Parse("""
            [
              {"method": "GET|(", "verb": "x"},
              "POST",
              {"path": 7},
              {"headers": "X-A"},
              {"headerMatches": [{"value": "v"}, {"name": "X", "secret": {"name": "s"}}, {"name": "X", "mismatch": "DROP"}]},
              {"path": "/ok"}
            ]
            """);

        Assert.Equal(
        [
            $"{At}[0].verb: unknown field \"verb\" (known here: method, path, host, headers, headerMatches)",
            $"{At}[1]: expected {{method, path, host, headers, headerMatches}} (use {{}} to allow all HTTP)",
            $"{At}[2].path: expected a string (a regular expression)",
            $"{At}[3].headers: expected a list of \"Name\" or \"Name: value\" strings",
            $"{At}[4].headerMatches[0].name: is required",
            $"{At}[4].headerMatches[1].secret: header values from Kubernetes secrets are not supported by the netns backend; put the value in \"value\"",
            $"{At}[4].headerMatches[2].mismatch: mismatch 'DROP' must be one of LOG, ADD, DELETE, REPLACE",
        ], errors);
        Assert.Equal("/ok", Assert.Single(rules).Path);
    }

    [Fact]
    public void BadRegexInAnOtherwiseValidRuleNamesTheField()
    {
        var (_, errors) = Parse("""[{"method": "GET|("}]""");

        Assert.StartsWith($"{At}[0].method: regex 'GET|(' at offset 5: '(' is never closed", Assert.Single(errors));
    }
}
