using System.Text;
using StorageOperator.Crypto.Kms;
using Xunit;

namespace StorageOperator.Crypto.Tests.Kms;

/// <summary>Expected bytes follow MinIO internal/kms/context.go (Go's HTML-safe JSON escaping, sorted keys).</summary>
public class KmsContextTests
{
    private static string Marshal(params (string Key, string Value)[] pairs) =>
        Encoding.UTF8.GetString(KmsContext.Marshal(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value))));

    [Fact]
    public void Empty_is_braces() => Assert.Equal("{}", Marshal());

    [Fact]
    public void Single_entry_for_an_object() =>
        Assert.Equal("{\"bucket\":\"bucket/dir/object\"}", Encoding.UTF8.GetString(KmsContext.Marshal(KmsContext.ForObject("bucket", "dir//object"))));

    [Fact]
    public void Keys_are_sorted_and_nothing_is_spaced() =>
        Assert.Equal("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", Marshal(("c", "3"), ("a", "1"), ("b", "2")));

    [Fact]
    public void Html_and_control_characters_are_escaped_like_go() =>
        Assert.Equal(
            "{\"\\u003ck\\u003e\":\"\\u0026 \\\"q\\\" \\\\ \\n\\r\\t \\u0001\\u001f \\u0008\\u000c \\u2028\\u2029 \u007f é 😀\"}",
            Marshal(("<k>", "& \"q\" \\ \n\r\t \u0001\u001f \b\f \u2028\u2029 \u007f é 😀")));

    [Fact]
    public void Lone_surrogates_become_the_replacement_escape() =>
        Assert.Equal("{\"k\":\"a\\ufffdb\"}", Marshal(("k", "a\ud800b")));

    [Fact]
    public void Sort_order_is_by_utf8_bytes_not_utf16()
    {
        // U+FF01 is EF BC 81 in UTF-8, U+1F600 is F0 9F 98 80: Go puts U+FF01 first; UTF-16 ordinal would not.
        Assert.Equal("{\"！\":\"1\",\"😀\":\"2\"}", Marshal(("😀", "2"), ("！", "1")));
    }

    [Fact]
    public void Client_context_keeps_its_bucket_entry()
    {
        var client = new Dictionary<string, string> { ["bucket"] = "custom", ["team"] = "x" };
        var context = KmsContext.ForObject("bucket", "o", client);
        Assert.Equal("{\"bucket\":\"custom\",\"team\":\"x\"}", Encoding.UTF8.GetString(KmsContext.Marshal(context)));

        var added = KmsContext.ForObject("bucket", "o", new Dictionary<string, string> { ["team"] = "x" });
        Assert.Equal("{\"bucket\":\"bucket/o\",\"team\":\"x\"}", Encoding.UTF8.GetString(KmsContext.Marshal(added)));
    }

    [Fact]
    public void Parse_reads_string_maps_and_rejects_others()
    {
        var parsed = KmsContext.Parse("{\"a\":\"1\",\"a\":\"2\",\"b\":\"\\u003c\"}"u8);
        Assert.Equal("2", parsed["a"]);
        Assert.Equal("<", parsed["b"]);
        Assert.Throws<FormatException>(() => KmsContext.Parse("{\"a\":1}"u8));
        Assert.Throws<FormatException>(() => KmsContext.Parse("[]"u8));
        Assert.Throws<FormatException>(() => KmsContext.Parse("{"u8));
    }
}
