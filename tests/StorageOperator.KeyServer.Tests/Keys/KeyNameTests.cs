using StorageOperator.KeyServer.Keys;

namespace StorageOperator.KeyServer.Tests.Keys;

public sealed class KeyNameTests
{
    [Theory]
    [InlineData("a", true)]
    [InlineData("my-key_1", true)]
    [InlineData("__", true)]
    [InlineData("_", false)]
    [InlineData("", false)]
    [InlineData("-a", false)]
    [InlineData("a-", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("ä", false)]
    [InlineData("*", false)]
    public void Follows_the_KES_rule(string name, bool valid) => Assert.Equal(valid, KeyName.IsValid(name));

    [Fact]
    public void Eighty_characters_is_the_limit()
    {
        Assert.True(KeyName.IsValid(new string('k', 80)));
        Assert.False(KeyName.IsValid(new string('k', 81)));
    }
}
