using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace LabSite.Agent.Server.KubeApi;

/// <summary>
/// The loopback listener's TLS certificate: self-signed for 127.0.0.1, made at agent start and handed out in
/// kubeconfigs as their certificate authority (kubectl sends bearer tokens over TLS only). It also issues each lab's
/// in-cluster certificate (<see cref="IssueInCluster"/>), so one authority serves both addresses.
/// </summary>
public sealed class KubeApiCertificate
{
    public KubeApiCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=labsite-agent", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        // Kestrel on Linux wants the key in an exportable form; a PKCS#12 round trip gives it that.
        Certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// The certificate of a lab's in-cluster API: the kubernetes Service address and names, as kube-apiserver's serving
    /// certificate carries them, signed by <see cref="Certificate"/>.
    /// </summary>
    public X509Certificate2 IssueInCluster(IPAddress serviceIp)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(serviceIp);
        foreach (var name in InClusterNames)
        {
            names.AddDnsName(name);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var notAfter = Certificate.NotAfter.ToUniversalTime().AddMinutes(-1);
        using var signed = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        using var withKey = signed.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The DNS names of the <c>kubernetes</c> Service that in-cluster clients use.</summary>
    public static readonly IReadOnlyList<string> InClusterNames =
        ["kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"];

    /// <summary>The certificate as a kubeconfig's <c>certificate-authority-data</c> (base64 of its PEM).</summary>
    public string AuthorityData => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Certificate.ExportCertificatePem()));
}
