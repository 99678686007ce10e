namespace SaasPortal.Client;

/// <summary>
/// A fault the server answered with: Odoo's fault code, the Python exception's class name and the message. The
/// call did not happen (the server rolls back the whole call on any fault).
/// </summary>
/// <remarks>
/// XML-RPC carries the class in the fault string (<c>"UserError: message"</c>, or just <c>"Access Denied"</c> for bad
/// credentials); JSON-RPC carries the qualified name (<c>odoo.exceptions.UserError</c>) and maps to Odoo's codes here.
/// </remarks>
public sealed class OdooFaultException : Exception
{
    /// <summary>Odoo's code for an application error: anything unexpected, ValueError, TypeError, unknown method.</summary>
    public const int ApplicationError = 1;

    /// <summary>Odoo's code for UserError, ValidationError, MissingError and warnings.</summary>
    public const int Warning = 2;

    /// <summary>Odoo's code for bad credentials or a bad master password (AccessDenied).</summary>
    public const int AccessDenied = 3;

    /// <summary>Odoo's code for access rights, record rules and private methods (AccessError).</summary>
    public const int AccessError = 4;

    /// <summary>Creates the exception as the server reported it.</summary>
    /// <param name="faultCode">One of the codes above.</param>
    /// <param name="exceptionName">The Python class name without its module, e.g. <c>UserError</c>.</param>
    /// <param name="message">The message, without the class name.</param>
    /// <param name="faultString">The fault text exactly as it arrived.</param>
    public OdooFaultException(int faultCode, string exceptionName, string message, string faultString)
        : base(message)
    {
        FaultCode = faultCode;
        ExceptionName = exceptionName;
        FaultString = faultString;
    }

    /// <summary>Odoo's fault code (1 application error, 2 warning, 3 access denied, 4 access error).</summary>
    public int FaultCode { get; }

    /// <summary>The Python exception's class name without its module: <c>UserError</c>, <c>AccessError</c>, <c>ValueError</c>…</summary>
    public string ExceptionName { get; }

    /// <summary>The fault text as it arrived (XML-RPC faultString, or JSON-RPC <c>error.data.debug</c>).</summary>
    public string FaultString { get; }

    /// <summary>Reads an /xmlrpc/2 fault: an int code and "Class: message" (or the bare message for code 3).</summary>
    public static OdooFaultException FromXmlRpc(object faultCode, string faultString)
    {
        ArgumentNullException.ThrowIfNull(faultString);
        var code = faultCode is int number ? number : ApplicationError;
        if (code == AccessDenied)
        {
            return new OdooFaultException(code, "AccessDenied", faultString, faultString);
        }

        var colon = faultString.IndexOf(": ", StringComparison.Ordinal);
        // A class name is one identifier; anything else before a colon belongs to the message.
        return colon > 0 && IsIdentifier(faultString.AsSpan(0, colon))
            ? new OdooFaultException(code, faultString[..colon], faultString[(colon + 2)..], faultString)
            : new OdooFaultException(code, "Exception", faultString, faultString);
    }

    /// <summary>Reads a JSON-RPC error's data: the qualified class name and the message; the code follows Odoo's mapping.</summary>
    public static OdooFaultException FromJsonRpc(string qualifiedName, string message, string debug)
    {
        ArgumentNullException.ThrowIfNull(qualifiedName);
        var dot = qualifiedName.LastIndexOf('.');
        var name = dot < 0 ? qualifiedName : qualifiedName[(dot + 1)..];
        var code = name switch
        {
            "AccessDenied" => AccessDenied,
            "AccessError" => AccessError,
            "UserError" or "ValidationError" or "MissingError" or "Warning" or "RedirectWarning" or "except_orm" => Warning,
            _ => ApplicationError,
        };
        return new OdooFaultException(code, name, message, debug);
    }

    private static bool IsIdentifier(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || !(char.IsAsciiLetter(text[0]) || text[0] == '_'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
