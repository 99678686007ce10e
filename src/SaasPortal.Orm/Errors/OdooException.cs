namespace SaasPortal.Orm.Errors;

/// <summary>
/// An error as Odoo raises it: the Python exception name clients see (JSON-RPC <c>data.name</c>) and the legacy
/// XML-RPC fault code. The ORM knows nothing of the wire; the edge maps these to faults.
/// </summary>
public abstract class OdooException : Exception
{
    /// <summary>Fault code of an application error (Odoo's generic code 1).</summary>
    public const int ApplicationErrorCode = 1;

    /// <summary>Fault code of a user error, validation error or missing record.</summary>
    public const int UserErrorCode = 2;

    /// <summary>Fault code of bad credentials.</summary>
    public const int AccessDeniedCode = 3;

    /// <summary>Fault code of an access error (ACLs, record rules, private methods).</summary>
    public const int AccessErrorCode = 4;

    /// <summary>Creates the exception with the message users see.</summary>
    protected OdooException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The qualified Python name of the exception, e.g. <c>odoo.exceptions.AccessError</c>.</summary>
    public abstract string PythonName { get; }

    /// <summary>The legacy XML-RPC fault code.</summary>
    public abstract int FaultCode { get; }
}

/// <summary>Bad credentials: always "Access Denied", whatever was wrong.</summary>
public sealed class AccessDeniedException() : OdooException("Access Denied")
{
    /// <inheritdoc />
    public override string PythonName => "odoo.exceptions.AccessDenied";

    /// <inheritdoc />
    public override int FaultCode => AccessDeniedCode;
}

/// <summary>The user may not do this to this model or record (ACLs, record rules, field groups, private methods).</summary>
public sealed class AccessErrorException(string message) : OdooException(message)
{
    /// <inheritdoc />
    public override string PythonName => "odoo.exceptions.AccessError";

    /// <inheritdoc />
    public override int FaultCode => AccessErrorCode;
}

/// <summary>A business rule refused the operation; the message is for the end user.</summary>
public class UserErrorException(string message) : OdooException(message)
{
    /// <inheritdoc />
    public override string PythonName => "odoo.exceptions.UserError";

    /// <inheritdoc />
    public override int FaultCode => UserErrorCode;
}

/// <summary>A model that does not exist in this database: "Object x.y doesn't exist".</summary>
public sealed class UnknownModelException(string model) : UserErrorException($"Object {model} doesn't exist")
{
    /// <summary>The model asked for.</summary>
    public string Model { get; } = model;
}

/// <summary>A value breaks a constraint (required, unique, selection, size…).</summary>
public sealed class ValidationErrorException(string message) : OdooException(message)
{
    /// <inheritdoc />
    public override string PythonName => "odoo.exceptions.ValidationError";

    /// <inheritdoc />
    public override int FaultCode => UserErrorCode;
}

/// <summary>A record asked for does not exist (any more).</summary>
public sealed class MissingErrorException(string message) : OdooException(message)
{
    /// <summary>Odoo's message for records that do not exist.</summary>
    public const string DefaultMessage = "Record does not exist or has been deleted.";

    /// <summary>Creates the exception with Odoo's message, naming the model and ids.</summary>
    public static MissingErrorException For(string model, IEnumerable<int> ids) =>
        new($"{DefaultMessage}\n(Records: {string.Join(", ", ids)}, User model: {model})");

    /// <inheritdoc />
    public override string PythonName => "odoo.exceptions.MissingError";

    /// <inheritdoc />
    public override int FaultCode => UserErrorCode;
}

/// <summary>Malformed input: a bad domain, order, field name or value (Python's ValueError).</summary>
public sealed class ValueErrorException(string message) : OdooException(message)
{
    /// <inheritdoc />
    public override string PythonName => "builtins.ValueError";

    /// <inheritdoc />
    public override int FaultCode => ApplicationErrorCode;
}

/// <summary>Wrong arguments to a method: count, names or types (Python's TypeError).</summary>
public sealed class TypeErrorException(string message) : OdooException(message)
{
    /// <inheritdoc />
    public override string PythonName => "builtins.TypeError";

    /// <inheritdoc />
    public override int FaultCode => ApplicationErrorCode;
}

/// <summary>A method the model does not have (Python's AttributeError).</summary>
public sealed class UnknownMethodException(string model, string method)
    : OdooException($"The method '{method}' does not exist on the model '{model}'")
{
    /// <inheritdoc />
    public override string PythonName => "builtins.AttributeError";

    /// <inheritdoc />
    public override int FaultCode => ApplicationErrorCode;
}

/// <summary>The database kept refusing the call because of concurrent updates, even after retries.</summary>
public sealed class ConcurrentUpdateException(Exception innerException)
    : OdooException("The operation could not be completed because another user changed the same data at the same time; please retry.", innerException)
{
    /// <inheritdoc />
    public override string PythonName => "psycopg2.errors.SerializationFailure";

    /// <inheritdoc />
    public override int FaultCode => ApplicationErrorCode;
}
