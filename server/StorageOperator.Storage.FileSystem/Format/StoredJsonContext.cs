using System.Text.Json.Serialization;

namespace StorageOperator.Storage.FileSystem.Format;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(StoredObject))]
[JsonSerializable(typeof(StoredPart))]
[JsonSerializable(typeof(StoredUpload))]
[JsonSerializable(typeof(StoredBucket))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
