using SaasPortal.Addons.Format;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Tests.Format;

public sealed class ModelFileReaderTests
{
    private const string File = "models/sale.xml";

    [Fact]
    public void The_documented_example_becomes_model_specs()
    {
        var models = ModelFileReader.Read("sale", File, """
            <models>
              <model name="sale.order" description="Sales Order" order="date_order desc, id desc" rec_name="name">
                <field name="name" type="char" string="Order Reference" required="1" default="New" index="1"/>
                <field name="partner_id" type="many2one" comodel="res.partner" required="1" ondelete="restrict"/>
                <field name="order_line" type="one2many" comodel="sale.order.line" inverse="order_id"/>
                <field name="state" type="selection" default="draft">
                  <option value="draft">Quotation</option>
                  <option value="sale">Sales Order</option>
                </field>
                <field name="amount_total" type="monetary" compute="sale.order.amount_total" store="1" depends="order_line.price_subtotal"/>
                <field name="tag_ids" type="many2many" comodel="crm.tag" relation="sale_order_tag_rel" column1="order_id" column2="tag_id" groups="base.group_user,group_x"/>
                <field name="amount_lines" type="integer" default="-3"/>
                <constraint name="name_uniq" unique="name, company_id" message="Order Reference must be unique"/>
              </model>
              <model name="res.partner" extends="1">
                <field name="sale_warn" type="boolean" default="True"/>
              </model>
            </models>
            """);

        Assert.Equal(2, models.Count);
        var order = models[0];
        Assert.Equal("sale.order", order.Name);
        Assert.Equal("Sales Order", order.Description);
        Assert.Equal("date_order desc, id desc", order.Order);
        Assert.False(order.Extends);
        Assert.Equal(new FieldSpec { Name = "name", Type = FieldType.Char, Label = "Order Reference", Required = true, Default = "New", Index = true },
            order.Fields[0]);
        Assert.Equal("restrict", order.Fields[1].OnDelete);
        Assert.Equal("order_id", order.Fields[2].InverseName);
        Assert.Equal([new SelectionOption("draft", "Quotation"), new SelectionOption("sale", "Sales Order")], order.Fields[3].Selection!);
        Assert.Equal("sale.order.amount_total", order.Fields[4].Compute);
        Assert.Equal(["order_line.price_subtotal"], order.Fields[4].Depends!);
        Assert.True(order.Fields[4].Store);
        Assert.Equal(["base.group_user", "sale.group_x"], order.Fields[5].Groups!);
        Assert.Equal(("sale_order_tag_rel", "order_id", "tag_id"), (order.Fields[5].RelationTable, order.Fields[5].Column1, order.Fields[5].Column2));
        Assert.Equal(-3, order.Fields[6].Default);
        Assert.Equal(new ConstraintSpec("name_uniq", ["name", "company_id"], "Order Reference must be unique").Name, order.Constraints[0].Name);
        Assert.Equal(["name", "company_id"], order.Constraints[0].UniqueFields);
        Assert.True(models[1].Extends);
        Assert.Equal(true, models[1].Fields[0].Default);
    }

    [Theory]
    [InlineData("""<field name="lines" type="one2many" comodel="sale.order.line"/>""", "needs inverse")]
    [InlineData("""<field name="partner_id" type="many2one"/>""", "needs comodel")]
    [InlineData("""<field name="state" type="selection"/>""", "needs <option")]
    [InlineData("""<field name="state" type="selection" default="done"><option value="draft">Draft</option></field>""", "not one of the options")]
    [InlineData("""<field name="qty" type="integer" default="many"/>""", "not a whole number")]
    [InlineData("""<field name="id" type="integer"/>""", "belongs to every model")]
    [InlineData("""<field name="create_uid" type="integer"/>""", "belongs to every model")]
    [InlineData("""<field name="Name" type="char"/>""", "lower-case identifier")]
    [InlineData("""<field name="name; drop table x" type="char"/>""", "lower-case identifier")]
    [InlineData("""<field name="name" type="string"/>""", "unknown type 'string'")]
    [InlineData("""<field name="name" type="Char"/>""", "unknown type 'Char'")]
    [InlineData("""<field name="name" type="char" requred="1"/>""", "has no attribute 'requred'")]
    [InlineData("""<field name="name" type="char" size="-1"/>""", "size must be a positive number")]
    [InlineData("""<field name="partner_id" type="many2one" comodel="res.partner" ondelete="delete"/>""", "ondelete")]
    [InlineData("""<field name="total" type="float" depends="a.b"/>""", "only for computed fields")]
    [InlineData("""<field name="name" type="char"/><field name="name" type="text"/>""", "declared twice")]
    [InlineData("""<field name="when" type="date" default="tomorrow"/>""", "not a date")]
    public void Invalid_fields_are_refused_naming_addon_file_line_and_field(string fields, string cause)
    {
        var text = $"<models>\n  <model name=\"sale.order\">\n    {fields}\n  </model>\n</models>";

        var error = Assert.Throws<AddonFormatException>(() => ModelFileReader.Read("sale", File, text));

        Assert.StartsWith("addon 'sale', models/sale.xml line 3", error.Message, StringComparison.Ordinal);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""<model name="Sale Order"/>""", "is not a model name")]
    [InlineData("""<model name="sale.order" order="name; drop table res_users"/>""", "order")]
    [InlineData("""<model name="sale.order" inherit="x"/>""", "has no attribute 'inherit'")]
    [InlineData("""<view name="x"/>""", "may contain only <model>")]
    public void Invalid_models_are_refused(string model, string cause)
    {
        var error = Assert.Throws<AddonFormatException>(() => ModelFileReader.Read("sale", File, $"<models>{model}</models>"));
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_xml_and_dtds_are_refused()
    {
        Assert.Contains("invalid XML", Assert.Throws<AddonFormatException>(
            () => ModelFileReader.Read("sale", File, "<models><model name='a'></models>")).Message, StringComparison.Ordinal);
        Assert.Throws<AddonFormatException>(() => ModelFileReader.Read("sale", File,
            "<!DOCTYPE models [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><models>&x;</models>"));
    }
}
