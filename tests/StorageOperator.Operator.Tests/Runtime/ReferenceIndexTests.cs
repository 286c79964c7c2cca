using StorageOperator.Operator.Runtime.Client;
using StorageOperator.Operator.Runtime.Hosting;
using Xunit;

namespace StorageOperator.Operator.Tests.Runtime;

public sealed class ReferenceIndexTests
{
    private static ObjectKey K(string name) => new("ns", name);

    [Fact]
    public void Tracks_which_primaries_name_an_object_and_follows_spec_changes()
    {
        var index = new ReferenceIndex();
        index.Set(K("store-a"), [K("creds"), K("tls")]);
        index.Set(K("store-b"), [K("creds")]);
        Assert.Equal([K("store-a"), K("store-b")], index.ReferencedBy(K("creds")).OrderBy(k => k.Name));

        index.Set(K("store-a"), [K("other")]);
        Assert.Equal([K("store-b")], index.ReferencedBy(K("creds")));
        Assert.Empty(index.ReferencedBy(K("tls")));

        index.Remove(K("store-b"));
        Assert.Empty(index.ReferencedBy(K("creds")));
        Assert.Equal([K("store-a")], index.ReferencedBy(K("other")));
    }
}
