using StorageOperator.Storage.S3Gateway.Configuration;
using StorageOperator.Storage.S3Gateway.Layout;
using StorageOperator.Storage.S3Gateway.Tests.Support;

namespace StorageOperator.Storage.S3Gateway.Tests.Unit;

public sealed class KeyLayoutTests
{
    [Theory]
    [InlineData("")]
    [InlineData("z")]
    [InlineData("\uFFFF\uFFFF")]
    [InlineData("\U0010FFFF")]
    [InlineData("\U0010FFFF\U0010FFFE/x")]
    [InlineData("\U0010FFFF\uFFFF")]
    public void Internal_objects_sort_after_every_key_a_user_can_store(string key)
    {
        var location = new KeyLayout(BucketMapping.PrefixInOneBucket, "shared", "t/").Locate("bucket");
        var internalKey = KeyLayout.SidecarKey(location, "any", "v");
        Assert.True(TestData.Utf8Order.Compare(location.KeyPrefix + key + "\U0010FFFE\uFFFF", internalKey) < 0);
        Assert.False(KeyLayout.IsDataKey(location, internalKey));
        if (key.Length > 0)
        {
            Assert.Equal(location.KeyPrefix + key, KeyLayout.DataKey(location, key));
            Assert.True(KeyLayout.IsDataKey(location, location.KeyPrefix + key));
        }
    }

    [Fact]
    public void Buckets_map_to_prefixes_or_backend_buckets()
    {
        var prefix = new KeyLayout(BucketMapping.PrefixInOneBucket, "shared", "tenants/one/");
        Assert.Equal(new BackendLocation("shared", "tenants/one/photos/"), prefix.Locate("photos"));
        Assert.Equal("tenants/one/\U0010FFFF\U0010FFFFstorage-gateway/buckets/photos", prefix.BucketMarkerKey("photos"));

        var buckets = new KeyLayout(BucketMapping.BucketPerBucket, null, "gw-");
        Assert.Equal(new BackendLocation("gw-photos", ""), buckets.Locate("photos"));
        Assert.Equal("photos", buckets.OurBucketName("gw-photos"));
        Assert.Null(buckets.OurBucketName("other"));
        Assert.Equal(StorageErrorKind.InvalidKey, Assert.Throws<StorageException>(() => buckets.Locate(new string('b', 62))).Kind);
    }

    [Theory]
    [InlineData("\U0010FFFF\U0010FFFFstorage-gateway/meta/x")]
    [InlineData("\U0010FFFF\U0010FFFF")]
    [InlineData("")]
    public void Reserved_or_unstorable_keys_are_invalid(string key)
    {
        var location = new BackendLocation("b", "");
        Assert.Equal(StorageErrorKind.InvalidKey, Assert.Throws<StorageException>(() => KeyLayout.DataKey(location, key)).Kind);
    }

    [Fact]
    public void Lone_surrogates_are_invalid()
    {
        var key = "bad" + (char)0xD800 + "surrogate";
        Assert.Equal(StorageErrorKind.InvalidKey,
            Assert.Throws<StorageException>(() => KeyLayout.DataKey(new BackendLocation("b", ""), key)).Kind);
    }

    [Fact]
    public void Key_length_counts_the_backend_prefix()
    {
        var location = new BackendLocation("b", "tenant/photos/");
        var fits = new string('k', 1024 - "tenant/photos/".Length);
        Assert.Equal(location.KeyPrefix + fits, KeyLayout.DataKey(location, fits));
        Assert.Throws<StorageException>(() => KeyLayout.DataKey(location, fits + "k"));
        Assert.Throws<StorageException>(() => KeyLayout.DataKey(location, new string('é', 510)));
    }

    [Fact]
    public void Internal_keys_have_bounded_length_whatever_the_key()
    {
        var location = new BackendLocation("b", "");
        var sidecar = KeyLayout.SidecarKey(location, new string('k', 1024), Guid.NewGuid().ToString("N"));
        Assert.True(TestData.Utf8(sidecar).Length < 200);
        Assert.Equal(KeyLayout.PartRecordPrefix(location, "upload") + "00007/abc-3",
            KeyLayout.PartRecordKey(location, "upload", 7, "\"abc-3\""));
    }
}
