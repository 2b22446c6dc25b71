using LabSite.Clusters.Netns;
using LabSite.Testing;

namespace LabSite.Cli.Tests;

/// <summary>
/// <c>labsite lab test</c> on a real netns cluster with the Star Wars manifests: every evaluator kind except answers
/// runs against the kernel's maps, the flow ring and real curl/nc in the pods. Root only; own name prefix and roots.
/// The last step holds a check that cannot fail (it already passes before the solution), which must be reported.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class LabTestCommandPrivilegedTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-labtest-" + Guid.NewGuid().ToString("N")[..8]);

    private const string LabText = """
        ---
        id: grader-mini
        title: Grader mini lab
        summary: The Star Wars L3/L4 demo, small.
        duration: 5
        difficulty: beginner
        tags: [test]
        cca_domains: [network-policy]
        backends: [netns]
        ---

        The demo in two steps.

        ## Deploy {#deploy}

        Create the app.

        :::solution
        ```sh
        kubectl create -f manifests/http-sw-app.yaml
        ```
        :::

        ```check
        id: tiefighter-ready
        kind: object
        title: The tiefighter pod is Ready
        resource: Pod
        name: tiefighter
        expect: ready
        ```

        ## Lock down {#l3}

        Apply rule1 and try to land from the X-wing.

        :::solution
        ```sh
        kubectl create -f manifests/sw_l3_l4_policy.yaml
        kubectl exec xwing -- curl -s --connect-timeout 2 -XPOST deathstar.default.svc.cluster.local/v1/request-landing || echo dropped
        ```
        :::

        ```check
        id: enforced
        kind: endpoint
        title: The Death Star enforces ingress
        pod:
          labels:
            class: deathstar
        ingressEnforcement: enabled
        ```

        ```check
        id: map-allows-tiefighter
        match: exact
        kind: policy-map
        title: The map allows the TIE fighter on 80/TCP
        endpoint:
          labels:
            class: deathstar
        peer: tiefighter
        direction: ingress
        port: 80
        protocol: TCP
        expect: allow
        proxy: false
        ```

        ```check
        id: xwing-times-out
        kind: probe
        title: The X-wing can no longer connect
        from: xwing
        tcp: deathstar.default.svc.cluster.local:80
        expect: timeout
        timeout: 2
        ```

        ```check
        id: xwing-dropped
        kind: flow
        title: Hubble saw the X-wing dropped
        from: xwing
        to: deathstar
        verdict: DROPPED
        dropReason: POLICY_DENIED
        ```

        ```check
        id: ships-differ
        kind: endpoint
        title: Already true before this step
        pod: tiefighter
        differentIdentityFrom: xwing
        ```
        """;

    public LabTestCommandPrivilegedTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "grader-mini", "manifests"));
        File.WriteAllText(Path.Combine(_dir, "grader-mini", "lab.md"), LabText);
        var manifests = RepositoryPaths.StarWarsManifests;
        foreach (var file in new[] { "http-sw-app.yaml", "sw_l3_l4_policy.yaml" })
        {
            File.Copy(Path.Combine(manifests, file), Path.Combine(_dir, "grader-mini", "manifests", file));
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Checks_fail_before_and_pass_after_the_solution_and_a_check_that_cannot_fail_is_reported()
    {
        var prefix = "g" + Guid.NewGuid().ToString("N")[..5];
        var options = new NetnsOptions
        {
            NamePrefix = prefix,
            BpffsRoot = $"/sys/fs/bpf/labsite-{prefix}",
            CgroupRoot = $"/sys/fs/cgroup/unified/labsite-{prefix}",
            RunDirectory = $"/run/labsite-{prefix}",
        };
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await LabTestCommand.RunAsync([Path.Combine(_dir, "grader-mini")], output, error, CancellationToken.None, options);

        var lines = output.ToString().Split('\n').Where(l => l.StartsWith('✓') || l.StartsWith('✗')).ToList();
        var all = output + "\n" + error;
        Assert.True(lines.Count == 6, all);
        Assert.Equal(
        [
            "✓ grader-mini/deploy/tiefighter-ready failed before, passed after",
            "✓ grader-mini/l3/xwing-dropped failed before, passed after",
            "✓ grader-mini/l3/enforced failed before, passed after",
            "✓ grader-mini/l3/map-allows-tiefighter failed before, passed after",
            "✓ grader-mini/l3/xwing-times-out failed before, passed after",
            "✗ grader-mini/l3/ships-differ passed before (expected it to fail), passed after",
        ], lines);
        Assert.Equal(1, exit);
        Assert.Contains("lab grader-mini: 5/6 checks ok, 0 solution problem(s)", all);
        Assert.False(Directory.Exists(options.RunDirectory), "the backend's roots are removed after the run");
    }

}
