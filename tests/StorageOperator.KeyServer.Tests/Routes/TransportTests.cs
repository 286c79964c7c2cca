using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using StorageOperator.KeyServer.Tests.Infrastructure;

namespace StorageOperator.KeyServer.Tests.Routes;

/// <summary>What holds for every route: TLS versions, client certificates, PUT/POST, unknown paths.</summary>
public sealed class TransportTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Without_a_client_certificate_the_handshake_is_refused()
    {
        var client = _server.Client(null);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/version"));
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Tls_1_2_and_1_3_are_served(SslProtocols protocol)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.Address.Port);
        await using var ssl = new SslStream(tcp.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            EnabledSslProtocols = protocol,
            ClientCertificates = [TestPki.Instance.App],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => TestPki.Instance.App,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        Assert.Equal(protocol, ssl.SslProtocol);
    }

    [Fact]
    public async Task Plain_http_gets_no_answer()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_server.Address.Port}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/version"));
    }

    [Fact]
    public async Task A_self_signed_client_certificate_is_accepted_at_the_TLS_level_and_authorized_by_identity_only()
    {
        using var selfSigned = StorageOperator.Tls.CertificateGenerator.CreateSelfSignedClientCertificate("stranger", TimeSpan.FromHours(1));
        var client = _server.Client(selfSigned);
        await (await client.Send("GET", "/version")).AssertOk();
        await (await client.Send("GET", "/v1/status")).AssertError(HttpStatusCode.Forbidden, "not authorized: insufficient permissions");
    }

    [Fact]
    public async Task Unknown_paths_are_404_json() =>
        await (await _server.Admin().Send("GET", "/v2/key/create/x")).AssertError(HttpStatusCode.NotFound, "not found");
}
