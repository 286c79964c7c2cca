using System.Security.Cryptography;
using StorageOperator.Crypto.Dare;
using StorageOperator.Crypto.Kms;
using StorageOperator.Crypto.Sse;
using StorageOperator.S3.Protocol.Errors;
using StorageOperator.S3Server.Encryption;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>The encrypting codec against a real filesystem backend: sizes, ranges, multipart, keys, tampering.</summary>
public sealed class SseObjectCodecTests
{
    private const int Package = DareFormat.MaxPayloadSize;

    public static TheoryData<string> Modes => new() { "SSE-C", "SSE-S3", "SSE-KMS" };

    private static Microsoft.AspNetCore.Http.HeaderDictionary ModeHeaders(string mode) => mode switch
    {
        "SSE-C" => CodecHarness.SseC(),
        "SSE-S3" => CodecHarness.Headers(("x-amz-server-side-encryption", "AES256")),
        _ => CodecHarness.Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", CodecHarness.KeyName)),
    };

    private static Microsoft.AspNetCore.Http.HeaderDictionary ReadHeaders(string mode) => mode == "SSE-C" ? CodecHarness.SseC() : CodecHarness.Headers();

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Single_part_ranges_across_package_boundaries_decrypt_exactly(string mode)
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        var data = RandomNumberGenerator.GetBytes((3 * Package) + 1000);
        var (info, etag) = await h.PutAsync(bucket, "k", data, ModeHeaders(mode));
        Assert.Equal(DareFormat.EncryptedSize(data.Length), info.Size);
        Assert.Equal(data.Length, SseObjectCodec.PlaintextSize(info));
        Assert.Equal(32, etag.Length);
        Assert.Equal(mode == "SSE-S3", etag == Convert.ToHexStringLower(MD5.HashData(data)));

        foreach (var (offset, length) in new (long, long)[] { (0, data.Length), (Package - 1, 2), (Package, Package), (10, (2 * Package) + 5), (data.Length - 1, 1), (3 * Package, 1000) })
        {
            Assert.Equal(data.AsSpan((int)offset, (int)length).ToArray(), await h.GetAsync(bucket, "k", offset, length, ReadHeaders(mode)));
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Multipart_ranges_across_part_and_package_boundaries(string mode)
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        byte[][] parts = [RandomNumberGenerator.GetBytes((2 * Package) + 7), RandomNumberGenerator.GetBytes(Package), RandomNumberGenerator.GetBytes(12345)];
        var all = parts.SelectMany(p => p).ToArray();
        var info = await h.PutMultipartAsync(bucket, "mp", parts, ModeHeaders(mode));
        Assert.Equal(all.Length, SseObjectCodec.PlaintextSize(info));
        var p1 = parts[0].Length;
        foreach (var (offset, length) in new (long, long)[] { (0, all.Length), (p1 - 3, 6), (p1 - 1, Package + 2), (Package + 1, all.Length - Package - 2), (all.Length - 12345, 12345), (p1 + Package - 1, 1) })
        {
            Assert.Equal(all.AsSpan((int)offset, (int)length).ToArray(), await h.GetAsync(bucket, "mp", offset, length, ReadHeaders(mode)));
        }
    }

    [Fact]
    public async Task Sse_c_read_errors_follow_aws()
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        await h.PutAsync(bucket, "c", [1, 2, 3], CodecHarness.SseC());
        var none = await Assert.ThrowsAsync<S3Exception>(() => h.GetAsync(bucket, "c", 0, 3, CodecHarness.Headers()));
        Assert.Equal(("InvalidRequest", 400, SseErrors.EncryptedObjectMessage), (none.Info.Code, none.HttpStatus, none.Message));
        var wrong = await Assert.ThrowsAsync<S3Exception>(() => h.GetAsync(bucket, "c", 0, 3, CodecHarness.SseC(Convert.ToBase64String(new byte[32]))));
        Assert.Equal(("AccessDenied", 403, SseErrors.WrongKeyMessage), (wrong.Info.Code, wrong.HttpStatus, wrong.Message));

        await h.PutAsync(bucket, "plain", [1], CodecHarness.Headers());
        var notApplicable = await Assert.ThrowsAsync<S3Exception>(() => h.GetAsync(bucket, "plain", 0, 1, CodecHarness.SseC()));
        Assert.Equal(400, notApplicable.HttpStatus);
    }

    [Fact]
    public async Task Multipart_sse_c_part_with_a_wrong_key_or_no_key_is_refused()
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var e = await Assert.ThrowsAsync<S3Exception>(() => h.PutMultipartAsync(bucket, "mp", [[1], [2]], CodecHarness.SseC(), n => n == 2 ? CodecHarness.SseC(other) : CodecHarness.SseC()));
        Assert.Equal(("InvalidRequest", 400, SseErrors.PartKeyMismatchMessage), (e.Info.Code, e.HttpStatus, e.Message));
        e = await Assert.ThrowsAsync<S3Exception>(() => h.PutMultipartAsync(bucket, "mp2", [[1]], CodecHarness.SseC(), _ => CodecHarness.Headers()));
        Assert.Equal(("InvalidRequest", 400, SseErrors.MultipartEncryptedMessage), (e.Info.Code, e.HttpStatus, e.Message));
        e = await Assert.ThrowsAsync<S3Exception>(() => h.PutMultipartAsync(bucket, "mp3", [[1]], CodecHarness.Headers(), _ => CodecHarness.SseC()));
        Assert.Equal(SseErrors.MultipartEncryptedMessage, e.Message);
    }

    [Fact]
    public async Task Unknown_kms_key_is_kms_not_found_and_nothing_is_written()
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        var e = await Assert.ThrowsAsync<S3Exception>(() => h.PutAsync(bucket, "k", [1], CodecHarness.Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", "fake-key-id"))));
        Assert.Equal(("KMS.NotFoundException", 400, "Invalid keyId 'fake-key-id'"), (e.Info.Code, e.HttpStatus, e.Message));
        Assert.Null(await h.Backend.GetObjectInfoAsync(bucket, "k", default));
    }

    [Fact]
    public async Task Auto_encryption_writes_sse_kms_under_the_default_key_and_zero_byte_objects_work()
    {
        using var h = new CodecHarness(new EncryptionPolicy(true));
        var bucket = await h.BucketAsync();
        var (info, _) = await h.PutAsync(bucket, "auto", [9, 8, 7], CodecHarness.Headers());
        var encryption = SseObjectMetadata.Read(info.Metadata.Headers)!;
        Assert.Equal((SseType.SseKms, CodecHarness.KeyName), (encryption.Type, encryption.KmsKeyId));
        Assert.Equal([9, 8, 7], await h.GetAsync(bucket, "auto", 0, 3, CodecHarness.Headers()));

        var (empty, _) = await h.PutAsync(bucket, "empty", [], CodecHarness.Headers());
        Assert.Equal(0, empty.Size);
        Assert.Equal(0, SseObjectCodec.PlaintextSize(empty));
        Assert.Empty(await h.GetAsync(bucket, "empty", 0, 0, CodecHarness.Headers()));
    }

    [Fact]
    public async Task A_flipped_byte_on_disk_fails_the_read_and_never_returns_wrong_bytes()
    {
        using var h = new CodecHarness(new EncryptionPolicy(true));
        var bucket = await h.BucketAsync();
        var data = RandomNumberGenerator.GetBytes((2 * Package) + 100);
        await h.PutAsync(bucket, "t", data, CodecHarness.Headers());
        var file = Directory.EnumerateFiles(Path.Combine(h.Dir.Path, "data", "buckets"), "*", SearchOption.AllDirectories).Single(f => f.Contains("objects", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(file);
        bytes[Package + 100] ^= 0x01; // inside the second package's ciphertext
        await File.WriteAllBytesAsync(file, bytes);

        Assert.Equal(data.AsSpan(0, 1000).ToArray(), await h.GetAsync(bucket, "t", 0, 1000, CodecHarness.Headers()));
        await Assert.ThrowsAsync<DareException>(() => h.GetAsync(bucket, "t", 0, data.Length, CodecHarness.Headers()));
        await Assert.ThrowsAsync<DareException>(() => h.GetAsync(bucket, "t", Package + 10, 10, CodecHarness.Headers()));
    }

    [Fact]
    public async Task Sse_c_rotation_reseals_the_key_and_keeps_the_data()
    {
        using var h = new CodecHarness();
        var bucket = await h.BucketAsync();
        var data = RandomNumberGenerator.GetBytes(Package + 5);
        var (info, _) = await h.PutAsync(bucket, "r", data, CodecHarness.SseC());
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var headers = CodecHarness.SseC(newKey);
        foreach (var (n, v) in CodecHarness.SseC(copySource: true))
        {
            headers[n] = v;
        }

        var (rotated, response) = SseObjectCodec.RotateCustomerKey(info, headers)!.Value;
        Assert.Equal(SseType.SseC, response.Type);
        await h.Backend.UpdateObjectMetadataAsync(bucket, "r", info.Metadata.ETag, info.Metadata with { Headers = rotated }, default);
        Assert.Equal(data, await h.GetAsync(bucket, "r", 0, data.Length, CodecHarness.SseC(newKey)));
        var old = await Assert.ThrowsAsync<S3Exception>(() => h.GetAsync(bucket, "r", 0, 1, CodecHarness.SseC()));
        Assert.Equal(403, old.HttpStatus);

        // the old key no longer opens it: rotating "from" it again is a wrong key
        var again = CodecHarness.SseC(newKey);
        foreach (var (n, v) in CodecHarness.SseC(copySource: true))
        {
            again[n] = v;
        }

        var current = (await h.Backend.GetObjectInfoAsync(bucket, "r", default))!;
        Assert.Equal(403, Assert.Throws<S3Exception>(() => SseObjectCodec.RotateCustomerKey(current, again)).HttpStatus);
    }

    [Fact]
    public async Task Kms_outage_is_a_503_and_nothing_is_written()
    {
        using var outage = new SwitchableKms(new StaticKeyKms(CodecHarness.KeyName, RandomNumberGenerator.GetBytes(32)));
        using var h = new CodecHarness(new EncryptionPolicy(true), outage);
        var bucket = await h.BucketAsync();
        await h.PutAsync(bucket, "before", [1, 2], CodecHarness.Headers());
        outage.Down = true;
        var write = await Assert.ThrowsAsync<S3Exception>(() => h.PutAsync(bucket, "during", [1], CodecHarness.Headers()));
        Assert.Equal(503, write.HttpStatus);
        Assert.Contains("KMS", write.Message, StringComparison.Ordinal);
        Assert.Null(await h.Backend.GetObjectInfoAsync(bucket, "during", default));
        Assert.Equal(503, (await Assert.ThrowsAsync<S3Exception>(() => h.GetAsync(bucket, "before", 0, 2, CodecHarness.Headers()))).HttpStatus);
        outage.Down = false;
        Assert.Equal([1, 2], await h.GetAsync(bucket, "before", 0, 2, CodecHarness.Headers()));
    }
}

/// <summary>A KMS that can be switched to "unreachable".</summary>
internal sealed class SwitchableKms(IKmsClient inner) : IKmsClient, IDisposable
{
    public bool Down { get; set; }

    public string DefaultKeyId => inner.DefaultKeyId;

    public Task<DataKey> GenerateKeyAsync(string keyId, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
        Down ? throw Unavailable() : inner.GenerateKeyAsync(keyId, context, cancellationToken);

    public Task<byte[]> DecryptAsync(string keyId, ReadOnlyMemory<byte> ciphertext, ReadOnlyMemory<byte> context, CancellationToken cancellationToken) =>
        Down ? throw Unavailable() : inner.DecryptAsync(keyId, ciphertext, context, cancellationToken);

    public Task CreateKeyAsync(string keyId, CancellationToken cancellationToken) => inner.CreateKeyAsync(keyId, cancellationToken);

    public Task<KmsStatus> StatusAsync(CancellationToken cancellationToken) => inner.StatusAsync(cancellationToken);

    private static KmsException Unavailable() => new(KmsErrorKind.Unavailable, "connection refused");

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
