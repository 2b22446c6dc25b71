using System.Globalization;

namespace LabSite.Agent.Server.KubeApi.PortForward;

/// <summary>
/// A pod <c>/portforward</c> request's ports (<c>?ports=80</c>, repeated or comma-separated, as KubernetesClient and
/// kube-apiserver's PodPortForwardOptions send them), checked with the kubelet's messages.
/// </summary>
internal static class PortForwardOptions
{
    /// <summary>Ports one WebSocket may carry: a forward is per connection; more is a client asking for trouble.</summary>
    public const int MaxPorts = 4;

    /// <summary>The ports, or the BadRequest message naming what is wrong.</summary>
    public static (IReadOnlyList<int>? Ports, string? Error) Parse(IQueryCollection query)
    {
        var values = query["ports"];
        if (values.Count == 0)
        {
            return (null, "query parameter \"ports\" is required");
        }
        var ports = new List<int>();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                return (null, "query parameter \"ports\" cannot be empty");
            }
            foreach (var text in value.Split(','))
            {
                if (!ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                {
                    return (null, $"unable to parse \"{Shorten(text)}\" as a port: a port is a number from 1 to 65535");
                }
                if (port < 1)
                {
                    return (null, $"port \"{text}\" must be > 0");
                }
                ports.Add(port);
                if (ports.Count > MaxPorts)
                {
                    return (null, $"at most {MaxPorts} ports may be forwarded over one connection; open another for more");
                }
            }
        }
        return (ports, null);
    }

    private static string Shorten(string text) => text.Length > 20 ? text[..20] + "..." : text;
}
