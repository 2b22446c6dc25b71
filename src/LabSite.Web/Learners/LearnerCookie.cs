namespace LabSite.Web.Learners;

/// <summary>
/// Reads and issues the learner cookie. <see cref="GetLearnerId"/> works from any endpoint or
/// component; <see cref="UseLearnerIdentity"/> makes sure the first response already carries it.
/// </summary>
public static class LearnerCookie
{
    public const string Name = "labsite-learner";

    private static readonly object s_itemKey = new();

    /// <summary>
    /// The current learner. Creates the identity (and queues its cookie) on a first visit, so a
    /// caller never sees "no learner". Once the response has started, a new id cannot be stored;
    /// the middleware below runs first so that only happens to callers outside the pipeline.
    /// </summary>
    public static LearnerId GetLearnerId(this HttpContext context)
    {
        if (context.Items.TryGetValue(s_itemKey, out var cached) && cached is LearnerId known)
        {
            return known;
        }

        if (!LearnerId.TryParse(context.Request.Cookies[Name], out var id))
        {
            id = LearnerId.New();
            if (!context.Response.HasStarted)
            {
                context.Response.Cookies.Append(Name, id.ToString(), CookieOptions(context));
            }
        }

        context.Items[s_itemKey] = id;
        return id;
    }

    /// <summary>Makes this browser the learner <paramref name="id"/> (a workshop attendee's own id) from the next request on.</summary>
    public static void SetLearnerId(this HttpContext context, LearnerId id)
    {
        context.Response.Cookies.Append(Name, id.ToString(), CookieOptions(context));
        context.Items[s_itemKey] = id;
    }

    /// <summary>
    /// Issues the learner cookie on the first visit, before anything writes the response. Health probes are
    /// not learners: they get no cookie.
    /// </summary>
    public static IApplicationBuilder UseLearnerIdentity(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/healthz", StringComparison.Ordinal))
            {
                context.GetLearnerId();
            }

            return next(context);
        });

    private static CookieOptions CookieOptions(HttpContext context) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        // Secure only where the site is served over TLS; plain loopback http must keep working.
        Secure = context.Request.IsHttps,
        IsEssential = true,
        MaxAge = TimeSpan.FromDays(365),
        Path = "/",
    };
}
