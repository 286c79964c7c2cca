using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Data;
using StorageOperator.Bench.Processes;
using StorageOperator.Bench.Profiling;
using StorageOperator.Bench.Results;

namespace StorageOperator.Bench.S3;

/// <summary>
/// Runs every scenario of one encryption mode against one server. A scenario that fails is recorded with its
/// reason and the run goes on; data written is deleted after each large scenario so the disk never holds more
/// than one large object set at a time.
/// </summary>
public sealed class ModeRunner(
    IAmazonS3 client, string bucket, EncryptionMode mode, BenchProfile profile, int serverPid, Func<bool> serverAlive, TextWriter progress,
    string? perfDirectory = null, bool unsignedPayload = false)
{
    private const long ProfiledFromSize = 64 * Sizes.MiB;

    public async Task<IReadOnlyList<Measurement>> RunAsync()
    {
        var plan = ScenarioPlan.For(profile, mode.Name);
        var unavailable = await PreflightAsync();
        if (unavailable is not null)
        {
            progress.WriteLine($"  {mode.Name}: {unavailable}");
            return [.. plan.Select(p => p.WithStatus(unavailable))];
        }

        await WarmUpAsync();
        var results = new List<Measurement>();
        foreach (var scenario in plan)
        {
            await JitQuietAsync(TimeSpan.FromSeconds(1));
            progress.Write($"  {mode.Name,-8} {scenario.Operation,-14} {Sizes.Label(scenario.Size),7}  c={scenario.Concurrency,-3} ");
            var measured = await GuardAsync(scenario, () => RunScenarioAsync(scenario));
            results.Add(measured);
            progress.WriteLine(measured.Ok
                ? (measured.IsSmall ? $"{measured.OpsPerSecond,9:0} ops/s" : $"{measured.MiBps,9:0.0} MiB/s")
                : measured.Status);
        }

        await CleanupAsync("small/");
        return results;
    }

    private async Task<Measurement> RunScenarioAsync(Measurement scenario)
    {
        if (perfDirectory is null || (!scenario.IsSmall && scenario.Size < ProfiledFromSize))
        {
            return await RunUnprofiledAsync(scenario);
        }

        var name = $"{mode.Name}-{scenario.Operation.Replace(' ', '-')}-{Sizes.Label(scenario.Size).Replace(" ", "", StringComparison.Ordinal)}-c{scenario.Concurrency}";
        var data = Path.Combine(perfDirectory, $"{name}.data");
        Measurement measured;
        await using (var perf = await PerfRecorder.StartAsync(serverPid, data))
        {
            measured = await RunUnprofiledAsync(scenario);
            await perf.StopAsync();
        }

        if (!measured.Ok)
        {
            return measured;
        }

        return measured with
        {
            PerfByDso = await PerfRecorder.ReportAsync(data, "dso", 8),
            PerfBySymbol = await PerfRecorder.ReportAsync(data, "dso,symbol", 15),
        };
    }

    private Task<Measurement> RunUnprofiledAsync(Measurement scenario) => scenario.Operation switch
    {
        Operation.Put => PutAsync(scenario),
        Operation.Get => GetAsync(scenario),
        Operation.MultipartPut => MultipartAsync(scenario),
        Operation.SmallPut => SmallAsync(scenario, write: true),
        Operation.SmallGet => SmallAsync(scenario, write: false),
        _ => throw new InvalidOperationException(scenario.Operation),
    };

    /// <summary>One small object through PUT, GET: tells "not supported" apart before any timed scenario runs.</summary>
    private async Task<string?> PreflightAsync()
    {
        const string key = "preflight";
        var template = new Measurement { Mode = mode.Name, Operation = "preflight", Size = 4096 };
        var result = await GuardAsync(template, async () =>
        {
            await PutObjectAsync(key, 4096);
            await GetObjectAsync(key, 4096);
            await client.DeleteObjectAsync(bucket, key);
            return template;
        });
        return result.Ok ? null : result.Status;
    }

    /// <summary>
    /// Untimed traffic through the same code paths first, until the runtime's tiered JIT has settled (its background
    /// thread used under 20 ms in a round) or the cap is reached, so JIT compilation is not billed to whichever
    /// scenario happens to run first. A server that has just started recompiles thousands of methods.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var template = new Measurement { Mode = mode.Name, Operation = "warm-up", Size = WarmUpSize };
        var cap = Stopwatch.StartNew();
        var rounds = 0;
        var settled = false;
        await GuardAsync(template, async () =>
        {
            while (!settled && cap.Elapsed < profile.WarmUpCap)
            {
                var jitBefore = TieredJitSeconds();
                await PutObjectAsync("warm-up/large", WarmUpSize);
                await GetObjectAsync("warm-up/large", WarmUpSize);
                for (var i = 0; i < 10; i++)
                {
                    await PutObjectAsync("warm-up/large", Sizes.MiB);
                    await GetObjectAsync("warm-up/large", Sizes.MiB);
                }

                await WarmUpMultipartAsync();
                await Parallel.ForEachAsync(Enumerable.Range(0, 16), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
                {
                    await PutObjectAsync($"warm-up/small/{i}", profile.SmallObjectSize);
                    await GetObjectAsync($"warm-up/small/{i}", profile.SmallObjectSize);
                });

                // Tier-up waits for 100 ms without new compilations; give it the chance before measuring.
                await Task.Delay(150);
                rounds++;
                // The first rounds compile at tier 0 on the request threads; tier-up follows in the background.
                settled = rounds >= 3 && TieredJitSeconds() - jitBefore < 0.02;
            }

            return template;
        });
        await CleanupAsync("warm-up/");
        await JitQuietAsync(TimeSpan.FromSeconds(3));
        progress.WriteLine($"  {mode.Name,-8} warm-up: {rounds} round(s), {cap.Elapsed.TotalSeconds:0.0} s, tiered JIT {(settled ? "settled" : "still compiling at the cap")}");
    }

    /// <summary>
    /// Waits until the tiered-JIT thread has been idle for 300 ms (or the cap): tier-ups queued by earlier traffic
    /// are compiled in the background and would otherwise land in the next timed scenario.
    /// </summary>
    private async Task JitQuietAsync(TimeSpan cap)
    {
        var deadline = Stopwatch.StartNew();
        var last = TieredJitSeconds();
        var quietSince = Stopwatch.StartNew();
        while (deadline.Elapsed < cap && quietSince.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            await Task.Delay(50);
            var now = TieredJitSeconds();
            if (now > last)
            {
                last = now;
                quietSince.Restart();
            }
        }
    }

    private double TieredJitSeconds() =>
        ProcStats.ThreadCpuSeconds(serverPid).Where(t => t.Key.StartsWith(".NET Tiered", StringComparison.Ordinal)).Sum(t => t.Value);

    private const long WarmUpSize = 8 * Sizes.MiB;

    /// <summary>Two 5 MiB parts (S3's minimum part size) through the same calls as the timed multipart scenario.</summary>
    private async Task WarmUpMultipartAsync()
    {
        const long partSize = 5 * Sizes.MiB;
        var scenario = new Measurement { Mode = mode.Name, Operation = Operation.MultipartPut, Size = 2 * partSize, Concurrency = 2 };
        await UploadMultipartAsync("warm-up/multipart", scenario.Size, partSize, scenario.Concurrency);
        await Quietly(() => client.DeleteObjectAsync(bucket, "warm-up/multipart"));
    }

    private async Task<Measurement> PutAsync(Measurement scenario)
    {
        var repeats = profile.ObjectSizes.Single(s => s.Size == scenario.Size).Repeats;
        var elapsed = TimeSpan.Zero;
        var count = 0;
        var cap = Stopwatch.StartNew();
        await using var watch = ResourceWatch.Start(serverPid);
        for (; count < repeats && (count == 0 || cap.Elapsed < profile.LargeTimeCap); count++)
        {
            var started = Stopwatch.GetTimestamp();
            await PutObjectAsync(LargeKey(scenario.Size, count), scenario.Size);
            elapsed += Stopwatch.GetElapsedTime(started);
        }

        var usage = await watch.StopAsync();
        return Completed(scenario, scenario.Size * count, count, elapsed, usage);
    }

    private async Task<Measurement> GetAsync(Measurement scenario)
    {
        try
        {
            var keys = await ListAsync(LargePrefix(scenario.Size));
            if (keys.Count == 0)
            {
                throw new InvalidOperationException("no object left by the PUT scenario to read");
            }

            var elapsed = TimeSpan.Zero;
            var count = 0;
            var cap = Stopwatch.StartNew();
            await using var watch = ResourceWatch.Start(serverPid);
            for (; count < keys.Count && (count == 0 || cap.Elapsed < profile.LargeTimeCap); count++)
            {
                var started = Stopwatch.GetTimestamp();
                await GetObjectAsync(keys[count], scenario.Size);
                elapsed += Stopwatch.GetElapsedTime(started);
            }

            var usage = await watch.StopAsync();
            return Completed(scenario, scenario.Size * count, count, elapsed, usage);
        }
        finally
        {
            await CleanupAsync(LargePrefix(scenario.Size));
        }
    }

    private async Task<Measurement> MultipartAsync(Measurement scenario)
    {
        var key = $"multipart/{scenario.Size}";
        try
        {
            await using var watch = ResourceWatch.Start(serverPid);
            var started = Stopwatch.GetTimestamp();
            var (partCount, completeSeconds) = await UploadMultipartAsync(key, scenario.Size, profile.MultipartPartSize, scenario.Concurrency);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var usage = await watch.StopAsync();

            var head = new GetObjectMetadataRequest { BucketName = bucket, Key = key };
            mode.Apply(head);
            var metadata = await client.GetObjectMetadataAsync(head);
            if (metadata.ContentLength != scenario.Size)
            {
                throw new InvalidDataException($"the completed object has {metadata.ContentLength} bytes, expected {scenario.Size}");
            }

            return Completed(scenario, scenario.Size, partCount, elapsed, usage) with { CompleteSeconds = completeSeconds };
        }
        finally
        {
            await Quietly(() => client.DeleteObjectAsync(bucket, key));
        }
    }

    /// <summary>Create, upload parts <paramref name="parallelism"/> at a time, complete; aborts on failure.</summary>
    /// <returns>The number of parts and how long CompleteMultipartUpload took.</returns>
    private async Task<(int Parts, double CompleteSeconds)> UploadMultipartAsync(string key, long size, long partSize, int parallelism)
    {
        var partCount = (int)((size + partSize - 1) / partSize);
        var parts = new PartETag[partCount];
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
        mode.Apply(initiate);
        var created = await client.InitiateMultipartUploadAsync(initiate);
        var uploadId = created.UploadId;
        try
        {
            Confirm(created.ServerSideEncryptionMethod, created.ServerSideEncryptionCustomerMethod, created.BucketKeyEnabled);
            await Parallel.ForEachAsync(
                Enumerable.Range(0, partCount),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism },
                async (index, ct) =>
                {
                    var offset = index * partSize;
                    var length = Math.Min(partSize, size - offset);
                    using var body = new PatternStream(length, offset);
                    var request = new UploadPartRequest
                    {
                        BucketName = bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = index + 1,
                        InputStream = body,
                        PartSize = length,
                        IsLastPart = index == partCount - 1,
                    };
                    if (unsignedPayload)
                    {
                        request.DisablePayloadSigning = true;
                    }

                    mode.Apply(request);
                    var response = await client.UploadPartAsync(request, ct);
                    parts[index] = new PartETag
                    {
                        PartNumber = index + 1,
                        ETag = response.ETag,
                        ChecksumCRC32 = response.ChecksumCRC32,
                        ChecksumCRC32C = response.ChecksumCRC32C,
                        ChecksumCRC64NVME = response.ChecksumCRC64NVME,
                        ChecksumSHA1 = response.ChecksumSHA1,
                        ChecksumSHA256 = response.ChecksumSHA256,
                    };
                });
            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = [.. parts] };
            mode.Apply(complete);
            var completeStarted = Stopwatch.GetTimestamp();
            var completed = await client.CompleteMultipartUploadAsync(complete);
            var completeSeconds = Stopwatch.GetElapsedTime(completeStarted).TotalSeconds;
            uploadId = null;
            if (mode.Kind != SseKind.SseC)
            {
                Confirm(completed.ServerSideEncryptionMethod, null, completed.BucketKeyEnabled);
            }

            return (partCount, completeSeconds);
        }
        finally
        {
            if (uploadId is not null)
            {
                await Quietly(() => client.AbortMultipartUploadAsync(bucket, key, uploadId));
            }
        }
    }

    private async Task<Measurement> SmallAsync(Measurement scenario, bool write)
    {
        var prefix = $"small/c{scenario.Concurrency}/";
        var keys = write ? [] : await ListAsync(prefix);
        if (!write && keys.Count == 0)
        {
            throw new InvalidOperationException("no object left by the small PUT scenario to read");
        }

        var latencies = new double[profile.SmallOps];
        var next = -1;
        var done = 0;
        var cap = Stopwatch.StartNew();
        await using var watch = ResourceWatch.Start(serverPid);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, scenario.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < profile.SmallOps && cap.Elapsed < profile.SmallTimeCap)
            {
                var opStarted = Stopwatch.GetTimestamp();
                if (write)
                {
                    await PutObjectAsync($"{prefix}{i:D6}", scenario.Size);
                }
                else
                {
                    await GetObjectAsync(keys[i % keys.Count], scenario.Size);
                }

                latencies[i] = Stopwatch.GetElapsedTime(opStarted).TotalMilliseconds;
                Interlocked.Increment(ref done);
            }
        }));
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var usage = await watch.StopAsync();
        var samples = latencies.Where(l => l > 0).ToList();
        return Completed(scenario, scenario.Size * done, done, elapsed, usage) with
        {
            P50Ms = Percentiles.Of(samples, 50),
            P99Ms = Percentiles.Of(samples, 99),
        };
    }

    private async Task PutObjectAsync(string key, long size)
    {
        using var body = new PatternStream(size);
        var request = new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, AutoCloseStream = false };
        if (unsignedPayload)
        {
            request.DisablePayloadSigning = true;
        }

        mode.Apply(request);
        var response = await client.PutObjectAsync(request);
        Confirm(response.ServerSideEncryptionMethod, response.ServerSideEncryptionCustomerMethod, response.BucketKeyEnabled);
    }

    private async Task GetObjectAsync(string key, long size)
    {
        var request = new GetObjectRequest { BucketName = bucket, Key = key };
        mode.Apply(request);
        using var response = await client.GetObjectAsync(request);
        Confirm(response.ServerSideEncryptionMethod, response.ServerSideEncryptionCustomerMethod, response.BucketKeyEnabled);
        await VerifyingDrain.DrainAsync(response.ResponseStream, size, CancellationToken.None);
    }

    private void Confirm(ServerSideEncryptionMethod? method, ServerSideEncryptionCustomerMethod? customerMethod, bool? bucketKeyEnabled)
    {
        var problem = mode.Unconfirmed(method, customerMethod, bucketKeyEnabled);
        if (problem is not null)
        {
            throw new SseNotConfirmedException(problem);
        }
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        for (var page = 0; page < 1000; page++)
        {
            var response = await client.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            if (response.IsTruncated != true)
            {
                break;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }

        return keys;
    }

    private async Task CleanupAsync(string prefix)
    {
        await Quietly(async () =>
        {
            var keys = await ListAsync(prefix);
            foreach (var chunk in keys.Chunk(1000))
            {
                await client.DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = [.. chunk.Select(k => new KeyVersion { Key = k })],
                    Quiet = true,
                });
            }
        });
    }

    private async Task<Measurement> GuardAsync(Measurement scenario, Func<Task<Measurement>> run)
    {
        try
        {
            return await run();
        }
        catch (AmazonS3Exception e) when (mode.Encrypted && serverAlive())
        {
            return scenario.WithStatus($"n/a (server refused: {e.ErrorCode ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }
        catch (SseNotConfirmedException e)
        {
            return scenario.WithStatus($"n/a ({e.Message})");
        }
        catch (Exception e) when (!serverAlive())
        {
            return scenario.WithStatus($"failed: the server process exited ({e.GetType().Name})");
        }
        catch (AmazonS3Exception e)
        {
            return scenario.WithStatus($"failed: {e.ErrorCode} ({(int)e.StatusCode}) {e.Message}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return scenario.WithStatus($"failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static Measurement Completed(Measurement scenario, long bytes, int ops, TimeSpan elapsed, ResourceUsage usage) => scenario with
    {
        Bytes = bytes,
        Ops = ops,
        Seconds = elapsed.TotalSeconds,
        ServerCpuSeconds = usage.ServerCpuSeconds,
        ClientCpuSeconds = usage.ClientCpuSeconds,
        PeakRssBytes = usage.PeakRssBytes,
        PeakRssExact = usage.PeakFromKernel,
        ServerThreadCpuSeconds = usage.ServerThreadCpuSeconds,
        MethodsCompiled = usage.MethodsCompiled,
    };

    private static string LargePrefix(long size) => $"large/{size}/";

    private static string LargeKey(long size, int index) => $"{LargePrefix(size)}{index:D4}";

    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException)
        {
            // Cleanup is best effort: the data folder is removed at the end of the run anyway.
        }
    }
}
