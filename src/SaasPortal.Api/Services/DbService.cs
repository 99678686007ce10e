using Microsoft.Extensions.Logging;
using SaasPortal.Api.Security;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Api.Services;

/// <summary>
/// Odoo's <c>db</c> service: the database manager. Mutating methods take the master password as their first
/// argument and check it before anything else; a wrong one is fault 3 "Access Denied".
/// </summary>
public sealed class DbService(DatabaseManager databases, MasterPassword masterPassword, IOrmGateway orm, LoginThrottle throttle, ILogger<DbService> logger)
    : IRpcService
{
    private static readonly List<object?> Languages =
    [
        new List<object?> { "en_US", "English (US)" },
        new List<object?> { "en_GB", "English (UK)" },
        new List<object?> { "fr_FR", "French / Français" },
        new List<object?> { "de_DE", "German / Deutsch" },
        new List<object?> { "es_ES", "Spanish / Español" },
        new List<object?> { "it_IT", "Italian / Italiano" },
        new List<object?> { "nl_NL", "Dutch / Nederlands" },
        new List<object?> { "pt_BR", "Portuguese (BR) / Português (BR)" },
        new List<object?> { "ru_RU", "Russian / русский язык" },
    ];

    /// <inheritdoc />
    public string Name => "db";

    /// <inheritdoc />
    public async Task<object?> CallAsync(string method, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        var a = new RpcArguments(method, args);
        switch (method)
        {
            case "list":
                return (await databases.ListAsync(cancellationToken)).Cast<object?>().ToList();
            case "db_exist":
                return await databases.ExistsAsync(a.String(0, "db_name"), cancellationToken);
            case "server_version":
                return VersionInfo.ServerVersion;
            case "list_lang":
                return Languages;
            case "list_countries":
                return new List<object?>();
        }

        if (!IsManagerMethod(method))
        {
            throw ServiceException.Application($"The method '{ServiceDispatcher.Truncate(method)}' does not exist on the service 'db'");
        }

        if (!await throttle.GuardAsync("", LoginThrottle.MasterLogin, () => Task.FromResult(masterPassword.Verify(a[0] as string)), ok => ok))
        {
            logger.LogWarning("db.{Method} refused: wrong master password", method);
            throw ServiceException.AccessDenied();
        }

        try
        {
            return await RunManagerAsync(method, a, cancellationToken);
        }
        catch (DatabaseExistsException e)
        {
            throw ServiceException.Application(e.Message);
        }
        catch (DatabaseNotFoundException e)
        {
            throw ServiceException.UserError(e.Message);
        }
        catch (InvalidDataException e)
        {
            throw ServiceException.UserError(e.Message);
        }
    }

    private static bool IsManagerMethod(string method) => method is "create_database" or "duplicate_database" or "drop"
        or "rename" or "change_admin_password" or "dump" or "restore";

    private async Task<object?> RunManagerAsync(string method, RpcArguments a, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case "create_database":
            {
                a.AtMost(7);
                var name = ValidName(a.String(1, "db_name"));
                await databases.CreateAsync(new DatabaseInitialization
                {
                    Name = name,
                    Demo = a.OptionalBool(2),
                    Lang = a.OptionalString(3, "lang", "en_US")!,
                    Password = a.OptionalString(4, "user_password", "admin")!,
                    Login = a.OptionalString(5, "login", "admin")!,
                    CountryCode = a.OptionalString(6, "country_code"),
                }, cancellationToken);
                logger.LogInformation("Database {Database} created", name);
                return true;
            }

            case "duplicate_database":
            {
                a.AtMost(4);
                var source = ValidName(a.String(1, "db_original_name"));
                var target = ValidName(a.String(2, "db_name"));
                await databases.DuplicateAsync(source, target, cancellationToken);
                logger.LogInformation("Database {Source} duplicated to {Target}", source, target);
                return true;
            }

            case "drop":
            {
                a.AtMost(2);
                var name = a.String(1, "db_name");
                var dropped = await databases.DropAsync(name, cancellationToken);
                orm.ForgetDatabase(name);
                if (dropped)
                {
                    logger.LogInformation("Database {Database} dropped", name);
                }

                return dropped;
            }

            case "rename":
            {
                a.AtMost(3);
                var source = ValidName(a.String(1, "old_name"));
                var target = ValidName(a.String(2, "new_name"));
                await databases.RenameAsync(source, target, cancellationToken);
                orm.ForgetDatabase(source);
                orm.ForgetDatabase(target);
                logger.LogInformation("Database {Source} renamed to {Target}", source, target);
                return true;
            }

            case "change_admin_password":
            {
                a.AtMost(2);
                var password = a.String(1, "new_password");
                if (password.Length == 0)
                {
                    throw ServiceException.UserError("The master password cannot be empty.");
                }

                await masterPassword.ChangeAsync(password, cancellationToken);
                logger.LogInformation("Master password changed");
                return true;
            }

            case "dump":
            {
                a.AtMost(3);
                var name = ValidName(a.String(1, "db_name"));
                var format = a.OptionalString(2, "format", "zip");
                if (!string.Equals(format, "zip", StringComparison.Ordinal))
                {
                    throw ServiceException.UserError($"Unsupported dump format '{format}': only 'zip' is offered.");
                }

                using var buffer = new MemoryStream();
                await databases.DumpAsync(name, buffer, cancellationToken);
                logger.LogInformation("Database {Database} dumped ({Bytes} bytes)", name, buffer.Length);
                return Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
            }

            case "restore":
            {
                a.AtMost(4);
                var name = ValidName(a.String(1, "db_name"));
                var data = a[2] switch
                {
                    string text => DecodeBase64(text),
                    byte[] bytes => bytes,
                    _ => throw ServiceException.TypeError("restore() argument 'data' must be a base64 string"),
                };
                using var archive = new MemoryStream(data, writable: false);
                await databases.RestoreAsync(name, archive, a.OptionalBool(3), cancellationToken);
                orm.ForgetDatabase(name);
                logger.LogInformation("Database {Database} restored", name);
                return true;
            }

            default:
                throw new InvalidOperationException("unreachable: " + method);
        }
    }

    private static string ValidName(string name) => DatabaseName.IsValid(name)
        ? name
        : throw ServiceException.ValidationError(
            $"Invalid database name '{ServiceDispatcher.Truncate(name)}': use at most {DatabaseName.MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.");

    private static byte[] DecodeBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw ServiceException.UserError("restore() argument 'data' is not valid base64.");
        }
    }
}
