namespace StorageOperator.Operator.Runtime.Client;

/// <summary>
/// Lets the library's group/version/plural ("custom object") operations address the core group:
/// they build <c>/apis/{group}/...</c>, which for the empty core group must be <c>/api/...</c>.
/// The library's own GenericClient uses the same rewrite.
/// </summary>
public sealed class CoreGroupPathHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.AbsolutePath.Contains("/apis//", StringComparison.Ordinal))
        {
            var builder = new UriBuilder(uri) { Path = uri.AbsolutePath.Replace("/apis//", "/api/", StringComparison.Ordinal) };
            request.RequestUri = builder.Uri;
        }
        return base.SendAsync(request, cancellationToken);
    }
}
