using StorageOperator.KeyServer.Policies;

namespace StorageOperator.KeyServer.Api.Handlers;

/// <summary>/v1/identity/*: the admin and the identities assigned to policies in the config file.</summary>
public static class IdentityHandlers
{
    public static Task<ApiResult> Describe(ApiRequest request)
    {
        var access = request.Runtime.Access;
        var identity = request.Argument.ToLowerInvariant();
        if (access.IsAdmin(identity))
        {
            return Task.FromResult(ApiResult.Ok(new { admin = true, created_at = access.LoadedAt }));
        }

        var policy = access.PolicyOf(identity) ?? throw ApiErrors.IdentityNotFound();
        return Task.FromResult(ApiResult.Ok(new
        {
            policy = policy.Name,
            created_at = access.LoadedAt,
            created_by = PolicyHandlers.NullIfEmpty(access.AdminIdentity ?? ""),
        }));
    }

    /// <summary>
    /// Describes the caller. KES looks the caller up by the (empty) path rest and so answers 404 for non-admins
    /// (§3.2); we use the caller's identity, which is what the route is for.
    /// </summary>
    public static Task<ApiResult> SelfDescribe(ApiRequest request)
    {
        var access = request.Runtime.Access;
        var identity = request.Identity ?? throw ApiErrors.ClientCertificateRequired();
        if (access.IsAdmin(identity))
        {
            return Task.FromResult(ApiResult.Ok(new { identity, admin = true, created_at = access.LoadedAt }));
        }

        var policy = access.PolicyOf(identity) ?? throw ApiErrors.IdentityNotFound();
        return Task.FromResult(ApiResult.Ok(new
        {
            identity,
            created_at = access.LoadedAt,
            created_by = PolicyHandlers.NullIfEmpty(access.AdminIdentity ?? ""),
            policy = PolicyHandlers.ReadModel(policy),
        }));
    }

    public static Task<ApiResult> List(ApiRequest request)
    {
        var prefix = request.Argument == "*" ? "" : request.Argument.ToLowerInvariant();
        AccessControl access = request.Runtime.Access;
        var identities = access.Identities
            .Concat(access.AdminIdentity is null ? [] : [access.AdminIdentity])
            .Where(i => i.StartsWith(prefix, StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal);
        return Task.FromResult(ApiResult.Ok(new { identities, continue_at = "" }));
    }
}
