using SaasPortal.Orm;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.Modules;

/// <summary>An ir.model.data row: the record an xml id points at.</summary>
internal sealed record XmlIdEntry(int Id, string Module, string Name, string Model, int ResId, bool NoUpdate)
{
    public string Qualified => $"{Module}.{Name}";
}

/// <summary>
/// The xml ids of one database, read once per module operation and kept in step with the rows it writes, so
/// loading a few hundred records does not query ir.model.data a few hundred times.
/// </summary>
internal sealed class XmlIdIndex
{
    private static readonly string[] Columns = ["module", "name", "model", "res_id", "noupdate"];

    private readonly OrmEnvironment _sudo;
    private readonly Dictionary<string, XmlIdEntry> _entries;

    private XmlIdIndex(OrmEnvironment sudo, Dictionary<string, XmlIdEntry> entries)
    {
        _sudo = sudo;
        _entries = entries;
    }

    public static async Task<XmlIdIndex> LoadAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var sudo = env.Sudo();
        var records = await sudo["ir.model.data"].SearchAsync(new List<object?>(), cancellationToken);
        var rows = await records.ReadAsync(Columns, cancellationToken);
        var entries = new Dictionary<string, XmlIdEntry>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var entry = new XmlIdEntry((int)row["id"]!, (string)row["module"]!, (string)row["name"]!, (string)row["model"]!,
                row["res_id"] is int id ? id : 0, row["noupdate"] is true);
            entries[entry.Qualified] = entry;
        }

        return new XmlIdIndex(sudo, entries);
    }

    public XmlIdEntry? Find(string qualified) => _entries.GetValueOrDefault(qualified);

    public IReadOnlyList<XmlIdEntry> OfModule(string module) =>
        _entries.Values.Where(e => e.Module == module).OrderByDescending(e => e.Id).ToList();

    /// <summary>Creates the xml id, or points an existing one at <paramref name="resId"/>.</summary>
    public async Task SetAsync(string module, string name, string model, int resId, bool noUpdate, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue($"{module}.{name}", out var existing))
        {
            if (existing.ResId != resId || existing.Model != model || existing.NoUpdate != noUpdate)
            {
                await _sudo["ir.model.data"].Browse(existing.Id).WriteAsync(new Dictionary<string, object?>
                {
                    ["model"] = model,
                    ["res_id"] = resId,
                    ["noupdate"] = noUpdate,
                }, cancellationToken);
                _entries[existing.Qualified] = existing with { Model = model, ResId = resId, NoUpdate = noUpdate };
            }

            return;
        }

        await CreateAsync(module, name, model, resId, noUpdate, cancellationToken);
    }

    public async Task CreateAsync(string module, string name, string model, int resId, bool noUpdate, CancellationToken cancellationToken)
    {
        var created = await _sudo["ir.model.data"].CreateAsync(new Dictionary<string, object?>
        {
            ["module"] = module,
            ["name"] = name,
            ["model"] = model,
            ["res_id"] = resId,
            ["noupdate"] = noUpdate,
        }, cancellationToken);
        var entry = new XmlIdEntry(created.Id, module, name, model, resId, noUpdate);
        _entries[entry.Qualified] = entry;
    }

    public async Task DeleteAsync(XmlIdEntry entry, CancellationToken cancellationToken)
    {
        await (await _sudo["ir.model.data"].Browse(entry.Id).ExistsAsync(cancellationToken)).UnlinkAsync(cancellationToken);
        _entries.Remove(entry.Qualified);
    }

    /// <summary>Forgets entries whose rows the schema manager deleted behind our back (dropped models).</summary>
    public void Forget(Func<XmlIdEntry, bool> predicate)
    {
        foreach (var key in _entries.Where(e => predicate(e.Value)).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
    }

    /// <summary>The record id of <paramref name="qualified"/>; a message naming it when it does not exist.</summary>
    public int Resolve(string qualified) =>
        _entries.TryGetValue(qualified, out var entry)
            ? entry.ResId
            : throw new FormatException($"xml id '{qualified}' does not exist (is its addon a dependency, and is the record defined earlier?)");
}
