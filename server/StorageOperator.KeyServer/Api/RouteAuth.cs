namespace StorageOperator.KeyServer.Api;

public enum RouteAuth
{
    /// <summary>Anyone with a TLS connection (KES: /version).</summary>
    None,

    /// <summary>A client certificate is needed, but no policy (KES: /v1/identity/self/describe).</summary>
    IdentifyOnly,

    /// <summary>The admin, or an identity whose policy allows the request path.</summary>
    Policy,
}
