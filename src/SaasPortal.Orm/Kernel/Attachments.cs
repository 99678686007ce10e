using System.Globalization;
using System.Security.Cryptography;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Sql;
using static SaasPortal.Orm.Methods.Parameter;

namespace SaasPortal.Orm.Kernel;

/// <summary>
/// ir.attachment: file contents live in a content-addressed store, <c>&lt;data-dir&gt;/filestore/&lt;db&gt;/&lt;sha[:2]&gt;/&lt;sha&gt;</c>
/// (SHA-256 of the content), never in the database. Identical files are stored once. Files are written before
/// the transaction commits and never deleted by it, so a rollback leaves at worst an unreferenced file, and a
/// copied database (which copies the store) never points at a missing one.
/// </summary>
internal static class Attachments
{
    private const string Model = "ir.attachment";

    public static void Register(MethodTable table) =>
        table.Register(Model, "create", CreateAsync)
            .Register(Model, "write", WriteAsync)
            .Register(Model, "search", HideFieldAttachmentsAsync)
            .Register(Model, "search_count", HideFieldAttachmentsAsync)
            .Register(Model, "search_read", HideFieldAttachmentsAsync)
            .RegisterCompute("ir.attachment.datas", ComputeDatasAsync);

    private static async Task<object?> CreateAsync(MethodCall call)
    {
        var a = call.Bind(Required("vals_list"));
        if (a[0] is IList<object?> list)
        {
            var ids = new List<object?>();
            foreach (var item in list)
            {
                ids.Add(await call.Env.CallAsync(Model, "create", [item], null, call.CancellationToken));
            }

            return ids;
        }

        var vals = new Dictionary<string, object?>(BuiltinMethods.Dict(a[0], "create"), StringComparer.Ordinal);
        await StoreAsync(call.Env, vals, call.CancellationToken);
        return await call.SuperAsync([vals]);
    }

    private static async Task<object?> WriteAsync(MethodCall call)
    {
        var a = call.Bind(Required("ids"), Required("vals"));
        var vals = new Dictionary<string, object?>(BuiltinMethods.Dict(a[1], "write"), StringComparer.Ordinal);
        await StoreAsync(call.Env, vals, call.CancellationToken);
        return await call.SuperAsync([a[0], vals]);
    }

    /// <summary>
    /// Attachments holding binary fields' values belong to those fields: searches leave them out unless the domain
    /// names res_field or id, as Odoo's do.
    /// </summary>
    private static Task<object?> HideFieldAttachmentsAsync(MethodCall call)
    {
        var args = call.Args.ToList();
        var kwargs = call.Kwargs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        const string key = "domain";
        var domain = args.Count > 0 ? args[0] : kwargs.GetValueOrDefault(key);
        var terms = domain is System.Collections.IEnumerable list and not string ? list.Cast<object?>().ToList() : [];
        if (terms.Any(t => t is IList<object?> { Count: 3 } leaf && leaf[0] is "res_field" or "id"))
        {
            return call.SuperAsync();
        }

        var hidden = new List<object?> { new List<object?> { "res_field", "=", false } };
        hidden.AddRange(terms);
        if (args.Count > 0)
        {
            args[0] = hidden;
        }
        else
        {
            kwargs[key] = hidden;
        }

        return call.SuperAsync(args, kwargs);
    }

    /// <summary>Replaces <c>datas</c> in the values by the stored file's name, size and checksum.</summary>
    private static async Task StoreAsync(OrmEnvironment env, Dictionary<string, object?> vals, CancellationToken cancellationToken)
    {
        foreach (var computed in new[] { "store_fname", "file_size", "checksum" })
        {
            vals.Remove(computed);
        }

        if (!vals.Remove("datas", out var datas))
        {
            return;
        }

        byte[] content = datas switch
        {
            null or false => [],
            byte[] bytes => bytes,
            string text => Decode(text),
            _ => throw new ValueErrorException("Wrong value for ir.attachment.datas: expected base64 data"),
        };
        var checksum = Convert.ToHexStringLower(SHA256.HashData(content));
        var relative = checksum[..2] + "/" + checksum;
        var path = Path.Combine(env.Settings.FilestoreOf(env.Database), checksum[..2], checksum);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            await File.WriteAllBytesAsync(temp, content, cancellationToken);
            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another call stored the same content first; it is identical.
                File.Delete(temp);
            }
        }

        vals["store_fname"] = relative;
        vals["file_size"] = content.Length;
        vals["checksum"] = checksum;
        if (vals.GetValueOrDefault("mimetype") is null or false)
        {
            vals["mimetype"] = GuessMimetype(vals.GetValueOrDefault("name") as string);
        }

        vals["type"] = "binary";
    }

    private static byte[] Decode(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new ValueErrorException("Wrong value for ir.attachment.datas: expected base64 data");
        }
    }

    private static async Task ComputeDatasAsync(ComputeCall call)
    {
        var model = call.Model;
        var rows = await Reader.ReadColumnsAsync(call.Env.Sudo(), model, call.Ids, [model.GetField("store_fname")], call.CancellationToken);
        var root = Path.GetFullPath(call.Env.Settings.FilestoreOf(call.Env.Database));
        foreach (var (id, row) in rows)
        {
            if (row["store_fname"] is not string relative)
            {
                continue;
            }

            var path = Path.GetFullPath(Path.Combine(root, relative));
            if (path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(path))
            {
                call.Set(id, "datas", Convert.ToBase64String(await File.ReadAllBytesAsync(path, call.CancellationToken)));
            }
        }
    }

    private static string GuessMimetype(string? name)
    {
        var extension = Path.GetExtension(name ?? "").ToLowerInvariant();
        return extension switch
        {
            ".txt" => "text/plain",
            ".csv" => "text/csv",
            ".html" or ".htm" => "text/html",
            ".pdf" => "application/pdf",
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            ".gif" => "image/gif",
            ".svg" => "image/svg+xml",
            ".json" => "application/json",
            ".xml" => "application/xml",
            ".zip" => "application/zip",
            _ => "application/octet-stream",
        };
    }
}
