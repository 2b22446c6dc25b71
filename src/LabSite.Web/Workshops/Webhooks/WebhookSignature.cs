using System.Security.Cryptography;
using System.Text;

namespace LabSite.Web.Workshops.Webhooks;

/// <summary>
/// Signs a webhook body as GitHub does: <c>X-LabSite-Signature-256: sha256=HEX</c>, the HMAC-SHA256 of the exact body
/// bytes under the event's secret. Receivers compute the same and compare in constant time (<see cref="Verify"/>).
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-LabSite-Signature-256";
    public const string DeliveryHeader = "X-LabSite-Delivery";
    public const string EventHeader = "X-LabSite-Event";
    public const string TimestampHeader = "X-LabSite-Timestamp";

    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static bool Verify(string secret, byte[] body, string? header) =>
        header is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, body)), Encoding.ASCII.GetBytes(header));

    /// <summary>A new per-event secret: 32 random bytes, hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Null when <paramref name="url"/> is an absolute http(s) URL without credentials that fits; else what is wrong.</summary>
    public static string? CheckUrl(string url)
    {
        if (url.Length > WorkshopLimits.WebhookUrlLength)
        {
            return $"url: longer than {WorkshopLimits.WebhookUrlLength} characters";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return $"url: \"{url}\" is not an absolute http:// or https:// URL";
        }
        return uri.UserInfo.Length > 0 ? "url: must not carry a user name or password (the signature authenticates the site)" : null;
    }
}
