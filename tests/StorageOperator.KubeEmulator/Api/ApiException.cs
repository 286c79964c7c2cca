using System.Text.Json.Nodes;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>An API error that becomes a metav1.Status response.</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null)
        {
            status["details"] = Details.DeepClone();
        }
        status["code"] = Code;
        return status;
    }

    public static ApiException NotFound(string qualifiedResource, string name, string group, string plural) =>
        new(404, "NotFound", $"{qualifiedResource} \"{name}\" not found", DetailsOf(name, group, plural));

    public static ApiException AlreadyExists(string qualifiedResource, string name, string group, string plural) =>
        new(409, "AlreadyExists", $"{qualifiedResource} \"{name}\" already exists", DetailsOf(name, group, plural));

    public static ApiException Conflict(string qualifiedResource, string name, string group, string plural, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {qualifiedResource} \"{name}\": {why}", DetailsOf(name, group, plural));

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException Invalid(string kindAndGroup, string name, string group, IReadOnlyList<(string Field, string Reason, string Message)> causes)
    {
        var details = DetailsOf(name, group, kindAndGroup.Split('.')[0]);
        var array = new JsonArray();
        foreach (var (field, reason, message) in causes)
        {
            array.Add(new JsonObject { ["reason"] = reason, ["message"] = message, ["field"] = field });
        }
        details["causes"] = array;
        var rendered = causes.Select(c => $"{c.Field}: {c.Message}").ToList();
        var summary = rendered.Count == 1 ? rendered[0] : $"[{string.Join(", ", rendered)}]";
        return new ApiException(422, "Invalid", $"{kindAndGroup} \"{name}\" is invalid: {summary}", details);
    }

    private static JsonObject DetailsOf(string name, string group, string kind)
    {
        var d = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            d["group"] = group;
        }
        d["kind"] = kind;
        return d;
    }
}
