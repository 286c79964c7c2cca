using System.Net;
using System.Text.Json;
using k8s.Autorest;
using Xunit;

namespace StorageOperator.KubeEmulator.Tests.Support;

/// <summary>Assertions on API errors as the real client surfaces them.</summary>
public static class ApiAssert
{
    public static async Task<JsonElement> FailsWith(HttpStatusCode code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(code, e.Response.StatusCode);
        using var doc = JsonDocument.Parse(e.Response.Content);
        Assert.Equal("Status", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal((int)code, doc.RootElement.GetProperty("code").GetInt32());
        return doc.RootElement.Clone();
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the deadline passes.</summary>
    public static async Task Eventually(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("condition not met before the deadline");
            }
            await Task.Delay(20);
        }
    }
}
