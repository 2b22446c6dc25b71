using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Policy.Api;
using LabSite.Clusters.Netns.Store;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.Auth;

/// <summary>
/// <c>authentication</c> on CNP rules through the store with the real validator: <c>required</c> and <c>disabled</c>
/// are stored; anything else (other modes, other types, extra fields, deny rules, a stranger's long value) is refused
/// with the field path and the line, and nothing is stored.
/// </summary>
public class AuthenticationPolicyTests
{
    private static ObjectStore NewStore() => new(new StoreOptions { ServiceCidr = "10.96.0.0/16", PolicyValidator = new PolicyValidator() });

    private const string Header = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata:
          name: auth
        spec:
          endpointSelector: {}

        """;

    [Theory]
    [InlineData("required")]
    [InlineData("disabled")]
    public void Known_modes_are_stored(string mode)
    {
        var store = NewStore();

        var result = store.Apply(StoreFixture.Yaml(Header + $"  ingress:\n  - fromEndpoints: [{{}}]\n    authentication:\n      mode: {mode}\n", "auth.yaml"), ApplyMode.Apply);

        Assert.Empty(result.Errors);
        Assert.Equal(["ciliumnetworkpolicy.cilium.io/auth created"], result.Lines);
    }

    public static TheoryData<string, string> Hostile => new()
    {
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication:\n      mode: optional\n",
            "spec.ingress[0].authentication.mode: Unsupported value: \"optional\": supported values: \"disabled\", \"required\"" },
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication:\n      mode: 7\n",
            "spec.ingress[0].authentication.mode: Unsupported value: 7: supported values: \"disabled\", \"required\"" },
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication:\n      mode: test-always-fail\n",
            "spec.ingress[0].authentication.mode: Unsupported value: \"test-always-fail\": supported values: \"disabled\", \"required\"" },
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication: {}\n",
            "spec.ingress[0].authentication.mode: Required value: mode must be \"required\" or \"disabled\"" },
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication: required\n",
            "spec.ingress[0].authentication: expected an object, got \"required\"" },
        { "  ingress:\n  - fromEndpoints: [{}]\n    authentication:\n      mode: required\n      spiffe: spiffe://evil\n",
            "spec.ingress[0].authentication.spiffe: unknown field \"spiffe\" (known here: mode)" },
        { "  ingressDeny:\n  - fromEndpoints: [{}]\n    authentication:\n      mode: required\n",
            "spec.ingressDeny[0].authentication: authentication is not allowed in ingressDeny" },
        { "  egress:\n  - toEndpoints: [{}]\n    authentication:\n      mode: " + new string('r', 5000) + "\n",
            "spec.egress[0].authentication.mode: Unsupported value: \"" + new string('r', 39) + "...: supported values: \"disabled\", \"required\"" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Other_values_are_refused_naming_the_field_and_line(string rules, string expected)
    {
        var store = NewStore();
        var version = store.ResourceVersion;

        var result = store.Apply(StoreFixture.Yaml(Header + rules, "auth.yaml"), ApplyMode.Apply);

        var error = Assert.Single(result.Errors);
        Assert.Contains(expected, error);
        Assert.Contains("at line ", error);
        Assert.True(error.Length < 600, "the error echoes at most a short part of the value");
        Assert.Empty(result.Lines);
        Assert.Equal(version, store.ResourceVersion);
    }
}
