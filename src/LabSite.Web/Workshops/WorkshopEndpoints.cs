using System.Threading.RateLimiting;
using LabSite.Web.Admission;
using LabSite.Web.Clusters;
using LabSite.Web.Learners;
using LabSite.Web.Workshops.Data;
using LabSite.Web.Workshops.Room;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LabSite.Web.Workshops;

/// <summary>Attendees joining a workshop: <c>POST /workshops/join</c> (the form on <c>/join</c>), failed attempts limited per client.</summary>
public static class WorkshopEndpoints
{
    public const string JoinRoute = "/workshops/join";

    /// <summary>The rate limit of the instructor forms strangers can post (setup, invite redemption, sign-in).</summary>
    public const string InstructorFormsRateLimit = "instructor-forms";

    /// <summary>Instructor form posts per client address per minute, successful or not.</summary>
    public const int InstructorFormPostsPerMinute = 10;

    public static IServiceCollection AddWorkshops(this IServiceCollection services, SiteOptions options)
    {
        services.AddWorkshopData(options);
        services.AddScoped<WorkshopStore>();
        services.AddScoped<InstructorAccounts>();
        services.AddScoped<WorkshopExport>();
        services.AddSingleton<JoinAttemptGuard>();
        services.AddInstructorAuth();
        services.AddHostedService<WorkshopClusterHolds>();
        services.AddOptions<Webhooks.WebhookOptions>().BindConfiguration(nameof(Webhooks.WebhookOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Progress.ProgressEvents>();
        services.AddSingleton<Webhooks.WebhookLog>();
        services.AddSingleton<Webhooks.WebhookQueue>();
        services.AddSingleton<Webhooks.WebhookSender>();
        services.AddHostedService(sp => sp.GetRequiredService<Webhooks.WebhookSender>());
        services.AddSingleton<Webhooks.WorkshopWebhooks>();
        services.AddHostedService(sp => sp.GetRequiredService<Webhooks.WorkshopWebhooks>());
        services.AddIdentityCore<InstructorUser>(o =>
            {
                // Long passphrases rather than composition rules (NIST SP 800-63B): length is what Identity checks.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddRoles<IdentityRole>()
            .AddSignInManager()
            .AddEntityFrameworkStores<WorkshopDbContext>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(InstructorFormsRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                JoinAttemptGuard.Client(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = InstructorFormPostsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        return services;
    }

    public static WebApplication MapWorkshopEndpoints(this WebApplication app)
    {
        app.MapPost(JoinRoute, JoinAsync);
        app.MapInstructorEndpoints();
        app.MapWorkshopRoomEndpoints();
        return app;
    }

    private static async Task<IResult> JoinAsync(
        HttpContext context, [FromForm] string? code, [FromForm] string? name, [FromForm] string? email,
        WorkshopStore store, ClusterActivity activity, ClusterAdmission admission, IDataProtectionProvider protection, Webhooks.WorkshopWebhooks webhooks,
        JoinAttemptGuard guard, CancellationToken ct)
    {
        var client = JoinAttemptGuard.Client(context);
        if (guard.IsBlocked(client))
        {
            context.Response.Headers.RetryAfter = "60";
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed attempts to join",
                detail: $"This address made {JoinAttemptGuard.FailedAttemptsPerMinute} failed attempts to join in the last minute. Check the code with your instructor and try again in a minute.");
        }
        var result = await store.JoinAsync(code, name, email, AttendeeTicket.FromRequest(context), ct);
        if (result is not { Workshop: { } workshop, Attendee: { } attendee })
        {
            guard.RecordFailure(client);
            return TypedResults.Problem(statusCode: result.Status, title: "Cannot join the workshop", detail: result.Error);
        }
        if (result.Status == StatusCodes.Status201Created)
        {
            webhooks.AttendeeJoined(workshop, attendee);
        }
        // The attendee is a learner of their own: the lab player, terminals, progress and clusters all key on this id.
        LearnerId.TryParse(attendee.LearnerId, out var learner);
        context.SetLearnerId(learner);
        context.Response.Cookies.Append(AttendeeTicket.CookieName, new AttendeeTicket(workshop.Id, attendee.Id).Protect(protection), new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Expires = new DateTimeOffset(DateTime.SpecifyKind(workshop.EndsAt, DateTimeKind.Utc)).AddDays(1),
            Path = "/",
        });
        activity.Hold(learner, DateTime.SpecifyKind(workshop.EndsAt, DateTimeKind.Utc));
        // The attendee's cluster comes from the event's reserved seats at once, not after the next refresh of the holds.
        admission.AddAttendee(learner, workshop.Id, WorkshopClusterHolds.ReservedSeats(workshop));
        return TypedResults.Redirect($"/labs/{workshop.LabIds.Split(',')[0]}");
    }
}
