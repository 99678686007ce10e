namespace SaasPortal.Api.Services;

/// <summary>
/// An error a service reports to the caller as Odoo would: the Python exception's qualified name (e.g.
/// <c>odoo.exceptions.AccessDenied</c>), the XML-RPC fault code and a message safe to show to the client.
/// </summary>
public sealed class ServiceException(string pythonName, int faultCode, string message) : Exception(message)
{
    /// <summary>Odoo's code for an application error: anything unexpected.</summary>
    public const int ApplicationError = 1;

    /// <summary>Odoo's code for user errors, warnings, validation and missing records.</summary>
    public const int Warning = 2;

    /// <summary>Odoo's code for bad credentials (and a bad master password).</summary>
    public const int AccessDeniedCode = 3;

    /// <summary>Odoo's code for access rights, record rules and private methods.</summary>
    public const int AccessErrorCode = 4;

    /// <summary>Qualified Python name of the exception, as Odoo's JSON-RPC errors carry it.</summary>
    public string PythonName { get; } = pythonName;

    /// <summary>The int fault code of /xmlrpc/2.</summary>
    public int FaultCode { get; } = faultCode;

    /// <summary>Bad credentials or master password: code 3, "Access Denied".</summary>
    public static ServiceException AccessDenied() => new("odoo.exceptions.AccessDenied", AccessDeniedCode, "Access Denied");

    /// <summary>Something the user can fix: code 2.</summary>
    public static ServiceException UserError(string message) => new("odoo.exceptions.UserError", Warning, message);

    /// <summary>Invalid input: code 2.</summary>
    public static ServiceException ValidationError(string message) => new("odoo.exceptions.ValidationError", Warning, message);

    /// <summary>Wrong arguments to a method: code 1 with Python's TypeError, naming what was wrong.</summary>
    public static ServiceException TypeError(string message) => new("builtins.TypeError", ApplicationError, message);

    /// <summary>An application error with a message meant for the client: code 1.</summary>
    public static ServiceException Application(string message) => new("builtins.Exception", ApplicationError, message);
}
