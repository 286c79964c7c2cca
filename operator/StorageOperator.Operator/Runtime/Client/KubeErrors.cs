using System.Net;
using k8s.Autorest;

namespace StorageOperator.Operator.Runtime.Client;

public static class KubeErrors
{
    public static HttpStatusCode? StatusOf(Exception e) => e switch
    {
        HttpOperationException http => http.Response?.StatusCode,
        k8s.KubernetesException kube when kube.Status?.Code is int code => (HttpStatusCode)code,
        _ => null,
    };

    public static bool IsNotFound(Exception e) => StatusOf(e) == HttpStatusCode.NotFound;

    public static bool IsConflict(Exception e) => StatusOf(e) == HttpStatusCode.Conflict;

    /// <summary>410 Gone / reason Expired: the resourceVersion is too old and the cache must be rebuilt from a list.</summary>
    public static bool IsGone(Exception e) =>
        StatusOf(e) == HttpStatusCode.Gone
        || (e is k8s.KubernetesException kube && kube.Status?.Reason is "Expired" or "Gone");
}
