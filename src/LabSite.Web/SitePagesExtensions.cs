using LabSite.Web.Components;
using LabSite.Web.Home;

namespace LabSite.Web;

/// <summary>Registers and maps the server-rendered pages (Razor components: static SSR by default; components that opt in run InteractiveServer).</summary>
public static class SitePagesExtensions
{
    public static IServiceCollection AddSitePages(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddAntiforgery(o => o.HeaderName = AntiforgeryHeader.Name);
        services.AddScoped<HomeDashboardReader>();
        return services;
    }

    public static WebApplication MapSitePages(this WebApplication app)
    {
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
