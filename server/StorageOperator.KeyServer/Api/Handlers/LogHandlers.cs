using System.Text.Json;
using System.Threading.Channels;

namespace StorageOperator.KeyServer.Api.Handlers;

/// <summary>/v1/log/error and /v1/log/audit: live JSON-lines streams until the client hangs up.</summary>
public static class LogHandlers
{
    public static Task<ApiResult> Error(ApiRequest request) =>
        Task.FromResult(StreamOf(request.Runtime.ErrorStream.Subscribe(request.CancellationToken)));

    public static Task<ApiResult> Audit(ApiRequest request) =>
        Task.FromResult(StreamOf(request.Runtime.Audit.Stream.Subscribe(request.CancellationToken)));

    private static ApiResult StreamOf<T>(ChannelReader<T> reader) => new()
    {
        ContentType = "application/x-ndjson",
        Stream = async (response, cancellationToken) =>
        {
            await response.StartAsync(cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            try
            {
                await foreach (var item in reader.ReadAllAsync(cancellationToken))
                {
                    await response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(item), cancellationToken);
                    await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                // the client went away: the normal end of a stream
            }
        },
    };
}
