using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Format;

/// <summary>
/// Reads a model declaration file (<c>&lt;models&gt;&lt;model name="…"&gt;&lt;field …/&gt;&lt;/model&gt;&lt;/models&gt;</c>)
/// into the ORM's <see cref="ModelSpec"/>s. Everything that can be checked without the other addons is checked
/// here: names, types, attribute combinations, defaults, order clauses.
/// </summary>
public static partial class ModelFileReader
{
    /// <summary>Longest identifier PostgreSQL keeps; table and column names must fit.</summary>
    private const int MaxIdentifier = 63;

    /// <summary>Columns every model has; declaring them would shadow the ORM's own.</summary>
    private static readonly HashSet<string> MagicFields =
        new(["id", "create_uid", "create_date", "write_uid", "write_date", "display_name", "__last_update"], StringComparer.Ordinal);

    private static readonly string[] ModelAttributes = ["name", "description", "order", "rec_name", "parent_name", "extends"];

    private static readonly string[] FieldAttributes =
    [
        "name", "type", "string", "help", "required", "readonly", "default", "index", "unique", "size", "comodel",
        "inverse", "relation", "column1", "column2", "ondelete", "related", "compute", "depends", "store", "groups",
        "currency_field",
    ];

    /// <summary>Whether <paramref name="name"/> is a valid dotted model name such as <c>sale.order.line</c>.</summary>
    public static bool IsModelName(string name) => ModelNamePattern().IsMatch(name) && name.Length <= MaxIdentifier;

    /// <summary>Whether <paramref name="name"/> is a valid field (column) name.</summary>
    public static bool IsFieldName(string name) => FieldNamePattern().IsMatch(name) && name.Length <= MaxIdentifier;

    /// <summary>Parses one model file of <paramref name="addon"/>.</summary>
    public static IReadOnlyList<ModelSpec> Read(string addon, string file, string text)
    {
        var document = XmlFile.Load(addon, file, text);
        var root = document.Root!;
        if (root.Name.LocalName != "models")
        {
            throw XmlFile.Error(addon, file, root, $"the root element must be <models>, not <{root.Name.LocalName}>");
        }

        XmlFile.CheckAttributes(addon, file, root);
        var models = new List<ModelSpec>();
        foreach (var element in root.Elements())
        {
            if (element.Name.LocalName != "model")
            {
                throw XmlFile.Error(addon, file, element, $"<models> may contain only <model>, not <{element.Name.LocalName}>");
            }

            var model = ReadModel(addon, file, element);
            if (models.Any(m => m.Name == model.Name))
            {
                throw XmlFile.Error(addon, file, element, $"model '{model.Name}' is declared twice in this file");
            }

            models.Add(model);
        }

        return models;
    }

    private static ModelSpec ReadModel(string addon, string file, XElement element)
    {
        XmlFile.CheckAttributes(addon, file, element, ModelAttributes);
        var name = element.Attribute("name")?.Value
            ?? throw XmlFile.Error(addon, file, element, "<model> needs a name");
        if (!IsModelName(name))
        {
            throw XmlFile.Error(addon, file, element,
                $"'{name}' is not a model name (lower-case words separated by dots, at most {MaxIdentifier} characters)");
        }

        var order = element.Attribute("order")?.Value;
        if (order is not null && !OrderPattern().IsMatch(order))
        {
            throw XmlFile.Error(addon, file, element,
                $"model '{name}': order \"{order}\" must be fields with optional asc/desc, separated by commas");
        }

        var recName = OptionalFieldName(addon, file, element, "rec_name", name);
        var parentName = OptionalFieldName(addon, file, element, "parent_name", name);
        var fields = new List<FieldSpec>();
        var constraints = new List<ConstraintSpec>();
        foreach (var child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "field":
                    var field = ReadField(addon, file, name, child);
                    if (fields.Any(f => f.Name == field.Name))
                    {
                        throw XmlFile.Error(addon, file, child, $"model '{name}': field '{field.Name}' is declared twice");
                    }

                    fields.Add(field);
                    break;
                case "constraint":
                    constraints.Add(ReadConstraint(addon, file, name, child));
                    break;
                default:
                    throw XmlFile.Error(addon, file, child,
                        $"model '{name}': <model> may contain <field> and <constraint>, not <{child.Name.LocalName}>");
            }
        }

        return new ModelSpec
        {
            Name = name,
            Description = element.Attribute("description")?.Value,
            Order = order,
            RecName = recName,
            ParentName = parentName,
            Extends = XmlFile.Flag(addon, file, element, "extends"),
            Fields = fields,
            Constraints = constraints,
        };
    }

    private static string? OptionalFieldName(string addon, string file, XElement element, string attribute, string model)
    {
        var value = element.Attribute(attribute)?.Value;
        if (value is not null && !IsFieldName(value))
        {
            throw XmlFile.Error(addon, file, element, $"model '{model}': {attribute} '{value}' is not a field name");
        }

        return value;
    }

    private static ConstraintSpec ReadConstraint(string addon, string file, string model, XElement element)
    {
        XmlFile.CheckAttributes(addon, file, element, "name", "unique", "message");
        var name = element.Attribute("name")?.Value;
        var unique = element.Attribute("unique")?.Value;
        var message = element.Attribute("message")?.Value;
        if (name is null || !IsFieldName(name) || unique is null || string.IsNullOrWhiteSpace(message))
        {
            throw XmlFile.Error(addon, file, element,
                $"model '{model}': <constraint> needs name (an identifier), unique (comma-separated fields) and message");
        }

        var fields = unique.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0 || fields.Any(f => !IsFieldName(f)))
        {
            throw XmlFile.Error(addon, file, element, $"model '{model}': constraint '{name}' lists an invalid field name");
        }

        return new ConstraintSpec(name, fields, message);
    }

    private static FieldSpec ReadField(string addon, string file, string model, XElement element)
    {
        XmlFile.CheckAttributes(addon, file, element, FieldAttributes);
        var name = element.Attribute("name")?.Value ?? throw XmlFile.Error(addon, file, element, $"model '{model}': <field> needs a name");
        AddonFormatException Fail(string problem) => XmlFile.Error(addon, file, element, $"field '{model}.{name}': {problem}");

        if (!IsFieldName(name))
        {
            throw Fail("the name must be a lower-case identifier");
        }

        if (MagicFields.Contains(name))
        {
            throw Fail("this column belongs to every model and cannot be declared");
        }

        var typeText = element.Attribute("type")?.Value ?? throw Fail("type is required");
        if (!TryParseType(typeText, out var type))
        {
            throw Fail($"unknown type '{typeText}' (known: {string.Join(", ", Enum.GetNames<FieldType>().Select(n => n.ToLowerInvariant()))})");
        }

        var relational = type is FieldType.Many2one or FieldType.One2many or FieldType.Many2many;
        var comodel = element.Attribute("comodel")?.Value;
        if (relational && comodel is null)
        {
            throw Fail($"a {typeText} field needs comodel");
        }

        if (comodel is not null && (!relational || !IsModelName(comodel)))
        {
            throw Fail(relational ? $"comodel '{comodel}' is not a model name" : "comodel is only for relational fields");
        }

        var inverse = element.Attribute("inverse")?.Value;
        if (type == FieldType.One2many && inverse is null)
        {
            throw Fail("a one2many field needs inverse (the many2one on the comodel)");
        }

        if (inverse is not null && (type != FieldType.One2many || !IsFieldName(inverse)))
        {
            throw Fail("inverse must be a field name and is only for one2many fields");
        }

        string? Many2manyName(string attribute)
        {
            var value = element.Attribute(attribute)?.Value;
            if (value is not null && (type != FieldType.Many2many || !IsFieldName(value)))
            {
                throw Fail($"{attribute} must be an identifier and is only for many2many fields");
            }

            return value;
        }

        var relation = Many2manyName("relation");
        var column1 = Many2manyName("column1");
        var column2 = Many2manyName("column2");
        if (column1 is not null && column1 == column2)
        {
            throw Fail("column1 and column2 must differ");
        }

        var onDelete = element.Attribute("ondelete")?.Value;
        if (onDelete is not null && (type != FieldType.Many2one || onDelete is not ("set null" or "cascade" or "restrict")))
        {
            throw Fail("ondelete is only for many2one fields and must be 'set null', 'cascade' or 'restrict'");
        }

        int? size = null;
        if (element.Attribute("size") is { } sizeAttribute)
        {
            if (type != FieldType.Char || !int.TryParse(sizeAttribute.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                throw Fail("size must be a positive number and is only for char fields");
            }

            size = parsed;
        }

        var currencyField = element.Attribute("currency_field")?.Value;
        if (currencyField is not null && (type != FieldType.Monetary || !IsFieldName(currencyField)))
        {
            throw Fail("currency_field must be a field name and is only for monetary fields");
        }

        var options = ReadOptions(element, type, Fail);
        var related = element.Attribute("related")?.Value;
        if (related is not null && !DottedPathPattern().IsMatch(related))
        {
            throw Fail($"related \"{related}\" must be a dotted path of field names");
        }

        if (type == FieldType.Selection && options.Count == 0 && related is null)
        {
            throw Fail("a selection field needs <option value=\"…\">Label</option> children");
        }

        var compute = element.Attribute("compute")?.Value;
        if (compute is not null && !ComputeNamePattern().IsMatch(compute))
        {
            throw Fail($"compute \"{compute}\" must name a registered compute function such as sale.order.amount_total");
        }

        if (compute is not null && related is not null)
        {
            throw Fail("a field is either computed or related, not both");
        }

        var dependsText = element.Attribute("depends")?.Value;
        IReadOnlyList<string>? depends = null;
        if (dependsText is not null)
        {
            if (compute is null)
            {
                throw Fail("depends is only for computed fields");
            }

            depends = dependsText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (depends.Count == 0 || depends.Any(d => !DottedPathPattern().IsMatch(d)))
            {
                throw Fail($"depends \"{dependsText}\" must be comma-separated dotted paths");
            }
        }

        bool? store = element.Attribute("store") is null ? null : XmlFile.Flag(addon, file, element, "store");
        if (store == true && type is FieldType.One2many)
        {
            throw Fail("a one2many field is never stored in a column");
        }

        IReadOnlyList<string>? groups = null;
        if (element.Attribute("groups")?.Value is { } groupsText)
        {
            groups = groupsText.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (groups.Count == 0 || groups.Any(g => !XmlIds.IsValid(g)))
            {
                throw Fail($"groups \"{groupsText}\" must be comma-separated xml ids");
            }

            groups = groups.Select(g => XmlIds.Qualify(addon, g)).ToList();
        }

        object? defaultValue = null;
        if (element.Attribute("default")?.Value is { } defaultText)
        {
            defaultValue = ParseDefault(type, defaultText, options, Fail);
        }

        var label = element.Attribute("string")?.Value;
        return new FieldSpec
        {
            Name = name,
            Type = type,
            Label = string.IsNullOrWhiteSpace(label) ? null : label,
            Help = element.Attribute("help")?.Value,
            Required = XmlFile.Flag(addon, file, element, "required"),
            Readonly = XmlFile.Flag(addon, file, element, "readonly"),
            Default = defaultValue,
            Index = XmlFile.Flag(addon, file, element, "index"),
            Unique = XmlFile.Flag(addon, file, element, "unique"),
            Size = size,
            Selection = type == FieldType.Selection && options.Count > 0 ? options : null,
            Comodel = comodel,
            InverseName = inverse,
            RelationTable = relation,
            Column1 = column1,
            Column2 = column2,
            OnDelete = onDelete ?? "set null",
            Related = related,
            Compute = compute,
            Depends = depends,
            Store = store,
            Groups = groups,
            CurrencyField = currencyField,
        };
    }

    private static List<SelectionOption> ReadOptions(XElement element, FieldType type, Func<string, AddonFormatException> fail)
    {
        var options = new List<SelectionOption>();
        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName != "option" || type != FieldType.Selection)
            {
                throw fail($"<{child.Name.LocalName}> is not allowed here; only selection fields have <option> children");
            }

            var value = child.Attribute("value")?.Value;
            if (string.IsNullOrEmpty(value) || child.Attributes().Count() != 1)
            {
                throw fail("<option> needs exactly one attribute, value");
            }

            if (options.Any(o => o.Value == value))
            {
                throw fail($"option '{value}' appears twice");
            }

            var label = child.Value.Trim();
            options.Add(new SelectionOption(value, label.Length == 0 ? value : label));
        }

        return options;
    }

    private static object ParseDefault(FieldType type, string text, List<SelectionOption> options,
        Func<string, AddonFormatException> fail)
    {
        switch (type)
        {
            case FieldType.Boolean:
                return XmlFile.ParseFlag(text) ?? throw fail($"default \"{text}\" is not a boolean (1/0)");
            case FieldType.Integer:
                return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole)
                    ? whole
                    : throw fail($"default \"{text}\" is not a whole number");
            case FieldType.Float or FieldType.Monetary:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                    ? real
                    : throw fail($"default \"{text}\" is not a number");
            case FieldType.Selection:
                return options.Count == 0 || options.Any(o => o.Value == text)
                    ? text
                    : throw fail($"default \"{text}\" is not one of the options");
            case FieldType.Date:
                return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? text
                    : throw fail($"default \"{text}\" is not a date (YYYY-MM-DD)");
            case FieldType.Datetime:
                return DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                    ? text
                    : throw fail($"default \"{text}\" is not a datetime (YYYY-MM-DD HH:MM:SS)");
            case FieldType.Char or FieldType.Text or FieldType.Html:
                return text;
            default:
                throw fail($"a {type.ToString().ToLowerInvariant()} field cannot have a literal default");
        }
    }

    private static bool TryParseType(string text, out FieldType type)
    {
        // Only the lower-case wire names: "Many2One" or "3" must not slip through Enum.TryParse's leniency.
        foreach (var candidate in Enum.GetValues<FieldType>())
        {
            if (candidate.ToString().ToLowerInvariant() == text)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")]
    private static partial Regex ModelNamePattern();

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex FieldNamePattern();

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*$")]
    private static partial Regex DottedPathPattern();

    [GeneratedRegex(@"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
    private static partial Regex ComputeNamePattern();

    [GeneratedRegex(@"^\s*[a-z_][a-z0-9_]*(\s+(?i:asc|desc))?\s*(,\s*[a-z_][a-z0-9_]*(\s+(?i:asc|desc))?\s*)*$")]
    private static partial Regex OrderPattern();
}
