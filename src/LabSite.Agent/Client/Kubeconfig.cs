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
}
