using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;
using SaasPortal.Saas.Staging;

namespace SaasPortal.Saas.Domains;

/// <summary>The portal's methods for custom domains and staging copies (issue 11, items 2 and 3).</summary>
public sealed class CustomerLifecycleBehaviour(DomainOperations domains, StagingCopies staging) : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "saas_portal";

    /// <inheritdoc />
    public void Register(MethodTable methods)
    {
        methods.Register("saas_portal.client", "add_domain", domains.AddDomainAsync);
        methods.Register(DomainOperations.Model, "verify", domains.VerifyAsync);
        methods.Register(DomainOperations.Model, "remove", domains.RemoveAsync);
        methods.Register("saas_portal.client", "create_staging", staging.CreateStagingAsync);
    }
}
