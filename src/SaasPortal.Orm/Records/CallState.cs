using SaasPortal.Orm.Access;

namespace SaasPortal.Orm.Records;

/// <summary>
/// Caches of one call, shared by every environment derived from it: group memberships, access rules and xml ids
/// read once per call rather than once per statement. Dropped at the end of the call, so nothing leaks between
/// calls or databases.
/// </summary>
internal sealed class CallState
{
    private readonly Dictionary<int, AccessRights> _access = [];

    public Dictionary<string, int?> XmlIds { get; } = new(StringComparer.Ordinal);

    /// <summary>How deep stored-field recomputation has recursed, to stop runaway dependency cycles.</summary>
    public int RecomputeDepth { get; set; }

    /// <summary>Forgets memberships, access rules and xml ids after the call changed them.</summary>
    public void InvalidateAccess()
    {
        _access.Clear();
        XmlIds.Clear();
    }

    public AccessRights Access(OrmEnvironment env)
    {
        if (!_access.TryGetValue(env.Uid, out var rights))
        {
            _access[env.Uid] = rights = new AccessRights(env.Uid);
        }

        return rights;
    }
}
