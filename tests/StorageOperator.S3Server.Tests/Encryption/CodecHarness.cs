using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using StorageOperator.Crypto.Kms;
using StorageOperator.S3Server.Encryption;
using StorageOperator.S3Server.Objects;
using StorageOperator.Storage;
using StorageOperator.Storage.FileSystem;
using StorageOperator.TestCommon;

namespace StorageOperator.S3Server.Tests.Encryption;

/// <summary>The SSE codec over a real filesystem backend and the static-key KMS, without HTTP.</summary>
internal sealed class CodecHarness : IDisposable
{
    public const string KeyName = "test-key";

    public CodecHarness(EncryptionPolicy? policy = null, IKmsClient? kms = null)
    {
        Kms = kms ?? new StaticKeyKms(KeyName, RandomNumberGenerator.GetBytes(32));
        Backend = new FileSystemBackend(Dir.Sub("data"));
        Codec = new SseObjectCodec(Backend, Kms, policy ?? EncryptionPolicy.Off);
    }

    public TempDirectory Dir { get; } = new("sse-codec");

    public IKmsClient Kms { get; }

    public FileSystemBackend Backend { get; }

    public SseObjectCodec Codec { get; }

    public static HeaderDictionary Headers(params (string Name, string Value)[] pairs)
    {
        var h = new HeaderDictionary();
        foreach (var (n, v) in pairs)
        {
            h[n] = v;
        }

        return h;
    }

    public static HeaderDictionary SseC(string key = SseRequestParserTests.SeedKey, bool copySource = false)
    {
        var raw = Convert.FromBase64String(key);
        var prefix = copySource ? "x-amz-copy-source-server-side-encryption-customer-" : "x-amz-server-side-encryption-customer-";
        return Headers((prefix + "algorithm", "AES256"), (prefix + "key", key), (prefix + "key-MD5", Convert.ToBase64String(MD5.HashData(raw))));
    }

    public async Task<string> BucketAsync()
    {
        var name = "b" + Guid.NewGuid().ToString("N")[..10];
        await Backend.CreateBucketAsync(name, default);
        return name;
    }

    public async Task<(ObjectInfo Info, string ETag)> PutAsync(string bucket, string key, byte[] data, IHeaderDictionary headers)
    {
        await using var write = await Codec.BeginWriteAsync(new MemoryStream(data), bucket, key, headers, default);
        string etag = "";
        var info = await Backend.PutObjectAsync(bucket, key, write.Stored, _ =>
        {
            var metadata = new Dictionary<string, string>(write.Metadata, StringComparer.OrdinalIgnoreCase);
            etag = write.ETag(MD5.HashData(data), false, metadata);
            return new ObjectMetadata { ETag = etag, Headers = metadata };
        }, default);
        return (info, etag);
    }

    public async Task<ObjectInfo> PutMultipartAsync(string bucket, string key, IReadOnlyList<byte[]> parts, IHeaderDictionary headers, Func<int, IHeaderDictionary>? partHeaders = null)
    {
        await using var start = await Codec.BeginUploadAsync(bucket, key, headers, default);
        var uploadId = await Backend.CreateMultipartUploadAsync(bucket, key, new ObjectMetadata { ETag = "", Headers = start.Metadata }, default);
        var stored = new List<ObjectPart>();
        for (var i = 0; i < parts.Count; i++)
        {
            var upload = await Backend.GetMultipartUploadAsync(bucket, key, uploadId, default);
            await using var write = await Codec.BeginPartAsync(new MemoryStream(parts[i]), upload, i + 1, partHeaders?.Invoke(i + 1) ?? headers, default);
            var data = parts[i];
            var part = await Backend.PutPartAsync(bucket, key, uploadId, i + 1, write.Stored, _ =>
            {
                var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                return new PartMetadata(write.ETag(MD5.HashData(data), false, metadata), data.Length, metadata);
            }, default);
            stored.Add(new ObjectPart(i + 1, part.Size, data.Length, part.Metadata.ETag));
        }

        var uploadInfo = await Backend.GetMultipartUploadAsync(bucket, key, uploadId, default);
        return await Backend.CompleteMultipartUploadAsync(bucket, key, uploadId, stored.Select(p => p.Number).ToList(),
            new ObjectMetadata { ETag = Handlers.MultipartHandlers.MultipartETag(stored.Select(p => p.ETag)), Headers = uploadInfo.Metadata.Headers, Parts = stored }, default);
    }

    public async Task<byte[]> GetAsync(string bucket, string key, long offset, long length, IHeaderDictionary headers, bool copySource = false)
    {
        await using var reader = await Backend.OpenObjectAsync(bucket, key, default);
        var decoded = await Codec.DecodeReadAsync(reader.Info, offset, length, headers, copySource, default);
        await using var plain = decoded.Wrap(new RangeReadStream(reader.Data, decoded.StoredOffset, decoded.StoredLength));
        using var ms = new MemoryStream();
        await plain.CopyToAsync(ms);
        return ms.ToArray();
    }

    public void Dispose()
    {
        Backend.Dispose();
        (Kms as IDisposable)?.Dispose();
        Dir.Dispose();
    }
}
