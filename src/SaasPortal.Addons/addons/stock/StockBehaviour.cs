using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using static SaasPortal.Addons.Behaviours.BehaviourHelpers;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>
/// stock's C# behaviour: move and transfer dates, transfer numbers (WH/00001), and the moves' life:
/// <c>action_confirm</c>, <c>action_assign</c>, <c>action_done</c> (which moves the quantity between the
/// internal locations' quants) and <c>action_cancel</c>; on transfers, <c>action_confirm</c>,
/// <c>action_done</c> (also <c>do_transfer</c>) and <c>action_cancel</c> act on their moves.
/// </summary>
internal sealed class StockBehaviour : IAddonBehaviour
{
    private const string Move = "stock.move";
    private const string Picking = "stock.picking";

    public string Addon => "stock";

    public void Register(MethodTable methods)
    {
        var pickingDone = StateButtons.Transition(["draft", "confirmed", "waiting", "partially_available", "assigned"],
            _ => new() { ["state"] = "done", ["date_done"] = Values.Now() }, "The transfer {0} is already done or cancelled.",
            after: (call, records, rows) => MovesDoneAsync(call.Env.Sudo(), rows.Values.SelectMany(r => IdList(r["move_lines"])), call.CancellationToken),
            fields: "move_lines");
        methods.RegisterDefault(Move, "date", (_, _) => Task.FromResult<object?>(Values.Now()))
            .RegisterDefault(Move, "company_id", CompanyAsync)
            .RegisterDefault(Picking, "date", (_, _) => Task.FromResult<object?>(Values.Now()))
            .RegisterDefault(Picking, "company_id", CompanyAsync)
            .Register(Picking, "create", async call =>
            {
                if (call.Args is [IReadOnlyDictionary<string, object?> vals] && vals.GetValueOrDefault("name") is null or false or "/" or "")
                {
                    return await call.SuperAsync([new Dictionary<string, object?>(vals, StringComparer.Ordinal)
                    {
                        ["name"] = await NextSequenceAsync(call.Env, Picking, call.CancellationToken) ?? "/",
                    }]);
                }

                return await call.SuperAsync();
            })
            .Register(Move, "action_confirm", StateButtons.Transition(["draft"], _ => new() { ["state"] = "confirmed" },
                "The move {0} is not a draft and cannot be confirmed."))
            .Register(Move, "action_assign", StateButtons.Transition(["confirmed", "waiting", "assigned"], _ => new() { ["state"] = "assigned" },
                "The move {0} is not waiting and cannot be reserved."))
            .Register(Move, "action_done", StateButtons.Transition(["draft", "confirmed", "waiting", "assigned"], _ => new(),
                "The move {0} is already done or cancelled.", after: (call, _, rows) => MovesDoneAsync(call.Env.Sudo(), rows.Keys, call.CancellationToken)))
            .Register(Move, "action_cancel", StateButtons.Transition(["draft", "confirmed", "waiting", "assigned", "cancel"], _ => new() { ["state"] = "cancel" },
                "The move {0} is done and cannot be cancelled."))
            .Register(Picking, "action_confirm", StateButtons.Transition(["draft"], _ => new() { ["state"] = "confirmed" },
                "The transfer {0} is not a draft and cannot be confirmed.",
                after: (call, records, rows) => StateButtons.WriteAsync(records, Move, rows.Values.SelectMany(r => IdList(r["move_lines"])),
                    new() { ["state"] = "confirmed" }, call.CancellationToken), fields: "move_lines"))
            .Register(Picking, "action_done", pickingDone)
            .Register(Picking, "do_transfer", pickingDone)
            .Register(Picking, "action_cancel", StateButtons.Transition(["draft", "confirmed", "waiting", "partially_available", "assigned", "cancel"],
                _ => new() { ["state"] = "cancel" }, "The transfer {0} is done and cannot be cancelled.",
                after: (call, records, rows) => StateButtons.WriteAsync(records, Move, rows.Values.SelectMany(r => IdList(r["move_lines"])),
                    new() { ["state"] = "cancel" }, call.CancellationToken), fields: "move_lines"));
    }

    private static async Task<object?> CompanyAsync(OrmEnvironment env, CancellationToken cancellationToken)
    {
        var user = (await env.Sudo()["res.users"].Browse(env.Uid).ReadAsync(["company_id"], cancellationToken)).FirstOrDefault();
        return Id(user?["company_id"]) is { } company ? company : false;
    }

    /// <summary>Marks the moves done and moves their quantities out of internal source and into internal destination locations.</summary>
    private static async Task MovesDoneAsync(OrmEnvironment sudo, IEnumerable<int> moveIds, CancellationToken cancellationToken)
    {
        var moves = await RowsAsync(sudo[Move].Browse(moveIds.Distinct()), ["state", "product_id", "product_uom_qty", "location_id", "location_dest_id", "company_id"],
            cancellationToken);
        var pending = moves.Where(m => m.Value["state"] is not ("done" or "cancel")).ToList();
        var locations = await RowsAsync(sudo["stock.location"].Browse(pending.SelectMany(m => new[] { Id(m.Value["location_id"]), Id(m.Value["location_dest_id"]) })
            .OfType<int>().Distinct()), ["usage"], cancellationToken);
        foreach (var (id, move) in pending)
        {
            var product = Id(move["product_id"])!.Value;
            var quantity = Number(move["product_uom_qty"]);
            foreach (var (location, sign) in new[] { (Id(move["location_id"]), -1.0), (Id(move["location_dest_id"]), 1.0) })
            {
                if (location is { } l && locations.TryGetValue(l, out var row) && row["usage"] as string == "internal")
                {
                    await AddQuantAsync(sudo, product, l, sign * quantity, move["company_id"], cancellationToken);
                }
            }

            await sudo[Move].Browse(id).WriteAsync(new Dictionary<string, object?> { ["state"] = "done", ["date"] = Values.Now() }, cancellationToken);
        }
    }

    private static async Task AddQuantAsync(OrmEnvironment sudo, int product, int location, double quantity, object? company, CancellationToken cancellationToken)
    {
        var quants = await sudo["stock.quant"].SearchAsync(new List<object?>
        {
            new List<object?> { "product_id", "=", product },
            new List<object?> { "location_id", "=", location },
        }, cancellationToken, limit: 1);
        if (quants.Count == 1)
        {
            var current = Number(await quants.GetAsync("qty", cancellationToken));
            await quants.WriteAsync(new Dictionary<string, object?> { ["qty"] = current + quantity }, cancellationToken);
            return;
        }

        await sudo["stock.quant"].CreateAsync(new Dictionary<string, object?>
        {
            ["product_id"] = product,
            ["location_id"] = location,
            ["qty"] = quantity,
            ["in_date"] = Values.Now(),
            ["company_id"] = Id(company) is { } c ? c : false,
        }, cancellationToken);
    }
}
