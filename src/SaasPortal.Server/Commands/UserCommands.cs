using System.CommandLine;

namespace SaasPortal.Server.Commands;

/// <summary><c>saasportal user passwd</c>: sets a user's password through <c>res.users.write</c>, which hashes it as every password is.</summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var group = new AdminGroup("user", "Manage users of a database.");

        var login = new Argument<string>("login") { Description = "Login of the user." };
        var database = new Option<string>("--db", "-d") { Description = "Database of the user (default: the portal database)." };
        var passwd = new Command("passwd",
            "Set a user's password, read from the first line of standard input (prompted for, without echo, on a terminal). It is never printed.")
        {
            login, database,
        };
        group.Add(passwd, async (parse, context, ct) =>
        {
            var name = DbCommands.ValidName(parse.GetValue(database) ?? context.Settings.PortalDatabase);
            if (!await context.Databases.ExistsAsync(name, ct))
            {
                throw CommandException.NotFound($"Database {name} does not exist.");
            }

            var userLogin = parse.GetValue(login)!;
            var users = await context.CallAsync(name, "res.users", "search", [new List<object?> { new List<object?> { "login", "=", userLogin } }],
                DbCommands.Row(("context", DbCommands.Row(("active_test", false)))), write: false, ct);
            var ids = users as IList<object?> ?? [];
            if (ids.Count != 1)
            {
                throw CommandException.NotFound($"No user with login {userLogin} in {name}.");
            }

            var password = await Secrets.ReadStdinAsync("password", ct);
            await context.CallAsync(name, "res.users", "write", [ids.ToList(), DbCommands.Row(("password", password))], null, write: true, ct);
            await context.Output.DoneAsync($"Changed the password of {userLogin} in {name}.", DbCommands.Row(("database", name), ("login", userLogin), ("id", ids[0])));
        });

        return group.Command;
    }
}
