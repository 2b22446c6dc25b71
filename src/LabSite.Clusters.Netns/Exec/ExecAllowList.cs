namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// The programs <c>kubectl exec</c> may run in a pod, with where they live on the host. No shells, no
/// interpreters but a POSIX shell (dash), nothing that writes outside the sandbox's tmpfs. Anything else is
/// refused by name, and the sandbox's /usr/bin and /usr/sbin hold only these programs, so what a shell (or
/// <c>env</c>) starts is held to the same list.
/// </summary>
public static class ExecAllowList
{
    private static readonly Dictionary<string, string> s_programs = new(StringComparer.Ordinal)
    {
        ["curl"] = "/usr/bin/curl",
        ["wget"] = "/usr/bin/wget",
        ["nc"] = "/usr/bin/nc",
        ["ping"] = "/usr/bin/ping",
        ["dig"] = "/usr/bin/dig",
        ["nslookup"] = "/usr/bin/nslookup",
        ["host"] = "/usr/bin/host",
        ["ip"] = "/usr/sbin/ip",
        ["ss"] = "/usr/bin/ss",
        ["cat"] = "/usr/bin/cat",
        ["ls"] = "/usr/bin/ls",
        ["echo"] = "/usr/bin/echo",
        ["hostname"] = "/usr/bin/hostname",
        ["id"] = "/usr/bin/id",
        ["env"] = "/usr/bin/env",
        ["printenv"] = "/usr/bin/printenv",
        ["sleep"] = "/usr/bin/sleep",
        ["date"] = "/usr/bin/date",
        ["head"] = "/usr/bin/head",
        ["tail"] = "/usr/bin/tail",
        ["grep"] = "/usr/bin/grep",
        ["wc"] = "/usr/bin/wc",
        ["true"] = "/usr/bin/true",
        ["false"] = "/usr/bin/false",
        // stty and tty act only on the program's own terminal (an exec -it pseudo-terminal): `stty size`, `stty sane`.
        ["stty"] = "/usr/bin/stty",
        ["tty"] = "/usr/bin/tty",
        ["sh"] = "/usr/bin/sh",
        ["dash"] = "/usr/bin/dash",
    };

    public static IReadOnlyCollection<string> Names => s_programs.Keys;

    /// <summary>Where each allowed program lives, on the host and (the same path) in the sandbox.</summary>
    public static IReadOnlyCollection<string> Paths => s_programs.Values;

    /// <summary>
    /// The host path for a program named bare (<c>curl</c>) or by its usual absolute path
    /// (<c>/usr/bin/curl</c>, <c>/bin/curl</c>); null when not allowed.
    /// </summary>
    public static string? Resolve(string program)
    {
        if (s_programs.TryGetValue(program, out var path))
        {
            return path;
        }

        foreach (var dir in new[] { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/" })
        {
            if (program.StartsWith(dir, StringComparison.Ordinal) && s_programs.TryGetValue(program[dir.Length..], out path))
            {
                return path;
            }
        }

        return null;
    }
}
