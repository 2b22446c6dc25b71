using LabSite.Web.Workshops.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace LabSite.Web.Workshops;

/// <summary>Instructor sign-up (first-run admin or invite), sign-in with lockout, sign-out, and the staff-only export.</summary>
public static class InstructorEndpoints
{
    public const string StaffPolicy = "workshop-staff";
    public const string SignInPath = "/instructors/signin";

    public static IServiceCollection AddInstructorAuth(this IServiceCollection services)
    {
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies(c => c.ApplicationCookie?.Configure(o =>
        {
            o.LoginPath = SignInPath;
            o.AccessDeniedPath = SignInPath;
            o.Cookie.Name = "labsite-instructor";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
        }));
        services.AddAuthorizationBuilder().AddPolicy(StaffPolicy, p => p.RequireRole(InstructorAccounts.Roles.ToArray()));
        services.AddCascadingAuthenticationState();
        return services;
    }

    public static WebApplication MapInstructorEndpoints(this WebApplication app)
    {
        app.MapPost("/instructors/setup", SetupAsync).RequireRateLimiting(WorkshopEndpoints.InstructorFormsRateLimit);
        app.MapPost("/instructors/redeem", RedeemAsync).RequireRateLimiting(WorkshopEndpoints.InstructorFormsRateLimit);
        app.MapPost(SignInPath, SignInAsync).RequireRateLimiting(WorkshopEndpoints.InstructorFormsRateLimit);
        app.MapPost("/instructors/signout", async (SignInManager<InstructorUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.Redirect("/");
        }).RequireAuthorization(StaffPolicy);
        app.MapGet("/workshops/{id}/export.csv", ExportAsync).RequireAuthorization(StaffPolicy);
        return app;
    }

    private static async Task<IResult> SetupAsync([FromForm] string? email, [FromForm] string? password, InstructorAccounts accounts, SignInManager<InstructorUser> signIn, CancellationToken ct)
    {
        var outcome = await accounts.CreateFirstAdminAsync(email ?? "", password ?? "", ct);
        return await SignedInOrRefused(outcome, signIn);
    }

    private static async Task<IResult> RedeemAsync([FromForm] string? token, [FromForm] string? email, [FromForm] string? password, InstructorAccounts accounts, SignInManager<InstructorUser> signIn, CancellationToken ct)
    {
        var outcome = await accounts.RedeemAsync(token, email ?? "", password ?? "", ct);
        return await SignedInOrRefused(outcome, signIn);
    }

    private static async Task<IResult> SignedInOrRefused(InstructorAccounts.Outcome outcome, SignInManager<InstructorUser> signIn)
    {
        if (outcome.User is not { } user)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Cannot create the account", detail: string.Join("; ", outcome.Errors));
        }
        await signIn.SignInAsync(user, isPersistent: false);
        return TypedResults.Redirect("/workshops");
    }

    private static async Task<IResult> SignInAsync([FromForm] string? email, [FromForm] string? password, SignInManager<InstructorUser> signIn)
    {
        var result = await signIn.PasswordSignInAsync(email ?? "", password ?? "", isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            return TypedResults.Redirect("/workshops");
        }
        return result.IsLockedOut
            ? TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Account locked", detail: "too many failed sign-ins; try again in 15 minutes")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Cannot sign in", detail: "email or password: no account matches");
    }

    private static async Task<IResult> ExportAsync(string id, WorkshopExport export, CancellationToken ct)
    {
        var csv = await export.CsvAsync(id, ct);
        return csv is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such workshop", detail: $"no workshop has the id {id}")
            : TypedResults.Text(csv, "text/csv; charset=utf-8");
    }
}
