using LabSite.Clusters.Contract;

namespace LabSite.Clusters.Netns.Exec;

/// <summary>
/// Builds the argv that runs one allowed program inside a pod. Every stage is an exec (no shell parses
/// user text):
/// <list type="number">
/// <item><c>sh -c 'echo $$ > "$0" &amp;&amp; exec "$@"' &lt;cgroup.procs&gt; …</c> — a fixed script that moves itself
/// into the lab's cgroup (where socket-LB applies) before anything else runs; user words only ever
/// reach it as "$@", never as script text.</item>
/// <item><c>nsenter --net=/run/netns/&lt;pod&gt;</c> — enter the pod's network namespace.</item>
/// <item><c>prlimit</c> — memory, process, file and CPU limits.</item>
/// <item><c>setpriv</c> — drop to the lab's unprivileged uid/gid, no capabilities, no new privileges.</item>
/// <item><c>bwrap</c> — new user/pid/ipc/uts namespaces, read-only /usr whose bin and sbin hold only the
/// allowed programs (so a shell cannot start python or bash), the pod's generated /etc files, a private /tmp,
/// no host home or root, dies with its parent.</item>
/// </list>
/// </summary>
internal static class SandboxCommand
{
    /// <summary>Moves the shell into the cgroup named by $0, then execs the rest of the argv.</summary>
    public const string EnterCgroupScript = "echo $$ > \"$0\" && exec \"$@\"";

    /// <summary>
    /// For a TTY exec: moves into the cgroup named by $0, then runs the rest with the pseudo-terminal named by $1 as
    /// stdin, stdout and stderr.
    /// </summary>
    public const string EnterCgroupOnTerminalScript = "echo $$ > \"$0\" && tty=$1 && shift && exec \"$@\" <\"$tty\" >\"$tty\" 2>&1";

    /// <summary>
    /// Where a TTY exec's sandbox holds util-linux setsid (off PATH): inside the sandbox's pid namespace it starts the
    /// program in a session of its own with the terminal as controlling terminal, so the shell's job control and
    /// Ctrl-C act on pod processes the shell can see (a session made outside would leave it a process group it
    /// cannot name, and dash fails to hand the terminal back on exit).
    /// </summary>
    public const string SandboxSetsid = "/usr/local/libexec/setsid";

    /// <summary>coreutils env: <c>--default-signal</c> resets signals the site inherited as ignored.</summary>
    public const string ResetSignals = "/usr/bin/env";

    public sealed record Settings(
        string CgroupProcsFile,
        string PodNetnsPath,
        int Uid,
        string SharedEtcDirectory,
        string PodEtcDirectory,
        string Hostname,
        long MemoryBytes,
        int MaxProcesses,
        int CpuSeconds,
        IReadOnlyDictionary<string, string>? ImagePrograms = null);

    /// <summary>
    /// The argv; with <paramref name="terminalPath"/> the program runs on that pseudo-terminal, as its controlling terminal.
    /// With <paramref name="client"/> (a client program such as kubectl, run in the node's network) the sandbox holds that
    /// one program instead of the pod programs, its read-only files, its environment and working folder.
    /// </summary>
    public static IReadOnlyList<string> Build(Settings s, string programPath, IReadOnlyList<string> args, string? terminalPath = null, ClientRun? client = null)
    {
        // Every signal at its default, as a container's first process gets it: an ignored SIGINT (a site started in
        // the background with `&` or nohup) would pass to the pod and make Ctrl-C do nothing. Runs before the lab
        // cgroup is joined, so the runtime sensor never sees it.
        List<string> argv = [ResetSignals, "--default-signal"];
        argv.AddRange(terminalPath is null
            ? ["/bin/sh", "-c", EnterCgroupScript, s.CgroupProcsFile]
            : ["/bin/sh", "-c", EnterCgroupOnTerminalScript, s.CgroupProcsFile, terminalPath]);
        argv.AddRange(
        [
            "/usr/bin/nsenter", $"--net={s.PodNetnsPath}", "--",
            "/usr/bin/prlimit", $"--as={s.MemoryBytes}", $"--nproc={s.MaxProcesses}", "--nofile=1024", $"--cpu={s.CpuSeconds}", "--fsize=67108864", "--core=0", "--",
            "/usr/bin/setpriv", $"--reuid={s.Uid}", $"--regid={s.Uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
            "/usr/bin/bwrap",
            "--die-with-parent", "--new-session",
            "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", s.Hostname,
            "--ro-bind", "/usr", "/usr",
            "--tmpfs", "/usr/bin",
            "--tmpfs", "/usr/sbin",
            "--tmpfs", "/usr/local",
        ]);
        foreach (var path in client is null ? ExecAllowList.Paths : [])
        {
            // Bind the final target: Debian reaches some tools (nc, sh) through symlinks whose targets are hidden.
            argv.AddRange(["--ro-bind-try", HostTarget(path), path]);
        }

        if (terminalPath is not null)
        {
            argv.AddRange(["--ro-bind", HostTarget("/usr/bin/setsid"), SandboxSetsid]);
        }

        foreach (var (inSandbox, onHost) in s.ImagePrograms ?? new Dictionary<string, string>())
        {
            // A program of the pod's image (/agnhost) at its path in the image; missing, it is simply absent.
            argv.AddRange(["--ro-bind-try", onHost, inSandbox]);
        }

        if (client is not null)
        {
            argv.AddRange(["--ro-bind", client.Program, client.SandboxProgram]);
        }

        argv.AddRange(
        [
            "--remount-ro", "/usr/bin",
            "--remount-ro", "/usr/sbin",
            "--remount-ro", "/usr/local",
            "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/sbin", "/sbin",
            "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/lib64", "/lib64",
            "--proc", "/proc",
            "--dev", "/dev",
            "--tmpfs", "/tmp",
            "--dir", "/etc",
            "--ro-bind", Path.Combine(s.PodEtcDirectory, "hosts"), "/etc/hosts",
            "--ro-bind", Path.Combine(s.PodEtcDirectory, "resolv.conf"), "/etc/resolv.conf",
            "--ro-bind", Path.Combine(s.PodEtcDirectory, "hostname"), "/etc/hostname",
            "--ro-bind", Path.Combine(s.SharedEtcDirectory, "passwd"), "/etc/passwd",
            "--ro-bind", Path.Combine(s.SharedEtcDirectory, "group"), "/etc/group",
            "--ro-bind", Path.Combine(s.SharedEtcDirectory, "nsswitch.conf"), "/etc/nsswitch.conf",
            // The pod's service account token, where Kubernetes puts it (the secret of the runtime-security lab).
            "--ro-bind-try", Path.Combine(s.PodEtcDirectory, Dns.LabFiles.ServiceAccountFolder), Dns.LabFiles.ServiceAccountMount,
            // Debian resolves some tools (nc) through /etc/alternatives symlinks into /usr.
            "--ro-bind-try", "/etc/alternatives", "/etc/alternatives",
            "--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
            "--ro-bind-try", "/etc/protocols", "/etc/protocols",
            "--ro-bind-try", "/etc/services", "/etc/services",
            "--ro-bind-try", "/etc/ssl/certs", "/etc/ssl/certs",
        ]);
        foreach (var (host, sandbox) in client?.ReadOnlyFiles ?? [])
        {
            argv.AddRange(["--ro-bind", host, sandbox]);
        }

        argv.AddRange(
        [
            "--chdir", client?.WorkingDirectory ?? "/",
            "--clearenv",
            "--setenv", "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--setenv", "HOME", "/tmp",
            "--setenv", "HOSTNAME", s.Hostname,
            "--setenv", "TERM", "xterm",
            "--cap-drop", "ALL",
        ]);
        foreach (var (key, value) in client?.Environment ?? new Dictionary<string, string>())
        {
            argv.AddRange(["--setenv", key, value]);
        }

        argv.Add("--");
        if (terminalPath is not null)
        {
            argv.AddRange([SandboxSetsid, "--wait", "--ctty"]);
        }

        argv.Add(programPath);
        argv.AddRange(args);
        return argv;
    }

    private static string HostTarget(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
