using System.Security.Cryptography;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.TestCommon;
using static StorageOperator.S3Server.Tests.Compatibility.ToolEnvironment;

namespace StorageOperator.S3Server.Tests.Compatibility;

/// <summary>s3cmd (its own signer, SigV4 by default, SigV2 with signature_v2) against the server over HTTPS.</summary>
[Collection(ServerCollection.Name)]
public sealed class S3cmdTests(S3ServerFixture server)
{
    private static readonly string? S3cmd = ProcessRunner.Which("s3cmd");

    private async Task<Func<string[], Task<ProcessResult>>> ConfigureAsync(TempDirectory work, bool signatureV2)
    {
        var config = Path.Combine(work.Path, "s3cfg");
        await File.WriteAllTextAsync(config, $"""
            [default]
            access_key = {S3ServerFixture.AccessKey}
            secret_key = {S3ServerFixture.SecretKey}
            host_base = {HostPort(server)}
            host_bucket = {HostPort(server)}
            use_https = True
            check_ssl_certificate = True
            ca_certs_file = {server.CaBundlePath}
            signature_v2 = {(signatureV2 ? "True" : "False")}
            bucket_location = us-east-1
            multipart_chunk_size_mb = 5
            signurl_use_https = True
            """);
        return args => RunAsync(S3cmd!, ["-c", config, .. args], Env(server), work.Path);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Mb_put_get_ls_sync_info_cp_del_rb(bool signatureV2)
    {
        Skip.If(S3cmd is null, "s3cmd is not installed (apt-get install s3cmd)");
        using var work = new TempDirectory("s3cmd");
        var run = await ConfigureAsync(work, signatureV2);
        var bucket = $"s3://{server.NewBucketName("s3cmd")}";
        var source = CreateTree(Path.Combine(work.Path, "src"), 40);
        var big = RandomNumberGenerator.GetBytes((11 * 1024 * 1024) + 5);
        await File.WriteAllBytesAsync(Path.Combine(work.Path, "big.bin"), big);

        Ok(await run(["mb", bucket]));
        Ok(await run(["put", "big.bin", $"{bucket}/dir/big ü+.bin"]));
        Assert.Contains("dir/big ü+.bin", Ok(await run(["ls", "-r", bucket])).StdOut, StringComparison.Ordinal);
        Ok(await run(["get", "--force", $"{bucket}/dir/big ü+.bin", "back.bin"]));
        Assert.Equal(big, await File.ReadAllBytesAsync(Path.Combine(work.Path, "back.bin")));
        Assert.Contains("File size: " + big.Length, Ok(await run(["info", $"{bucket}/dir/big ü+.bin"])).StdOut, StringComparison.Ordinal);

        // signurl always presigns with SigV2
        using (var http = server.Certificates.CreateHttpClient())
        {
            var url = Ok(await run(["signurl", $"{bucket}/dir/big ü+.bin", "+300"])).StdOut.Trim();
            Assert.Equal(big, await http.GetByteArrayAsync(url));
        }

        Ok(await run(["sync", "src/", $"{bucket}/sync/"]));
        Ok(await run(["sync", $"{bucket}/sync/", "down/"]));
        AssertSameTree(source, Path.Combine(work.Path, "down"));

        Ok(await run(["cp", $"{bucket}/dir/big ü+.bin", $"{bucket}/copy.bin"]));
        Ok(await run(["del", $"{bucket}/dir/big ü+.bin"]));
        Ok(await run(["del", "--recursive", "--force", $"{bucket}/sync/"]));
        var rest = Ok(await run(["ls", "-r", bucket])).StdOut;
        Assert.Contains("copy.bin", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("sync/", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("big ü+", rest, StringComparison.Ordinal);

        Ok(await run(["rb", "--recursive", "--force", bucket]));
    }
}
