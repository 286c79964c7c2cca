using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Xml;

namespace StorageOperator.S3Server.Encryption;

/// <summary>
/// A bucket's default encryption (<c>PUT/GET/DELETE /{bucket}?encryption</c>, reference §1.5): exactly one rule
/// with SSE-S3 (<c>AES256</c>) or SSE-KMS (<c>aws:kms</c>, optional key id). Stored as the document the client sent,
/// re-serialised canonically. <see cref="BlockSseC"/> is AWS's <c>BlockedEncryptionTypes</c> entry <c>SSE-C</c>.
/// </summary>
public sealed record BucketEncryptionConfiguration(SseType Algorithm, string? KmsMasterKeyId, bool BucketKeyEnabled = false, bool BlockSseC = false)
{
    /// <summary>The name of the bucket configuration document in the storage backend.</summary>
    public const string ConfigName = "encryption";

    public const string KmsKeyNotApplicableMessage =
        "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse";

    /// <exception cref="S3Exception">MalformedXML (AWS and MinIO validation), InvalidArgument (key id with AES256).</exception>
    public static BucketEncryptionConfiguration Parse(ReadOnlySpan<byte> xml)
    {
        var doc = S3Xml.Parse(xml);
        if (doc.Name.LocalName != "ServerSideEncryptionConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rules = doc.Children("Rule").ToList();
        if (rules.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rule = rules[0];
        var apply = rule.Children("ApplyServerSideEncryptionByDefault").ToList();
        if (apply.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var algorithm = apply[0].ChildValue("SSEAlgorithm")?.Trim();
        var keyId = apply[0].ChildValue("KMSMasterKeyID");
        var type = algorithm switch
        {
            SseHeaderNames.Aes256 => SseType.SseS3,
            SseHeaderNames.AwsKms => SseType.SseKms,
            SseHeaderNames.AwsKmsDsse => throw new S3Exception(S3ErrorCode.NotImplemented, "DSSE-KMS (aws:kms:dsse) is not supported by this server."),
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };

        if (keyId is not null && type == SseType.SseS3)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, KmsKeyNotApplicableMessage)
            {
                ExtraElements = [new("ArgumentName", "ApplyServerSideEncryptionByDefault")],
            };
        }

        string? parsedKeyId = null;
        if (keyId is not null)
        {
            try
            {
                parsedKeyId = SseRequestParser.ParseKeyId(keyId);
            }
            catch (S3Exception)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML, "The XML you provided was not well-formed or did not validate against our published schema (the KMSMasterKeyID has leading or trailing spaces).");
            }
        }

        var bucketKey = string.Equals(rule.ChildValue("BucketKeyEnabled")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var blocked = rule.Children("BlockedEncryptionTypes").SelectMany(b => b.Children("EncryptionType")).Select(e => e.Value.Trim()).ToList();
        if (blocked.Any(b => b is not ("NONE" or "SSE-C")))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return new BucketEncryptionConfiguration(type, parsedKeyId, bucketKey, blocked.Contains("SSE-C"));
    }

    public byte[] ToXml() => S3Xml.Document("ServerSideEncryptionConfiguration", w =>
    {
        w.WriteStartElement("Rule");
        w.WriteStartElement("ApplyServerSideEncryptionByDefault");
        w.Element("SSEAlgorithm", Algorithm == SseType.SseKms ? SseHeaderNames.AwsKms : SseHeaderNames.Aes256);
        if (Algorithm == SseType.SseKms && KmsMasterKeyId is not null)
        {
            w.Element("KMSMasterKeyID", KmsMasterKeyId);
        }

        w.WriteEndElement();
        w.Element("BucketKeyEnabled", BucketKeyEnabled);
        if (BlockSseC)
        {
            w.WriteStartElement("BlockedEncryptionTypes");
            w.Element("EncryptionType", "SSE-C");
            w.WriteEndElement();
        }

        w.WriteEndElement();
    });

    /// <summary>What a write without SSE headers gets under this default.</summary>
    public SseRequest ToRequest() => new(Algorithm, null, Algorithm == SseType.SseKms ? KmsMasterKeyId : null, null, BucketKeyEnabled);
}
