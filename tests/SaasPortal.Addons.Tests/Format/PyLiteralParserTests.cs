using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Tests.Format;

public sealed class PyLiteralParserTests
{
    [Fact]
    public void X2many_commands_with_refs_parse_to_tuples_in_a_list()
    {
        var value = PyLiteralParser.Parse("[(6, 0, [ref('a'), ref(\"base.b\")]), (4, ref('c'))]");

        var commands = Assert.IsType<PyList>(value);
        Assert.False(commands.IsTuple);
        Assert.Equal(2, commands.Items.Count);
        Assert.Equal(
            new PyList([new PyInt(6), new PyInt(0), new PyList([new PyRef("a"), new PyRef("base.b")], false)], true),
            commands.Items[0]);
        Assert.Equal(new PyList([new PyInt(4), new PyRef("c")], true), commands.Items[1]);
    }

    [Theory]
    [InlineData("True", true)]
    [InlineData("False", false)]
    public void Booleans_are_python_spellings(string text, bool expected) =>
        Assert.Equal(new PyBool(expected), PyLiteralParser.Parse(text));

    [Fact]
    public void Scalars_strings_and_dicts_parse()
    {
        Assert.Equal(PyNone.Instance, PyLiteralParser.Parse("None"));
        Assert.Equal(new PyInt(-42), PyLiteralParser.Parse(" -42 "));
        Assert.Equal(new PyFloat(0.15), PyLiteralParser.Parse("0.15"));
        Assert.Equal(new PyString("it's \"quoted\"\n"), PyLiteralParser.Parse("'it\\'s \"quoted\"\\n'"));
        Assert.Equal(
            new PyDict([new("name", new PyString("Line")), new("qty", new PyInt(2))]),
            PyLiteralParser.Parse("{'name': 'Line', 'qty': 2,}"));
    }

    [Fact]
    public void Parentheses_around_one_value_are_not_a_tuple_but_a_trailing_comma_is()
    {
        Assert.Equal(new PyInt(5), PyLiteralParser.Parse("(5)"));
        Assert.Equal(new PyList([new PyInt(5)], true), PyLiteralParser.Parse("(5,)"));
        Assert.Equal(new PyList([], true), PyLiteralParser.Parse("()"));
    }

    [Theory]
    [InlineData("1/12")]
    [InlineData("time.strftime('%Y-%m-%d')")]
    [InlineData("__import__('os').system('id')")]
    [InlineData("[ref('a')] + [ref('b')]")]
    [InlineData("ref(x)")]
    [InlineData("[1, 2")]
    [InlineData("'unterminated")]
    [InlineData("")]
    public void Anything_but_a_literal_is_refused_not_evaluated(string text)
    {
        var error = Assert.Throws<FormatException>(() => PyLiteralParser.Parse(text));
        Assert.Contains("eval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var deep = new string('[', 100) + new string(']', 100);
        Assert.Throws<FormatException>(() => PyLiteralParser.Parse(deep));
    }
}
