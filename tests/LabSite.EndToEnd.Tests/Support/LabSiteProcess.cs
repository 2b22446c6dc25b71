using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LabSite.EndToEnd.Tests.Support;

/// <summary>
/// A real <c>labsite serve</c> process (the build next to these tests) on a free loopback port with a fresh
/// data folder. Output is captured so a failed start says why. Also linked into bench/LabSite.TerminalBench.
/// </summary>
public sealed class LabSiteProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string> _netnsEnvironment;

    private LabSiteProcess(Process process, Uri baseAddress, string dataDirectory, IReadOnlyDictionary<string, string> netnsEnvironment)
    {
        this._process = process;
        this._netnsEnvironment = netnsEnvironment;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's process id (benchmarks read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    public string DataDirectory { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the site; <paramref name="environment"/> adds settings (e.g. <c>NetnsOptions__MaxClusters</c>).</summary>
    public static async Task<LabSiteProcess> StartAsync(string contentDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreeLoopbackPort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var data = Path.Combine(Path.GetTempPath(), "labsite-e2e-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "serve", "--urls", baseAddress.ToString().TrimEnd('/'),
                "--content", contentDirectory, "--data", data,
                // Its own agent, socket, name prefix and roots: other test processes run agents and clean up after them.
                "--agent", "inprocess", "--agent-socket", Path.Combine(data, "agent.sock"),
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var prefix = "e" + Guid.NewGuid().ToString("N")[..6];
        var netns = new Dictionary<string, string>
        {
            ["NetnsOptions__NamePrefix"] = prefix,
            ["NetnsOptions__BpffsRoot"] = $"/sys/fs/bpf/labsite-{prefix}",
            ["NetnsOptions__CgroupRoot"] = $"/sys/fs/cgroup/unified/labsite-{prefix}",
            ["NetnsOptions__RunDirectory"] = $"/run/labsite-{prefix}",
            // Every browser and benchmark client comes from 127.0.0.1: the per-client limit and the capacity are
            // admission's own tests' business, not these (a caller's environment can still set them).
            ["AdmissionOptions__PerClientLimit"] = "100000",
            ["AdmissionOptions__MemoryBudgetMiB"] = "1000000",
        };
        foreach (var (key, value) in netns.Concat(environment ?? new Dictionary<string, string>()))
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet labsite.dll");
        var site = new LabSiteProcess(process, baseAddress, data, netns);
        process.OutputDataReceived += (_, e) => site.Append(e.Data);
        process.ErrorDataReceived += (_, e) => site.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await site.WaitHealthyAsync();
        return site;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await CollectLabGarbageAsync();
        if (Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>
    /// The killed server leaves its learners' lab clusters behind, as a crash would: an agent with the same prefix and
    /// roots garbage-collects them when it starts (before it serves its socket), then is stopped.
    /// </summary>
    private async Task CollectLabGarbageAsync()
    {
        var socket = Path.Combine(DataDirectory, "gc.sock");
        var start = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "agent", "--socket", socket }, UseShellExecute = false };
        foreach (var (key, value) in _netnsEnvironment)
        {
            start.Environment[key] = value;
        }
        using var agent = Process.Start(start)!;
        for (var attempt = 0; attempt < 100 && !File.Exists(socket) && !agent.HasExited; attempt++)
        {
            await Task.Delay(200);
        }
        if (!agent.HasExited)
        {
            agent.Kill(entireProcessTree: true);
            await agent.WaitForExitAsync();
        }
        // The run's own roots, once the collector has emptied them (one that is not empty is left for a human to see).
        // A cgroup folder always lists its control files; it is empty when it has no child cgroups.
        foreach (var key in new[] { "NetnsOptions__BpffsRoot", "NetnsOptions__CgroupRoot", "NetnsOptions__RunDirectory" })
        {
            if (_netnsEnvironment.TryGetValue(key, out var root) && Directory.Exists(root)
                && !(key == "NetnsOptions__CgroupRoot" ? Directory.EnumerateDirectories(root) : Directory.EnumerateFileSystemEntries(root)).Any())
            {
                Directory.Delete(root);
            }
        }
    }

    /// <summary>Polls /healthz (bounded: 60 tries, 500 ms apart); fails with the server's output if it never answers.</summary>
    private async Task WaitHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 60; attempt++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"labsite serve exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy to answer within the client's timeout (CI shares 2 cores).
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"labsite serve did not become healthy at {BaseAddress}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
