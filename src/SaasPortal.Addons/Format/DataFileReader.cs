using System.Xml.Linq;

namespace SaasPortal.Addons.Format;

/// <summary>
/// Reads Odoo's XML data format (<c>&lt;odoo&gt;</c>, or <c>&lt;openerp&gt;&lt;data&gt;</c>): records with xml ids,
/// field values as text, <c>ref</c> or a safe <c>eval</c>, <c>noupdate</c> blocks, and <c>&lt;delete id&gt;</c>.
/// Elements that would run code (<c>&lt;function&gt;</c>) or that need a web client (<c>&lt;menuitem&gt;</c>,
/// <c>&lt;template&gt;</c>) are refused by name so an operator knows what to remove.
/// </summary>
public static class DataFileReader
{
    /// <summary>Parses an XML data file of <paramref name="addon"/>.</summary>
    public static DataFile ReadXml(string addon, string file, string text)
    {
        var document = XmlFile.Load(addon, file, text);
        var root = document.Root!;
        if (root.Name.LocalName is not ("odoo" or "openerp"))
        {
            throw XmlFile.Error(addon, file, root, $"the root element must be <odoo> or <openerp>, not <{root.Name.LocalName}>");
        }

        XmlFile.CheckAttributes(addon, file, root, "noupdate");
        var operations = new List<DataOperation>();
        var rootNoUpdate = XmlFile.Flag(addon, file, root, "noupdate");
        foreach (var element in root.Elements())
        {
            if (element.Name.LocalName == "data")
            {
                XmlFile.CheckAttributes(addon, file, element, "noupdate");
                var noUpdate = XmlFile.Flag(addon, file, element, "noupdate", rootNoUpdate);
                foreach (var child in element.Elements())
                {
                    operations.Add(ReadOperation(addon, file, child, noUpdate));
                }
            }
            else
            {
                operations.Add(ReadOperation(addon, file, element, rootNoUpdate));
            }
        }

        return new DataFile(file, operations);
    }

    private static DataOperation ReadOperation(string addon, string file, XElement element, bool noUpdate) =>
        element.Name.LocalName switch
        {
            "record" => ReadRecord(addon, file, element, noUpdate),
            "delete" => ReadDelete(addon, file, element),
            "function" => throw XmlFile.Error(addon, file, element, "<function> runs code and is not supported in data files"),
            "data" => throw XmlFile.Error(addon, file, element, "<data> cannot be nested"),
            var other => throw XmlFile.Error(addon, file, element,
                $"<{other}> is not supported (data files contain <record> and <delete>; views and menus belong to no client here)"),
        };

    private static RecordOperation ReadRecord(string addon, string file, XElement element, bool noUpdate)
    {
        XmlFile.CheckAttributes(addon, file, element, "id", "model", "forcecreate", "context");
        if (element.Attribute("context") is { } context)
        {
            throw XmlFile.Error(addon, file, context, "the context attribute is not supported on <record>");
        }

        var model = element.Attribute("model")?.Value;
        if (model is null || !ModelFileReader.IsModelName(model))
        {
            throw XmlFile.Error(addon, file, element, "<record> needs a model attribute naming a model");
        }

        var id = element.Attribute("id")?.Value;
        if (id is not null && !XmlIds.IsValid(id))
        {
            throw XmlFile.Error(addon, file, element, $"'{id}' is not a valid xml id");
        }

        var fields = new List<FieldAssignment>();
        foreach (var child in element.Elements())
        {
            if (child.Name.LocalName != "field")
            {
                throw XmlFile.Error(addon, file, child, $"<record> may contain only <field>, not <{child.Name.LocalName}>");
            }

            var assignment = ReadField(addon, file, child);
            if (fields.Any(f => f.Name == assignment.Name))
            {
                throw XmlFile.Error(addon, file, child, $"field '{assignment.Name}' is given twice in this record");
            }

            fields.Add(assignment);
        }

        return new RecordOperation
        {
            File = file,
            Line = XmlFile.Line(element),
            XmlId = id is null ? null : XmlIds.Qualify(addon, id),
            Model = model,
            Fields = fields,
            NoUpdate = noUpdate,
        };
    }

    private static FieldAssignment ReadField(string addon, string file, XElement element)
    {
        XmlFile.CheckAttributes(addon, file, element, "name", "ref", "eval", "type", "search", "file");
        var name = element.Attribute("name")?.Value;
        if (name is null || !ModelFileReader.IsFieldName(name))
        {
            throw XmlFile.Error(addon, file, element, "<field> needs a name attribute naming a field");
        }

        if (element.Attribute("search") is not null)
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': search=\"…\" is not supported; use ref=\"xmlid\"");
        }

        if (element.Attribute("file") is not null)
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': file=\"…\" is not supported");
        }

        // type="char|int|float" only states how to read element text; anything richer (xml, base64, list) is refused.
        if (element.Attribute("type")?.Value is { } type && type is not ("char" or "int" or "float"))
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': type=\"{type}\" is not supported (char, int or float)");
        }

        var reference = element.Attribute("ref")?.Value;
        var eval = element.Attribute("eval")?.Value;
        if (reference is not null && eval is not null)
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': give either ref or eval, not both");
        }

        if ((reference is not null || eval is not null) && (element.HasElements || element.Value.Trim().Length > 0))
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': a field with ref or eval must be empty");
        }

        if (element.HasElements)
        {
            throw XmlFile.Error(addon, file, element, $"field '{name}': nested elements are not supported; give text, ref or eval");
        }

        if (reference is not null)
        {
            if (reference.Length > 0 && !XmlIds.IsValid(reference))
            {
                throw XmlFile.Error(addon, file, element, $"field '{name}': ref '{reference}' is not a valid xml id");
            }

            return new FieldAssignment(name, new RefValue(reference.Length == 0 ? null : XmlIds.Qualify(addon, reference)));
        }

        if (eval is not null)
        {
            PyValue value;
            try
            {
                value = PyLiteralParser.Parse(eval);
            }
            catch (FormatException ex)
            {
                throw XmlFile.Error(addon, file, element, $"field '{name}': {ex.Message}");
            }

            return new FieldAssignment(name, new EvalValue(Qualify(addon, value, file, element, name)));
        }

        return new FieldAssignment(name, new TextValue(element.Value));
    }

    /// <summary>Qualifies every ref('x') inside an eval, and checks its xml ids, so loading needs no addon context.</summary>
    private static PyValue Qualify(string addon, PyValue value, string file, XElement element, string field) => value switch
    {
        PyRef r when !XmlIds.IsValid(r.XmlId) =>
            throw XmlFile.Error(addon, file, element, $"field '{field}': ref('{r.XmlId}') is not a valid xml id"),
        PyRef r => new PyRef(XmlIds.Qualify(addon, r.XmlId)),
        PyList l => new PyList(l.Items.Select(i => Qualify(addon, i, file, element, field)).ToList(), l.IsTuple),
        PyDict d => new PyDict(d.Entries.Select(e => new KeyValuePair<string, PyValue>(e.Key, Qualify(addon, e.Value, file, element, field))).ToList()),
        _ => value,
    };

    private static DeleteOperation ReadDelete(string addon, string file, XElement element)
    {
        XmlFile.CheckAttributes(addon, file, element, "id", "model", "search");
        if (element.Attribute("search") is not null)
        {
            throw XmlFile.Error(addon, file, element, "<delete search=\"…\"> is not supported; delete by id");
        }

        var id = element.Attribute("id")?.Value;
        var model = element.Attribute("model")?.Value;
        if (id is null || !XmlIds.IsValid(id) || model is null || !ModelFileReader.IsModelName(model))
        {
            throw XmlFile.Error(addon, file, element, "<delete> needs id (an xml id) and model");
        }

        return new DeleteOperation { File = file, Line = XmlFile.Line(element), XmlId = XmlIds.Qualify(addon, id), Model = model };
    }
}
