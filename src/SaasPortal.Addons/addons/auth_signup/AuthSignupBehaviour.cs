using SaasPortal.Addons.Behaviours;
using SaasPortal.Orm.Methods;

namespace SaasPortal.Addons.AuthSignup;

/// <summary>auth_signup's model methods.</summary>
public sealed class AuthSignupBehaviour : IAddonBehaviour
{
    /// <inheritdoc />
    public string Addon => "auth_signup";

    /// <inheritdoc />
    public void Register(MethodTable methods) => methods.Register("res.users", "signup", Signup.SignupAsync);
}
