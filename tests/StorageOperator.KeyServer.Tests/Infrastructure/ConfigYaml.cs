namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>Config files for tests, in KES's YAML shape.</summary>
public static class ConfigYaml
{
    /// <summary>
    /// The standard test policy. "app" may use keys named app-* (path.Match per segment), list keys, and read
    /// system, policy and identity routes (prefix rule); deletes of app-protected and anything on app-denied* are denied.
    /// </summary>
    public static string AppPolicy(params string[] identities) => $"""
          app:
            allow:
            - /v1/key/*/app-*
            - /v1/key/list/*
            - /v1/status
            - /v1/ready
            - /v1/metrics
            - /v1/api
            - /v1/policy/*
            - /v1/identity/*
            deny:
            - /v1/key/delete/app-protected
            - /v1/key/*/app-denied*
            identities:
        {string.Concat(identities.Select(i => $"    - {i}\n"))}
        """;

    public static string Build(string? policies = null, string? extra = null, string? admin = null, string? keystore = null)
    {
        var pki = TestPki.Instance;
        admin ??= TestPki.IdentityOf(pki.Admin);
        policies ??= AppPolicy(TestPki.IdentityOf(pki.App));
        return $"""
            version: v1
            address: 127.0.0.1:0
            admin:
              identity: {admin}
            tls:
              key: {pki.ServerKeyPath}
              cert: {pki.ServerCertPath}
            policy:
            {policies}
            {keystore ?? ""}
            {extra ?? ""}
            """;
    }
}
