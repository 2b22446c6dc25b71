using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LabSite.Clusters.Netns.Tests.Proxy.Support;

/// <summary>
/// A real HTTP server (Kestrel) standing in for the Death Star: answers the demo's two calls like the starwars
/// image, echoes anything else (method, path, X- headers, body) so tests see what the proxy forwarded, and
/// counts the TCP connections it got.
/// </summary>
public sealed class KestrelUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte> _connectionIds = new();

    private KestrelUpstream(WebApplication app) => this._app = app;

    public IPEndPoint EndPoint { get; private set; } = null!;

    public int ConnectionCount => _connectionIds.Count;

    public static async Task<KestrelUpstream> StartAsync(IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(address ?? IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http1);
            k.AllowSynchronousIO = false;
        });
        var app = builder.Build();
        var upstream = new KestrelUpstream(app);
        app.Use(async (ctx, next) =>
        {
            upstream._connectionIds.TryAdd(ctx.Connection.Id, 0);
            await next(ctx);
        });
        app.MapPost("/v1/request-landing", () => Results.Text("Ship landed\n"));
        app.MapPut("/v1/exhaust-port", () => Results.Text("Panic: deathstar exploded\n"));
        app.MapGet("/chunked", async (HttpContext ctx) =>
        {
            // No Content-Length and two flushes: Kestrel sends Transfer-Encoding: chunked.
            await ctx.Response.WriteAsync("part one,");
            await ctx.Response.Body.FlushAsync();
            await ctx.Response.WriteAsync("part two");
        });
        app.MapFallback(Echo);
        await app.StartAsync();
        var address0 = app.Urls.Single();
        upstream.EndPoint = IPEndPoint.Parse(new Uri(address0).Authority);
        return upstream;
    }

    private static async Task Echo(HttpContext ctx)
    {
        using var body = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(body);
        var sb = new StringBuilder()
            .Append(ctx.Request.Method).Append(' ').Append(ctx.Request.Path).Append(ctx.Request.QueryString).Append('\n');
        foreach (var h in ctx.Request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.OrdinalIgnoreCase)).OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            sb.Append(h.Key).Append(": ").Append(h.Value.ToString()).Append('\n');
        }

        sb.Append("expect=").Append(ctx.Request.Headers.Expect.ToString()).Append('\n');
        sb.Append("body=").Append(Encoding.UTF8.GetString(body.ToArray()));
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        ctx.Response.ContentType = "text/plain";
        ctx.Response.ContentLength = bytes.Length;
        await ctx.Response.Body.WriteAsync(bytes);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
