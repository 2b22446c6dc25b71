namespace LabSite.Clusters.Netns.Store.Manifests;

/// <summary>YAML that is not well formed; the message is kubectl's, with the line.</summary>
public sealed class ManifestParseException(string message, int line) : Exception(message)
{
    public int Line { get; } = line;
}
