using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.BuiltIn;

/// <summary>project's C# behaviour: a new task is assigned to its creator and starts in the first stage.</summary>
internal sealed class ProjectBehaviour : IAddonBehaviour
{
    public string Addon => "project";

    public void Register(MethodTable methods) =>
        methods.RegisterDefault("project.task", "user_id", (env, _) => Task.FromResult<object?>(env.Uid))
            .RegisterDefault("project.task", "stage_id", async (env, ct) =>
            {
                var stages = await env.Sudo()["project.task.type"].SearchAsync(new List<object?>(), ct, limit: 1, order: "sequence, id");
                return stages.Count == 1 ? stages.Id : false;
            })
            .RegisterDefault("project.task", "date_last_stage_update", (_, _) => Task.FromResult<object?>(Orm.Records.Values.Now()));
}
