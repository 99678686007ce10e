using SaasPortal.Addons.Format;
using SaasPortal.Addons.Installation;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Tests.Installation;

public sealed class DataValueConverterTests
{
    private static readonly Dictionary<string, int> Ids = new() { ["base.group_user"] = 7, ["base.user_root"] = 1 };

    private static object? Convert(DataValue value, FieldType type) =>
        DataValueConverter.Convert(value, new FieldSpec { Name = "f", Type = type }, id =>
            Ids.TryGetValue(id, out var found) ? found : throw new KeyNotFoundException(id));

    [Theory]
    [InlineData("1", FieldType.Boolean, true)]
    [InlineData("False", FieldType.Boolean, false)]
    [InlineData(" 42 ", FieldType.Integer, 42)]
    [InlineData("0.25", FieldType.Float, 0.25)]
    [InlineData("draft", FieldType.Selection, "draft")]
    [InlineData("2024-02-29", FieldType.Date, "2024-02-29")]
    [InlineData(" keep  spaces ", FieldType.Char, " keep  spaces ")]
    public void Text_is_converted_by_the_field_type(string text, FieldType type, object expected) =>
        Assert.Equal(expected, Convert(new TextValue(text), type));

    [Theory]
    [InlineData("yes", FieldType.Boolean)]
    [InlineData("4.5", FieldType.Integer)]
    [InlineData("2024-02-30", FieldType.Date)]
    [InlineData("7", FieldType.Many2one)]
    public void Text_that_does_not_fit_is_refused_naming_the_field(string text, FieldType type) =>
        Assert.StartsWith("field 'f':", Assert.Throws<FormatException>(() => Convert(new TextValue(text), type)).Message, StringComparison.Ordinal);

    [Fact]
    public void Refs_become_ids_commands_or_text_by_field_type()
    {
        Assert.Equal(7, Convert(new RefValue("base.group_user"), FieldType.Many2one));
        Assert.Equal("7", Convert(new RefValue("base.group_user"), FieldType.Char));
        Assert.Equal(false, Convert(new RefValue(null), FieldType.Many2one));
        Assert.Equal(new List<object?> { new List<object?> { 6, 0, new List<object?> { 7 } } }, Convert(new RefValue("base.group_user"), FieldType.Many2many));
        Assert.Throws<KeyNotFoundException>(() => Convert(new RefValue("base.nope"), FieldType.Many2one));
    }

    [Fact]
    public void Evals_become_wire_values_with_refs_resolved()
    {
        var commands = Convert(new EvalValue(PyLiteralParser.Parse("[(4, ref('base.user_root')), (0, 0, {'name': 'x', 'n': 2.5})]")), FieldType.Many2many);

        var list = Assert.IsType<List<object?>>(commands);
        Assert.Equal([4, 1], Assert.IsType<List<object?>>(list[0]));
        var create = Assert.IsType<List<object?>>(list[1]);
        Assert.Equal(new Dictionary<string, object?> { ["name"] = "x", ["n"] = 2.5 }, create[2]);
        Assert.Equal(true, Convert(new EvalValue(new PyInt(1)), FieldType.Boolean));
        Assert.Equal(3.0, Convert(new EvalValue(new PyInt(3)), FieldType.Float));
        Assert.Equal(false, Convert(new EvalValue(PyNone.Instance), FieldType.Many2one));
        Assert.Throws<FormatException>(() => Convert(new EvalValue(new PyString("x")), FieldType.Many2many));
        Assert.Throws<FormatException>(() => Convert(new EvalValue(new PyFloat(1.5)), FieldType.Integer));
    }
}
