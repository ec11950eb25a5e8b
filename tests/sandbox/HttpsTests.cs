using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sandbox.Tests;

/// <summary>
/// <c>--https</c>: a throw-away CA signs a certificate for 127.0.0.1 and localhost; its PEM path is
/// the start-up line's <c>caFile</c>. A client that trusts that file connects; one that does not fails.
/// </summary>
public sealed class HttpsTests
{
    [Fact]
    public async Task Https_is_trusted_through_the_ca_file_only()
    {
        string caFile;
        using (var sb = SandboxProcess.Start("--https"))
        {
            caFile = sb.Info.GetProperty("caFile").GetString()!;
            Assert.True(File.Exists(caFile));
            Assert.StartsWith("https://127.0.0.1:", sb.Url("immich"));
            Assert.StartsWith("https://127.0.0.1:", sb.Url("jim"));
            var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile));

            var trusting = SandboxProcess.NewHandler();
            trusting.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is X509Certificate2 c2 && chain.Build(c2);
            };
            using (var c = sb.Client("immich", trusting))
                Assert.Equal(200, (await c.FetchAsync("/api/server/version")).Code);

            // The certificate names localhost as well as 127.0.0.1 (checked by the default policy).
            var byName = SandboxProcess.NewHandler();
            byName.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && cert is X509Certificate2 c2 && chain.Build(c2);
            };
            using (var byNameClient = new HttpClient(byName) { BaseAddress = new Uri(sb.Url("jim").Replace("127.0.0.1", "localhost", StringComparison.Ordinal)) })
                Assert.Equal(200, (await byNameClient.FetchAsync("/api/v1/health/version")).Code);

            using var untrusting = sb.Client("jim");
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.FetchAsync("/api/v1/health"));
            Assert.IsType<System.Security.Authentication.AuthenticationException>(e.InnerException);
        }
        Assert.False(File.Exists(caFile), "the CA file is removed at exit");
    }
}
