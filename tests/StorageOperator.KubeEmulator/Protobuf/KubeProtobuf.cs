using System.Text;
using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Protobuf;

/// <summary>
/// Decodes the Kubernetes protobuf envelope for the few kinds <c>kubectl create &lt;generator&gt;</c> sends that a
/// person setting up the emulator needs: Namespace, Secret, ConfigMap and ServiceAccount. Anything else is refused
/// with 415, pointing at <c>kubectl apply -f</c>.
/// </summary>
public static class KubeProtobuf
{
    private static readonly byte[] Magic = [0x6b, 0x38, 0x73, 0x00];

    public static bool IsEnvelope(ReadOnlySpan<byte> body) => body.StartsWith(Magic);

    /// <returns>the object as JSON, or null when its kind is not supported</returns>
    public static JsonObject? Decode(ReadOnlyMemory<byte> body)
    {
        string? apiVersion = null, kind = null;
        ReadOnlyMemory<byte> raw = default;
        foreach (var f in ProtoReader.Read(body[Magic.Length..]))
        {
            if (f.Number == 1)
            {
                foreach (var t in ProtoReader.Read(f.Bytes))
                {
                    if (t.Number == 1)
                    {
                        apiVersion = Text(t);
                    }
                    else if (t.Number == 2)
                    {
                        kind = Text(t);
                    }
                }
            }
            else if (f.Number == 2)
            {
                raw = f.Bytes;
            }
        }
        var obj = new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind };
        switch (kind)
        {
            case "Namespace":
                foreach (var f in ProtoReader.Read(raw))
                {
                    if (f.Number == 1)
                    {
                        obj["metadata"] = Metadata(f.Bytes);
                    }
                }
                return obj;
            case "Secret":
                foreach (var f in ProtoReader.Read(raw))
                {
                    switch (f.Number)
                    {
                        case 1:
                            obj["metadata"] = Metadata(f.Bytes);
                            break;
                        case 2:
                            MapEntry(obj, "data", f.Bytes, bytesValue: true);
                            break;
                        case 3:
                            obj["type"] = Text(f);
                            break;
                        case 4:
                            MapEntry(obj, "stringData", f.Bytes, bytesValue: false);
                            break;
                        case 5:
                            obj["immutable"] = f.Varint != 0;
                            break;
                    }
                }
                return obj;
            case "ConfigMap":
                foreach (var f in ProtoReader.Read(raw))
                {
                    switch (f.Number)
                    {
                        case 1:
                            obj["metadata"] = Metadata(f.Bytes);
                            break;
                        case 2:
                            MapEntry(obj, "data", f.Bytes, bytesValue: false);
                            break;
                        case 3:
                            MapEntry(obj, "binaryData", f.Bytes, bytesValue: true);
                            break;
                        case 4:
                            obj["immutable"] = f.Varint != 0;
                            break;
                    }
                }
                return obj;
            case "ServiceAccount":
                foreach (var f in ProtoReader.Read(raw))
                {
                    if (f.Number == 1)
                    {
                        obj["metadata"] = Metadata(f.Bytes);
                    }
                    else if (f.Number == 4)
                    {
                        obj["automountServiceAccountToken"] = f.Varint != 0;
                    }
                }
                return obj;
            default:
                return null;
        }
    }

    private static JsonObject Metadata(ReadOnlyMemory<byte> bytes)
    {
        var meta = new JsonObject();
        foreach (var f in ProtoReader.Read(bytes))
        {
            switch (f.Number)
            {
                case 1:
                    meta["name"] = Text(f);
                    break;
                case 2:
                    meta["generateName"] = Text(f);
                    break;
                case 3:
                    meta["namespace"] = Text(f);
                    break;
                case 11:
                    MapEntry(meta, "labels", f.Bytes, bytesValue: false);
                    break;
                case 12:
                    MapEntry(meta, "annotations", f.Bytes, bytesValue: false);
                    break;
                case 14:
                    if (meta["finalizers"] is not JsonArray finalizers)
                    {
                        finalizers = new JsonArray();
                        meta["finalizers"] = finalizers;
                    }
                    finalizers.Add(Text(f));
                    break;
            }
        }
        return meta;
    }

    private static void MapEntry(JsonObject target, string field, ReadOnlyMemory<byte> entry, bool bytesValue)
    {
        string key = "";
        JsonNode? value = null;
        foreach (var f in ProtoReader.Read(entry))
        {
            if (f.Number == 1)
            {
                key = Text(f);
            }
            else if (f.Number == 2)
            {
                value = bytesValue ? Convert.ToBase64String(f.Bytes.Span) : Text(f);
            }
        }
        if (target[field] is not JsonObject map)
        {
            map = new JsonObject();
            target[field] = map;
        }
        map[key] = value ?? (bytesValue ? "" : "");
    }

    private static string Text(ProtoReader.Field f) => Encoding.UTF8.GetString(f.Bytes.Span);
}
