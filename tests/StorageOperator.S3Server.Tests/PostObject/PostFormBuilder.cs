using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using StorageOperator.S3.Protocol.Auth;
using StorageOperator.S3Server.Protocol;
using StorageOperator.S3Server.Tests.Infrastructure;

namespace StorageOperator.S3Server.Tests.PostObject;

/// <summary>
/// Builds browser-form POSTs the way an HTML page does: ordered fields, a policy signed with the fixture's keys
/// (SigV4 or SigV2), the file part, optionally fields after it. AWSSDK has no POST helper, so tests sign here.
/// </summary>
internal sealed class PostFormBuilder(string bucket, DateTimeOffset now)
{
    public const string Region = "us-east-1";

    public List<KeyValuePair<string, string>> Fields { get; } = [];

    /// <summary>Conditions beyond the ones the builder adds for bucket, key and the signature fields.</summary>
    public List<object> Conditions { get; } = [];

    public DateTimeOffset Expiration { get; set; } = now.AddMinutes(10);

    public string SecretKey { get; set; } = S3ServerFixture.SecretKey;

    public bool SigV2 { get; set; }

    /// <summary>Leaves out the standard conditions (bucket, key prefix, signature fields) when a test states its own.</summary>
    public bool OmitStandardConditions { get; set; }

    public PostFormBuilder Field(string name, string value, bool withCondition = true)
    {
        Fields.Add(new(name, value));
        if (withCondition)
        {
            Conditions.Add(new Dictionary<string, string> { [name] = value });
        }

        return this;
    }

    public static string Date(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);

    public string PolicyJson()
    {
        var conditions = new List<object>();
        if (!OmitStandardConditions)
        {
            conditions.Add(new Dictionary<string, string> { ["bucket"] = bucket });
            conditions.Add(new[] { "starts-with", "$key", "" });
            if (!SigV2)
            {
                conditions.Add(new Dictionary<string, string> { ["x-amz-algorithm"] = PostPolicySignature.Algorithm });
                conditions.Add(new Dictionary<string, string> { ["x-amz-credential"] = Credential });
                conditions.Add(new Dictionary<string, string> { ["x-amz-date"] = SigV4Signer.FormatAmzDate(now) });
            }
        }

        conditions.AddRange(Conditions);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["expiration"] = Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["conditions"] = conditions,
        });
    }

    private string Credential => $"{S3ServerFixture.AccessKey}/{Date(now)}/{Region}/s3/aws4_request";

    /// <summary>The signature fields plus the policy, as a form carries them.</summary>
    public List<KeyValuePair<string, string>> SignatureFields(string? policyJson = null)
    {
        var policy = Convert.ToBase64String(Encoding.UTF8.GetBytes(policyJson ?? PolicyJson()));
        if (SigV2)
        {
            return
            [
                new("AWSAccessKeyId", S3ServerFixture.AccessKey),
                new("policy", policy),
                new("signature", SigV2Verifier.Sign(SecretKey, policy)),
            ];
        }

        return
        [
            new("x-amz-algorithm", PostPolicySignature.Algorithm),
            new("x-amz-credential", Credential),
            new("x-amz-date", SigV4Signer.FormatAmzDate(now)),
            new("policy", policy),
            new("x-amz-signature", PostPolicySignature.SignV4(SecretKey, Date(now), Region, policy)),
        ];
    }

    /// <summary>The multipart body: the fields, the signature fields, the file, then <paramref name="after"/>.</summary>
    public MultipartFormDataContent Build(string key, HttpContent file, string? fileName = "upload.bin", IEnumerable<KeyValuePair<string, string>>? after = null)
    {
        var form = new MultipartFormDataContent();
        form.Add(new StringContent(key), "key");
        foreach (var (name, value) in Fields.Concat(SignatureFields()))
        {
            form.Add(new StringContent(value), name);
        }

        file.Headers.ContentType ??= new MediaTypeHeaderValue("application/octet-stream");
        if (fileName is null)
        {
            form.Add(file, "file");
        }
        else
        {
            form.Add(file, "file", fileName);
        }

        foreach (var (name, value) in after ?? [])
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public MultipartFormDataContent Build(string key, byte[] file, string? fileName = "upload.bin", IEnumerable<KeyValuePair<string, string>>? after = null) =>
        Build(key, new ByteArrayContent(file), fileName, after);
}
