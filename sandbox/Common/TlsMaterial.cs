using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Common;

/// <summary>
/// For <c>--https</c>: a throw-away CA and a server certificate it signs, for 127.0.0.1 and
/// localhost (subject alternative names; clients ignore the CN). The CA's PEM goes to a temp file
/// whose path is the start-up line's <c>caFile</c>, so clients trust it explicitly instead of
/// turning verification off. ECDSA P-256 keeps generation in the milliseconds.
/// </summary>
public sealed class TlsMaterial : IDisposable
{
    public X509Certificate2 ServerCertificate { get; }
    public string CaFile { get; }

    private TlsMaterial(X509Certificate2 server, string caFile)
    {
        ServerCertificate = server;
        CaFile = caFile;
    }

    /// <param name="certName">When set, the server certificate names only this DNS name (not
    /// 127.0.0.1 or localhost), so a client connecting to 127.0.0.1 sees a name mismatch.</param>
    public static TlsMaterial Create(string? certName = null)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=ApiKeys Sandbox CA, O=ApiKeys", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1")], false)); // serverAuth
        var san = new SubjectAlternativeNameBuilder();
        if (certName is null)
        {
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
        }
        else
        {
            san.AddDnsName(certName);
        }
        request.CertificateExtensions.Add(san.Build(true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive serial number
        using var signed = request.Create(ca, now.AddDays(-1), now.AddDays(29), serial);
        using var withKey = signed.CopyWithPrivateKey(serverKey);
        // Round-trip through PKCS#12 so the private key is a persisted one, as TLS stacks expect.
        var server = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);

        var caFile = Path.Combine(Path.GetTempPath(), $"apikeys-sandbox-{Environment.ProcessId}-ca.pem");
        File.WriteAllText(caFile, ca.ExportCertificatePem() + "\n");
        return new TlsMaterial(server, caFile);
    }

    public void Dispose()
    {
        ServerCertificate.Dispose();
        try { File.Delete(CaFile); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
