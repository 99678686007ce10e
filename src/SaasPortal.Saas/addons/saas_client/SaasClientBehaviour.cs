using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Governance;

namespace SaasPortal.Saas.Addons.SaasClient;

/// <summary>Governance inside a tenant: every call is checked, and user creation and activation respect the limit.</summary>
public sealed class SaasClientBehaviour(TenantGovernance governance) : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "saas_client";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.RegisterCallGuard(governance.CheckCallAsync);
        methods.Register("res.users", "create", TenantGovernance.EnforceUserLimitAsync);
        methods.Register("res.users", "write", TenantGovernance.EnforceUserLimitAsync);
    }
}
