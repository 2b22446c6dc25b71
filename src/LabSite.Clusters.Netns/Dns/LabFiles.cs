using System.Net;
using System.Text;
using LabSite.Clusters.Netns.Pods;
using LabSite.Clusters.Netns.Services;

namespace LabSite.Clusters.Netns.Dns;

/// <summary>
/// The /etc files exec'd programs see in a pod: hosts (the pod itself and every service under its
/// Kubernetes names, so <c>deathstar</c>, <c>deathstar.default</c> and
/// <c>deathstar.default.svc.cluster.local</c> resolve to the ClusterIP), resolv.conf with the namespace's
/// search path, hostname, and minimal passwd/group/nsswitch. Written to the lab's run directory and
/// bound read-only into each sandbox; rewritten atomically when services change.
/// </summary>
internal static class LabFiles
{
    public const string ClusterDomain = "cluster.local";

    public static string PodDirectory(string labRunDirectory, int podNumber) => Path.Combine(labRunDirectory, "pods", $"p{podNumber}");

    public static string SharedDirectory(string labRunDirectory) => Path.Combine(labRunDirectory, "etc");

    /// <summary>The /etc files of client programs run in the node's namespace (the lab shell's kubectl).</summary>
    public static string NodeDirectory(string labRunDirectory) => Path.Combine(labRunDirectory, "node");

    public static void WriteNode(string labRunDirectory, IPAddress nameserver)
    {
        var dir = NodeDirectory(labRunDirectory);
        Directory.CreateDirectory(dir);
        WriteAtomic(Path.Combine(dir, "hosts"), "127.0.0.1\tlocalhost lab-shell\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        WriteAtomic(Path.Combine(dir, "hostname"), "lab-shell\n");
        WriteAtomic(Path.Combine(dir, "resolv.conf"), $"search default.svc.{ClusterDomain} svc.{ClusterDomain} {ClusterDomain}\nnameserver {nameserver}\noptions ndots:5\n");
    }

    public static void WriteShared(string labRunDirectory, int execUid)
    {
        var dir = SharedDirectory(labRunDirectory);
        Directory.CreateDirectory(dir);
        WriteAtomic(Path.Combine(dir, "passwd"), $"root:x:0:0:root:/root:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nlab:x:{execUid}:{execUid}:lab user:/tmp:/usr/sbin/nologin\n");
        WriteAtomic(Path.Combine(dir, "group"), $"root:x:0:\nnogroup:x:65534:\nlab:x:{execUid}:\n");
        WriteAtomic(Path.Combine(dir, "nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\nservices: files\nprotocols: files\n");
    }

    public static void WritePod(string labRunDirectory, PodRuntime pod, IEnumerable<ServiceSpec> services, IPAddress nameserver)
    {
        var dir = PodDirectory(labRunDirectory, pod.Number);
        Directory.CreateDirectory(dir);
        WriteAtomic(Path.Combine(dir, "hosts"), Hosts(pod, services));
        WriteAtomic(Path.Combine(dir, "hostname"), pod.Spec.Name + "\n");
        var ns = pod.Spec.Namespace;
        WriteAtomic(Path.Combine(dir, "resolv.conf"), $"search {ns}.svc.{ClusterDomain} svc.{ClusterDomain} {ClusterDomain}\nnameserver {nameserver}\noptions ndots:5\n");
        WriteServiceAccount(Path.Combine(dir, ServiceAccountFolder), pod);
    }

    /// <summary>Where a pod's service account files live in its folder (bound at <see cref="ServiceAccountMount"/>).</summary>
    public const string ServiceAccountFolder = "serviceaccount";

    /// <summary>Where Kubernetes mounts a pod's service account token, namespace and CA.</summary>
    public const string ServiceAccountMount = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>
    /// The default service account's files, as the kubelet projects them: a token shaped like the API server's JWT
    /// (header and claims real, signature random: it opens nothing, it is the secret a runtime-security lab guards),
    /// the namespace, and a CA placeholder. Written once per pod, so the token stays the same while the pod lives.
    /// </summary>
    private static void WriteServiceAccount(string dir, PodRuntime pod)
    {
        if (File.Exists(Path.Combine(dir, "token")))
        {
            return;
        }

        Directory.CreateDirectory(dir);
        var ns = pod.Spec.Namespace;
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var claims = $"{{\"aud\":[\"https://kubernetes.default.svc.{ClusterDomain}\"],\"iss\":\"https://kubernetes.default.svc.{ClusterDomain}\","
            + $"\"kubernetes.io\":{{\"namespace\":\"{ns}\",\"pod\":{{\"name\":\"{pod.Spec.Name}\"}},\"serviceaccount\":{{\"name\":\"default\"}}}},"
            + $"\"sub\":\"system:serviceaccount:{ns}:default\"}}";
        var signature = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(256)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        WriteAtomic(Path.Combine(dir, "token"), $"{B64("{\"alg\":\"RS256\",\"kid\":\"labsite\"}")}.{B64(claims)}.{signature}");
        WriteAtomic(Path.Combine(dir, "namespace"), ns);
        WriteAtomic(Path.Combine(dir, "ca.crt"), "# the lab's cluster CA would be here\n");
    }

    public static string Hosts(PodRuntime pod, IEnumerable<ServiceSpec> services)
    {
        var sb = new StringBuilder("# Kubernetes-managed hosts file (labsite netns backend).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
        sb.Append($"{pod.Ip}\t{pod.Spec.Name}\n");
        // Sorted so files (and tests) are stable.
        foreach (var s in services.OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal))
        {
            var fqdn = $"{s.Name}.{s.Namespace}.svc.{ClusterDomain}";
            var names = s.Namespace == pod.Spec.Namespace
                ? $"{fqdn} {s.Name}.{s.Namespace}.svc {s.Name}.{s.Namespace} {s.Name}"
                : $"{fqdn} {s.Name}.{s.Namespace}.svc {s.Name}.{s.Namespace}";
            sb.Append($"{s.ClusterIp}\t{names}\n");
        }

        return sb.ToString();
    }

    private static void WriteAtomic(string path, string content)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, content);
        File.Move(tmp, path, overwrite: true);
    }
}
