using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Sql;

namespace SaasPortal.Orm.Records;

/// <summary>Resolves xml ids (<c>module.name</c>) through ir.model.data.</summary>
internal static class XmlIds
{
    public static async Task<int?> ResolveAsync(OrmEnvironment env, string xmlId, CancellationToken cancellationToken)
    {
        if (env.State.XmlIds.TryGetValue(xmlId, out var cached))
        {
            return cached;
        }

        var dot = xmlId.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == xmlId.Length - 1)
        {
            throw new ValueErrorException($"Invalid xml id '{xmlId}': use module.name");
        }

        var sql = new SqlBuilder(env.Transaction.Dialect)
            .Append("SELECT \"res_id\" FROM \"ir_model_data\" WHERE \"module\" = ").Value(xmlId[..dot])
            .Append(" AND \"name\" = ").Value(xmlId[(dot + 1)..]);
        var value = await env.Transaction.ScalarAsync(sql, cancellationToken);
        int? id = value is null ? null : Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture);
        if (id is not null)
        {
            // Only hits are cached: the module system creates xml ids during the call that resolves them.
            env.State.XmlIds[xmlId] = id;
        }

        return id;
    }

    public static void Forget(OrmEnvironment env) => env.State.XmlIds.Clear();
}
