using LabSite.Web.Data;
using LabSite.Web.Exams.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LabSite.Web.Exams;

/// <summary>Registers the exam area (bank, attempts, reviews, its database context) and maps its actions.</summary>
public static class ExamsExtensions
{
    public static IServiceCollection AddExams(this IServiceCollection services, SiteOptions options)
    {
        services.AddOptions<ExamOptions>().BindConfiguration(nameof(ExamOptions));
        // Same database file as the site, own history table: the two areas migrate independently.
        services.AddDbContext<ExamDbContext>(o => o.UseSqlite(
            DataExtensions.SqliteConnectionString(options.DataDirectory),
            sqlite => sqlite.MigrationsHistoryTable(ExamDbContext.MigrationsHistoryTable)));
        services.AddSingleton<ExamBankSource>();
        services.AddScoped<ExamAttemptStore>();
        services.AddScoped<ExamReviewStore>();
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>Brings the exam tables up to date, then maps the exam actions (the pages are routed Razor components).</summary>
    public static WebApplication MapExamEndpoints(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<SiteOptions>();
        Directory.CreateDirectory(options.DataDirectory);
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<ExamDbContext>().Database.Migrate();
        }
        ExamEndpoints.Map(app);
        return app;
    }
}
