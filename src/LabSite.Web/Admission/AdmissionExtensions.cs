using System.Globalization;
using System.Net;
using LabSite.Web.Learners;

namespace LabSite.Web.Admission;

/// <summary>Registers admission control, records each learner's client, and answers a refused or queued request readably.</summary>
public static class AdmissionExtensions
{
    public static IServiceCollection AddClusterAdmission(this IServiceCollection services)
    {
        services.AddOptions<AdmissionOptions>().BindConfiguration(nameof(AdmissionOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LearnerClients>();
        services.AddSingleton<ClusterAdmission>();
        return services;
    }

    /// <summary>
    /// After the learner cookie: notes which client the learner came from, and turns a <see cref="ClusterAdmissionException"/>
    /// from any endpoint (the Check form without JavaScript) into 429 (refused) or 503 (in line) with Retry-After and a page.
    /// </summary>
    public static IApplicationBuilder UseClusterAdmission(this IApplicationBuilder app)
    {
        var clients = app.ApplicationServices.GetRequiredService<LearnerClients>();
        return app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal)
                && ClientKey.From(context.Connection.RemoteIpAddress) is { } client)
            {
                clients.Record(context.GetLearnerId(), client);
            }
            try
            {
                await next(context);
            }
            catch (ClusterAdmissionException e) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, e.Decision);
            }
        });
    }

    /// <summary>The answer for a request whose cluster cannot start now: status, Retry-After and a short HTML page.</summary>
    public static async Task WriteAsync(HttpContext context, AdmissionDecision decision)
    {
        var queued = decision.Outcome == AdmissionOutcome.Queued;
        var retry = queued ? TimeSpan.FromSeconds(10) : decision.RetryAfter;
        context.Response.Clear();
        context.Response.StatusCode = queued ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/html; charset=utf-8";
        var title = queued ? $"You are number {decision.Position} in line" : "Too many lab clusters";
        var back = context.Request.RouteValues.TryGetValue("labId", out var lab) && lab is string labId
            ? $"<p><a href=\"/labs/{WebUtility.UrlEncode(labId)}\">Back to the lab</a> (it shows your place in line).</p>" : "";
        await context.Response.WriteAsync(
            $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>" +
            $"<body><main><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(ClusterAdmissionException.Describe(decision))}</p>{back}</main></body></html>");
    }
}
