using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Tests.Format;

public sealed class CsvDataReaderTests
{
    private const string File = "security/ir.model.access.csv";

    [Fact]
    public void Access_rules_in_odoos_layout_become_records_of_the_file_model()
    {
        var data = CsvDataReader.Read("sale", File,
            "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\r\n" +
            "access_sale_order,sale.order,model_sale_order,base.group_sale_salesman,1,1,1,0\r\n" +
            "\r\n" +
            "access_all,\"all, \"\"quoted\"\"\",model_sale_order,,1,0,0,0\n");

        Assert.Equal(2, data.Operations.Count);
        var first = Assert.IsType<RecordOperation>(data.Operations[0]);
        Assert.Equal("ir.model.access", first.Model);
        Assert.Equal("sale.access_sale_order", first.XmlId);
        Assert.Equal(2, first.Line);
        Assert.Equal(
            [
                new FieldAssignment("name", new TextValue("sale.order")),
                new FieldAssignment("model_id", new RefValue("sale.model_sale_order")),
                new FieldAssignment("group_id", new RefValue("base.group_sale_salesman")),
                new FieldAssignment("perm_read", new TextValue("1")),
                new FieldAssignment("perm_write", new TextValue("1")),
                new FieldAssignment("perm_create", new TextValue("1")),
                new FieldAssignment("perm_unlink", new TextValue("0")),
            ],
            first.Fields);
        var second = Assert.IsType<RecordOperation>(data.Operations[1]);
        Assert.Equal(4, second.Line);
        Assert.Equal(new TextValue("all, \"quoted\""), second.Fields[0].Value);
        Assert.Equal(new RefValue(null), second.Fields[2].Value);
    }

    [Theory]
    [InlineData("name,model_id:id\nx,y\n", 1, "first column must be id")]
    [InlineData("id,name\na,b,c\n", 2, "has 3 cells but the header has 2")]
    [InlineData("id,Bad Column\na,b\n", 1, "is not a field name")]
    [InlineData("id,name\na b,c\n", 2, "not a valid xml id")]
    [InlineData("id,name\na,\"open\n", 2, "not closed")]
    public void Malformed_csv_is_refused_naming_the_line(string text, int line, string cause)
    {
        var error = Assert.Throws<AddonFormatException>(() => CsvDataReader.Read("sale", File, text));

        Assert.Equal(line, error.Line);
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }
}
