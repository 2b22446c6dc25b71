using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace LabSite.Benchmarks.L7Proxy;

/// <summary>The benchmark's upstream: Kestrel answering every request with the Death Star's landing line.</summary>
internal static class Upstream
{
    public static async Task<int> ServeAsync(IPEndPoint endPoint)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endPoint, o => o.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        app.Run(ctx =>
        {
            ctx.Response.ContentType = "text/plain";
            ctx.Response.ContentLength = 12;
            return ctx.Response.WriteAsync("Ship landed\n");
        });
        await app.RunAsync();
        return 0;
    }
}
