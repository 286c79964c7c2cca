using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using StorageOperator.KubeEmulator.Json;
using StorageOperator.KubeEmulator.Patching;
using StorageOperator.KubeEmulator.Resources;
using StorageOperator.KubeEmulator.Selectors;
using StorageOperator.KubeEmulator.Storage;
using StorageOperator.KubeEmulator.Validation;

namespace StorageOperator.KubeEmulator.Api;

/// <summary>
/// The API semantics on top of the store: create/get/list/update/patch/delete with resourceVersion preconditions,
/// generation, the status subresource, finalizers, garbage collection, CRD registration and schema validation.
/// Every operation runs under the store lock, so a read-modify-write is atomic.
/// </summary>
public sealed class ResourceOperations(ObjectStore store, ResourceRegistry registry)
{
    private static readonly ResourceDefinition NamespaceDefinition = BuiltinResources.All.First(BuiltinResources.IsNamespace);

    /// <summary>
    /// Set by the HTTP layer for a request with <c>fieldValidation=Strict</c> (kubectl's default): unknown fields in a
    /// custom resource are then an error rather than silently pruned.
    /// </summary>
    public static readonly AsyncLocal<bool> StrictFieldValidation = new();

    public ObjectStore Store => store;

    public JsonObject Get(ResourceDefinition def, string ns, string name) =>
        Present(def, store.Get(def.StorageKey, ns, name) ?? throw NotFound(def, name));

    public ListResult List(ResourceDefinition def, string? ns, LabelSelector labels, FieldSelector fields, int? limit, string? continueToken)
    {
        lock (store.Sync)
        {
            var after = continueToken is { Length: > 0 } ? DecodeContinue(continueToken) : null;
            var matching = store.List(def.StorageKey, ns)
                .Where(o => labels.Matches(JsonTree.Labels(o)) && fields.Matches(o))
                .Where(o => after is null || string.CompareOrdinal(KeyOf(o), after) > 0)
                .ToList();
            var rv = store.CurrentResourceVersion;
            if (limit is > 0 && matching.Count > limit)
            {
                var page = matching.Take(limit.Value).ToList();
                var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(KeyOf(page[^1])));
                return new ListResult(page.Select(o => Present(def, o)).ToList(), rv, token, matching.Count - page.Count);
            }
            return new ListResult(matching.Select(o => Present(def, o)).ToList(), rv, null, null);
        }
    }

    /// <param name="fieldManager">recorded as an Update manager in managedFields, as the API server does for every write</param>
    public JsonObject Create(ResourceDefinition def, string ns, JsonObject body, bool dryRun, string? fieldManager = null)
    {
        lock (store.Sync)
        {
            return CreateCore(def, ns, (JsonObject)body.DeepClone(), dryRun, fieldManager);
        }
    }

    public JsonObject Update(ResourceDefinition def, string ns, string name, JsonObject body, string subresource, bool dryRun, string? fieldManager = null)
    {
        lock (store.Sync)
        {
            return UpdateCore(def, ns, name, (JsonObject)body.DeepClone(), subresource, dryRun, null, fieldManager);
        }
    }

    public JsonObject Patch(ResourceDefinition def, string ns, string name, string subresource, string contentType, string body,
        string? fieldManager, bool force, bool dryRun, string? updateManager = null)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType == "application/apply-patch+yaml")
        {
            return Apply(def, ns, name, subresource, body, fieldManager, force, dryRun);
        }
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw ApiException.BadRequest($"error decoding patch: {e.Message}");
        }
        lock (store.Sync)
        {
            var existing = store.Get(def.StorageKey, ns, name) ?? throw NotFound(def, name);
            var current = Present(def, existing);
            var patched = mediaType switch
            {
                "application/merge-patch+json" => JsonTree.MergePatch(current, patch),
                "application/json-patch+json" => JsonPatch.Apply(current, patch),
                "application/strategic-merge-patch+json" when !def.IsCustom => StrategicMergePatch.Apply(current, patch),
                _ => throw new ApiException(415, "UnsupportedMediaType",
                    $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(def.IsCustom ? "" : ", application/strategic-merge-patch+json")}"),
            };
            if (patched is not JsonObject patchedObject)
            {
                throw ApiException.BadRequest("patch did not produce an object");
            }
            return UpdateCore(def, ns, name, patchedObject, subresource, dryRun, existing, fieldManager ?? updateManager);
        }
    }

    public JsonObject Delete(ResourceDefinition def, string ns, string name, JsonObject? options, string? propagationPolicy, bool dryRun)
    {
        lock (store.Sync)
        {
            var existing = store.Get(def.StorageKey, ns, name) ?? throw NotFound(def, name);
            if (JsonTree.GetString(options, "preconditions", "uid") is { } uid && uid != JsonTree.GetString(existing, "metadata", "uid"))
            {
                throw Conflict(def, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {JsonTree.GetString(existing, "metadata", "uid")}");
            }
            if (JsonTree.GetString(options, "preconditions", "resourceVersion") is { } rv && rv != JsonTree.GetString(existing, "metadata", "resourceVersion"))
            {
                throw Conflict(def, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {JsonTree.GetString(existing, "metadata", "resourceVersion")}");
            }
            var policy = propagationPolicy ?? JsonTree.GetString(options, "propagationPolicy") ?? "Background";
            if (JsonTree.IsTrue(JsonTree.Get(options, "orphanDependents")))
            {
                policy = "Orphan";
            }
            return dryRun ? Present(def, existing) : Present(def, DeleteCore(def, existing, policy));
        }
    }

    public List<JsonObject> DeleteCollection(ResourceDefinition def, string? ns, LabelSelector labels, FieldSelector fields, string? propagationPolicy, bool dryRun)
    {
        lock (store.Sync)
        {
            var victims = store.List(def.StorageKey, ns).Where(o => labels.Matches(JsonTree.Labels(o)) && fields.Matches(o)).ToList();
            return dryRun ? victims : victims.Select(v => Present(def, DeleteCore(def, v, propagationPolicy ?? "Background"))).ToList();
        }
    }

    private JsonObject Apply(ResourceDefinition def, string ns, string name, string subresource, string body, string? fieldManager, bool force, bool dryRun)
    {
        if (string.IsNullOrEmpty(fieldManager))
        {
            throw ApiException.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }
        JsonObject applied;
        try
        {
            applied = YamlJson.ParseOne(body) as JsonObject ?? throw ApiException.BadRequest("apply patch must be an object");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw ApiException.BadRequest($"error decoding YAML: {e.Message}");
        }
        if (JsonTree.GetString(applied, "apiVersion") is null || JsonTree.GetString(applied, "kind") is null)
        {
            throw ApiException.BadRequest("apiVersion and kind must be set in an applied configuration");
        }
        var appliedName = JsonTree.GetString(applied, "metadata", "name");
        if (appliedName is not null && appliedName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({appliedName}) does not match the name on the URL ({name})");
        }
        var meta = JsonTree.Metadata(applied);
        meta.Remove("managedFields");
        meta["name"] = name;
        if (def.Namespaced)
        {
            meta["namespace"] = ns;
        }
        JsonObject scoped;
        if (subresource == "status")
        {
            scoped = new JsonObject
            {
                ["apiVersion"] = applied["apiVersion"]?.DeepClone(),
                ["kind"] = applied["kind"]?.DeepClone(),
                ["metadata"] = new JsonObject { ["name"] = name },
                ["status"] = applied["status"]?.DeepClone(),
            };
        }
        else
        {
            scoped = (JsonObject)applied.DeepClone();
            if (def.HasStatus)
            {
                scoped.Remove("status");
            }
        }
        lock (store.Sync)
        {
            var existing = store.Get(def.StorageKey, ns, name);
            if (existing is null)
            {
                if (subresource.Length > 0)
                {
                    throw NotFound(def, name);
                }
                var candidate = (JsonObject)applied.DeepClone();
                JsonTree.Metadata(candidate)["managedFields"] = ServerSideApply.InitialManagedFields(scoped, fieldManager, "", def.ApiVersion);
                return CreateCore(def, ns, candidate, dryRun, null);
            }
            var merged = ServerSideApply.Merge(existing, scoped, fieldManager, force, subresource, def.ApiVersion,
                message => new ApiException(409, "Conflict", message));
            return UpdateCore(def, ns, name, merged, subresource, dryRun, existing, null);
        }
    }

    private JsonObject CreateCore(ResourceDefinition def, string ns, JsonObject obj, bool dryRun, string? updateManager)
    {
        CheckKind(def, obj);
        var meta = JsonTree.Metadata(obj);
        var name = JsonTree.GetString(meta, "name");
        if (string.IsNullOrEmpty(name))
        {
            var prefix = JsonTree.GetString(meta, "generateName");
            if (string.IsNullOrEmpty(prefix))
            {
                throw ApiException.Invalid($"{def.Kind}{(def.Group.Length > 0 ? "." + def.Group : "")}", "", def.Group,
                    [("metadata.name", "FieldValueRequired", "Required value: name or generateName is required")]);
            }
            name = prefix + RandomSuffix();
            meta["name"] = name;
        }
        if (def.Namespaced)
        {
            var bodyNs = JsonTree.GetString(meta, "namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            {
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            }
            meta["namespace"] = ns;
            if (store.Get(NamespaceDefinition.StorageKey, "", ns) is null)
            {
                throw ApiException.NotFound("namespaces", ns, "", "namespaces");
            }
        }
        else
        {
            meta.Remove("namespace");
        }
        if (store.Get(def.StorageKey, def.Namespaced ? ns : "", name) is not null)
        {
            throw ApiException.AlreadyExists(def.QualifiedResource, name, def.Group, def.Plural);
        }
        foreach (var key in new[] { "resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink" })
        {
            meta.Remove(key);
        }
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = JsonTree.UtcNowText();
        if (def.HasStatus)
        {
            obj.Remove("status");
        }
        if (BuiltinResources.IsNamespace(def))
        {
            obj["status"] = new JsonObject { ["phase"] = "Active" };
            if (JsonTree.Get(meta, "labels") is not JsonObject)
            {
                meta["labels"] = new JsonObject();
            }
            ((JsonObject)meta["labels"]!)["kubernetes.io/metadata.name"] = name;
        }
        PrepareAndValidate(def, obj, null);
        if (updateManager is not null)
        {
            JsonTree.Metadata(obj).Remove("managedFields");
            TrackUpdate(def, null, obj, updateManager, "");
        }
        return Commit(def, null, obj, dryRun);
    }

    private JsonObject UpdateCore(ResourceDefinition def, string ns, string name, JsonObject candidate, string subresource, bool dryRun, JsonObject? existing,
        string? updateManager)
    {
        if (subresource is not ("" or "status"))
        {
            throw ApiException.MethodNotAllowed($"subresource {subresource} is not supported");
        }
        if (subresource == "status" && !def.HasStatus)
        {
            throw ApiException.NotFound(def.QualifiedResource + "/status", name, def.Group, def.Plural);
        }
        existing ??= store.Get(def.StorageKey, ns, name) ?? throw NotFound(def, name);
        var candidateName = JsonTree.GetString(candidate, "metadata", "name");
        if (candidateName is not null && candidateName != name)
        {
            throw ApiException.BadRequest($"the name of the object ({candidateName}) does not match the name on the URL ({name})");
        }
        var rv = JsonTree.GetString(candidate, "metadata", "resourceVersion");
        if (!string.IsNullOrEmpty(rv) && rv != JsonTree.GetString(existing, "metadata", "resourceVersion"))
        {
            throw Conflict(def, name, "the object has been modified; please apply your changes to the latest version and try again");
        }
        CheckKind(def, candidate);
        JsonObject next;
        if (subresource == "status")
        {
            next = (JsonObject)existing.DeepClone();
            SetOrRemove(next, "status", candidate["status"]);
            if (JsonTree.Get(candidate, "metadata", "managedFields") is JsonArray { Count: > 0 } mf)
            {
                JsonTree.Metadata(next)["managedFields"] = mf.DeepClone();
            }
        }
        else
        {
            next = candidate;
            var meta = JsonTree.Metadata(next);
            var oldMeta = JsonTree.Metadata(existing);
            foreach (var key in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace" })
            {
                SetOrRemove(meta, key, oldMeta[key]);
            }
            meta["name"] = name;
            if (meta["managedFields"] is not JsonArray { Count: > 0 })
            {
                SetOrRemove(meta, "managedFields", oldMeta["managedFields"]);
            }
            if (def.HasStatus)
            {
                SetOrRemove(next, "status", existing["status"]);
            }
            if (BuiltinResources.IsNamespace(def))
            {
                SetOrRemove(next, "status", existing["status"]);
            }
        }
        PrepareAndValidate(def, next, existing);
        if (updateManager is not null)
        {
            TrackUpdate(def, existing, next, updateManager, subresource);
        }
        return Commit(def, existing, next, dryRun);
    }

    private void PrepareAndValidate(ResourceDefinition def, JsonObject obj, JsonObject? existing)
    {
        obj["apiVersion"] = def.ApiVersion;
        obj["kind"] = def.Kind;
        var name = JsonTree.GetString(obj, "metadata", "name") ?? "";
        var kindAndGroup = def.Group.Length > 0 ? $"{def.Kind}.{def.Group}" : def.Kind;
        var causes = new List<ValidationCause>();
        if (def.IsCustom)
        {
            var pruned = new List<string>();
            causes.AddRange(SchemaValidator.PruneDefaultAndValidate(obj, def.Schema, pruned));
            if (pruned.Count > 0 && StrictFieldValidation.Value)
            {
                throw ApiException.BadRequest(
                    $"{def.Kind} in version \"{def.Version}\" cannot be handled as a {def.Kind}: strict decoding error: {string.Join(", ", pruned.Select(p => $"unknown field \"{p}\""))}");
            }
        }
        else if (BuiltinResources.IsCrd(def))
        {
            causes.AddRange(CrdReader.Validate(obj).Select(c => new ValidationCause(c.Field, "FieldValueInvalid", c.Message)));
            obj["status"] = CrdStatus(obj);
        }
        else
        {
            if (existing is not null)
            {
                BuiltinValidator.PrepareUpdate(def, existing, obj);
            }
            BuiltinDefaults.Apply(def, obj);
            causes.AddRange(BuiltinValidator.Validate(def, existing, obj));
        }
        causes.InsertRange(0, MetadataValidator.Validate(obj, MetadataValidator.RuleFor(def.Group, def.Plural)));
        if (causes.Count > 0)
        {
            throw ApiException.Invalid(kindAndGroup, name, def.Group, causes.Select(c => (c.Field, c.Reason, c.Message)).ToList());
        }
    }

    /// <summary>
    /// Records a non-apply write in managedFields: the writer becomes the owner of every field it changed, other
    /// managers lose those fields, and fields that disappeared are owned by nobody.
    /// </summary>
    private static void TrackUpdate(ResourceDefinition def, JsonObject? before, JsonObject after, string manager, string subresource)
    {
        bool InScope(string path) =>
            subresource == "status" ? path.StartsWith("status", StringComparison.Ordinal)
            : !(def.HasStatus && (path == "status" || path.StartsWith("status" + ManagedFields.Separator, StringComparison.Ordinal)));
        var afterLeaves = ManagedFields.Leaves(after).Where(InScope).ToList();
        var changed = afterLeaves
            .Where(p => before is null || !ManagedFields.HasPath(before, p) || !JsonNode.DeepEquals(ManagedFields.GetPath(before, p), ManagedFields.GetPath(after, p)))
            .ToHashSet(StringComparer.Ordinal);
        var removed = before is null ? [] : ManagedFields.Leaves(before).Where(InScope).Where(p => !ManagedFields.HasPath(after, p)).ToList();
        if (changed.Count == 0 && removed.Count == 0)
        {
            return;
        }
        var entries = ManagedFields.Read(after);
        foreach (var e in entries)
        {
            e.Fields.ExceptWith(changed);
            e.Fields.ExceptWith(removed);
        }
        var mine = entries.FirstOrDefault(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
        if (mine is null)
        {
            mine = new FieldManagerEntry(manager, "Update", subresource, def.ApiVersion, JsonTree.UtcNowText(), []);
            entries.Add(mine);
        }
        else
        {
            entries[entries.IndexOf(mine)] = mine = mine with { Time = JsonTree.UtcNowText() };
        }
        mine.Fields.UnionWith(changed);
        JsonTree.Metadata(after)["managedFields"] = ManagedFields.Render(entries.Where(e => e.Fields.Count > 0));
    }

    private JsonObject Commit(ResourceDefinition def, JsonObject? existing, JsonObject next, bool dryRun)
    {
        var meta = JsonTree.Metadata(next);
        if (existing is not null)
        {
            meta["resourceVersion"] = JsonTree.GetString(existing, "metadata", "resourceVersion");
            if (JsonNode.DeepEquals(Comparable(existing), Comparable(next)))
            {
                return Present(def, existing);
            }
            var generation = JsonTree.ToLong(JsonTree.Get(existing, "metadata", "generation")) ?? 1;
            meta["generation"] = SpecChanged(def, existing, next) ? generation + 1 : generation;
        }
        else
        {
            meta["generation"] = 1;
        }
        if (dryRun)
        {
            return Present(def, next);
        }
        meta["resourceVersion"] = store.NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (meta["deletionTimestamp"] is not null && JsonTree.IsEmptyList(meta["finalizers"]))
        {
            return Present(def, RemoveCore(def, next, "Background"));
        }
        store.Put(def.StorageKey, next, existing);
        if (BuiltinResources.IsCrd(def))
        {
            registry.RegisterCrd(JsonTree.GetString(next, "metadata", "name") ?? "", CrdReader.Read(next));
        }
        return Present(def, next);
    }

    /// <summary>Deletes now, or marks for deletion while finalizers remain.</summary>
    private JsonObject DeleteCore(ResourceDefinition def, JsonObject existing, string policy)
    {
        var meta = JsonTree.Metadata(existing);
        if (!JsonTree.IsEmptyList(meta["finalizers"]))
        {
            if (meta["deletionTimestamp"] is not null)
            {
                return existing;
            }
            var marked = (JsonObject)existing.DeepClone();
            var markedMeta = JsonTree.Metadata(marked);
            markedMeta["deletionTimestamp"] = JsonTree.UtcNowText();
            markedMeta["deletionGracePeriodSeconds"] = 0;
            markedMeta["resourceVersion"] = store.NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
            store.Put(def.StorageKey, marked, existing);
            return marked;
        }
        var final = (JsonObject)existing.DeepClone();
        JsonTree.Metadata(final)["resourceVersion"] = store.NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return RemoveCore(def, final, policy);
    }

    private JsonObject RemoveCore(ResourceDefinition def, JsonObject final, string policy)
    {
        var uid = JsonTree.GetString(final, "metadata", "uid") ?? "";
        if (policy == "Foreground")
        {
            // dependents go first, then the owner (the real API parks the owner behind a foregroundDeletion finalizer meanwhile)
            CollectGarbage(uid, policy, ownerGone: true);
        }
        store.Remove(def.StorageKey, final);
        var name = JsonTree.GetString(final, "metadata", "name") ?? "";
        if (BuiltinResources.IsCrd(def))
        {
            var served = registry.All.Where(d => d.CrdName == name).ToList();
            registry.UnregisterCrd(name);
            foreach (var storageKey in served.Select(d => d.StorageKey).Distinct())
            {
                foreach (var obj in store.List(storageKey, null))
                {
                    JsonTree.Metadata(obj)["resourceVersion"] = store.NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    store.Remove(storageKey, obj);
                }
            }
        }
        if (BuiltinResources.IsNamespace(def))
        {
            foreach (var d in registry.All.Where(d => d.Namespaced).DistinctBy(d => d.StorageKey).ToList())
            {
                foreach (var obj in store.List(d.StorageKey, name))
                {
                    DeleteCore(d, obj, "Background");
                }
            }
        }
        if (policy != "Foreground")
        {
            CollectGarbage(uid, policy, ownerGone: false);
        }
        return final;
    }

    /// <summary>
    /// The garbage collector, run synchronously: dependents whose owners are all gone are deleted (background
    /// propagation) or released (orphan); dependents with another live owner just lose the dangling reference.
    /// </summary>
    private void CollectGarbage(string ownerUid, string policy, bool ownerGone)
    {
        if (ownerUid.Length == 0)
        {
            return;
        }
        var all = store.All();
        var liveUids = all.Select(o => JsonTree.GetString(o.Object, "metadata", "uid")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (ownerGone)
        {
            liveUids.Remove(ownerUid);
        }
        foreach (var (storageKey, obj) in all)
        {
            if (JsonTree.Get(obj, "metadata", "ownerReferences") is not JsonArray refs
                || !refs.Any(r => JsonTree.GetString(r, "uid") == ownerUid))
            {
                continue;
            }
            var def = registry.FindByStorageKey(storageKey);
            if (def is null)
            {
                continue;
            }
            var live = refs.Where(r => JsonTree.GetString(r, "uid") is { } u && liveUids.Contains(u)).ToList();
            if (live.Count == 0 && policy != "Orphan")
            {
                DeleteCore(def, obj, policy == "Foreground" ? "Foreground" : "Background");
                continue;
            }
            var released = (JsonObject)obj.DeepClone();
            var kept = new JsonArray();
            foreach (var r in live)
            {
                kept.Add(r?.DeepClone());
            }
            var meta = JsonTree.Metadata(released);
            if (kept.Count == 0)
            {
                meta.Remove("ownerReferences");
            }
            else
            {
                meta["ownerReferences"] = kept;
            }
            meta["resourceVersion"] = store.NextResourceVersion().ToString(System.Globalization.CultureInfo.InvariantCulture);
            store.Put(storageKey, released, obj);
        }
    }

    private static JsonObject CrdStatus(JsonObject crd)
    {
        var now = JsonTree.UtcNowText();
        JsonObject Condition(string type, string reason, string message) => new()
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = now,
            ["reason"] = reason,
            ["message"] = message,
        };
        var stored = new JsonArray();
        foreach (var v in (JsonTree.Get(crd, "spec", "versions") as JsonArray ?? []).OfType<JsonObject>()
                     .Where(v => JsonTree.IsTrue(v["storage"])))
        {
            stored.Add(JsonTree.GetString(v, "name"));
        }
        return new JsonObject
        {
            ["conditions"] = new JsonArray(
                Condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                Condition("Established", "InitialNamesAccepted", "the initial names have been accepted")),
            ["acceptedNames"] = JsonTree.Get(crd, "spec", "names")?.DeepClone(),
            ["storedVersions"] = stored,
        };
    }

    private static bool SpecChanged(ResourceDefinition def, JsonObject before, JsonObject after)
    {
        static JsonObject Strip(JsonObject o, bool status)
        {
            var c = (JsonObject)o.DeepClone();
            c.Remove("metadata");
            c.Remove("apiVersion");
            c.Remove("kind");
            if (status)
            {
                c.Remove("status");
            }
            return c;
        }
        if (!def.IsCustom)
        {
            // built-ins: only spec counts (ConfigMap and Secret data never bump generation)
            return !JsonNode.DeepEquals(before["spec"], after["spec"]);
        }
        return !JsonNode.DeepEquals(Strip(before, def.HasStatus), Strip(after, def.HasStatus));
    }

    /// <summary>An object with the parts that change on every write (managedFields times) removed, for no-op detection.</summary>
    private static JsonObject Comparable(JsonObject o)
    {
        var c = (JsonObject)o.DeepClone();
        c.Remove("apiVersion");
        var meta = JsonTree.Metadata(c);
        meta.Remove("generation");
        foreach (var entry in (meta["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            entry.Remove("time");
        }
        return c;
    }

    private static void CheckKind(ResourceDefinition def, JsonObject obj)
    {
        var kind = JsonTree.GetString(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != def.Kind)
        {
            throw ApiException.BadRequest($"the API version in the data ({JsonTree.GetString(obj, "apiVersion")}) and kind ({kind}) do not match the resource {def.QualifiedResource}");
        }
    }

    private static JsonObject Present(ResourceDefinition def, JsonObject obj)
    {
        var c = (JsonObject)obj.DeepClone();
        c["apiVersion"] = def.ApiVersion;
        c["kind"] = def.Kind;
        return c;
    }

    private static void SetOrRemove(JsonObject target, string key, JsonNode? value)
    {
        if (value is null)
        {
            target.Remove(key);
        }
        else
        {
            target[key] = value.DeepClone();
        }
    }

    private static string KeyOf(JsonObject o) =>
        (JsonTree.GetString(o, "metadata", "namespace") ?? "") + "/" + (JsonTree.GetString(o, "metadata", "name") ?? "");

    private static string DecodeContinue(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("continue key is not valid");
        }
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });
    }

    private static ApiException NotFound(ResourceDefinition def, string name) =>
        ApiException.NotFound(def.QualifiedResource, name, def.Group, def.Plural);

    private static ApiException Conflict(ResourceDefinition def, string name, string why) =>
        ApiException.Conflict(def.QualifiedResource, name, def.Group, def.Plural, why);
}
