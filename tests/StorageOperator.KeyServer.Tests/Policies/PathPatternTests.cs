using StorageOperator.KeyServer.Policies;

namespace StorageOperator.KeyServer.Tests.Policies;

public sealed class PathPatternTests
{
    [Theory]
    // exact
    [InlineData("/v1/status", "/v1/status", true)]
    [InlineData("/v1/status", "/v1/status/", false)]
    [InlineData("/v1/status", "/v1/statu", false)]
    // path.Match: '*' stays in one segment
    [InlineData("/v1/key/*/app-*", "/v1/key/create/app-1", true)]
    [InlineData("/v1/key/*/app-*", "/v1/key/create/other", false)]
    [InlineData("/v1/key/*/app-1", "/v1/key/a/b/app-1", false)]
    [InlineData("/v1/key/?reate/k", "/v1/key/create/k", true)]
    [InlineData("/v1/key/create/[a-c]x", "/v1/key/create/bx", true)]
    [InlineData("/v1/key/create/[^a-c]x", "/v1/key/create/bx", false)]
    [InlineData("/v1/key/create/\\*", "/v1/key/create/*", true)]
    [InlineData("/v1/key/create/\\*", "/v1/key/create/x", false)]
    // a trailing '*' is also a prefix match (kes-go), across segments
    [InlineData("/v1/key/*", "/v1/key/create/k", true)]
    [InlineData("/v1/identity/*", "/v1/identity/self/describe", true)]
    [InlineData("/v1/key/generate/minio-*", "/v1/key/generate/minio-key", true)]
    [InlineData("/v1/key/generate/minio-*", "/v1/key/decrypt/minio-key", false)]
    [InlineData("*", "/anything/at/all", true)]
    // malformed or empty patterns match nothing
    [InlineData("", "", false)]
    [InlineData("/v1/key/[", "/v1/key/[", false)]
    [InlineData("/v1/key/\\", "/v1/key/\\", false)]
    public void Matches_like_KES(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathPattern.Matches(pattern, path));
}
