using System.Globalization;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace LabSite.Clusters.Netns.Auth;

/// <summary>
/// The two ends of Cilium's mutual-auth handshake (its mtls-spiffe handler), TLS 1.3 only. The client presents its
/// local identity's certificate and names the identity it expects in SNI (<c>ID.spiffe.cilium</c>); the server answers
/// with that identity's certificate and requires the client's. Each end accepts the peer only when its certificate
/// chains to the lab's CA and carries the SPIFFE ID of a current identity: the client the exact identity it asked for.
/// </summary>
public static class MutualTls
{
    public const int Port = 4250;

    /// <summary>SNI naming identity <paramref name="identity"/> (Cilium: <c>ID.spiffe.cilium</c>).</summary>
    public static string ServerName(uint identity) => identity.ToString(CultureInfo.InvariantCulture) + ".spiffe.cilium";

    /// <summary>The identity an SNI names, or null.</summary>
    public static uint? IdentityOfServerName(string? sni) =>
        sni is { Length: < 32 } && sni.EndsWith(".spiffe.cilium", StringComparison.Ordinal)
        && uint.TryParse(sni.AsSpan(0, sni.Length - ".spiffe.cilium".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id : null;

    /// <summary>
    /// The client side on a connected <paramref name="stream"/>: authenticates as <paramref name="localIdentity"/> to the
    /// remote <paramref name="remoteIdentity"/>. Returns the server certificate's expiry; throws
    /// <see cref="AuthenticationException"/> when either end refuses.
    /// </summary>
    public static async Task<DateTimeOffset> ClientAsync(Stream stream, LabCertificateAuthority ca, uint localIdentity, uint remoteIdentity, CancellationToken ct)
    {
        var mine = ca.CertificateFor(localIdentity) ?? throw new AuthenticationException($"identity {localIdentity} has no certificate (revoked)");
        string? refusal = null;
        DateTimeOffset notAfter = default;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = ServerName(remoteIdentity),
                EnabledSslProtocols = SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                LocalCertificateSelectionCallback = (_, _, _, _, _) => mine,
                ClientCertificates = [mine],
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is not X509Certificate2 server)
                    {
                        refusal = "the server presented no certificate";
                        return false;
                    }
                    if (!ca.Verify(server, out var id, out refusal))
                    {
                        return false;
                    }
                    if (id != remoteIdentity)
                    {
                        refusal = $"the server presented identity {id}, not {remoteIdentity}";
                        return false;
                    }
                    notAfter = new DateTimeOffset(server.NotAfter.ToUniversalTime());
                    return true;
                },
            }, ct);
            // TLS 1.3 delivers the server's verdict on our certificate after the client's handshake ends: one read
            // sees the server's close_notify or alert, so a refused client certificate fails here, not later.
            var buffer = new byte[1];
            if (await tls.ReadAsync(buffer, ct) != 0)
            {
                throw new AuthenticationException("the server sent data after the handshake; it only closes");
            }
        }
        catch (AuthenticationException e) when (refusal is not null)
        {
            throw new AuthenticationException(refusal, e);
        }
        catch (IOException e)
        {
            throw new AuthenticationException("the server refused the handshake: " + e.Message, e);
        }
        var mineExpiry = new DateTimeOffset(mine.NotAfter.ToUniversalTime());
        return mineExpiry < notAfter ? mineExpiry : notAfter;
    }

    /// <summary>
    /// The server side on an accepted <paramref name="stream"/>: answers as the identity the client's SNI names and
    /// requires a client certificate of a current identity. Returns the client's SPIFFE ID; throws
    /// <see cref="AuthenticationException"/> when the handshake fails or the client is refused.
    /// </summary>
    public static async Task<string> ServerAsync(Stream stream, LabCertificateAuthority ca, CancellationToken ct)
    {
        string? refusal = null;
        string? clientId = null;
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificateRequired = true,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ServerCertificateSelectionCallback = (_, sni) =>
                    IdentityOfServerName(sni) is { } id && ca.CertificateFor(id) is { } cert
                        ? cert
                        : throw new AuthenticationException($"no certificate for server name \"{Clip(sni)}\""),
                RemoteCertificateValidationCallback = (_, cert, _, _) =>
                {
                    if (cert is not X509Certificate2 client)
                    {
                        refusal = "the client presented no certificate";
                        return false;
                    }
                    if (!ca.Verify(client, out _, out refusal))
                    {
                        return false;
                    }
                    clientId = LabCertificateAuthority.SpiffeIdOf(client);
                    return true;
                },
            }, ct);
        }
        catch (AuthenticationException e) when (refusal is not null)
        {
            throw new AuthenticationException(refusal, e);
        }
        await tls.ShutdownAsync();
        return clientId ?? throw new AuthenticationException("the client presented no certificate");
    }

    private static string Clip(string? s) => s is null ? "" : s.Length > 40 ? s[..40] + "..." : s;
}
