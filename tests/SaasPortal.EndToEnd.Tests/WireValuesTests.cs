using SaasPortal.Api.Services;

namespace SaasPortal.EndToEnd.Tests;

/// <summary>The edge's result rule, in process: Odoo never answers with nil.</summary>
public sealed class WireValuesTests
{
    [Fact]
    public void Results_carry_false_instead_of_null_at_any_depth()
    {
        var nested = new Dictionary<string, object?>
        {
            ["name"] = null,
            ["lines"] = new List<object?> { null, new Dictionary<string, object?> { ["note"] = null, ["qty"] = 2 } },
            ["tags"] = new object?[] { null, "x" },
            ["blob"] = new byte[] { 1, 2 },
        };

        var result = (Dictionary<string, object?>)WireValues.FalseForNull(nested);

        Assert.Equal(false, result["name"]);
        var lines = (List<object?>)result["lines"]!;
        Assert.Equal(false, lines[0]);
        Assert.Equal(false, ((Dictionary<string, object?>)lines[1]!)["note"]);
        Assert.Equal(2, ((Dictionary<string, object?>)lines[1]!)["qty"]);
        Assert.Equal([false, "x"], (List<object?>)result["tags"]!);
        Assert.Equal(new byte[] { 1, 2 }, result["blob"]);
        Assert.Equal(false, WireValues.FalseForNull(null));
    }
}
