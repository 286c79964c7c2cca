using Amazon.Runtime;

namespace StorageOperator.Storage.S3Gateway.Tests.Support;

/// <summary>Records the backend requests one gateway instance sends (SDK request names, e.g. "PutObjectRequest").</summary>
public sealed class BackendRequests : IDisposable
{
    private readonly S3GatewayBackend _backend;
    private readonly List<string> _names = [];
    private readonly List<string?> _getRanges = [];

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

    /// <summary>The Range of each GetObject sent (null: the whole object without a range), and starts over.</summary>
    public List<string?> TakeGetRanges()
    {
        lock (_names)
        {
            var taken = _getRanges.ToList();
            _getRanges.Clear();
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
                if (request.Request is Amazon.S3.Model.GetObjectRequest get)
                {
                    _getRanges.Add(get.ByteRange?.FormattedByteRange);
                }
            }
        }
    }
}
