using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Netns;
using LabSite.Clusters.Netns.Kernel;

namespace LabSite.NetnsBench;

/// <summary>
/// Debian's nginx (installed by <c>scripts/setup.sh test</c>) as the reverse proxy a user would otherwise pick, run
/// for one benchmark in a lab's node namespace: its own generated config, pid, logs and temp folders under a fresh
/// directory, <c>daemon off</c>, killed with the benchmark. Never the host's nginx service.
/// </summary>
public sealed class NginxReference : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private NginxReference(Process process, string directory, IPEndPoint listen) =>
        (_process, _directory, Listen) = (process, directory, listen);

    /// <summary>Where pods reach it: the node's address.</summary>
    public IPEndPoint Listen { get; }

    /// <summary>
    /// Starts nginx in <paramref name="nodeNetns"/> listening on <paramref name="listen"/>, proxying every request to
    /// <paramref name="upstream"/> over kept-alive HTTP/1.1 connections (as our proxy reuses its upstream
    /// connection), with one worker per core and no access log. Returns once it accepts connections.
    /// </summary>
    public static async Task<NginxReference> StartAsync(string nodeNetns, IPEndPoint listen, IPEndPoint upstream)
    {
        const string binary = "/usr/sbin/nginx";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is missing: run scripts/setup.sh test (it installs Debian's nginx for benchmarks)");
        }

        var dir = Directory.CreateTempSubdirectory("labsite-bench-nginx-").FullName;
        foreach (var temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            Directory.CreateDirectory(Path.Combine(dir, temp));
        }

        var config = Path.Combine(dir, "nginx.conf");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $$"""
            daemon off;
            master_process on;
            worker_processes auto;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{dir}}/client_body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              upstream deathstar { server {{upstream}}; keepalive 32; }
              server {
                listen {{listen}};
                location / {
                  proxy_pass http://deathstar;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                }
              }
            }
            """));
        var start = new ProcessStartInfo("nsenter", [$"--net={LabNames.NetnsPath(nodeNetns)}", binary, "-p", dir, "-c", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var nginx = new NginxReference(process, dir, listen);
        var sw = Stopwatch.StartNew();
        while (!await nginx.AnswersAsync(nodeNetns))
        {
            if (process.HasExited || sw.Elapsed > TimeSpan.FromSeconds(10))
            {
                var log = File.Exists(Path.Combine(dir, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "error.log")) : "";
                await nginx.DisposeAsync();
                throw new InvalidOperationException($"nginx did not listen on {listen} within 10 s: {await process.StandardError.ReadToEndAsync()} {log}");
            }

            await Task.Delay(50);
        }

        return nginx;
    }

    private async Task<bool> AnswersAsync(string nodeNetns)
    {
        using var s = await NetnsThread.RunAsync(LabNames.NetnsPath(nodeNetns), () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await s.ConnectAsync(Listen);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
