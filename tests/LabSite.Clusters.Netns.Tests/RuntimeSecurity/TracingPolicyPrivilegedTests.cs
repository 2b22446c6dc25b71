using System.Diagnostics;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Runtime;
using LabSite.Testing;

namespace LabSite.Clusters.Netns.Tests.RuntimeSecurity;

/// <summary>
/// TracingPolicies applied to netns labs and enforced by the real kernel: Sigkill kills the reader of the pod's service
/// account token and posts the event, a podSelector or another lab limits where a policy acts (even one that asks for
/// everything), deleting the policy lifts it, and unsupported policies are refused with field path and line.
/// </summary>
[Trait("Category", "Privileged")]
public sealed class TracingPolicyPrivilegedTests : IAsyncLifetime
{
    private const string Token = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    private const string Deathstar = "deathstar-6fb5694d48-5hmds";
    private readonly NetnsBackend _backend = new(NetnsTestLabs.Options());
    private NetnsCluster _a = null!;
    private NetnsCluster _b = null!;

    public async Task InitializeAsync()
    {
        await _backend.StartAsync(CancellationToken.None);
        _a = await _backend.CreateAsync(new ClusterRequest("tp-a"), null, CancellationToken.None);
        _b = await _backend.CreateAsync(new ClusterRequest("tp-b"), null, CancellationToken.None);
        await Task.WhenAll(NetnsTestLabs.StartStarWarsAsync(_a), NetnsTestLabs.StartStarWarsAsync(_b));
    }

    public async Task DisposeAsync()
    {
        await _backend.DestroyAsync("tp-a", CancellationToken.None);
        await _backend.DestroyAsync("tp-b", CancellationToken.None);
        NetnsTestLabs.DeleteRoots(_backend.Options);
    }

    private static string Policy(string name, string binaries, string path, string op = "Equal", string extra = "") => $"""
        apiVersion: cilium.io/v1alpha1
        kind: TracingPolicy
        metadata:
          name: {name}
        spec:
        {extra}  lsmhooks:
          - hook: "file_open"
            args:
            - index: 0
              type: "file"
            selectors:
            - matchBinaries:
              - operator: "In"
                values: [{binaries}]
              matchArgs:
              - index: 0
                operator: "{op}"
                values: ["{path}"]
              matchActions:
              - action: Sigkill
        """;

    private static async Task Apply(NetnsCluster lab, string yaml, ApplyMode mode = ApplyMode.Apply)
    {
        var result = await lab.ApplyAsync(new ManifestText(yaml, "policy.yaml"), mode, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
    }

    [Fact]
    public async Task Sigkill_kills_the_token_reader_posts_the_event_and_stops_when_the_policy_goes()
    {
        var before = await NetnsTestLabs.ExecAsync(_a, Deathstar, "cat", Token);
        Assert.Equal(0, before.ExitCode);
        Assert.StartsWith("eyJ", before.Stdout, StringComparison.Ordinal);

        var policy = Policy("secret-read", "\"/usr/bin/cat\"", Token);
        await Apply(_a, policy);
        var killed = await NetnsTestLabs.ExecAsync(_a, Deathstar, "cat", Token);
        var other = await NetnsTestLabs.ExecAsync(_a, Deathstar, "head", "-c", "3", Token);

        Assert.NotEqual(0, killed.ExitCode);
        Assert.DoesNotContain("eyJ", killed.Stdout, StringComparison.Ordinal);
        Assert.Equal((0, "eyJ"), (other.ExitCode, other.Stdout));
        var lsm = await WaitFor(_a, e => e.ProcessLsm is { } l && l.Process.Binary == "/usr/bin/cat");
        Assert.Equal(("file_open", "secret-read", TetragonActions.Sigkill), (lsm.ProcessLsm!.FunctionName, lsm.ProcessLsm.PolicyName, lsm.ProcessLsm.Action));
        Assert.Equal(Token, lsm.ProcessLsm.Args.Single().FileArg!.Path);
        Assert.Equal(Deathstar, lsm.ProcessLsm.Process.Pod!.Name);
        var exit = await WaitFor(_a, e => e.ProcessExit is { } x && x.Process.Pid == lsm.ProcessLsm.Process.Pid);
        Assert.Equal("SIGKILL", exit.ProcessExit!.Signal);

        await Apply(_a, policy, ApplyMode.Delete);
        var after = await NetnsTestLabs.ExecAsync(_a, Deathstar, "cat", Token);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public async Task A_policy_asking_for_everything_acts_on_its_own_lab_only()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"tp-host-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(marker, "host file\n");
        try
        {
            // Every open by any cat, path prefix "/": in lab b only, however wide it is written.
            await Apply(_b, Policy("everything", "\"/usr/bin/cat\"", "/", op: "Prefix"));

            var inB = await NetnsTestLabs.ExecAsync(_b, "xwing", "cat", "/etc/hostname");
            var inA = await NetnsTestLabs.ExecAsync(_a, "xwing", "cat", "/etc/hostname");
            using var host = Process.Start(new ProcessStartInfo("/usr/bin/cat", [marker]) { RedirectStandardOutput = true })!;
            var hostOut = await host.StandardOutput.ReadToEndAsync();
            await host.WaitForExitAsync();

            Assert.NotEqual(0, inB.ExitCode);
            Assert.Equal((0, "xwing\n"), (inA.ExitCode, inA.Stdout));
            Assert.Equal((0, "host file\n"), (host.ExitCode, hostOut));
            var inAEvents = await _a.GetRuntimeEventsAsync(RuntimeEventQuery.All, CancellationToken.None);
            Assert.DoesNotContain(inAEvents!, e => e.ProcessLsm is not null);
        }
        finally
        {
            await Apply(_b, Policy("everything", "\"/usr/bin/cat\"", "/", op: "Prefix"), ApplyMode.Delete);
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task A_pod_selector_limits_the_policy_to_the_pods_it_selects()
    {
        var policy = Policy("deathstar-only", "\"/usr/bin/cat\"", "/etc/hostname", extra: "  podSelector:\n    matchLabels:\n      class: deathstar\n");
        await Apply(_a, policy);
        try
        {
            var deathstar = await NetnsTestLabs.ExecAsync(_a, Deathstar, "cat", "/etc/hostname");
            var tiefighter = await NetnsTestLabs.ExecAsync(_a, "tiefighter", "cat", "/etc/hostname");

            Assert.NotEqual(0, deathstar.ExitCode);
            Assert.Equal((0, "tiefighter\n"), (tiefighter.ExitCode, tiefighter.Stdout));
        }
        finally
        {
            await Apply(_a, policy, ApplyMode.Delete);
        }
    }

    [Fact]
    public async Task Unsupported_policies_are_refused_with_field_path_and_line_and_nothing_is_stored()
    {
        const string yaml = """
            apiVersion: cilium.io/v1alpha1
            kind: TracingPolicy
            metadata:
              name: spy
            spec:
              kprobes:
              - call: "fd_install"
            """;

        var result = await _a.ApplyAsync(new ManifestText(yaml, "spy.yaml"), ApplyMode.Apply, CancellationToken.None);

        var error = Assert.Single(result.Errors);
        Assert.Contains("spec.kprobes: Forbidden: kprobes are not available on this lab's kernel", error, StringComparison.Ordinal);
        Assert.Contains("at line 6", error, StringComparison.Ordinal);
        Assert.Empty(await _a.GetAsync(new ObjectQuery("tracingpolicies", "*"), CancellationToken.None));
    }

    private static async Task<TetragonEvent> WaitFor(NetnsCluster lab, Func<TetragonEvent, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await foreach (var e in lab.FollowRuntimeEventsAsync(new RuntimeEventQuery(TetragonFilter.All, RuntimeEventRing.DefaultCapacity), cts.Token))
            {
                if (match(e))
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        var seen = await lab.GetRuntimeEventsAsync(RuntimeEventQuery.All, CancellationToken.None);
        throw new Xunit.Sdk.XunitException("no matching runtime event; saw: " + string.Join(" | ", seen!.Select(TetragonCompact.Format)));
    }
}
