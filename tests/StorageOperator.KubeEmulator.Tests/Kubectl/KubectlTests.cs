using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Hosting;
using StorageOperator.KubeEmulator.Tests.Support;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Kubectl;

/// <summary>The real kubectl driving the emulator through a kubeconfig, as a person would with <c>make emulator</c>.</summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private KubeApiEmulator? _emulator;
    private DirectoryInfo? _dir;
    private KubectlRunner? _kubectl;

    private KubectlRunner Kubectl => _kubectl!;

    public async Task InitializeAsync()
    {
        _emulator = await KubeApiEmulator.StartAsync();
        _dir = Directory.CreateTempSubdirectory("kubectl-emulator");
        var kubeconfig = _emulator.WriteKubeconfig(Path.Combine(_dir.FullName, "kubeconfig"));
        _kubectl = new KubectlRunner(kubeconfig, Path.Combine(_dir.FullName, "cache"));
    }

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
        _dir?.Delete(recursive: true);
    }

    private const string Widget = """
        apiVersion: test.example.com/v1alpha1
        kind: Widget
        metadata:
          name: w1
          labels: {app: demo}
        spec:
          size: 3
        """;

    [SkippableFact]
    public async Task Kubectl_applies_a_CRD_and_a_custom_resource_then_gets_describes_patches_waits_and_deletes()
    {
        Skip.If(KubectlRunner.Find() is null, "kubectl is not installed");

        Assert.Contains("created", await Kubectl.OkWithInputAsync(TestCrds.WidgetCrd, "apply", "-f", "-"));
        Assert.Contains("widget.test.example.com/w1 created", await Kubectl.OkWithInputAsync(Widget, "apply", "-f", "-"));
        Assert.Contains("configured", await Kubectl.OkWithInputAsync(Widget.Replace("size: 3", "size: 4"), "apply", "-f", "-"));

        var table = await Kubectl.OkAsync("get", "wd");
        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SIZE", "READY", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("w1", lines[1]);
        Assert.Contains(" 4 ", lines[1]);

        var yaml = await Kubectl.OkAsync("get", "widget", "w1", "-o", "yaml");
        Assert.Contains("mode: Fast", yaml);
        Assert.Contains("generation: 2", yaml);

        var described = await Kubectl.OkAsync("describe", "widgets", "w1");
        Assert.Contains("Name:         w1", described);
        Assert.Contains("Size:  4", described);

        Assert.Contains("patched", await Kubectl.OkAsync("patch", "wd", "w1", "--type=merge", "-p", """{"spec":{"size":5}}"""));
        Assert.Contains("patched", await Kubectl.OkAsync("patch", "wd", "w1", "--type=json", "-p", """[{"op":"replace","path":"/spec/size","value":6}]"""));
        var invalid = await Kubectl.RunAsync("", "patch", "wd", "w1", "--type=merge", "-p", """{"spec":{"size":60,"mode":"Turbo"}}""");
        Assert.NotEqual(0, invalid.Exit);
        Assert.Contains("spec.size", invalid.Stderr);
        Assert.Contains("spec.mode", invalid.Stderr);

        var wait = Kubectl.RunAsync("", "wait", "--for=condition=Ready", "widget/w1", "--timeout=30s");
        await Task.Delay(200);
        await Kubectl.OkAsync("patch", "wd", "w1", "--subresource=status", "--type=merge", "-p",
            """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Up","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}""");
        var (waitExit, waitOut, waitErr) = await wait;
        Assert.True(waitExit == 0, waitErr);
        Assert.Contains("condition met", waitOut);
        Assert.Contains("True", (await Kubectl.OkAsync("get", "wd", "w1")).Split('\n')[1]);

        Assert.Contains("deleted", await Kubectl.OkAsync("delete", "widget", "w1"));
        Assert.Contains("No resources found", (await Kubectl.RunAsync("", "get", "wd")).Stderr);
    }

    [SkippableFact]
    public async Task Kubectl_client_side_and_server_side_apply_built_ins()
    {
        Skip.If(KubectlRunner.Find() is null, "kubectl is not installed");
        const string configMap = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {a: "1", b: "2"}
            """;
        await Kubectl.OkWithInputAsync(configMap, "apply", "-f", "-");
        await Kubectl.OkWithInputAsync(configMap.Replace("b: \"2\"", "c: \"3\""), "apply", "-f", "-");
        var data = JsonNode.Parse(await Kubectl.OkAsync("get", "cm", "settings", "-o", "json"))!["data"]!.AsObject();
        Assert.Equal(["a", "c"], data.Select(p => p.Key).Order());

        const string secret = """
            apiVersion: v1
            kind: Secret
            metadata: {name: creds}
            stringData: {user: admin}
            """;
        Assert.Contains("serverside-applied", await Kubectl.OkWithInputAsync(secret, "apply", "--server-side", "-f", "-"));
        var managed = JsonNode.Parse(await Kubectl.OkAsync("get", "secret", "creds", "-o", "json", "--show-managed-fields"))!;
        Assert.Equal("kubectl", managed["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());

        const string deployment = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 1
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers:
                  - {name: main, image: "nginx:1", env: [{name: A, value: "1"}]}
                  - {name: side, image: busybox}
            """;
        await Kubectl.OkWithInputAsync(deployment, "apply", "-f", "-");
        await Kubectl.OkWithInputAsync(deployment.Replace("nginx:1", "nginx:2"), "apply", "-f", "-");
        var containers = JsonNode.Parse(await Kubectl.OkAsync("get", "deploy", "web", "-o", "json"))!["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["main:nginx:2", "side:busybox"], containers.Select(c => $"{c!["name"]}:{c["image"]}"));

        Assert.Contains("patched", await Kubectl.OkAsync("patch", "deploy", "web", "--type=strategic", "-p",
            """{"spec":{"template":{"spec":{"containers":[{"name":"main","image":"nginx:3"}]}}}}"""));
        Assert.Contains("nginx:3", await Kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"));
        Assert.Contains("busybox", await Kubectl.OkAsync("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"));

        var listed = await Kubectl.OkAsync("get", "cm,secret,deploy");
        Assert.Contains("configmap/settings", listed);
        Assert.Contains("secret/creds", listed);
        Assert.Contains("deployment.apps/web", listed);
        var watch = Kubectl.RunAsync("", "get", "cm", "settings", "--watch", "--request-timeout=3s");
        await Task.Delay(500);
        await Kubectl.OkAsync("patch", "cm", "settings", "--type=merge", "-p", """{"data":{"d":"4"}}""");
        var watched = (await watch).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "DATA", "AGE"], watched[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(watched.Skip(1), l => l.StartsWith("settings") && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == "3");

        Assert.Contains("deleted", await Kubectl.OkAsync("delete", "cm", "settings"));
    }

    [SkippableFact]
    public async Task Kubectl_create_generators_that_send_protobuf_work_for_namespaces_secrets_configmaps_and_service_accounts()
    {
        Skip.If(KubectlRunner.Find() is null, "kubectl is not installed");
        await Kubectl.OkAsync("create", "namespace", "storage-system");
        await Kubectl.OkAsync("create", "secret", "generic", "creds", "-n", "storage-system", "--from-literal=user=admin", "--from-literal=password=p@ss");
        await Kubectl.OkAsync("create", "configmap", "settings", "-n", "storage-system", "--from-literal=a=1");
        await Kubectl.OkAsync("create", "serviceaccount", "operator", "-n", "storage-system");

        var secret = JsonNode.Parse(await Kubectl.OkAsync("get", "secret", "creds", "-n", "storage-system", "-o", "json"))!;
        Assert.Equal("Opaque", secret["type"]!.GetValue<string>());
        Assert.Equal("p@ss", System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]!["password"]!.GetValue<string>())));
        Assert.Equal("1", JsonNode.Parse(await Kubectl.OkAsync("get", "cm", "settings", "-n", "storage-system", "-o", "json"))!["data"]!["a"]!.GetValue<string>());
        Assert.Contains("operator", await Kubectl.OkAsync("get", "sa", "-n", "storage-system"));

        var unsupported = await Kubectl.RunAsync("", "create", "deployment", "web", "--image=nginx");
        Assert.NotEqual(0, unsupported.Exit);
        Assert.Contains("kubectl apply -f", unsupported.Stderr);
    }
}
