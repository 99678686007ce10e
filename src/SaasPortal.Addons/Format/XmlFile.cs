using System.Xml;
using System.Xml.Linq;

namespace SaasPortal.Addons.Format;

/// <summary>Shared plumbing of the XML readers: safe loading (no DTDs, no external entities) and located errors.</summary>
internal static class XmlFile
{
    public static XDocument Load(string addon, string file, string text)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(text), settings);
            return XDocument.Load(reader, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new AddonFormatException(addon, file, ex.LineNumber, $"invalid XML: {ex.Message}");
        }
    }

    public static int? Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : null;

    public static AddonFormatException Error(string addon, string file, XObject node, string problem) =>
        new(addon, file, Line(node), problem);

    /// <summary>Refuses attributes outside <paramref name="allowed"/>, so a misspelt attribute is not silently ignored.</summary>
    public static void CheckAttributes(string addon, string file, XElement element, params string[] allowed)
    {
        foreach (var attribute in element.Attributes())
        {
            if (attribute.IsNamespaceDeclaration)
            {
                continue;
            }

            if (!allowed.Contains(attribute.Name.LocalName, StringComparer.Ordinal))
            {
                throw Error(addon, file, attribute,
                    $"<{element.Name.LocalName}> has no attribute '{attribute.Name.LocalName}' (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    /// <summary>Reads Odoo's boolean attribute spellings ("1", "0", "True", "False", "true", "false").</summary>
    public static bool Flag(string addon, string file, XElement element, string name, bool fallback = false)
    {
        var attribute = element.Attribute(name);
        if (attribute is null)
        {
            return fallback;
        }

        return ParseFlag(attribute.Value)
            ?? throw Error(addon, file, attribute, $"'{name}' must be 1 or 0 (or True/False), not \"{attribute.Value}\"");
    }

    public static bool? ParseFlag(string value) => value.Trim() switch
    {
        "1" or "True" or "true" => true,
        "0" or "False" or "false" or "" => false,
        _ => null,
    };
}
