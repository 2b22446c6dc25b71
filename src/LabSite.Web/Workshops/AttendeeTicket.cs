using Microsoft.AspNetCore.DataProtection;

namespace LabSite.Web.Workshops;

/// <summary>Who this browser is in a workshop: read from a cookie signed and encrypted by ASP.NET Data Protection.</summary>
public sealed record AttendeeTicket(string WorkshopId, string AttendeeId)
{
    public const string CookieName = "labsite-attendee";

    // The purpose string binds tickets to this use: a value protected for anything else does not unprotect here.
    private const string Purpose = "LabSite.Workshops.AttendeeTicket.v1";

    public string Protect(IDataProtectionProvider provider) =>
        provider.CreateProtector(Purpose).Protect($"{WorkshopId}:{AttendeeId}");

    /// <summary>The ticket in <paramref name="cookie"/>, or null when it is missing, forged, tampered or from another site's keys.</summary>
    public static AttendeeTicket? Read(IDataProtectionProvider provider, string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 1024)
        {
            return null;
        }
        try
        {
            var parts = provider.CreateProtector(Purpose).Unprotect(cookie).Split(':');
            return parts is [{ Length: 32 } workshop, { Length: 32 } attendee] ? new AttendeeTicket(workshop, attendee) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    public static AttendeeTicket? FromRequest(HttpContext context) =>
        Read(context.RequestServices.GetRequiredService<IDataProtectionProvider>(), context.Request.Cookies[CookieName]);
}
