using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Conformance;

public sealed class HttpSurfaceTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private HttpClient Http(string? token)
    {
        var http = new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, chain, _) =>
            {
                // trust exactly the emulator's CA, as a kubeconfig's certificate-authority-data does
                chain!.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(fx.Emulator.CaCertificate!);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(cert!);
            },
        }) { BaseAddress = fx.Emulator.BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return http;
    }

    [Fact]
    public async Task Requests_without_the_bearer_token_are_401()
    {
        using var anonymous = Http(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/namespaces")).StatusCode);
        using var wrong = Http("not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/namespaces")).StatusCode);
        using var right = Http(fx.Emulator.Token);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/v1/namespaces")).StatusCode);
    }

    [Fact]
    public async Task Aggregated_discovery_requests_get_the_legacy_documents_so_clients_fall_back()
    {
        using var http = Http(fx.Emulator.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/apis");
        request.Headers.TryAddWithoutValidation("Accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json");
        using var response = await http.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("as=", response.Content.Headers.ContentType.ToString());
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("APIGroupList", doc["kind"]!.GetValue<string>());
        Assert.Contains(doc["groups"]!.AsArray(), g => g!["name"]!.GetValue<string>() == "apps");
    }

    [Fact]
    public async Task Discovery_lists_the_built_in_resources_with_subresources()
    {
        var core = await fx.Client.CoreV1.GetAPIResourcesAsync();
        Assert.Contains(core.Resources, r => r.Name == "secrets" && r.Namespaced && r.Kind == "Secret");
        Assert.Contains(core.Resources, r => r.Name == "namespaces" && !r.Namespaced);
        var apps = await fx.Client.AppsV1.GetAPIResourcesAsync();
        Assert.Contains(apps.Resources, r => r.Name == "statefulsets/status");
        Assert.Contains(apps.Resources, r => r.Name == "statefulsets" && r.ShortNames.Contains("sts") && r.Verbs.Contains("watch"));
        var version = await fx.Client.Version.GetCodeAsync();
        Assert.Equal("1", version.Major);
    }

    [Fact]
    public async Task Unknown_paths_and_resources_are_404_Status()
    {
        using var http = Http(fx.Emulator.Token);
        var response = await http.GetAsync("/apis/nope.example.com/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Status", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Plain_http_mode_and_the_kubeconfig_work_with_the_client()
    {
        await using var emulator = await KubeApiEmulator.StartAsync(new EmulatorOptions { UseHttp = true });
        Assert.Equal("http", emulator.BaseAddress.Scheme);
        var dir = Directory.CreateTempSubdirectory("kube-emulator-test");
        try
        {
            var path = emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            using var client = new Kubernetes(config);
            Assert.Contains((await client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "default");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_https_kubeconfig_carries_the_CA_and_token()
    {
        var dir = Directory.CreateTempSubdirectory("kube-emulator-test");
        try
        {
            var path = fx.Emulator.WriteKubeconfig(Path.Combine(dir.FullName, "kubeconfig"));
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path);
            Assert.False(config.SkipTlsVerify);
            using var client = new Kubernetes(config);
            Assert.Contains((await client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "kube-system");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
