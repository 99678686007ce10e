using SaasPortal.Addons.AuthSignup;
using SaasPortal.Addons.BuiltIn;

namespace SaasPortal.Addons.Behaviours;

/// <summary>The C# behaviours of the built-in catalogue, in one list (see <see cref="IAddonBehaviour"/> for why a list).</summary>
public static class BuiltInBehaviours
{
    /// <summary>Every built-in behaviour.</summary>
    public static IReadOnlyList<IAddonBehaviour> All { get; } =
    [
        new BaseBehaviour(),
        new AuthSignupBehaviour(),
        new AccountBehaviour(),
        new SaleBehaviour(),
        new PurchaseBehaviour(),
        new StockBehaviour(),
        new CrmBehaviour(),
        new ProjectBehaviour(),
        new FleetBehaviour(),
    ];
}
