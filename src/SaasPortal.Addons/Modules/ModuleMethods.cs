using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;

namespace SaasPortal.Addons.Modules;

/// <summary>
/// ir.module.module's methods over RPC: <c>update_list</c> and the immediate install, uninstall and upgrade
/// buttons. They need write access on ir.module.module (Settings), then run as the superuser in the caller's
/// transaction, so a failure rolls everything back.
/// </summary>
internal static class ModuleMethods
{
    private const string Model = "ir.module.module";

    public static void Register(MethodTable table, ModuleSystem system) =>
        table.Register(Model, "update_list", async call =>
            {
                await CheckAccessAsync(call);
                var (updated, added) = await system.Installer.UpdateListAsync(call.Env, reload: true, call.CancellationToken);
                return new List<object?> { updated, added };
            })
            .Register(Model, "button_immediate_install", call => RunAsync(call, system, (env, names, ct) => system.Installer.InstallAsync(env, names, ct)))
            .Register(Model, "button_immediate_uninstall", call => RunAsync(call, system, (env, names, ct) => system.Installer.UninstallAsync(env, names, ct)))
            .Register(Model, "button_immediate_upgrade", call => RunAsync(call, system, (env, names, ct) => system.Installer.UpgradeAsync(env, names, ct)));

    private static async Task<object?> RunAsync(MethodCall call, ModuleSystem system,
        Func<SaasPortal.Orm.OrmEnvironment, IReadOnlyList<string>, CancellationToken, Task<ModuleOperationResult>> operation)
    {
        var a = call.Bind(Parameter.Required("ids"));
        await CheckAccessAsync(call);
        var modules = call.Env.Sudo()[Model].Browse(Values.ToIds(a[0]));
        var names = (await modules.ReadAsync(["name"], call.CancellationToken)).Select(r => (string)r["name"]!).ToList();
        await operation(call.Env, names, call.CancellationToken);
        // Odoo answers with a client action that reloads the web client.
        return new Dictionary<string, object?> { ["type"] = "ir.actions.client", ["tag"] = "reload" };
    }

    private static Task<object?> CheckAccessAsync(MethodCall call) =>
        call.Env.CallAsync(Model, "check_access_rights", ["write"], null, call.CancellationToken);
}
