using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Data;
using StorageOperator.Bench.Pki;
using StorageOperator.Bench.Processes;
using StorageOperator.Bench.Results;
using StorageOperator.Bench.S3;
using StorageOperator.Bench.Servers;

namespace StorageOperator.Bench.Gateway;

/// <summary>
/// Starts Ceph RGW (loopback only), measures it directly with AWSSDK.S3, then through storage-server gateway
/// replicas (one with auto-encryption on, one with it off, two with it on and the clients split between them), each
/// set of replicas started for its target and stopped after it; the backend is emptied between targets.
/// </summary>
public sealed class GatewaySection(
    GatewayProfile profile, BenchPki pki, string workRoot, string logDir, string serverDll, IReadOnlyDictionary<string, string> serverEnvironment,
    TextWriter progress)
{
    private const string Bucket = "bench";
    private const string KmsKeyName = "bench-gateway-key";
    private const int ProbeSize = 64 * 1024;

    private readonly List<string> _notes = [];

    public async Task<GatewayReport> RunAsync()
    {
        if (RgwCluster.MissingTool() is { } missing)
        {
            return NotRun(missing == "radosgw" ? "n/a (radosgw not installed)" : $"n/a ({missing} not installed)");
        }

        if (!File.Exists(serverDll))
        {
            return NotRun($"n/a ({StorageServerHost.DllName} not found next to the bench)");
        }

        progress.WriteLine("[gateway] starting Ceph RGW (one monitor, one memstore OSD, radosgw on 127.0.0.1)");
        RgwCluster rgw;
        try
        {
            rgw = await RgwCluster.StartAsync(Path.Combine(workRoot, "rgw"), logDir);
        }
        catch (ServerStartException e)
        {
            progress.WriteLine(e.Message);
            return NotRun($"failed: Ceph RGW did not start: {e.Message.Split('\n')[0]}");
        }

        await using (rgw)
        {
            _notes.Add($"backend: {await RgwCluster.VersionAsync()}, one monitor + one memstore OSD + radosgw (beast, plain HTTP) on 127.0.0.1, "
                + $"started in {rgw.StartupTime.TotalSeconds:0.0} s; Ceph daemons' pids {string.Join(", ", rgw.Pids())}");
            using var direct = S3ClientFactory.Create(rgw.Endpoint, RgwCluster.AccessKey, rgw.SecretKey, pki.Ca, checksumsWhenRequired: true);
            var measurements = new List<Measurement>();
            foreach (var target in GatewayTarget.All)
            {
                progress.WriteLine($"[gateway: {target.Label}]");
                measurements.AddRange(await RunTargetAsync(target, rgw, direct));
                await PurgeAsync(direct, target.BucketPrefix + (target.Replicas == 0 ? DirectBucket : Bucket));
                if (await rgw.CollectGarbageAsync() is { } gcProblem)
                {
                    progress.WriteLine($"  RGW garbage collection: {gcProblem}");
                }
            }

            _notes.Add($"Ceph daemons' RSS at the end {rgw.Pids().Sum(pid => Math.Max(0, ProcStats.StatusBytes(pid, "VmRSS"))) / Sizes.MiB} MiB "
                + "(memstore keeps objects in RAM: each target's backend bucket is emptied and RGW's garbage collection run after it)");
            var client = $"AWSSDK.S3 with RequestChecksumCalculation and ResponseChecksumValidation WHEN_REQUIRED for every target "
                + "(RGW 16 refuses the SDK's default CRC32 trailers; the replicas get the same requests so the ratios compare like with like), "
                + "path-style, MaxErrorRetry=0; replicas over HTTPS (bench CA), RGW over plain HTTP";
            return new GatewayReport(Measurement.OkStatus, _notes, measurements, client);
        }
    }

    private const string DirectBucket = "direct-bench";

    private GatewayReport NotRun(string status)
    {
        progress.WriteLine($"gateway: {status}");
        return GatewayReport.NotRun(status);
    }

    private async Task<IReadOnlyList<Measurement>> RunTargetAsync(GatewayTarget target, RgwCluster rgw, AmazonS3Client direct)
    {
        var plan = GatewayRunner.Plan(profile, target.Name);
        if (target.Replicas == 0)
        {
            try
            {
                await direct.PutBucketAsync(DirectBucket);
            }
            catch (AmazonS3Exception e)
            {
                return [.. plan.Select(m => m.WithStatus($"failed: CreateBucket on RGW: {e.ErrorCode} {e.Message}"))];
            }

            return await new GatewayRunner(target, [direct], DirectBucket, profile, [], rgw, rgw.Alive, progress).RunAsync();
        }

        var environment = new Dictionary<string, string>
        {
            ["STORAGE_GATEWAY_ACCESS_KEY"] = RgwCluster.AccessKey,
            ["STORAGE_GATEWAY_SECRET_KEY"] = rgw.SecretKey,
            ["STORAGE_GATEWAY_BUCKET_PREFIX"] = target.BucketPrefix,
            // The same key in both configurations, so "off" differs from "on" by the encryption only.
            ["STORAGE_KMS_SECRET_KEY"] = $"{KmsKeyName}:{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))}",
        };
        if (target.Encrypted)
        {
            environment["STORAGE_KMS_AUTO_ENCRYPTION"] = "on";
        }

        foreach (var (name, value) in serverEnvironment)
        {
            environment[name] = value;
        }

        var rootSecret = StorageServerHost.RootSecret();
        var replicas = new List<StorageServerHost>();
        var clients = new List<AmazonS3Client>();
        try
        {
            for (var i = 0; i < target.Replicas; i++)
            {
                replicas.Add(await StorageServerHost.StartGatewayAsync(
                    serverDll, rgw.Endpoint, pki, environment, rootSecret, Path.Combine(logDir, $"storage-server-gateway-{target.Name}-{i}.log")));
            }

            clients.AddRange(replicas.Select(r => S3ClientFactory.Create(r.Endpoint, r.AccessKey, r.SecretKey, pki.Ca, checksumsWhenRequired: true)));
            _notes.Add($"{target.Label}: replica pid(s) {string.Join(", ", replicas.Select(r => r.Pid))}, RSS after start "
                + string.Join(", ", replicas.Select(r => $"{ProcStats.StatusBytes(r.Pid, "VmRSS") / Sizes.MiB} MiB")));
            await clients[0].PutBucketAsync(Bucket);

            var backendSees = await ProbeBackendAsync(clients[0], direct, target.BucketPrefix + Bucket);
            _notes.Add($"{target.Label}: a {ProbeSize / 1024} KiB object written through a replica reaches RGW as {backendSees}");
            if (target.Encrypted && backendSees != "ciphertext")
            {
                return [.. plan.Select(m => m.WithStatus($"failed: with auto-encryption on, RGW received {backendSees}"))];
            }

            bool Alive() => rgw.Alive() && replicas.All(r => !r.HasExited);
            var measured = await new GatewayRunner(target, clients, Bucket, profile, [.. replicas.Select(r => r.Pid)], rgw, Alive, progress).RunAsync();
            _notes.Add($"{target.Label}: replica RSS at the end "
                + string.Join(", ", replicas.Select(r => $"{ProcStats.StatusBytes(r.Pid, "VmRSS") / Sizes.MiB} MiB (peak {ProcStats.StatusBytes(r.Pid, "VmHWM") / Sizes.MiB} MiB)")));
            foreach (var replica in replicas.Where(r => r.HasExited))
            {
                progress.WriteLine($"a replica of {target.Label} exited. Log tail:\n{replica.LogTail()}");
            }

            return measured;
        }
        catch (ServerStartException e)
        {
            progress.WriteLine(e.Message);
            return [.. plan.Select(m => m.WithStatus($"failed: gateway replica did not start: {e.Message.Split('\n')[0]}"))];
        }
        catch (AmazonS3Exception e)
        {
            return [.. plan.Select(m => m.WithStatus($"failed: {e.ErrorCode} ({(int)e.StatusCode}) {e.Message}"))];
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var replica in replicas)
            {
                replica.Dispose();
            }
        }
    }

    /// <summary>Writes one object through a replica and reads the stored bytes from RGW itself: "ciphertext" or "plaintext".</summary>
    private static async Task<string> ProbeBackendAsync(IAmazonS3 replica, IAmazonS3 direct, string backendBucket)
    {
        const string key = "bench-probe";
        using (var body = new PatternStream(ProbeSize))
        {
            await replica.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = body, AutoCloseStream = false });
        }

        try
        {
            // Bucket mode keeps our key as the backend key (the gateway README's layout).
            using var stored = await direct.GetObjectAsync(backendBucket, key);
            using var content = new MemoryStream();
            await stored.ResponseStream.CopyToAsync(content);
            var bytes = content.ToArray();
            return bytes.Length >= ProbeSize && PatternBlock.Matches(0, bytes.AsSpan(0, ProbeSize)) ? "plaintext" : "ciphertext";
        }
        finally
        {
            await replica.DeleteObjectAsync(Bucket, key);
        }
    }

    /// <summary>Deletes everything a target left in its backend bucket (sidecars and unfinished uploads too), then the bucket.</summary>
    private async Task PurgeAsync(IAmazonS3 direct, string backendBucket)
    {
        try
        {
            var request = new ListObjectsV2Request { BucketName = backendBucket };
            var left = 0;
            for (var page = 0; page < 1000; page++)
            {
                var response = await direct.ListObjectsV2Async(request);
                var keys = (response.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
                left += keys.Count;
                if (keys.Count > 0)
                {
                    await direct.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = backendBucket, Objects = keys, Quiet = true });
                }

                if (response.IsTruncated != true)
                {
                    break;
                }

                request.ContinuationToken = response.NextContinuationToken;
            }

            var uploads = await direct.ListMultipartUploadsAsync(backendBucket);
            foreach (var upload in uploads.MultipartUploads ?? [])
            {
                await direct.AbortMultipartUploadAsync(backendBucket, upload.Key, upload.UploadId);
            }

            await direct.DeleteBucketAsync(backendBucket);
            if (left > 0)
            {
                progress.WriteLine($"  purged {left} object(s) left in backend bucket {backendBucket}");
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException)
        {
            progress.WriteLine($"  could not empty backend bucket {backendBucket}: {e.Message}");
        }
    }
}
