namespace LabSite.Agent.Client;

/// <summary>A kubeconfig for one lab's Kubernetes API: one cluster, user and context, all named after the lab, current.</summary>
public static class Kubeconfig
{
    public static string For(string lab, KubernetesAccess access) =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {lab}
          cluster:
            server: "{access.Server}"
            certificate-authority-data: {access.CertificateAuthorityData}
        users:
        - name: {lab}
          user:
            token: "{access.Token}"
        contexts:
        - name: {lab}
          context:
            cluster: {lab}
            user: {lab}
            namespace: default
        current-context: {lab}

        """;

    /// <summary>
    /// A kubeconfig for the clusters of a Cluster Mesh: one cluster, user and context per mesh cluster, named by its
    /// cluster name (as <c>kubectl --context west</c> expects), with <paramref name="current"/> current.
    /// </summary>
    public static string ForMesh(string current, IReadOnlyList<(string Context, KubernetesAccess Access)> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        var w = new System.Text.StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n");
        foreach (var (name, access) in clusters)
        {
            w.Append($"- name: {name}\n  cluster:\n    server: \"{access.Server}\"\n    certificate-authority-data: {access.CertificateAuthorityData}\n");
        }
        w.Append("users:\n");
        foreach (var (name, access) in clusters)
        {
            w.Append($"- name: {name}\n  user:\n    token: \"{access.Token}\"\n");
        }
        w.Append("contexts:\n");
        foreach (var (name, _) in clusters)
        {
            w.Append($"- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n");
        }
        w.Append($"current-context: {current}\n");
        return w.ToString();
    }
}
