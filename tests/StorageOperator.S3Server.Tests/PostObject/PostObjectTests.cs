using System.Net;
using System.Security.Cryptography;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>POST object over HTTPS against the shared server: forms built and signed as a browser page would send them.</summary>
[Collection(ServerCollection.Name)]
public sealed class PostObjectTests(S3ServerFixture server)
{
    private static readonly byte[] Content = "hello from a browser form"u8.ToArray();

    private PostFormBuilder Form(string bucket) => new(bucket, DateTimeOffset.UtcNow);

    private async Task<HttpResponseMessage> PostAsync(string bucket, HttpContent form)
    {
        // a browser follows success_action_redirect; the tests look at the 303 itself
        var handler = server.Certificates.CreateHandler();
        handler.AllowAutoRedirect = false;
        using var http = new HttpClient(handler);
        return await http.PostAsync(new Uri(server.Endpoint, "/" + bucket), form);
    }

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var doc = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return (doc.Root!.Element("Code")!.Value, doc.Root.Element("Message")!.Value);
    }

    private static string ETag(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private async Task<byte[]> GetAsync(string bucket, string key)
    {
        using var s3 = server.CreateS3Client();
        using var response = await s3.GetObjectAsync(bucket, key);
        using var ms = new MemoryStream();
        await response.ResponseStream.CopyToAsync(ms);
        return ms.ToArray();
    }

    private async Task AssertAbsentAsync(string bucket, string key)
    {
        using var s3 = server.CreateS3Client();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    [Fact]
    public async Task Default_success_is_204_with_etag_and_location_and_the_object_keeps_its_metadata()
    {
        var bucket = await server.CreateBucketAsync("post");
        var form = Form(bucket).Field("Content-Type", "text/plain").Field("x-amz-meta-owner", "alice").Field("Cache-Control", "no-cache");
        using var response = await PostAsync(bucket, form.Build("docs/hello.txt", Content));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(ETag(Content), response.Headers.ETag!.Tag);
        Assert.EndsWith($"/{bucket}/docs/hello.txt", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(Content, await GetAsync(bucket, "docs/hello.txt"));

        using var s3 = server.CreateS3Client();
        var head = await s3.GetObjectMetadataAsync(bucket, "docs/hello.txt");
        Assert.Equal("text/plain", head.Headers.ContentType);
        Assert.Equal("alice", head.Metadata["x-amz-meta-owner"]);
        Assert.Equal("no-cache", head.Headers.CacheControl);
    }

    [Fact]
    public async Task Status_201_returns_a_post_response_document_and_200_an_empty_body()
    {
        var bucket = await server.CreateBucketAsync("post");
        using var created = await PostAsync(bucket, Form(bucket).Field("success_action_status", "201").Build("a b/c.txt", Content));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var doc = XDocument.Parse(await created.Content.ReadAsStringAsync());
        Assert.Equal("PostResponse", doc.Root!.Name.LocalName);
        Assert.Equal(bucket, doc.Root.Element("Bucket")!.Value);
        Assert.Equal("a b/c.txt", doc.Root.Element("Key")!.Value);
        Assert.Equal(ETag(Content), doc.Root.Element("ETag")!.Value);
        Assert.EndsWith($"/{bucket}/a%20b/c.txt", doc.Root.Element("Location")!.Value, StringComparison.Ordinal);

        using var ok = await PostAsync(bucket, Form(bucket).Field("success_action_status", "200").Build("ok.txt", Content));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Empty(await ok.Content.ReadAsByteArrayAsync());

        // anything else is AWS's default
        using var other = await PostAsync(bucket, Form(bucket).Field("success_action_status", "404").Build("other.txt", Content));
        Assert.Equal(HttpStatusCode.NoContent, other.StatusCode);
    }

    [Fact]
    public async Task Redirect_answers_303_with_bucket_key_and_etag_appended()
    {
        var bucket = await server.CreateBucketAsync("post");
        const string target = "https://app.example.com/done?session=1";
        using var response = await PostAsync(bucket, Form(bucket).Field("success_action_redirect", target).Build("r/k.txt", Content));
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal($"{target}&bucket={bucket}&key=r%2Fk.txt&etag={Uri.EscapeDataString(ETag(Content))}", response.Headers.Location!.OriginalString);
        Assert.Equal(Content, await GetAsync(bucket, "r/k.txt"));
    }

    [Fact]
    public async Task Filename_is_substituted_into_the_key_before_the_policy_check()
    {
        var bucket = await server.CreateBucketAsync("post");
        var form = Form(bucket);
        form.Conditions.Add(new[] { "starts-with", "$key", "uploads/" });
        using var response = await PostAsync(bucket, form.Build("uploads/${filename}", Content, "photo.jpg"));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Content, await GetAsync(bucket, "uploads/photo.jpg"));
    }

    [Fact]
    public async Task SigV2_forms_are_accepted_and_a_wrong_secret_is_SignatureDoesNotMatch()
    {
        var bucket = await server.CreateBucketAsync("post");
        using var ok = await PostAsync(bucket, new PostFormBuilder(bucket, DateTimeOffset.UtcNow) { SigV2 = true }.Build("v2.txt", Content));
        Assert.Equal(HttpStatusCode.NoContent, ok.StatusCode);
        Assert.Equal(Content, await GetAsync(bucket, "v2.txt"));

        using var bad = await PostAsync(bucket, new PostFormBuilder(bucket, DateTimeOffset.UtcNow) { SigV2 = true, SecretKey = "wrong" }.Build("v2-bad.txt", Content));
        Assert.Equal(HttpStatusCode.Forbidden, bad.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", (await ErrorAsync(bad)).Code);
        await AssertAbsentAsync(bucket, "v2-bad.txt");
    }

    [Fact]
    public async Task Wrong_signature_expired_policy_and_failed_conditions_store_nothing()
    {
        var bucket = await server.CreateBucketAsync("post");

        using var badSig = await PostAsync(bucket, new PostFormBuilder(bucket, DateTimeOffset.UtcNow) { SecretKey = "not-the-secret" }.Build("x.txt", Content));
        Assert.Equal(HttpStatusCode.Forbidden, badSig.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", (await ErrorAsync(badSig)).Code);

        var expired = Form(bucket);
        expired.Expiration = DateTimeOffset.UtcNow.AddMinutes(-1);
        using var old = await PostAsync(bucket, expired.Build("x.txt", Content));
        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);
        Assert.Equal(("AccessDenied", "Invalid according to Policy: Policy expired."), await ErrorAsync(old));

        var prefix = Form(bucket);
        prefix.Conditions.Add(new[] { "starts-with", "$key", "allowed/" });
        using var wrongKey = await PostAsync(bucket, prefix.Build("x.txt", Content));
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
        Assert.Equal(("AccessDenied", "Invalid according to Policy: Policy Condition failed: [\"starts-with\", \"$key\", \"allowed/\"]"), await ErrorAsync(wrongKey));

        var eq = Form(bucket);
        eq.Fields.Add(new("Content-Type", "text/html"));
        eq.Conditions.Add(new[] { "eq", "$Content-Type", "text/plain" });
        using var wrongType = await PostAsync(bucket, eq.Build("x.txt", Content));
        Assert.Equal("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$Content-Type\", \"text/plain\"]", (await ErrorAsync(wrongType)).Message);

        var extra = Form(bucket).Field("x-amz-meta-unchecked", "1", withCondition: false);
        using var unchecked_ = await PostAsync(bucket, extra.Build("x.txt", Content));
        Assert.Equal(("AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-unchecked"), await ErrorAsync(unchecked_));

        await AssertAbsentAsync(bucket, "x.txt");
    }

    [Fact]
    public async Task Bucket_condition_must_match_the_bucket_posted_to()
    {
        var bucket = await server.CreateBucketAsync("post");
        var other = await server.CreateBucketAsync("post");
        using var response = await PostAsync(other, Form(bucket).Build("x.txt", Content));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal($"Invalid according to Policy: Policy Condition failed: [\"eq\", \"$bucket\", \"{bucket}\"]", (await ErrorAsync(response)).Message);
        await AssertAbsentAsync(other, "x.txt");
    }

    [Fact]
    public async Task Content_length_range_refuses_too_large_and_too_small_files()
    {
        var bucket = await server.CreateBucketAsync("post");
        PostFormBuilder Ranged(long min, long max)
        {
            var f = Form(bucket);
            f.Conditions.Add(new object[] { "content-length-range", min, max });
            return f;
        }

        using var large = await PostAsync(bucket, Ranged(0, 10).Build("large.txt", new byte[11]));
        Assert.Equal(HttpStatusCode.BadRequest, large.StatusCode);
        Assert.Equal("EntityTooLarge", (await ErrorAsync(large)).Code);

        using var small = await PostAsync(bucket, Ranged(100, 1000).Build("small.txt", new byte[99]));
        Assert.Equal(HttpStatusCode.BadRequest, small.StatusCode);
        Assert.Equal("EntityTooSmall", (await ErrorAsync(small)).Code);

        await AssertAbsentAsync(bucket, "large.txt");
        await AssertAbsentAsync(bucket, "small.txt");

        using var exact = await PostAsync(bucket, Ranged(10, 10).Build("exact.txt", new byte[10]));
        Assert.Equal(HttpStatusCode.NoContent, exact.StatusCode);
    }

    [Fact]
    public async Task Fields_after_the_file_are_ignored()
    {
        var bucket = await server.CreateBucketAsync("post");
        var after = new KeyValuePair<string, string>[] { new("key", "overridden.txt"), new("x-amz-meta-late", "1"), new("success_action_status", "201") };
        using var response = await PostAsync(bucket, Form(bucket).Build("first.txt", Content, after: after));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(Content, await GetAsync(bucket, "first.txt"));
        using var s3 = server.CreateS3Client();
        Assert.DoesNotContain("x-amz-meta-late", (await s3.GetObjectMetadataAsync(bucket, "first.txt")).Metadata.Keys);
        await AssertAbsentAsync(bucket, "overridden.txt");
    }

    [Fact]
    public async Task Missing_fields_and_bodies_that_are_not_forms_are_refused()
    {
        var bucket = await server.CreateBucketAsync("post");

        var noKey = new MultipartFormDataContent();
        foreach (var (name, value) in Form(bucket).SignatureFields())
        {
            noKey.Add(new StringContent(value), name);
        }

        noKey.Add(new ByteArrayContent(Content), "file", "f.txt");
        using var missingKey = await PostAsync(bucket, noKey);
        Assert.Equal(HttpStatusCode.BadRequest, missingKey.StatusCode);
        Assert.Equal("InvalidArgument", (await ErrorAsync(missingKey)).Code);

        var noFile = new MultipartFormDataContent { { new StringContent("k"), "key" } };
        foreach (var (name, value) in Form(bucket).SignatureFields())
        {
            noFile.Add(new StringContent(value), name);
        }

        using var missingFile = await PostAsync(bucket, noFile);
        Assert.Equal(("InvalidArgument", "POST requires exactly one file upload per request."), await ErrorAsync(missingFile));

        // no signature at all: anonymous uploads need a bucket policy, which this server has not
        var anonymous = new MultipartFormDataContent { { new StringContent("anon.txt"), "key" }, { new ByteArrayContent(Content), "file", "f" } };
        using var denied = await PostAsync(bucket, anonymous);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("AccessDenied", (await ErrorAsync(denied)).Code);

        using var notForm = await PostAsync(bucket, new StringContent("key=x"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, notForm.StatusCode);

        var garbled = new ByteArrayContent("--xyz\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--xyz\r\nbroken"u8.ToArray());
        garbled.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=xyz");
        using var malformed = await PostAsync(bucket, garbled);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("MalformedPOSTRequest", (await ErrorAsync(malformed)).Code);
        await AssertAbsentAsync(bucket, "anon.txt");
    }

    [Fact]
    public async Task A_file_part_cut_off_before_its_closing_boundary_is_malformed_and_stores_nothing()
    {
        var bucket = await server.CreateBucketAsync("post");
        using var form = Form(bucket).Build("cut.txt", Content);
        var full = await form.ReadAsByteArrayAsync();
        var cut = new ByteArrayContent(full[..full.AsSpan().LastIndexOf("\r\n--"u8)]);
        cut.Headers.TryAddWithoutValidation("Content-Type", form.Headers.ContentType!.ToString());

        using var response = await PostAsync(bucket, cut);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MalformedPOSTRequest", (await ErrorAsync(response)).Code);
        await AssertAbsentAsync(bucket, "cut.txt");
    }

    [Fact]
    public async Task Uploads_to_a_missing_bucket_are_NoSuchBucket()
    {
        var bucket = server.NewBucketName("post-missing");
        using var response = await PostAsync(bucket, Form(bucket).Build("x.txt", Content));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NoSuchBucket", (await ErrorAsync(response)).Code);
    }
}
