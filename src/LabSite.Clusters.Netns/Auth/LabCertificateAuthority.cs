using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LabSite.Clusters.Contract.Inspection;

namespace LabSite.Clusters.Netns.Auth;

/// <summary>
/// A lab's own certificate authority, standing in for SPIRE: generated with the lab, it issues each identity an
/// X.509-SVID (ECDSA P-256, URI SAN <c>spiffe://spiffe.cilium/identity/ID</c>, client and server use) that lives
/// <see cref="Lifetime"/>, reissued when half of it has passed. A revoked identity gets no certificate until it is
/// re-created (SPIRE: its registration entry deleted, then created again). Only this lab trusts this CA, so another
/// lab's certificates are refused. Thread-safe.
/// </summary>
public sealed class LabCertificateAuthority : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ECDsa _key;
    private readonly Dictionary<uint, X509Certificate2> _issued = [];
    private readonly HashSet<uint> _revoked = [];

    public LabCertificateAuthority(string labName, TimeSpan lifetime)
    {
        if (lifetime < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, "certificate lifetime must be at least one second");
        }
        Lifetime = lifetime;
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=LabSite lab {labName} SPIFFE CA, O=LabSite", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri("spiffe://" + SpireEntryModel.TrustDomain));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        // The root outlives every certificate it signs; a lab lives hours, not days.
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
    }

    /// <summary>The CA certificate (public part): the trust bundle both ends of a handshake verify against.</summary>
    public X509Certificate2 Certificate { get; }

    public TimeSpan Lifetime { get; }

    /// <summary>The first identity that gets certificates: Cilium's first allocated identity (below it are the reserved ones).</summary>
    public const uint FirstIssuedIdentity = 256;

    /// <summary>Identities that hold a certificate now, with its expiry.</summary>
    public IReadOnlyList<(uint Identity, DateTimeOffset NotAfter)> Issued()
    {
        lock (_lock)
        {
            return _issued.Select(kv => (kv.Key, new DateTimeOffset(kv.Value.NotAfter.ToUniversalTime()))).OrderBy(x => x.Key).ToList();
        }
    }

    public bool IsRevoked(uint identity)
    {
        lock (_lock)
        {
            return _revoked.Contains(identity);
        }
    }

    /// <summary>The identity's current certificate with its private key, or null when the identity is revoked.</summary>
    public X509Certificate2? CertificateFor(uint identity)
    {
        lock (_lock)
        {
            // Reserved identities (host, world, ...) have no SPIRE entry in Cilium either: nothing to authenticate as.
            if (_revoked.Contains(identity) || identity < FirstIssuedIdentity)
            {
                return null;
            }
            var now = DateTime.UtcNow;
            if (_issued.TryGetValue(identity, out var cert) && (cert.NotAfter.ToUniversalTime() - now) > Lifetime / 2)
            {
                return cert;
            }
            var fresh = Issue(identity);
            _issued[identity] = fresh;
            return fresh;
        }
    }

    /// <summary>Withdraws the identity's certificate; true when it was not revoked already.</summary>
    public bool Revoke(uint identity)
    {
        lock (_lock)
        {
            _issued.Remove(identity);
            return _revoked.Add(identity);
        }
    }

    /// <summary>Lets the identity be issued certificates again; true when it was revoked.</summary>
    public bool Restore(uint identity)
    {
        lock (_lock)
        {
            return _revoked.Remove(identity);
        }
    }

    private X509Certificate2 Issue(uint identity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=SPIRE, CN={identity}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // serverAuth, clientAuth
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(SpireEntryModel.SpiffeIdOf(identity)));
        request.CertificateExtensions.Add(san.Build(critical: true));
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var signed = request.Create(Certificate, now.AddSeconds(-30), now + Lifetime, serial);
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The SPIFFE ID (URI SAN) of a certificate, or null when it has none or several.</summary>
    public static string? SpiffeIdOf(X509Certificate2 cert)
    {
        var uris = new List<string>();
        foreach (var ext in cert.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            try
            {
                // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier is [6] IA5String (.NET lists only DNS and IP).
                var names = new AsnReader(ext.RawData, AsnEncodingRules.DER).ReadSequence();
                var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
                while (names.HasData)
                {
                    if (names.PeekTag() == uriTag)
                    {
                        uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                    }
                    else
                    {
                        names.ReadEncodedValue();
                    }
                }
            }
            catch (AsnContentException)
            {
                return null;
            }
        }
        return uris.Count == 1 ? uris[0] : null;
    }

    /// <summary>
    /// True when <paramref name="cert"/> chains to this CA alone (no system roots), is valid now, and names an identity
    /// that is not revoked; <paramref name="identity"/> is the identity its SPIFFE ID names.
    /// </summary>
    public bool Verify(X509Certificate2 cert, out uint identity, out string? error)
    {
        identity = 0;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = DateTime.Now;
        if (!chain.Build(cert))
        {
            error = "certificate does not chain to this lab's CA: " + string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
            return false;
        }
        if (SpireEntryModel.IdentityOf(SpiffeIdOf(cert)) is not { } id)
        {
            error = $"certificate has no SPIFFE ID of the form {SpireEntryModel.SpiffeIdOf(0)[..^1]}N";
            return false;
        }
        identity = id;
        if (id < FirstIssuedIdentity)
        {
            error = $"identity {id} is reserved and has no certificate";
            return false;
        }
        if (IsRevoked(id))
        {
            error = $"identity {id} is revoked";
            return false;
        }
        error = null;
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var c in _issued.Values)
            {
                c.Dispose();
            }
            _issued.Clear();
        }
        Certificate.Dispose();
        _key.Dispose();
    }
}
