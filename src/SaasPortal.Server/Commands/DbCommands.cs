using System.CommandLine;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Commands;

/// <summary>
/// <c>saasportal db …</c>: the database manager, through <see cref="DatabaseManager"/> as the <c>db</c> RPC service
/// uses it, so a database and its file store always move together.
/// </summary>
internal static class DbCommands
{
    public static Command Create()
    {
        var group = new AdminGroup("db", "Manage databases: list, create, drop, duplicate, rename, back up and restore.");

        group.Add(new Command("list", "List the databases."), async (_, context, ct) =>
        {
            var names = await context.Databases.ListAsync(ct);
            await context.Output.TableAsync([.. names.Select(n => Row(("name", n)))], "name");
        });

        var createName = NameArgument("Name of the new database.");
        var login = new Option<string>("--login") { Description = "Login of the administrator (default admin).", DefaultValueFactory = _ => "admin" };
        var passwordStdin = PasswordStdinOption("Read the administrator's password from the first line of standard input (default: admin).");
        var lang = new Option<string>("--lang") { Description = "Language code (default en_US).", DefaultValueFactory = _ => "en_US" };
        var country = new Option<string>("--country") { Description = "ISO country code of the main company." };
        var addons = new Option<string[]>("--addons") { Description = "Addons to install besides base, e.g. --addons sale fleet.", AllowMultipleArgumentsPerToken = true };
        group.Add(new Command("create", "Create a database with base (and --addons) installed.") { createName, login, passwordStdin, lang, country, addons },
            async (parse, context, ct) =>
            {
                var name = ValidName(parse.GetValue(createName));
                var password = parse.GetValue(passwordStdin) ? await Secrets.ReadStdinAsync("password", ct) : "admin";
                await context.Databases.CreateAsync(new DatabaseInitialization
                {
                    Name = name,
                    Login = parse.GetValue(login)!,
                    Password = password,
                    Lang = parse.GetValue(lang)!,
                    CountryCode = parse.GetValue(country),
                    Modules = parse.GetValue(addons) ?? [],
                }, ct);
                await context.Output.DoneAsync($"Created database {name}.", Row(("name", name), ("created", true)));
            }, createsDataDirectory: true);

        var dropName = NameArgument("Database to drop.");
        var force = new Option<bool>("--force") { Description = "Allow dropping the portal database itself." };
        group.Add(new Command("drop", "Drop a database and its file store.") { dropName, force }, async (parse, context, ct) =>
        {
            var name = ValidName(parse.GetValue(dropName));
            if (name == context.Settings.PortalDatabase && !parse.GetValue(force))
            {
                throw new CommandException(ExitCodes.Error, $"{name} is the portal database; add --force to drop it with every plan and client record.");
            }

            if (!await context.Databases.DropAsync(name, ct))
            {
                throw new DatabaseNotFoundException(name);
            }

            await context.Output.DoneAsync($"Dropped database {name}.", Row(("name", name), ("dropped", true)));
        });

        var source = NameArgument("Database to copy.", "source");
        var target = NameArgument("Name of the copy.", "target");
        group.Add(new Command("duplicate", "Copy a database and its file store; the copy gets its own identity (database.uuid).") { source, target },
            async (parse, context, ct) =>
            {
                var (from, to) = (ValidName(parse.GetValue(source)), ValidName(parse.GetValue(target)));
                using (var progress = context.Output.Progress.StartTimed($"duplicate {from} to {to}"))
                {
                    await context.Databases.DuplicateAsync(from, to, ct);
                    progress.Complete();
                }

                await context.Output.DoneAsync($"Copied {from} to {to}.", Row(("source", from), ("name", to)));
            });

        var renameFrom = NameArgument("Database to rename.", "source");
        var renameTo = NameArgument("New name.", "target");
        group.Add(new Command("rename", "Rename a database and move its file store.") { renameFrom, renameTo }, async (parse, context, ct) =>
        {
            var (from, to) = (ValidName(parse.GetValue(renameFrom)), ValidName(parse.GetValue(renameTo)));
            if (!await context.Databases.ExistsAsync(from, ct))
            {
                throw new DatabaseNotFoundException(from);
            }

            await context.Databases.RenameAsync(from, to, ct);
            await context.Output.DoneAsync($"Renamed {from} to {to}.", Row(("source", from), ("name", to)));
        });

        var backupName = NameArgument("Database to back up.");
        var outputFile = new Option<FileInfo>("--output", "-o") { Description = "Archive to write (default ./<name>-<UTC time>.zip); must not exist." };
        group.Add(new Command("backup", "Write a backup archive (zip: manifest.json, the database, its file store), the format of db.dump.") { backupName, outputFile },
            async (parse, context, ct) =>
            {
                var name = ValidName(parse.GetValue(backupName));
                var file = parse.GetValue(outputFile)?.FullName
                    ?? Path.GetFullPath($"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.zip");
                using var progress = context.Output.Progress.Start($"backup {name}");
                var bytes = await WriteAtomicallyAsync(file, stream => context.Databases.DumpAsync(name, new ProgressStream(stream, progress), ct), ct);
                progress.Complete(bytes);
                await context.Output.DoneAsync($"Backed up {name} to {file} ({bytes} bytes).", Row(("name", name), ("file", file), ("bytes", bytes)));
            });

        var restoreName = NameArgument("Name of the restored database; must not exist.");
        var inputFile = new Argument<FileInfo>("file") { Description = "Archive written by 'db backup', db.dump or the portal's client backup." };
        var copy = new Option<bool>("--copy") { Description = "Give the restored database a new identity, as Odoo's restore(copy=True)." };
        group.Add(new Command("restore", "Create a database from a backup archive.") { restoreName, inputFile, copy }, async (parse, context, ct) =>
        {
            var name = ValidName(parse.GetValue(restoreName));
            var file = parse.GetValue(inputFile)!;
            if (!file.Exists)
            {
                throw CommandException.NotFound($"The archive {file.FullName} does not exist.");
            }

            await using (var archive = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            using (var progress = context.Output.Progress.Start($"restore {name}", archive.Length))
            {
                // The bar follows the archive being read and checked; installing its modules comes after, shown by the clock.
                await context.Databases.RestoreAsync(name, new ProgressStream(archive, progress), parse.GetValue(copy), ct);
                progress.Complete(archive.Length);
            }

            await context.Output.DoneAsync($"Restored {name} from {file.FullName}.", Row(("name", name), ("file", file.FullName)));
        }, createsDataDirectory: true);

        return group.Command;
    }

    internal static Argument<string> NameArgument(string description, string name = "name") => new(name) { Description = description };

    internal static Option<bool> PasswordStdinOption(string description) => new("--password-stdin") { Description = description };

    /// <summary>Database names are checked before anything touches disk or server, with the rule in the message.</summary>
    internal static string ValidName(string? name) => name is not null && DatabaseName.IsValid(name)
        ? name
        : throw CommandException.Usage(
            $"'{name}' is not a valid database name: use at most {DatabaseName.MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.");

    internal static Dictionary<string, object?> Row(params (string Key, object? Value)[] values) =>
        values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);

    /// <summary>Writes through a temporary file renamed into place, so a failed backup never leaves a truncated archive.</summary>
    private static async Task<long> WriteAtomicallyAsync(string file, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        if (File.Exists(file))
        {
            throw new CommandException(ExitCodes.AlreadyExists, $"{file} already exists.");
        }

        var directory = Path.GetDirectoryName(file)!;
        if (!Directory.Exists(directory))
        {
            throw CommandException.NotFound($"The folder {directory} does not exist.");
        }

        var temporary = file + ".partial-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            long length;
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await write(stream);
                await stream.FlushAsync(cancellationToken);
                length = stream.Length;
            }

            File.Move(temporary, file);
            return length;
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
