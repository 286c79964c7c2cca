using System.Net;
using System.Text;
using System.Text.Json;

namespace StorageOperator.KeyServer.Tests.Infrastructure;

/// <summary>Request and assertion helpers for the KES JSON API.</summary>
public static class Kes
{
    public static Task<HttpResponseMessage> Send(this HttpClient client, string method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string path, object body) =>
        client.Send("POST", path, JsonSerializer.Serialize(body));

    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>KES error format: the exact status and <c>{"message": text}</c> as application/json.</summary>
    public static async Task AssertError(this HttpResponseMessage response, HttpStatusCode status, string message)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(message, JsonDocument.Parse(text).RootElement.GetProperty("message").GetString());
    }

    public static async Task AssertOk(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
    }

    public static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
}
