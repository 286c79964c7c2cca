using System.Text.Json.Serialization;

namespace StorageOperator.Storage.S3Gateway.Format;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredMetadata))]
[JsonSerializable(typeof(UploadRecord))]
[JsonSerializable(typeof(PartRecord))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
