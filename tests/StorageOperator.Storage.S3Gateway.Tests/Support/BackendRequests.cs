using Amazon.Runtime;

namespace StorageOperator.Storage.S3Gateway.Tests.Support;

/// <summary>Records the backend requests one gateway instance sends (SDK request names, e.g. "PutObjectRequest").</summary>
public sealed class BackendRequests : IDisposable
{
    private readonly S3GatewayBackend _backend;
    private readonly List<string> _names = [];

    public BackendRequests(S3GatewayBackend backend)
    {
        _backend = backend;
        backend.Client.BeforeRequestEvent += OnRequest;
    }

    /// <summary>What was sent since the last call, and starts over.</summary>
    public List<string> Take()
    {
        lock (_names)
        {
            var taken = _names.ToList();
            _names.Clear();
            return taken;
        }
    }

    public void Dispose() => _backend.Client.BeforeRequestEvent -= OnRequest;

    private void OnRequest(object sender, RequestEventArgs e)
    {
        if (e is WebServiceRequestEventArgs request)
        {
            lock (_names)
            {
                _names.Add(request.Request.GetType().Name.Replace("Request", "", StringComparison.Ordinal));
            }
        }
    }
}
