using StorageOperator.KeyServer.Keys;
using StorageOperator.KeyServer.Policies;

namespace StorageOperator.KeyServer.Api.Handlers;

/// <summary>/v1/policy/*: read-only views of the config file's policies (KES has no policy write API).</summary>
public static class PolicyHandlers
{
    public static Task<ApiResult> Describe(ApiRequest request)
    {
        var policy = Find(request);
        return Task.FromResult(ApiResult.Ok(new { name = policy.Name, created_at = policy.CreatedAt, created_by = NullIfEmpty(policy.CreatedBy) }));
    }

    public static Task<ApiResult> Read(ApiRequest request) => Task.FromResult(ApiResult.Ok(ReadModel(Find(request))));

    public static Task<ApiResult> List(ApiRequest request)
    {
        var prefix = request.Argument == "*" ? "" : request.Argument;
        var names = request.Runtime.Access.Policies.Keys
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        return Task.FromResult(ApiResult.Ok(new { names, continue_at = "" }));
    }

    /// <summary>KES's policy JSON: each pattern maps to an (empty) rule object.</summary>
    public static object ReadModel(Policy policy) => new
    {
        name = policy.Name,
        allow = policy.Allow.Distinct().ToDictionary(p => p, _ => new { }),
        deny = policy.Deny.Distinct().ToDictionary(p => p, _ => new { }),
        created_at = policy.CreatedAt,
        created_by = NullIfEmpty(policy.CreatedBy),
    };

    private static Policy Find(ApiRequest request)
    {
        if (!KeyName.IsValid(request.Argument))
        {
            throw ApiErrors.BadRequest($"policy name '{request.Argument}' is empty, too long or contains invalid characters");
        }

        return request.Runtime.Access.Policies.TryGetValue(request.Argument, out var policy) ? policy : throw ApiErrors.PolicyNotFound();
    }

    internal static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
