namespace SaasPortal.Addons.Format;

/// <summary>
/// An addon's files break the addon format. The message always names the addon and, when one is at fault, the
/// file (and line), so an operator can fix a dropped-in addon without reading our source.
/// </summary>
public sealed class AddonFormatException : Exception
{
    public AddonFormatException(string addon, string? file, int? line, string problem)
        : base(Compose(addon, file, line, problem))
    {
        Addon = addon;
        File = file;
        Line = line;
        Problem = problem;
    }

    /// <summary>Technical name of the addon at fault.</summary>
    public string Addon { get; }

    /// <summary>The file at fault, relative to the addon folder; null for the folder itself.</summary>
    public string? File { get; }

    /// <summary>1-based line in <see cref="File"/>, when known.</summary>
    public int? Line { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Compose(string addon, string? file, int? line, string problem)
    {
        var where = file is null ? $"addon '{addon}'" : $"addon '{addon}', {file}";
        if (line is > 0)
        {
            where += $" line {line}";
        }

        return $"{where}: {problem}";
    }
}
