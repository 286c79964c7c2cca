using System.Text;

namespace StorageOperator.KubeEmulator.Hosting;

/// <summary>Renders a kubeconfig with one cluster, one token user and one context.</summary>
public static class Kubeconfig
{
    public const string ContextName = "kube-emulator";

    public static string Render(Uri server, string? caPem, string token, string defaultNamespace = "default")
    {
        var sb = new StringBuilder();
        sb.AppendLine("apiVersion: v1");
        sb.AppendLine("kind: Config");
        sb.AppendLine("clusters:");
        sb.AppendLine($"- name: {ContextName}");
        sb.AppendLine("  cluster:");
        sb.AppendLine($"    server: {server.GetLeftPart(UriPartial.Authority)}");
        if (caPem is not null)
        {
            sb.AppendLine($"    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem))}");
        }
        sb.AppendLine("users:");
        sb.AppendLine($"- name: {ContextName}");
        sb.AppendLine("  user:");
        sb.AppendLine($"    token: {token}");
        sb.AppendLine("contexts:");
        sb.AppendLine($"- name: {ContextName}");
        sb.AppendLine("  context:");
        sb.AppendLine($"    cluster: {ContextName}");
        sb.AppendLine($"    user: {ContextName}");
        sb.AppendLine($"    namespace: {defaultNamespace}");
        sb.AppendLine($"current-context: {ContextName}");
        return sb.ToString();
    }
}
