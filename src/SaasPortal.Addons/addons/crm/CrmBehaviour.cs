using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>crm's C# behaviour: a new lead belongs to its creator and starts in the first stage, as in Odoo 8.</summary>
internal sealed class CrmBehaviour : IAddonBehaviour
{
    public string Addon => "crm";

    public void Register(MethodTable methods) =>
        methods.RegisterDefault("crm.lead", "user_id", (env, _) => Task.FromResult<object?>(env.Uid))
            .RegisterDefault("crm.lead", "stage_id", async (env, ct) =>
            {
                var stages = await env.Sudo()["crm.case.stage"].SearchAsync(new List<object?>(), ct, limit: 1, order: "sequence, id");
                return stages.Count == 1 ? stages.Id : false;
            });
}
