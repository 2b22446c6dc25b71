namespace LabSite.Clusters.Netns.Proxy.Http;

/// <summary>Parser limits. The defaults match the brief (Envoy's own defaults are close: 60 KiB headers).</summary>
public sealed record HttpLimits
{
    /// <summary>Longest request line, status line, header line or chunk-size line, in bytes (CRLF excluded).</summary>
    public int MaxLineBytes { get; init; } = 8 * 1024;

    /// <summary>Largest head (start line plus all header lines), in bytes; more gets 431.</summary>
    public int MaxHeadBytes { get; init; } = 64 * 1024;

    /// <summary>Most header fields in one head; more gets 431.</summary>
    public int MaxHeaderCount { get; init; } = 200;

    public static readonly HttpLimits Default = new();
}
