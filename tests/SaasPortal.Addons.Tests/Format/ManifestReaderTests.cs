using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Tests.Format;

public sealed class ManifestReaderTests
{
    [Fact]
    public void A_full_manifest_reads_every_key()
    {
        var manifest = ManifestReader.Read("sale", """
            {
              "name": "Sales Management", "version": "1.0", "summary": "Quotations", "description": "Long",
              "category": "Sales Management", "author": "Odoo", "website": "https://example.com", "license": "LGPL-3",
              "depends": ["sales_team", "account"], "models": ["models/sale.xml"],
              "data": ["security/ir.model.access.csv", "data/sale.xml"], "application": true, "installable": true,
              "auto_install": false, "sequence": 14
            }
            """);

        Assert.Equal("sale", manifest.TechnicalName);
        Assert.Equal("Sales Management", manifest.Name);
        Assert.Equal(["sales_team", "account"], manifest.Depends);
        Assert.Equal(["models/sale.xml"], manifest.Models);
        Assert.Equal(["security/ir.model.access.csv", "data/sale.xml"], manifest.Data);
        Assert.True(manifest.Application);
        Assert.Equal(14, manifest.Sequence);
    }

    [Fact]
    public void An_addon_without_depends_depends_on_base_and_base_on_nothing()
    {
        Assert.Equal(["base"], ManifestReader.Read("notes", """{"name": "Notes"}""").Depends);
        Assert.Empty(ManifestReader.Read("base", """{"name": "Base"}""").Depends);
    }

    [Theory]
    [InlineData("""{"name": "X", "depend": ["base"]}""", "unknown key \"depend\"")]
    [InlineData("""{"version": "1.0"}""", "\"name\" is required")]
    [InlineData("""{"name": "X", "name": "Y"}""", "appears twice")]
    [InlineData("""{"name": "X", "depends": "base"}""", "\"depends\" must be a list")]
    [InlineData("""{"name": "X", "depends": ["Base Module"]}""", "not a technical addon name")]
    [InlineData("""{"name": "X", "depends": ["my_addon"]}""", "cannot depend on itself")]
    [InlineData("""{"name": "X", "data": ["../base/security/ir.model.access.csv"]}""", "relative path inside the addon folder")]
    [InlineData("""{"name": "X", "data": ["/etc/passwd.xml"]}""", "relative path inside the addon folder")]
    [InlineData("""{"name": "X", "data": ["data/x.py"]}""", "must end with .xml or .csv")]
    [InlineData("""{"name": "X", "application": "yes"}""", "must be true or false")]
    [InlineData("""{"name": "X", "version": "one"}""", "is not dotted numbers")]
    [InlineData("""{"name": "X",}""", "invalid JSON")]
    [InlineData("""["name"]""", "must be a JSON object")]
    public void Invalid_manifests_are_refused_naming_the_addon_and_the_cause(string json, string cause)
    {
        var error = Assert.Throws<AddonFormatException>(() => ManifestReader.Read("my_addon", json));

        Assert.StartsWith("addon 'my_addon', __manifest__.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_name_that_is_not_a_technical_name_is_refused() =>
        Assert.Throws<AddonFormatException>(() => ManifestReader.Read("My-Addon", """{"name": "X"}"""));
}
