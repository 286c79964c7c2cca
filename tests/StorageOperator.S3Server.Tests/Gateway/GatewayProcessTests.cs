using System.Collections;
using System.Diagnostics;
using System.Net;
using System.Text;
using Amazon.S3.Model;
using StorageOperator.S3Server.Tests.Encryption;
using StorageOperator.S3Server.Tests.Infrastructure;
using StorageOperator.Storage.S3Gateway;
using StorageOperator.TestCommon;
using StorageOperator.TestCommon.Rgw;

namespace StorageOperator.S3Server.Tests.Gateway;

/// <summary>The storage-server binary as <c>gateway s3 ENDPOINT</c>, next to an in-process replica of the same deployment.</summary>
[Collection(RgwCollection.Name)]
public sealed class GatewayProcessTests(RgwFixture rgw)
{
    [SkippableFact]
    public async Task Gateway_subcommand_serves_the_backend_and_shares_objects_and_keys_with_other_replicas()
    {
        var endpoint = rgw.Require();
        await using var replicas = await GatewayReplicas.StartAsync(endpoint, count: 1);
        var port = RgwFixture.FreePort();
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "storage-server.dll"), "gateway", "s3", endpoint.ToString(),
                     "--address", $"127.0.0.1:{port}", "--certs-dir", replicas.CertsDirectory })
        {
            psi.ArgumentList.Add(a);
        }

        foreach (DictionaryEntry variable in replicas.Environment)
        {
            psi.Environment[(string)variable.Key] = (string?)variable.Value;
        }

        psi.Environment.Remove(S3GatewayOptions.EndpointVariable); // the ENDPOINT argument names it
        psi.Environment["STORAGE_ROOT_USER"] = S3ServerFixture.AccessKey;
        psi.Environment["STORAGE_ROOT_PASSWORD"] = S3ServerFixture.SecretKey;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(psi)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var child = new Uri($"https://127.0.0.1:{port}/");
            using var http = replicas.Certificates.CreateHttpClient();
            await Eventually.TrueAsync(async () =>
            {
                Assert.False(process.HasExited, "storage-server exited: " + output);
                using var ready = await http.GetAsync(new Uri(child, "/minio/health/ready"));
                return ready.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), "the gateway process to become ready");

            using var viaProcess = replicas.Client(child);
            using var viaReplica = replicas.Client(0);
            await viaProcess.PutBucketAsync("proc");
            var first = GatewayReplicaTests.Plaintext(200_000, 1);
            await viaProcess.PutObjectAsync(new PutObjectRequest { BucketName = "proc", Key = "from-process", InputStream = new MemoryStream(first) });
            var head = await viaReplica.GetObjectMetadataAsync("proc", "from-process");
            Assert.Equal(Amazon.S3.ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod); // auto-encryption from the environment
            Assert.Equal(first, await AwsSdkSseTests.GetAsync(viaReplica, "proc", "from-process"));

            var second = GatewayReplicaTests.Plaintext(1000, 2);
            await viaReplica.PutObjectAsync(new PutObjectRequest { BucketName = "proc", Key = "from-replica", InputStream = new MemoryStream(second) });
            Assert.Equal(second, await AwsSdkSseTests.GetAsync(viaProcess, "proc", "from-replica"));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
