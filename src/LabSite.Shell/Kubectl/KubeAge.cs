using System.Globalization;
using LabSite.Clusters.Contract;

namespace LabSite.Shell.Kubectl;

/// <summary>kubectl's AGE column (apimachinery <c>duration.HumanDuration</c>): <c>45s</c>, <c>3m20s</c>, <c>42m</c>, <c>5h10m</c>, <c>3d4h</c>.</summary>
public static class KubeAge
{
    // One implementation of kubectl's HumanDuration serves the CLI tables and the lab shell.
    public static string Format(TimeSpan d) => Shell.Kubectl.HumanDuration.Format(d);

    /// <summary>The age of an object from its <c>metadata.creationTimestamp</c>; <c>&lt;unknown&gt;</c> when it has none.</summary>
    public static string Of(KubeObject obj, DateTimeOffset now) =>
        DateTimeOffset.TryParse((string?)obj.Json["metadata"]?["creationTimestamp"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? Format(now - created)
            : "<unknown>";
}
