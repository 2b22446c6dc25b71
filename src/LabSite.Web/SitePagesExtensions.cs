using LabSite.Web.Components;

namespace LabSite.Web;

/// <summary>Registers and maps the server-rendered pages (Razor components, static SSR, no interactivity).</summary>
public static class SitePagesExtensions
{
    public static IServiceCollection AddSitePages(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddAntiforgery(o => o.HeaderName = AntiforgeryHeader.Name);
        return services;
    }

    public static WebApplication MapSitePages(this WebApplication app)
    {
        app.MapRazorComponents<App>();
        return app;
    }
}
