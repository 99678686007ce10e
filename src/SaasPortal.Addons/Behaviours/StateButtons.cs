using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.Behaviours;

/// <summary>
/// The shape most workflow buttons share: check the caller may write the records, refuse those not in an
/// allowed state (naming the first), write the new values in superuser mode (states are read-only to users).
/// </summary>
internal static class StateButtons
{
    public static ModelMethod Transition(string[] from, Func<Dictionary<string, object?>, Dictionary<string, object?>> values, string refusal,
        Func<MethodCall, RecordSet, Dictionary<int, Dictionary<string, object?>>, Task>? check = null,
        Func<MethodCall, RecordSet, Dictionary<int, Dictionary<string, object?>>, Task>? after = null,
        params string[] fields) =>
        async call =>
        {
            var records = await BehaviourHelpers.WritableAsync(call, BehaviourHelpers.Ids(call));
            var rows = await BehaviourHelpers.RowsAsync(records, ["state", call.Model.RecName ?? "id", .. fields], call.CancellationToken);
            if (rows.Values.FirstOrDefault(r => !from.Contains(r["state"] as string)) is { } wrong)
            {
                throw new UserErrorException(string.Format(System.Globalization.CultureInfo.InvariantCulture, refusal,
                    wrong.GetValueOrDefault(call.Model.RecName ?? "id")));
            }

            if (check is not null)
            {
                await check(call, records, rows);
            }

            foreach (var (id, row) in rows)
            {
                if (values(row) is { Count: > 0 } changes)
                {
                    await records.Browse(id).WriteAsync(changes, call.CancellationToken);
                }
            }

            if (after is not null)
            {
                await after(call, records, rows);
            }

            return true;
        };

    /// <summary>Writes <paramref name="values"/> on the given ids of <paramref name="model"/> with the records' (superuser) environment.</summary>
    public static Task WriteAsync(RecordSet records, string model, IEnumerable<int> ids, Dictionary<string, object?> values, CancellationToken cancellationToken) =>
        records.Env[model].Browse(ids).WriteAsync(values, cancellationToken);
}
