using System.Text;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;

namespace StorageOperator.S3Server.Tests.Encryption;

public sealed class BucketEncryptionConfigurationTests
{
    private static byte[] Doc(string rules) =>
        Encoding.UTF8.GetBytes($"<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{rules}</ServerSideEncryptionConfiguration>");

    private static string Rule(string algorithm, string? keyId = null, string extra = "") =>
        $"<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>{algorithm}</SSEAlgorithm>{(keyId is null ? "" : $"<KMSMasterKeyID>{keyId}</KMSMasterKeyID>")}</ApplyServerSideEncryptionByDefault>{extra}</Rule>";

    [Fact]
    public void Sse_s3_and_sse_kms_round_trip()
    {
        var s3 = BucketEncryptionConfiguration.Parse(Doc(Rule("AES256")));
        Assert.Equal(new BucketEncryptionConfiguration(SseType.SseS3, null), s3);
        Assert.Equal(s3, BucketEncryptionConfiguration.Parse(s3.ToXml()));

        var kms = BucketEncryptionConfiguration.Parse(Doc(Rule("aws:kms", "arn:aws:kms:my-key", "<BucketKeyEnabled>true</BucketKeyEnabled><BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>")));
        Assert.Equal(new BucketEncryptionConfiguration(SseType.SseKms, "my-key", true, true), kms);
        Assert.Equal(kms, BucketEncryptionConfiguration.Parse(kms.ToXml()));
        Assert.Equal(new SseRequest(SseType.SseKms, null, "my-key", null, true), kms.ToRequest());
    }

    [Theory]
    [InlineData("")]
    [InlineData("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>")]
    [InlineData("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule>")]
    [InlineData("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID> k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule>")]
    public void Zero_or_two_rules_unknown_algorithm_and_spaced_key_ids_are_malformed_xml(string rules)
    {
        var e = Assert.Throws<S3Exception>(() => BucketEncryptionConfiguration.Parse(Doc(rules)));
        Assert.Equal(("MalformedXML", 400), (e.Info.Code, e.HttpStatus));
    }

    [Fact]
    public void A_kms_key_with_aes256_is_invalid_argument()
    {
        var e = Assert.Throws<S3Exception>(() => BucketEncryptionConfiguration.Parse(Doc(Rule("AES256", "k"))));
        Assert.Equal(("InvalidArgument", 400, BucketEncryptionConfiguration.KmsKeyNotApplicableMessage), (e.Info.Code, e.HttpStatus, e.Message));
    }
}
