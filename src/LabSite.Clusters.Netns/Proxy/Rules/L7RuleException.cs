namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>An HTTP rule that cannot be enforced; <see cref="FieldPath"/> names the field (e.g. <c>http[0].path</c>).</summary>
public sealed class L7RuleException(string fieldPath, string message) : Exception($"{fieldPath}: {message}")
{
    public string FieldPath { get; } = fieldPath;
}
