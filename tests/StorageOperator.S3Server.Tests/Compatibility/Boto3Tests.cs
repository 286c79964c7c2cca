using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>
/// boto3 with its default configuration: CRC32 checksums as aws-chunked trailers, managed multipart transfers,
/// and presigned URLs in its default signature version (SigV2 for S3 GETs).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class Boto3Tests(S3ServerFixture server)
{
    private const string Script = """
        import base64, io, os, ssl, struct, sys, urllib.request, zlib
        import boto3, botocore.config
        from boto3.s3.transfer import TransferConfig
        ep, ca, bucket = os.environ["EP"], os.environ["CA"], os.environ["BUCKET"]
        s3 = boto3.client("s3", endpoint_url=ep, verify=ca)
        s3.create_bucket(Bucket=bucket)

        body = os.urandom(100_000)
        put = s3.put_object(Bucket=bucket, Key="small", Body=io.BytesIO(body))
        crc = base64.b64encode(struct.pack(">I", zlib.crc32(body))).decode()
        assert put["ChecksumCRC32"] == crc, put
        assert s3.head_object(Bucket=bucket, Key="small", ChecksumMode="ENABLED")["ChecksumCRC32"] == crc
        assert s3.get_object(Bucket=bucket, Key="small", Range="bytes=-10")["Body"].read() == body[-10:]
        print("OK put-with-crc32-trailer")

        big = os.urandom(11 * 1024 * 1024 + 3)
        cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
        s3.upload_fileobj(io.BytesIO(big), bucket, "big", Config=cfg)
        assert s3.head_object(Bucket=bucket, Key="big")["ETag"].endswith('-3"')
        out = io.BytesIO()
        s3.download_fileobj(bucket, "big", out, Config=cfg)
        assert out.getvalue() == big
        s3.copy({"Bucket": bucket, "Key": "big"}, bucket, "big-copy", Config=cfg)
        assert s3.get_object(Bucket=bucket, Key="big-copy")["Body"].read() == big
        print("OK managed-multipart")

        tls = ssl.create_default_context(cafile=ca)
        for name, client in (("default", s3), ("s3v4", boto3.client("s3", endpoint_url=ep, verify=ca, config=botocore.config.Config(signature_version="s3v4")))):
            url = client.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "small"}, ExpiresIn=300)
            assert urllib.request.urlopen(url, context=tls).read() == body, name
            # bucket-level: botocore's SigV2 signs "/bucket/" for the path "/bucket"
            listing = client.generate_presigned_url("list_objects_v2", Params={"Bucket": bucket, "Prefix": "sm"}, ExpiresIn=300)
            assert b"<Key>small</Key>" in urllib.request.urlopen(listing, context=tls).read(), name
        print("OK presigned-get")

        keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, PaginationConfig={"PageSize": 1}) for o in page.get("Contents", [])]
        assert keys == ["big", "big-copy", "small"], keys
        deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
        assert len(deleted["Deleted"]) == 3 and not deleted.get("Errors"), deleted
        s3.delete_bucket(Bucket=bucket)
        print("OK list-delete")
        """;

    [SkippableFact]
    public async Task Default_client_checksums_multipart_presign_list_delete()
    {
        var python = ProcessRunner.Which("python3");
        Skip.If(python is null, "python3 is not installed");
        var probe = await ProcessRunner.RunAsync(python!, ["-c", "import boto3"]);
        Skip.If(probe.ExitCode != 0, "boto3 is not installed for python3");

        using var work = new TempDirectory("boto3");
        var script = Path.Combine(work.Path, "scenario.py");
        await File.WriteAllTextAsync(script, Script);
        var env = Env(server);
        env["EP"] = EndpointUrl(server);
        env["CA"] = server.CaBundlePath;
        env["BUCKET"] = server.NewBucketName("boto3");

        var result = Ok(await RunAsync(python!, [script], env, work.Path));
        foreach (var step in new[] { "put-with-crc32-trailer", "managed-multipart", "presigned-get", "list-delete" })
        {
            Assert.Contains("OK " + step, result.StdOut, StringComparison.Ordinal);
        }
    }
}
