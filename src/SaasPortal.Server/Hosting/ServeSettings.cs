using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using SaasPortal.Api;
using SaasPortal.Storage;
using SaasPortal.Storage.Databases;

namespace SaasPortal.Server.Hosting;

/// <summary>The validated settings of <c>serve</c>, read from the <c>SaasPortal</c> configuration section.</summary>
internal sealed record ServeSettings
{
    public const string Section = "SaasPortal";
    public const string DefaultUrls = "http://localhost:8069";
    public const string DefaultAdminPassword = "admin";

    /// <summary>Configuration keys below <see cref="Section"/>; environment variables are SAASPORTAL__&lt;KEY&gt;.</summary>
    public static class Keys
    {
        public const string Urls = "Urls";
        public const string DataDir = "DataDir";
        public const string AdminPassword = "AdminPassword";
        public const string MasterPassword = "MasterPassword";
        public const string DbBackend = "DbBackend";
        public const string Pg = "Pg";
        public const string PgPooler = "PgPooler";
        public const string PortalDb = "PortalDb";
        public const string MaxRequestBodySize = "MaxRequestBodySize";
        public const string AddonsPath = "AddonsPath";
        public const string BackupDir = "BackupDir";
    }

    public required IReadOnlyList<string> Urls { get; init; }

    public required string DataDirectory { get; init; }

    public required string AdminPassword { get; init; }

    public string? MasterPassword { get; init; }

    public required DatabaseBackend Backend { get; init; }

    public string? PostgresConnectionString { get; init; }

    /// <summary>A PgBouncer in transaction mode in front of <see cref="PostgresConnectionString"/> (<c>--pg-pooler</c>), or null.</summary>
    public string? PostgresPoolerConnectionString { get; init; }

    public required string PortalDatabase { get; init; }

    public required long MaxRequestBodyBytes { get; init; }

    /// <summary>Folder of the scheduled backups (<c>SaasPortal:BackupDir</c>); <c>&lt;data dir&gt;/backups</c> unless configured.</summary>
    public string BackupDirectory { get; init; } = "";

    /// <summary>Operator addon folders, searched after the built-in catalogue.</summary>
    public IReadOnlyList<string> AddonsPaths { get; init; } = [];

    /// <summary>
    /// Reads and checks the settings; a problem is a <see cref="SettingsException"/> with one line to show.
    /// <paramref name="listening"/> is false for administration commands, which open no port and so need no guard
    /// against the default admin password on a public address.
    /// </summary>
    public static ServeSettings Read(IConfiguration configuration, bool listening = true)
    {
        var section = configuration.GetSection(Section);
        string? Get(string key) => section[key] is { Length: > 0 } value ? value : null;

        var urls = (Get(Keys.Urls) ?? DefaultUrls)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (urls.Length == 0)
        {
            throw new SettingsException("--urls is empty.");
        }

        foreach (var url in urls)
        {
            if (BindAddress.Host(url) is null)
            {
                throw new SettingsException($"--urls: '{url}' is not an http:// or https:// URL.");
            }
        }

        var backend = Get(Keys.DbBackend)?.ToLowerInvariant() switch
        {
            null or "sqlite" => DatabaseBackend.Sqlite,
            "postgres" or "postgresql" => DatabaseBackend.Postgres,
            var other => throw new SettingsException($"--db-backend: '{other}' is not one of sqlite, postgres."),
        };

        var pg = Get(Keys.Pg);
        if (backend == DatabaseBackend.Postgres && pg is null)
        {
            throw new SettingsException("--db-backend postgres needs --pg <Npgsql connection string>.");
        }

        if (pg is not null)
        {
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(pg);
            }
            catch (ArgumentException e)
            {
                // The message names the bad keyword; the connection string itself may hold a password, so it is not echoed.
                throw new SettingsException("--pg is not a valid Npgsql connection string: " + e.Message);
            }
        }

        var pooler = Get(Keys.PgPooler);
        if (pooler is not null)
        {
            if (pg is null)
            {
                throw new SettingsException("--pg-pooler needs --pg: the direct connection still carries CREATE DATABASE, dumps and the cluster's lock.");
            }

            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(pooler);
            }
            catch (ArgumentException e)
            {
                throw new SettingsException("--pg-pooler is not a valid Npgsql connection string: " + e.Message);
            }
        }

        var portal = Get(Keys.PortalDb) ?? "portal";
        if (!DatabaseName.IsValid(portal))
        {
            throw new SettingsException($"--portal-db: '{portal}' is not a valid database name (lowercase letters, digits, '-', '_', '.').");
        }

        var maxBody = EdgeOptions.DefaultMaxRequestBodyBytes;
        if (Get(Keys.MaxRequestBodySize) is { } text
            && (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxBody) || maxBody <= 0))
        {
            throw new SettingsException($"--max-request-body-size: '{text}' is not a positive number of bytes.");
        }

        var addonsPaths = (Get(Keys.AddonsPath) ?? "")
            .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Path.GetFullPath)
            .ToList();
        if (addonsPaths.FirstOrDefault(p => !Directory.Exists(p)) is { } missing)
        {
            throw new SettingsException($"--addons-path: '{missing}' is not a directory.");
        }

        var dataDirectory = Path.GetFullPath(Get(Keys.DataDir) ?? "data");
        var settings = new ServeSettings
        {
            Urls = urls,
            DataDirectory = dataDirectory,
            BackupDirectory = Path.GetFullPath(Get(Keys.BackupDir) ?? Path.Combine(dataDirectory, "backups")),
            AdminPassword = Get(Keys.AdminPassword) ?? DefaultAdminPassword,
            MasterPassword = Get(Keys.MasterPassword),
            Backend = backend,
            PostgresConnectionString = pg,
            PostgresPoolerConnectionString = pooler,
            PortalDatabase = portal,
            MaxRequestBodyBytes = maxBody,
            AddonsPaths = addonsPaths,
        };

        if (listening && string.Equals(settings.AdminPassword, DefaultAdminPassword, StringComparison.Ordinal)
            && settings.Urls.FirstOrDefault(u => !BindAddress.IsLoopback(u)) is { } exposed)
        {
            throw new SettingsException(
                $"Refusing to listen on {exposed} with the default admin password: set --admin-password (or SAASPORTAL__ADMINPASSWORD), or listen on localhost only.");
        }

        return settings;
    }
}

/// <summary>A setting the server cannot start with; its message is the one line shown to the operator.</summary>
internal sealed class SettingsException(string message) : Exception(message);

/// <summary>What Kestrel will bind a URL to.</summary>
internal static class BindAddress
{
    /// <summary>The host part of an http(s) URL (Kestrel's "*" and "+" wildcards included), or null when it is not one.</summary>
    public static string? Host(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        var scheme = url[..schemeEnd];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = url[(schemeEnd + 3)..];
        if (rest.StartsWith('*') || rest.StartsWith('+'))
        {
            return "*";
        }

        var normalised = scheme + "://" + rest;
        return Uri.TryCreate(normalised, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? uri.Host : null;
    }

    /// <summary>True when the URL only accepts connections from this machine.</summary>
    public static bool IsLoopback(string url)
    {
        var host = Host(url);
        if (host is null or "*")
        {
            return false;
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
