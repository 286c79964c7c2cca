using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using StorageOperator.Operator.Api.Schema;
using StorageOperator.Operator.Api.V1Alpha1;

namespace StorageOperator.Operator.Crds;

/// <summary>
/// Turns our C# entity types into CustomResourceDefinitions: the C# types are the source of truth,
/// <c>crds/*.yaml</c> is the generated, reviewed artefact (a test fails when they drift).
/// Pure: reflection in, model objects and text out.
/// </summary>
public static class CrdGenerator
{
    public static IReadOnlyList<Type> EntityTypes { get; } = [typeof(ObjectStore), typeof(KeyServer)];

    private const string Header = "# Generated from the C# types in operator/StorageOperator.Operator/Api by\n# `storage-operator generate-crds --out crds/` (make crds). Do not edit.\n";

    /// <summary>File name (<c>plural.group.yaml</c>) to YAML text, for every entity.</summary>
    public static IReadOnlyDictionary<string, string> GenerateFiles()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in EntityTypes)
        {
            var crd = Generate(type);
            files[crd.Metadata.Name + ".yaml"] = Header + KubernetesYaml.Serialize(crd);
        }
        return files;
    }

    public static V1CustomResourceDefinition Generate(Type entityType)
    {
        var entity = entityType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new ArgumentException($"{entityType.Name} has no [KubernetesEntity]", nameof(entityType));
        var hasStatus = entityType.GetProperty("Status") is not null;

        var root = new V1JSONSchemaProps
        {
            Type = "object",
            Description = entityType.GetCustomAttribute<DescriptionAttribute>()?.Text,
            Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
            {
                ["apiVersion"] = new() { Type = "string" },
                ["kind"] = new() { Type = "string" },
                ["metadata"] = new() { Type = "object" },
            },
        };
        var required = new List<string>();
        foreach (var property in entityType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonName(property);
            if (name is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            root.Properties[name] = PropertySchema(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }
        root.Required = required.Count > 0 ? required : null;

        var columns = entityType.GetCustomAttributes<PrinterColumnAttribute>()
            .Select(c => new V1CustomResourceColumnDefinition
            {
                Name = c.Name,
                Type = c.Type,
                JsonPath = c.JsonPath,
                Description = c.Description,
                Priority = c.Priority == 0 ? null : c.Priority,
            })
            .ToList();

        return new V1CustomResourceDefinition
        {
            ApiVersion = "apiextensions.k8s.io/v1",
            Kind = "CustomResourceDefinition",
            Metadata = new V1ObjectMeta { Name = $"{entity.PluralName}.{entity.Group}" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = entity.Group,
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames
                {
                    Kind = entity.Kind,
                    ListKind = entity.Kind + "List",
                    Plural = entity.PluralName,
                    Singular = entity.Kind.ToLowerInvariant(),
                    ShortNames = entityType.GetCustomAttribute<ShortNamesAttribute>()?.Names.ToList(),
                    Categories = ["storageoperator"],
                },
                Versions =
                [
                    new V1CustomResourceDefinitionVersion
                    {
                        Name = entity.ApiVersion,
                        Served = true,
                        Storage = true,
                        Schema = new V1CustomResourceValidation { OpenAPIV3Schema = root },
                        Subresources = hasStatus ? new V1CustomResourceSubresources { Status = new object() } : null,
                        AdditionalPrinterColumns = columns.Count > 0 ? columns : null,
                    },
                ],
            },
        };
    }

    internal static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static V1JSONSchemaProps PropertySchema(PropertyInfo property)
    {
        var schema = TypeSchema(property.PropertyType);
        schema.Description = property.GetCustomAttribute<DescriptionAttribute>()?.Text ?? schema.Description;

        var target = schema.Type == "array" && schema.Items is V1JSONSchemaProps items ? items : schema;
        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            target.Pattern = pattern.Regex;
        }
        if (property.GetCustomAttribute<LengthAttribute>() is { } length)
        {
            target.MinLength = length.MinLength;
            target.MaxLength = length.MaxLength < 0 ? null : length.MaxLength;
        }
        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema.Minimum = double.IsNaN(range.Minimum) ? null : range.Minimum;
            schema.Maximum = double.IsNaN(range.Maximum) ? null : range.Maximum;
        }
        if (property.GetCustomAttribute<ItemsAttribute>() is { } itemCount)
        {
            schema.MinItems = itemCount.MinItems;
            schema.MaxItems = itemCount.MaxItems < 0 ? null : itemCount.MaxItems;
        }
        if (property.GetCustomAttribute<DefaultAttribute>() is { } defaultValue)
        {
            schema.DefaultProperty = defaultValue.Value;
        }
        if (property.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
        {
            schema.XKubernetesPreserveUnknownFields = true;
        }
        if (property.GetCustomAttribute<ListMapAttribute>() is { } listMap)
        {
            schema.XKubernetesListType = "map";
            schema.XKubernetesListMapKeys = listMap.Keys.ToList();
        }
        AddRules(schema, property.GetCustomAttributes<ValidationRuleAttribute>());
        return schema;
    }

    private static V1JSONSchemaProps TypeSchema(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;

        if (type == typeof(string))
        {
            return new() { Type = "string" };
        }
        if (type == typeof(bool))
        {
            return new() { Type = "boolean" };
        }
        if (type == typeof(int))
        {
            return new() { Type = "integer", Format = "int32" };
        }
        if (type == typeof(long))
        {
            return new() { Type = "integer", Format = "int64" };
        }
        if (type == typeof(double))
        {
            return new() { Type = "number" };
        }
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new() { Type = "string", Format = "date-time" };
        }
        if (type.IsEnum)
        {
            return new()
            {
                Type = "string",
                Description = type.GetCustomAttribute<DescriptionAttribute>()?.Text,
                EnumProperty = EnumNames(type).Cast<object>().ToList(),
            };
        }
        if (type == typeof(V1Condition))
        {
            return ConditionSchema();
        }
        if (DictionaryValueType(type) is { } valueType)
        {
            return new() { Type = "object", AdditionalProperties = TypeSchema(valueType) };
        }
        if (ListItemType(type) is { } itemType)
        {
            return new() { Type = "array", Items = TypeSchema(itemType) };
        }
        if (type.Namespace == typeof(V1ObjectMeta).Namespace)
        {
            // Embedded Kubernetes models (resources, affinity, tolerations): the API server's own
            // types validate them when the operator copies them into pods; restating them here
            // would add thousands of lines to the CRD.
            return new() { Type = "object", XKubernetesPreserveUnknownFields = true };
        }

        var schema = new V1JSONSchemaProps
        {
            Type = "object",
            Description = type.GetCustomAttribute<DescriptionAttribute>()?.Text,
            Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal),
        };
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonName(property);
            schema.Properties[name] = PropertySchema(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }
        schema.Required = required.Count > 0 ? required : null;
        if (schema.Properties.Count == 0)
        {
            schema.Properties = null;
        }
        AddRules(schema, type.GetCustomAttributes<ValidationRuleAttribute>());
        return schema;
    }

    private static void AddRules(V1JSONSchemaProps schema, IEnumerable<ValidationRuleAttribute> rules)
    {
        var list = rules.Select(r => new V1ValidationRule { Rule = r.Rule, Message = r.Message }).ToList();
        if (list.Count > 0)
        {
            schema.XKubernetesValidations = [.. schema.XKubernetesValidations ?? [], .. list];
        }
    }

    /// <summary>Wire names of an enum's members, honouring <see cref="JsonStringEnumMemberNameAttribute"/>.</summary>
    public static IReadOnlyList<string> EnumNames(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)
            .ToList();

    private static V1JSONSchemaProps ConditionSchema() => new()
    {
        Type = "object",
        Description = "metav1.Condition: the state of one aspect of the object.",
        Required = ["type", "status", "lastTransitionTime", "reason", "message"],
        Properties = new Dictionary<string, V1JSONSchemaProps>(StringComparer.Ordinal)
        {
            ["type"] = new() { Type = "string", MaxLength = 316, Pattern = @"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$" },
            ["status"] = new() { Type = "string", EnumProperty = ["True", "False", "Unknown"] },
            ["observedGeneration"] = new() { Type = "integer", Format = "int64", Minimum = 0 },
            ["lastTransitionTime"] = new() { Type = "string", Format = "date-time" },
            ["reason"] = new() { Type = "string", MinLength = 1, MaxLength = 1024, Pattern = @"^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$" },
            ["message"] = new() { Type = "string", MaxLength = 32768 },
        },
    };

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>));
        return dictionary?.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;
    }

    private static Type? ListItemType(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return null;
        }
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        return type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];
    }
}
