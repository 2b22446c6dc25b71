using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;

namespace LabSite.Agent.Server.KubeApi.Exec;

/// <summary>
/// A pod <c>/exec</c> request's query, as kubectl sends it (<c>command=sh&amp;command=-c&amp;command=...&amp;stdin=true&amp;
/// stdout=true&amp;stderr=true&amp;tty=false&amp;container=main</c>), checked the way kube-apiserver checks PodExecOptions.
/// </summary>
internal sealed record ExecOptions(IReadOnlyList<string> Command, string? Container, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    /// <summary>The options, or the BadRequest message naming the parameter that is wrong.</summary>
    public static (ExecOptions? Options, string? Error) Parse(IQueryCollection query)
    {
        var flags = new Dictionary<string, bool>();
        foreach (var name in new[] { "stdin", "stdout", "stderr", "tty" })
        {
            if (query[name].Count > 1)
            {
                return (null, $"{name}: Invalid value: \"{string.Join(",", query[name].ToArray())}\": given more than once");
            }
            var value = query[name].ToString();
            if (!TryParseBool(value, out var flag))
            {
                return (null, $"{name}: Invalid value: \"{Shorten(value)}\": must be true or false");
            }
            flags[name] = flag;
        }
        var command = query["command"].Select(c => c ?? "").ToList();
        if (command.Count == 0 || command.All(c => c.Length == 0))
        {
            return (null, "you must specify at least 1 command");
        }
        if (!flags["stdin"] && !flags["stdout"] && !flags["stderr"])
        {
            return (null, "you must specify at least 1 of stdin, stdout, stderr");
        }
        var container = query["container"].ToString();
        // A terminal merges stderr into stdout; the kubelet drops stderr rather than refusing (kubectl asks for both).
        return (new ExecOptions(command, container.Length == 0 ? null : container, flags["stdin"], flags["stdout"], flags["stderr"] && !flags["tty"], flags["tty"]), null);
    }

    /// <summary>
    /// The container to run in: the one asked for, or the pod's only one. Null with the BadRequest message when the
    /// pod has no such container, or several and none was named (kube-apiserver's wording).
    /// </summary>
    public (string? Container, string? Error) ContainerIn(KubeObject pod)
    {
        var names = (pod.Json["spec"]?["containers"] as JsonArray ?? [])
            .Select(c => (string?)c?["name"]).OfType<string>().ToList();
        if (Container is { } wanted)
        {
            return names.Contains(wanted, StringComparer.Ordinal)
                ? (wanted, null)
                : (null, $"container {Shorten(wanted)} is not valid for pod {pod.Name}");
        }
        return names.Count == 1
            ? (names[0], null)
            : (null, $"a container name must be specified for pod {pod.Name}, choose one of: [{string.Join(" ", names)}]");
    }

    /// <summary>Go's strconv.ParseBool, which kube-apiserver's query decoding uses; absent is false.</summary>
    private static bool TryParseBool(string value, out bool flag)
    {
        (var ok, flag) = value switch
        {
            "" or "0" or "f" or "F" or "false" or "FALSE" or "False" => (true, false),
            "1" or "t" or "T" or "true" or "TRUE" or "True" => (true, true),
            _ => (false, false),
        };
        return ok;
    }

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;
}
