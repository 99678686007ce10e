namespace SaasPortal.Client.Tests;

/// <summary>Reading faults as both protocols carry them, without a server.</summary>
public sealed class FaultTests
{
    [Theory]
    [InlineData(2, "UserError: Object x.y doesn't exist", "UserError", "Object x.y doesn't exist")]
    [InlineData(4, "AccessError: Private methods (such as _x) cannot be called remotely.", "AccessError", "Private methods (such as _x) cannot be called remotely.")]
    [InlineData(1, "ValueError: Invalid domain term: a: b", "ValueError", "Invalid domain term: a: b")]
    [InlineData(3, "Access Denied", "AccessDenied", "Access Denied")]
    [InlineData(1, "no class here", "Exception", "no class here")]
    [InlineData(1, "two words: are not a class name", "Exception", "two words: are not a class name")]
    public void An_XML_RPC_fault_string_gives_the_class_and_the_message(int code, string faultString, string name, string message)
    {
        var fault = OdooFaultException.FromXmlRpc(code, faultString);
        Assert.Equal((code, name, message, faultString), (fault.FaultCode, fault.ExceptionName, fault.Message, fault.FaultString));
    }

    [Fact]
    public void A_string_fault_code_of_the_legacy_routes_counts_as_an_application_error()
    {
        Assert.Equal(OdooFaultException.ApplicationError, OdooFaultException.FromXmlRpc("warning -- UserError", "").FaultCode);
    }

    [Theory]
    [InlineData("odoo.exceptions.AccessDenied", 3, "AccessDenied")]
    [InlineData("odoo.exceptions.AccessError", 4, "AccessError")]
    [InlineData("odoo.exceptions.UserError", 2, "UserError")]
    [InlineData("odoo.exceptions.ValidationError", 2, "ValidationError")]
    [InlineData("odoo.exceptions.MissingError", 2, "MissingError")]
    [InlineData("builtins.ValueError", 1, "ValueError")]
    [InlineData("builtins.TypeError", 1, "TypeError")]
    [InlineData("odoo.http.SessionExpiredException", 1, "SessionExpiredException")]
    public void A_JSON_RPC_error_gets_the_code_XML_RPC_would_have_sent(string qualifiedName, int code, string name)
    {
        var fault = OdooFaultException.FromJsonRpc(qualifiedName, "message", "debug text");
        Assert.Equal((code, name, "message", "debug text"), (fault.FaultCode, fault.ExceptionName, fault.Message, fault.FaultString));
    }

    [Theory]
    [InlineData("ftp://example.com")]
    [InlineData("file:///tmp/x")]
    public void Only_absolute_http_urls_are_servers(string url)
    {
        using var http = new HttpClient();
        Assert.Throws<ArgumentException>(() => new OdooClient(http, new Uri(url)));
    }

    [Fact]
    public void A_relative_url_is_not_a_server()
    {
        using var http = new HttpClient();
        Assert.Throws<ArgumentException>(() => new OdooClient(http, new Uri("/odoo", UriKind.Relative), RpcProtocol.JsonRpc));
    }
}
