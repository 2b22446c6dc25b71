using Microsoft.AspNetCore.Http.HttpResults;

namespace LabSite.Web.Labs;

/// <summary>
/// <c>GET /labs/{id}/files/{path}</c>: a file the lab ships (a manifest, a policy), shown as text in the browser.
/// Only paths in the lab's file list are served, so nothing outside the lab folder is reachable.
/// </summary>
public static class LabFileEndpoints
{
    private static readonly Dictionary<string, string> s_imageTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
    };

    public static IEndpointRouteBuilder MapLabFileEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/labs/{labId}/files/{**path}", GetFile).WithName("LabFile");
        return app;
    }

    private static Results<PhysicalFileHttpResult, NotFound> GetFile(HttpContext context, LabCatalogSource catalog, string labId, string path)
    {
        var file = catalog.Current.Find(labId)?.Files.FirstOrDefault(f => f.RelativePath == path);
        if (file is null || !File.Exists(file.FullPath))
        {
            return TypedResults.NotFound();
        }

        // Manifests and scripts are shown, never run: plain text, and a sandbox in case a file is HTML or SVG.
        context.Response.Headers.ContentSecurityPolicy = "sandbox";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var type = s_imageTypes.GetValueOrDefault(Path.GetExtension(path), "text/plain; charset=utf-8");
        return TypedResults.PhysicalFile(file.FullPath, type);
    }
}
