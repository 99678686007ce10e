using System.Globalization;
using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>base's C# behaviour: ir.sequence's next_by_code and next_by_id, which documents take their numbers from.</summary>
internal sealed class BaseBehaviour : IAddonBehaviour
{
    public string Addon => "base";

    public void Register(MethodTable methods) =>
        methods.Register("ir.sequence", "next_by_code", async call =>
            {
                var code = call.Bind(Parameter.Required("sequence_code"))[0] as string;
                var sequences = await call.Env.Sudo()["ir.sequence"].SearchAsync(
                    new List<object?> { new List<object?> { "code", "=", code } }, call.CancellationToken, limit: 1, order: "id");
                return sequences.Count == 0 ? false : await NextAsync(call, sequences.Id);
            })
            .Register("ir.sequence", "next_by_id", async call =>
            {
                var ids = BehaviourHelpers.Ids(call);
                return ids.Count == 0 ? false : await NextAsync(call, ids[0]);
            });

    private static async Task<object?> NextAsync(MethodCall call, int id)
    {
        var sequence = call.Env.Sudo()["ir.sequence"].Browse(id);
        var row = (await sequence.ReadAsync(["prefix", "suffix", "padding", "number_next", "number_increment", "active"], call.CancellationToken))[0];
        if (row["active"] is false)
        {
            return false;
        }

        var next = (int)BehaviourHelpers.Number(row["number_next"]);
        await sequence.WriteAsync(new Dictionary<string, object?>
        {
            ["number_next"] = next + Math.Max(1, (int)BehaviourHelpers.Number(row["number_increment"])),
        }, call.CancellationToken);
        var number = next.ToString(CultureInfo.InvariantCulture).PadLeft((int)BehaviourHelpers.Number(row["padding"]), '0');
        return $"{row["prefix"] as string}{number}{row["suffix"] as string}";
    }
}
