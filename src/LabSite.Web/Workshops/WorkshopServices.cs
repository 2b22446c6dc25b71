using LabSite.Web.Data;
using LabSite.Web.Workshops.Data;

namespace LabSite.Web.Workshops;

/// <summary>The workshop store outside the site (the <c>labsite workshop</c> CLI): same registration, same migrations.</summary>
public static class WorkshopServices
{
    public static ServiceProvider Build(SiteOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddDataProtection();
        services.AddLabSiteData(options);
        services.AddWorkshops(options);
        var provider = services.BuildServiceProvider();
        provider.MigrateLabSiteDatabase(options);
        provider.MigrateWorkshopDatabase(options);
        return provider;
    }
}
