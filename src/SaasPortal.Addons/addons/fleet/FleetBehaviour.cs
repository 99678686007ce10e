using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;
using static SaasPortal.Addons.Behaviours.BehaviourHelpers;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>
/// fleet's C# behaviour: names ("Audi/A4/1-ABC-123"), the last odometer reading of a vehicle, and writing
/// <c>odometer</c> on a vehicle records a new odometer log, as Odoo's inverse does.
/// </summary>
internal sealed class FleetBehaviour : IAddonBehaviour
{
    private const string Vehicle = "fleet.vehicle";
    private const string Odometer = "fleet.vehicle.odometer";

    public string Addon => "fleet";

    public void Register(MethodTable methods) =>
        methods.RegisterDefault(Odometer, "date", (_, _) => Task.FromResult<object?>(Today()))
            .RegisterCompute("fleet.vehicle.model.modelname", async call =>
            {
                foreach (var (id, row) in await RowsAsync(call.Records.Sudo(), ["name", "brand_id"], call.CancellationToken))
                {
                    call.Set(id, "modelname", $"{Name(row["brand_id"])}/{row["name"]}");
                }
            })
            .RegisterCompute("fleet.vehicle.name", async call =>
            {
                var vehicles = await RowsAsync(call.Records.Sudo(), ["model_id", "license_plate"], call.CancellationToken);
                var models = await RowsAsync(call.Env.Sudo()["fleet.vehicle.model"].Browse(vehicles.Values.Select(v => Id(v["model_id"])).OfType<int>().Distinct()),
                    ["modelname"], call.CancellationToken);
                foreach (var (id, row) in vehicles)
                {
                    var model = Id(row["model_id"]) is { } m && models.TryGetValue(m, out var found) ? found["modelname"] as string : null;
                    call.Set(id, "name", $"{model}/{row["license_plate"] as string}");
                }
            })
            .RegisterCompute("fleet.vehicle.odometer", async call =>
            {
                var logs = await call.Env.Sudo()[Odometer].SearchAsync(
                    new List<object?> { new List<object?> { "vehicle_id", "in", call.Ids.Cast<object?>().ToList() } }, call.CancellationToken,
                    order: "date desc, id desc");
                var latest = new Dictionary<int, double>();
                foreach (var row in (await logs.ReadAsync(["vehicle_id", "value"], call.CancellationToken)))
                {
                    latest.TryAdd(Id(row["vehicle_id"]) ?? 0, Number(row["value"]));
                }

                foreach (var id in call.Ids)
                {
                    call.Set(id, "odometer", latest.GetValueOrDefault(id));
                }
            })
            .RegisterCompute("fleet.vehicle.odometer.name", async call =>
            {
                var logs = await RowsAsync(call.Records.Sudo(), ["vehicle_id", "date"], call.CancellationToken);
                foreach (var (id, row) in logs)
                {
                    call.Set(id, "name", row["date"] is string date ? $"{Name(row["vehicle_id"])} / {date}" : Name(row["vehicle_id"]));
                }
            })
            .Register(Vehicle, "create", async call =>
            {
                if (call.Args is not [IReadOnlyDictionary<string, object?> vals] || !vals.TryGetValue("odometer", out var reading))
                {
                    return await call.SuperAsync();
                }

                var values = new Dictionary<string, object?>(vals, StringComparer.Ordinal);
                values.Remove("odometer");
                var created = await call.SuperAsync([values]);
                await LogAsync(call, [Id(created) ?? 0], reading);
                return created;
            })
            .Register(Vehicle, "write", async call =>
            {
                if (call.Args is not [var ids, IReadOnlyDictionary<string, object?> vals] || !vals.TryGetValue("odometer", out var reading))
                {
                    return await call.SuperAsync();
                }

                var values = new Dictionary<string, object?>(vals, StringComparer.Ordinal);
                values.Remove("odometer");
                var result = await call.SuperAsync([ids, values]);
                await LogAsync(call, IdList(ids), reading);
                return result;
            });

    private static async Task LogAsync(MethodCall call, IReadOnlyList<int> vehicles, object? reading)
    {
        if (Number(reading) <= 0)
        {
            return;
        }

        foreach (var vehicle in vehicles)
        {
            await call.Env[Odometer].CreateAsync(new Dictionary<string, object?> { ["vehicle_id"] = vehicle, ["value"] = Number(reading) }, call.CancellationToken);
        }
    }

    private static string? Name(object? many2one) => many2one is IList<object?> { Count: 2 } pair ? pair[1] as string : null;
}
