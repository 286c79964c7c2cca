using System.Diagnostics;
using Amazon.S3;
using Amazon.S3.Model;
using StorageOperator.Bench.Cli;
using StorageOperator.Bench.Data;
using StorageOperator.Bench.Processes;
using StorageOperator.Bench.Results;
using StorageOperator.Bench.S3;

namespace StorageOperator.Bench.Gateway;

/// <summary>
/// The gateway scenarios against one target. With several clients (one per replica) the work is split between them,
/// and every read goes through a different client than the write of the same object, so with two replicas each GET
/// crosses replicas. A scenario that fails is recorded with its reason; objects are deleted after each GET scenario.
/// </summary>
public sealed class GatewayRunner(
    GatewayTarget target, IReadOnlyList<IAmazonS3> clients, string bucket, GatewayProfile profile, IReadOnlyList<int> replicaPids,
    RgwCluster rgw, Func<bool> alive, TextWriter progress)
{
    private readonly Dictionary<string, List<string[]>> _written = [];

    /// <summary>Every scenario of a target, in run order (pure): each GET reads what the PUT before it wrote.</summary>
    public static IReadOnlyList<Measurement> Plan(GatewayProfile profile, string target) =>
    [
        new() { Mode = target, Operation = Operation.Put, Size = profile.LargeSize },
        new() { Mode = target, Operation = Operation.Get, Size = profile.LargeSize },
        new() { Mode = target, Operation = Operation.Put, Size = profile.ParallelSize, Concurrency = profile.Parallelism },
        new() { Mode = target, Operation = Operation.Get, Size = profile.ParallelSize, Concurrency = profile.Parallelism },
        new() { Mode = target, Operation = Operation.SmallPut, Size = profile.SmallSize, Concurrency = profile.SmallConcurrency },
        new() { Mode = target, Operation = Operation.SmallGet, Size = profile.SmallSize, Concurrency = profile.SmallConcurrency },
    ];

    public async Task<IReadOnlyList<Measurement>> RunAsync()
    {
        var warmUp = await GuardAsync(new Measurement { Mode = target.Name, Operation = "warm-up", Size = profile.ParallelSize }, WarmUpAsync);
        if (!warmUp.Ok)
        {
            progress.WriteLine($"  {target.Label}: warm-up {warmUp.Status}");
            return [.. Plan(profile, target.Name).Select(m => m.WithStatus(warmUp.Status))];
        }

        var results = new List<Measurement>();
        foreach (var scenario in Plan(profile, target.Name))
        {
            await JitQuietAsync(TimeSpan.FromSeconds(1));
            progress.Write($"  {target.Label,-26} {scenario.Operation,-9} {Sizes.Label(scenario.Size),7} c={scenario.Concurrency,-3} ");
            var measured = await GuardAsync(scenario, () => RunScenarioAsync(scenario));
            results.Add(measured);
            progress.WriteLine(measured.Ok
                ? (measured.IsSmall ? $"{measured.OpsPerSecond,9:0} ops/s" : $"{measured.MiBps,9:0.0} MiB/s")
                : measured.Status);
        }

        return results;
    }

    private Task<Measurement> RunScenarioAsync(Measurement scenario) => scenario.Operation switch
    {
        Operation.Put => PutLargeAsync(scenario),
        Operation.Get => GetLargeAsync(scenario),
        Operation.SmallPut => SmallAsync(scenario, write: true),
        Operation.SmallGet => SmallAsync(scenario, write: false),
        _ => throw new InvalidOperationException(scenario.Operation),
    };

    private int Rounds(Measurement scenario) => scenario.Concurrency == 1 ? profile.LargeRepeats : profile.ParallelRounds;

    private static string LargePrefix(Measurement scenario) => $"large/{scenario.Size}-c{scenario.Concurrency}/";

    /// <summary>Rounds of <c>Concurrency</c> objects written at once, one stream each; the clock runs only inside rounds.</summary>
    private async Task<Measurement> PutLargeAsync(Measurement scenario)
    {
        var prefix = LargePrefix(scenario);
        var rounds = new List<string[]>();
        _written[prefix] = rounds;
        var elapsed = TimeSpan.Zero;
        var cap = Stopwatch.StartNew();
        var usage = Usage.Start(replicaPids, rgw);
        for (var r = 0; r < Rounds(scenario) && (r == 0 || cap.Elapsed < profile.LargeTimeCap); r++)
        {
            var keys = Enumerable.Range(0, scenario.Concurrency).Select(j => $"{prefix}{r:D3}-{j}").ToArray();
            var started = Stopwatch.GetTimestamp();
            var round = r;
            await Task.WhenAll(keys.Select((key, j) => PutAsync(ClientFor(round * scenario.Concurrency + j), key, scenario.Size)));
            elapsed += Stopwatch.GetElapsedTime(started);
            rounds.Add(keys);
        }

        var count = rounds.Sum(k => k.Length);
        return usage.Complete(scenario, scenario.Size * count, count, elapsed);
    }

    private async Task<Measurement> GetLargeAsync(Measurement scenario)
    {
        var prefix = LargePrefix(scenario);
        if (!_written.TryGetValue(prefix, out var rounds) || rounds.Count == 0)
        {
            throw new InvalidOperationException("no object left by the PUT scenario to read");
        }

        try
        {
            var elapsed = TimeSpan.Zero;
            var count = 0;
            var cap = Stopwatch.StartNew();
            var usage = Usage.Start(replicaPids, rgw);
            for (var r = 0; r < rounds.Count && (r == 0 || cap.Elapsed < profile.LargeTimeCap); r++)
            {
                var started = Stopwatch.GetTimestamp();
                var round = r;
                await Task.WhenAll(rounds[r].Select((key, j) => GetAsync(ClientFor(round * scenario.Concurrency + j + 1), key, scenario.Size)));
                elapsed += Stopwatch.GetElapsedTime(started);
                count += rounds[r].Length;
            }

            return usage.Complete(scenario, scenario.Size * count, count, elapsed);
        }
        finally
        {
            await DeleteAsync([.. rounds.SelectMany(k => k)]);
        }
    }

    private async Task<Measurement> SmallAsync(Measurement scenario, bool write)
    {
        const string prefix = "small/";
        if (!write && (!_written.TryGetValue(prefix, out var existing) || existing.Count == 0))
        {
            throw new InvalidOperationException("no object left by the small PUT scenario to read");
        }

        var readable = write ? [] : _written[prefix][0];
        var written = new string?[profile.SmallOps];
        var latencies = new double[profile.SmallOps];
        var next = -1;
        var done = 0;
        var cap = Stopwatch.StartNew();
        var usage = Usage.Start(replicaPids, rgw);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, scenario.Concurrency).Select(w => Task.Run(async () =>
        {
            // A worker reads through the other replica than the one it wrote through.
            var client = ClientFor(write ? w : w + 1);
            int i;
            while ((i = Interlocked.Increment(ref next)) < profile.SmallOps && cap.Elapsed < profile.SmallTimeCap)
            {
                var opStarted = Stopwatch.GetTimestamp();
                if (write)
                {
                    var key = $"{prefix}{i:D6}";
                    await PutAsync(client, key, scenario.Size);
                    written[i] = key;
                }
                else
                {
                    await GetAsync(client, readable[i % readable.Length], scenario.Size);
                }

                latencies[i] = Stopwatch.GetElapsedTime(opStarted).TotalMilliseconds;
                Interlocked.Increment(ref done);
            }
        }));
        try
        {
            await Task.WhenAll(workers);
        }
        finally
        {
            if (write)
            {
                _written[prefix] = [[.. written.OfType<string>()]];
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var measured = usage.Complete(scenario, scenario.Size * done, done, elapsed);
        if (!write)
        {
            await DeleteAsync(_written[prefix][0]);
        }

        var samples = latencies.Where(l => l > 0).ToList();
        return measured with { P50Ms = Percentiles.Of(samples, 50), P99Ms = Percentiles.Of(samples, 99) };
    }

    /// <summary>
    /// Untimed traffic through every client until the replicas' tiered JIT has settled (or the cap): fresh replicas
    /// compile thousands of methods, and TLS connections are opened here rather than in the first timed scenario.
    /// </summary>
    private async Task<Measurement> WarmUpAsync()
    {
        var cap = Stopwatch.StartNew();
        var rounds = 0;
        var settled = false;
        while (!settled && (rounds == 0 || cap.Elapsed < profile.WarmUpCap))
        {
            var jitBefore = TieredJitSeconds();

            // The first round writes the large size: above the replicas' backend part size it takes their multipart
            // path, and RGW's first multipart upload in a fresh bucket is slow once (about a second here).
            var size = rounds == 0 ? profile.LargeSize : profile.ParallelSize;
            await Task.WhenAll(Enumerable.Range(0, Math.Max(2, clients.Count)).Select(async c =>
            {
                var key = $"warm-up/large-{c}";
                await PutAsync(ClientFor(c), key, size);
                await GetAsync(ClientFor(c + 1), key, size);
            }));
            await Parallel.ForEachAsync(Enumerable.Range(0, 32), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                await PutAsync(ClientFor(i), $"warm-up/small-{i}", profile.SmallSize);
                await GetAsync(ClientFor(i + 1), $"warm-up/small-{i}", profile.SmallSize);
            });
            await Task.Delay(150);
            rounds++;
            settled = replicaPids.Count == 0 ? rounds >= 2 : rounds >= 3 && TieredJitSeconds() - jitBefore < 0.02;
        }

        await DeleteAsync([.. Enumerable.Range(0, Math.Max(2, clients.Count)).Select(c => $"warm-up/large-{c}"), .. Enumerable.Range(0, 32).Select(i => $"warm-up/small-{i}")]);
        await JitQuietAsync(TimeSpan.FromSeconds(3));
        progress.WriteLine($"  {target.Label,-26} warm-up: {rounds} round(s), {cap.Elapsed.TotalSeconds:0.0} s"
            + (replicaPids.Count > 0 ? $", tiered JIT {(settled ? "settled" : "still compiling at the cap")}" : ""));
        return new Measurement { Mode = target.Name, Operation = "warm-up", Size = profile.ParallelSize };
    }

    private async Task JitQuietAsync(TimeSpan cap)
    {
        if (replicaPids.Count == 0)
        {
            return;
        }

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

    private double TieredJitSeconds() => replicaPids.Sum(pid =>
        ProcStats.ThreadCpuSeconds(pid).Where(t => t.Key.StartsWith(".NET Tiered", StringComparison.Ordinal)).Sum(t => t.Value));

    private IAmazonS3 ClientFor(int index) => clients[index % clients.Count];

    private async Task PutAsync(IAmazonS3 client, string key, long size)
    {
        using var body = new PatternStream(size);
        var response = await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, AutoCloseStream = false });
        Confirm(response.ServerSideEncryptionMethod);
    }

    private async Task GetAsync(IAmazonS3 client, string key, long size)
    {
        using var response = await client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key });
        Confirm(response.ServerSideEncryptionMethod);
        await VerifyingDrain.DrainAsync(response.ResponseStream, size, CancellationToken.None);
    }

    /// <summary>With auto-encryption on, a replica that answers without an SSE header did not encrypt: not an encrypted number.</summary>
    private void Confirm(ServerSideEncryptionMethod? method)
    {
        if (target.Encrypted && (method is null || method == ServerSideEncryptionMethod.None))
        {
            throw new SseNotConfirmedException("replica did not report auto-encryption: no x-amz-server-side-encryption header in the response");
        }
    }

    private async Task DeleteAsync(IReadOnlyList<string> keys)
    {
        foreach (var chunk in keys.Chunk(1000))
        {
            try
            {
                await clients[0].DeleteObjectsAsync(new DeleteObjectsRequest
                {
                    BucketName = bucket,
                    Objects = [.. chunk.Select(k => new KeyVersion { Key = k })],
                    Quiet = true,
                });
            }
            catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException)
            {
                // Best effort: the section purges the whole backend bucket after each target anyway.
            }
        }
    }

    private async Task<Measurement> GuardAsync(Measurement scenario, Func<Task<Measurement>> run)
    {
        try
        {
            return await run();
        }
        catch (SseNotConfirmedException e)
        {
            return scenario.WithStatus($"failed: {e.Message}");
        }
        catch (Exception e) when (!alive())
        {
            return scenario.WithStatus($"failed: a replica or a Ceph daemon exited ({e.GetType().Name})");
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

    /// <summary>CPU of the replicas, of the Ceph daemons and of this process over one scenario.</summary>
    private sealed class Usage
    {
        private readonly IReadOnlyList<int> _replicas;
        private readonly RgwCluster _rgw;
        private readonly double _replicaCpu;
        private readonly double _backendCpu;
        private readonly TimeSpan _clientCpu;

        private Usage(IReadOnlyList<int> replicas, RgwCluster rgw)
        {
            _replicas = replicas;
            _rgw = rgw;
            _replicaCpu = ReplicaCpu(replicas);
            _backendCpu = rgw.CpuSeconds();
            _clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
        }

        public static Usage Start(IReadOnlyList<int> replicas, RgwCluster rgw) => new(replicas, rgw);

        public Measurement Complete(Measurement scenario, long bytes, int ops, TimeSpan elapsed) => scenario with
        {
            Bytes = bytes,
            Ops = ops,
            Seconds = elapsed.TotalSeconds,
            ServerCpuSeconds = _replicas.Count == 0 ? double.NaN : ReplicaCpu(_replicas) - _replicaCpu,
            BackendCpuSeconds = _rgw.CpuSeconds() - _backendCpu,
            ClientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - _clientCpu).TotalSeconds,
        };

        private static double ReplicaCpu(IReadOnlyList<int> pids) => pids.Sum(ProcStats.CpuSeconds);
    }
}
