using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.Behaviours;

/// <summary>
/// The C# part of a built-in addon: model methods (e.g. <c>sale.order.action_button_confirm</c>), compute
/// functions named by its fields' <c>compute</c>, defaults and record rules in code. A behaviour is registered
/// into the method table of a registry only when its addon is in that registry's installed set, so a database
/// without <c>sale</c> has no <c>sale.order</c> methods. Behaviours register in dependency order, so an addon can
/// override a method of one it depends on and reach it through <see cref="MethodCall.SuperAsync()"/>.
/// </summary>
/// <remarks>
/// Implementations live beside their addon's files (<c>addons/sale/SaleBehaviour.cs</c>), are compiled into this
/// assembly and are listed in <see cref="BuiltInBehaviours.All"/>. An explicit list rather than an assembly scan:
/// what runs is visible in one place, trimming-safe, and a behaviour cannot be activated by merely existing.
/// </remarks>
public interface IAddonBehaviour
{
    /// <summary>Technical name of the addon this behaviour belongs to.</summary>
    string Addon { get; }

    /// <summary>Adds the addon's methods, computes, defaults and code rules to <paramref name="methods"/>.</summary>
    void Register(MethodTable methods);
}
