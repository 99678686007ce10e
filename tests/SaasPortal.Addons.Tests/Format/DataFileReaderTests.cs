using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Tests.Format;

public sealed class DataFileReaderTests
{
    private const string File = "security/sale_security.xml";

    [Fact]
    public void Records_carry_qualified_xml_ids_text_refs_and_evals()
    {
        var data = DataFileReader.ReadXml("sale", File, """
            <odoo>
              <record id="group_sale_manager" model="res.groups">
                <field name="name">Manager</field>
                <field name="category_id" ref="base.module_category_sales_management"/>
                <field name="implied_ids" eval="[(4, ref('group_sale_salesman'))]"/>
                <field name="parent_id" ref=""/>
              </record>
              <data noupdate="1">
                <record id="seq" model="ir.sequence"><field name="padding" eval="3"/></record>
              </data>
              <delete id="base.old_rule" model="ir.rule"/>
            </odoo>
            """);

        Assert.Equal(3, data.Operations.Count);
        var group = Assert.IsType<RecordOperation>(data.Operations[0]);
        Assert.Equal("sale.group_sale_manager", group.XmlId);
        Assert.Equal("res.groups", group.Model);
        Assert.False(group.NoUpdate);
        Assert.Equal(2, group.Line);
        Assert.Equal(new FieldAssignment("name", new TextValue("Manager")), group.Fields[0]);
        Assert.Equal(new FieldAssignment("category_id", new RefValue("base.module_category_sales_management")), group.Fields[1]);
        Assert.Equal(
            new EvalValue(new PyList([new PyList([new PyInt(4), new PyRef("sale.group_sale_salesman")], true)], false)),
            group.Fields[2].Value);
        Assert.Equal(new RefValue(null), group.Fields[3].Value);
        Assert.True(Assert.IsType<RecordOperation>(data.Operations[1]).NoUpdate);
        Assert.Equal("base.old_rule", Assert.IsType<DeleteOperation>(data.Operations[2]).XmlId);
    }

    [Fact]
    public void Openerp_data_roots_are_accepted()
    {
        var data = DataFileReader.ReadXml("x", File, """
            <openerp><data noupdate="1"><record id="a" model="res.partner"><field name="name">A</field></record></data></openerp>
            """);
        Assert.True(Assert.IsType<RecordOperation>(Assert.Single(data.Operations)).NoUpdate);
    }

    [Theory]
    [InlineData("""<record id="a" model="res.partner"><field name="parent_id" search="[('name','=','x')]"/></record>""", "search=")]
    [InlineData("""<function model="res.partner" name="unlink"/>""", "<function> runs code")]
    [InlineData("""<menuitem id="m" name="Sales"/>""", "<menuitem> is not supported")]
    [InlineData("""<record id="a" model="res.partner"><field name="date" eval="time.strftime('%Y')"/></record>""", "'time' is not allowed")]
    [InlineData("""<record id="a" model="res.partner"><field name="x" ref="a" eval="1"/></record>""", "either ref or eval")]
    [InlineData("""<record id="a"><field name="x">1</field></record>""", "needs a model")]
    [InlineData("""<record id="a b" model="res.partner"/>""", "not a valid xml id")]
    [InlineData("""<record id="a" model="res.partner"><field name="arch" type="xml"><form/></field></record>""", "type=\"xml\" is not supported")]
    [InlineData("""<record id="a" model="res.partner"><field name="x">1</field><field name="x">2</field></record>""", "given twice")]
    [InlineData("""<delete model="ir.rule" search="[]"/>""", "not supported; delete by id")]
    public void Unsupported_or_unsafe_constructs_are_refused_by_name(string body, string cause)
    {
        var error = Assert.Throws<AddonFormatException>(() => DataFileReader.ReadXml("sale", File, $"<odoo>\n{body}\n</odoo>"));

        Assert.StartsWith($"addon 'sale', {File} line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }
}
