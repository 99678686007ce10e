namespace SaasPortal.Web.Hosting;

/// <summary>Where a page may send the browser after signing in: paths of this site only, never another host.</summary>
public static class ReturnUrls
{
    /// <summary>
    /// <paramref name="candidate"/> when it is a local path ("/…" but not "//…" or "/\…", which browsers read as
    /// another host, and without control characters); otherwise <paramref name="fallback"/>.
    /// </summary>
    public static string LocalOr(string? candidate, string fallback) =>
        IsLocal(candidate) ? candidate! : fallback;

    /// <summary>Whether <paramref name="candidate"/> is a path on this site.</summary>
    public static bool IsLocal(string? candidate) =>
        candidate is { Length: > 0 and <= 2048 }
        && candidate[0] == '/'
        && (candidate.Length == 1 || (candidate[1] != '/' && candidate[1] != '\\'))
        && !candidate.Any(c => char.IsControl(c) || c == '\\');
}
