namespace LabSite.Web.Workshops;

/// <summary>Bounds on what strangers and instructors may type; each is checked with a message naming the field.</summary>
public static class WorkshopLimits
{
    public const int TitleLength = 200;
    public const int DisplayNameLength = 60;
    public const int EmailLength = 254;
    public const int MaxSeats = 500;
    public const int MaxLabs = 20;
    public const int BroadcastLength = 500;
    public const int WebhookUrlLength = 2000;

    /// <summary>The most time an instructor adds in one go (minutes), for one attendee or the room.</summary>
    public const int MaxExtendMinutes = 8 * 60;
}
