using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Format;
using SaasPortal.Addons.Installation;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Addons.Modules;

/// <summary>
/// Loads an addon's data files into a database through the ORM (so data goes through the same checks as
/// clients' calls), keeping ir.model.data in step: a record with an xml id is created once and updated
/// afterwards; on upgrade, records under <c>noupdate</c> are left as users changed them.
/// </summary>
internal sealed class DataLoader(OrmEnvironment sudo, XmlIdIndex xmlIds)
{
    /// <summary>
    /// Loads every data file of <paramref name="addon"/> in manifest order and returns the xml ids it defined.
    /// Failures are <see cref="UserErrorException"/>s naming the addon, file, line and cause.
    /// </summary>
    public async Task<HashSet<string>> LoadAsync(AddonDefinition addon, bool upgrade, string verb, CancellationToken cancellationToken)
    {
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in addon.Data)
        {
            foreach (var operation in file.Operations)
            {
                try
                {
                    switch (operation)
                    {
                        case RecordOperation record:
                            await LoadRecordAsync(addon.Name, record, upgrade, cancellationToken);
                            if (record.XmlId is not null)
                            {
                                loaded.Add(record.XmlId);
                            }

                            break;
                        case DeleteOperation delete:
                            await DeleteAsync(delete, cancellationToken);
                            break;
                    }
                }
                catch (Exception e) when (e is OdooException or FormatException)
                {
                    var line = operation.Line is { } n ? $" line {n}" : "";
                    throw new UserErrorException($"Addon '{addon.Name}' could not be {verb}: {file.Path}{line}: {e.Message}");
                }
            }
        }

        return loaded;
    }

    private async Task LoadRecordAsync(string addon, RecordOperation record, bool upgrade, CancellationToken cancellationToken)
    {
        var model = sudo.Registry.FindModel(record.Model)
            ?? throw new FormatException($"model '{record.Model}' does not exist (is its addon among the dependencies?)");
        var entry = record.XmlId is null ? null : xmlIds.Find(record.XmlId);
        var exists = entry is not null && entry.Model == record.Model
            && (await sudo[record.Model].Browse(entry.ResId).ExistsAsync(cancellationToken)).Count == 1;
        if (exists && upgrade && entry!.NoUpdate)
        {
            return;
        }

        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var assignment in record.Fields)
        {
            var field = model.FindField(assignment.Name)
                ?? throw new FormatException($"model '{record.Model}' has no field '{assignment.Name}'");
            values[assignment.Name] = DataValueConverter.Convert(assignment.Value, field.Spec, xmlIds.Resolve);
        }

        if (exists)
        {
            await sudo[record.Model].Browse(entry!.ResId).WriteAsync(values, cancellationToken);
            return;
        }

        var created = await sudo[record.Model].CreateAsync(values, cancellationToken);
        if (record.XmlId is not null)
        {
            var (module, name) = XmlIds.Split(record.XmlId);
            // noupdate follows the file that (re)creates the record; an addon updating another's record keeps its flag.
            await xmlIds.SetAsync(module, name, record.Model, created.Id, record.NoUpdate || (module != addon && entry?.NoUpdate == true), cancellationToken);
        }
    }

    private async Task DeleteAsync(DeleteOperation delete, CancellationToken cancellationToken)
    {
        if (xmlIds.Find(delete.XmlId) is not { } entry)
        {
            return;
        }

        if (sudo.Registry.Contains(entry.Model))
        {
            await (await sudo[entry.Model].Browse(entry.ResId).ExistsAsync(cancellationToken)).UnlinkAsync(cancellationToken);
        }

        await xmlIds.DeleteAsync(entry, cancellationToken);
    }
}
