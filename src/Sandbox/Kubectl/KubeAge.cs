namespace LabSite.Sandbox.Kubectl;

using System.Globalization;

/// <summary>kubectl's AGE column (apimachinery <c>duration.HumanDuration</c>): <c>45s</c>, <c>3m20s</c>, <c>42m</c>, <c>5h10m</c>, <c>3d4h</c>.</summary>
public static class KubeAge
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 60 * 2)
        {
            return $"{seconds}s";
        }
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }
        if (minutes < 60 * 3)
        {
            return $"{minutes}m";
        }
        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }
        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }
        var days = hours / 24;
        if (hours < 24 * 365 * 8)
        {
            var dy = days % 365;
            return dy == 0 ? $"{days / 365}y" : $"{days / 365}y{dy}d";
        }
        return $"{days / 365}y";
    }

    /// <summary>The age of an object from its <c>metadata.creationTimestamp</c>; <c>&lt;unknown&gt;</c> when it has none.</summary>
    public static string Of(KubeObject obj, DateTimeOffset now) =>
        DateTimeOffset.TryParse((string?)obj.Json["metadata"]?["creationTimestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? Format(now - created)
            : "<unknown>";
}
