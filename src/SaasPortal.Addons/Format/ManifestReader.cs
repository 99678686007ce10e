using System.Text.Json;
using System.Text.RegularExpressions;

namespace SaasPortal.Addons.Format;

/// <summary>
/// Reads <c>__manifest__.json</c> strictly: unknown keys, wrong types, duplicate keys and unsafe paths are refused
/// with a message naming the addon, because a silently ignored typo ("depend") would install a broken addon.
/// </summary>
public static partial class ManifestReader
{
    /// <summary>File name of a manifest inside an addon folder.</summary>
    public const string FileName = "__manifest__.json";

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 8,
    };

    private static readonly string[] KnownKeys =
    [
        "name", "version", "summary", "description", "category", "author", "website", "license", "depends",
        "models", "data", "application", "installable", "auto_install", "sequence",
    ];

    /// <summary>Whether <paramref name="name"/> is a valid technical addon name (lower-case identifier).</summary>
    public static bool IsTechnicalName(string name) => TechnicalNamePattern().IsMatch(name);

    /// <summary>Parses the manifest of the addon in folder <paramref name="technicalName"/>.</summary>
    public static AddonManifest Read(string technicalName, string json)
    {
        if (!IsTechnicalName(technicalName))
        {
            throw new AddonFormatException(technicalName, null, null,
                "the folder name is not a valid technical name (lower-case letters, digits and '_', starting with a letter)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw Fail(technicalName, (int?)ex.LineNumber + 1, $"invalid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fail(technicalName, null, "the manifest must be a JSON object");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Fail(technicalName, null, $"key \"{property.Name}\" appears twice");
                }

                if (!KnownKeys.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw Fail(technicalName, null,
                        $"unknown key \"{property.Name}\" (known keys: {string.Join(", ", KnownKeys)})");
                }
            }

            var reader = new Fields(technicalName, root);
            var name = reader.String("name") ?? throw Fail(technicalName, null, "\"name\" is required");
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Fail(technicalName, null, "\"name\" must not be empty");
            }

            var depends = reader.Names("depends");
            if (depends.Contains(technicalName, StringComparer.Ordinal))
            {
                throw Fail(technicalName, null, "an addon cannot depend on itself");
            }

            // Odoo loads base under everything; an addon that lists nothing still needs it.
            if (depends.Count == 0 && technicalName != "base")
            {
                depends = ["base"];
            }

            var version = reader.String("version") ?? "1.0";
            if (!VersionPattern().IsMatch(version))
            {
                throw Fail(technicalName, null, $"\"version\" \"{version}\" is not dotted numbers such as 1.0 or 8.0.1.2");
            }

            var models = reader.Paths("models", ".xml");
            var data = reader.Paths("data", ".xml", ".csv");
            var overlap = models.Intersect(data, StringComparer.Ordinal).FirstOrDefault();
            if (overlap is not null)
            {
                throw Fail(technicalName, null, $"\"{overlap}\" is listed under both \"models\" and \"data\"");
            }

            return new AddonManifest
            {
                TechnicalName = technicalName,
                Name = name.Trim(),
                Version = version,
                Summary = reader.String("summary"),
                Description = reader.String("description"),
                Category = reader.String("category") ?? "Uncategorized",
                Author = reader.String("author"),
                Website = reader.String("website"),
                License = reader.String("license") ?? "LGPL-3",
                Depends = depends,
                Models = models,
                Data = data,
                Application = reader.Bool("application") ?? false,
                Installable = reader.Bool("installable") ?? true,
                AutoInstall = reader.Bool("auto_install") ?? false,
                Sequence = reader.Int("sequence") ?? 100,
            };
        }
    }

    private static AddonFormatException Fail(string addon, int? line, string problem) =>
        new(addon, FileName, line, problem);

    /// <summary>Whether <paramref name="path"/> is a safe relative path inside an addon folder.</summary>
    internal static bool IsSafeRelativePath(string path) =>
        RelativePathPattern().IsMatch(path)
        && !path.Split('/').Any(segment => segment is "." or "..");

    private readonly struct Fields(string addon, JsonElement root)
    {
        public string? String(string key)
        {
            if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : throw Fail(addon, null, $"\"{key}\" must be a string");
        }

        public bool? Bool(string key)
        {
            if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(addon, null, $"\"{key}\" must be true or false"),
            };
        }

        public int? Int(string key)
        {
            if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
                ? number
                : throw Fail(addon, null, $"\"{key}\" must be a whole number");
        }

        public List<string> Names(string key)
        {
            var items = Strings(key);
            foreach (var item in items)
            {
                if (!IsTechnicalName(item))
                {
                    throw Fail(addon, null, $"\"{key}\" entry \"{item}\" is not a technical addon name");
                }
            }

            return items;
        }

        public List<string> Paths(string key, params string[] extensions)
        {
            var items = Strings(key);
            foreach (var item in items)
            {
                if (!IsSafeRelativePath(item))
                {
                    throw Fail(addon, null,
                        $"\"{key}\" entry \"{item}\" must be a relative path inside the addon folder, with '/' separators");
                }

                if (!extensions.Any(e => item.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                {
                    throw Fail(addon, null, $"\"{key}\" entry \"{item}\" must end with {string.Join(" or ", extensions)}");
                }
            }

            return items;
        }

        private List<string> Strings(string key)
        {
            if (!root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            if (value.ValueKind != JsonValueKind.Array)
            {
                throw Fail(addon, null, $"\"{key}\" must be a list of strings");
            }

            var items = new List<string>();
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
                {
                    throw Fail(addon, null, $"\"{key}\" must be a list of non-empty strings");
                }

                var text = item.GetString()!;
                if (items.Contains(text, StringComparer.Ordinal))
                {
                    throw Fail(addon, null, $"\"{key}\" lists \"{text}\" twice");
                }

                items.Add(text);
            }

            return items;
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex TechnicalNamePattern();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)*$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*$")]
    private static partial Regex RelativePathPattern();
}
