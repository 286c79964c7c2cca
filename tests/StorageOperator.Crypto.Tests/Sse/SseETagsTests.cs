using System.Security.Cryptography;
using System.Text;
using StorageOperator.Crypto.Keys;
using StorageOperator.Crypto.Sse;
using Xunit;

namespace StorageOperator.Crypto.Tests.Sse;

public class SseETagsTests
{
    [Fact]
    public void Client_view_per_type()
    {
        using var key = ObjectKey.Generate(new byte[32]);
        var md5 = MD5.HashData(Encoding.ASCII.GetBytes("data"));
        var sealedETag = key.SealETag(md5);

        Assert.Equal(Convert.ToHexStringLower(md5), SseETags.ToClient(SseType.SseS3, sealedETag, key));
        Assert.Equal(Convert.ToHexStringLower(sealedETag[^16..]), SseETags.ToClient(SseType.SseC, sealedETag, null));
        Assert.Equal(Convert.ToHexStringLower(sealedETag[^16..]), SseETags.ToClient(SseType.SseKms, sealedETag, null));
        Assert.Equal(Convert.ToHexStringLower(md5), SseETags.ToClient(SseType.SseC, md5, null));
        Assert.NotEqual(SseETags.RandomMd5(), SseETags.RandomMd5());
    }

    [Fact]
    public void Multipart_etag_is_md5_of_binary_part_etags()
    {
        // computed with Python: md5(bytes.fromhex(e1) + bytes.fromhex(e2)) + "-2"
        var parts = new[] { "\"5d41402abc4b2a76b9719d911017c592\"", "7d793037a0760186574b0282f2f435e7" };
        Assert.Equal("065947336a2f2a95ba8899f3675c3be6-2", SseETags.Multipart(parts));
    }
}
