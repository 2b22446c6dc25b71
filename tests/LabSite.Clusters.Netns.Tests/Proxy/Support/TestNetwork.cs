using System.Diagnostics;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>
/// Three network namespaces wired like a one-pod-per-side lab: client ── node ── server, each link a veth pair
/// created inside the namespaces (nothing touches the host's namespace). Deleted on dispose; names carry a random
/// suffix so concurrent runs do not collide.
/// </summary>
public sealed class TestNetwork : IDisposable
{
    public const string ClientIp = "10.248.1.2";
    public const string NodeClientSideIp = "10.248.1.1";
    public const string ServerIp = "10.248.2.2";
    public const string NodeServerSideIp = "10.248.2.1";

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];

    public TestNetwork()
    {
        try
        {
            Ip("netns", "add", Client);
            Ip("netns", "add", Node);
            Ip("netns", "add", Server);
            Ip("-n", Node, "link", "add", "nc", "type", "veth", "peer", "name", "lc", "netns", Client);
            Ip("-n", Node, "link", "add", "ns", "type", "veth", "peer", "name", "ls", "netns", Server);
            Up(Node, "nc", NodeClientSideIp);
            Up(Node, "ns", NodeServerSideIp);
            Up(Client, "lc", ClientIp);
            Up(Server, "ls", ServerIp);
            Ip("-n", Client, "route", "add", "default", "via", NodeClientSideIp);
            Ip("-n", Server, "route", "add", "default", "via", NodeServerSideIp);
            Run("ip", "netns", "exec", Node, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Client => $"lsl7c{_suffix}";

    public string Node => $"lsl7n{_suffix}";

    public string Server => $"lsl7s{_suffix}";

    public static string PathOf(string netns) => $"/run/netns/{netns}";

    private static void Up(string netns, string dev, string ip)
    {
        Ip("-n", netns, "addr", "add", $"{ip}/24", "dev", dev);
        Ip("-n", netns, "link", "set", dev, "up");
        Ip("-n", netns, "link", "set", "lo", "up");
    }

    public static string Ip(params string[] args) => Run("ip", args);

    /// <summary>Runs a tool; a non-zero exit throws with the command line and its stderr.</summary>
    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Trim()}");
    }

    public void Dispose()
    {
        foreach (var ns in new[] { Client, Node, Server })
        {
            try
            {
                Ip("netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // not created (setup failed early)
            }
        }
    }
}
