namespace StorageOperator.S3Server.Xml;

/// <summary>The single owner of everything on this server (there is one root identity).</summary>
public static class S3Owner
{
    public const string Id = "02d6176db174dc93cb1b899f7c6078f08654445fe8cf1b6ce98d8855f66bdbf4";
    public const string DisplayName = "storage";
}
