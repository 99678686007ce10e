namespace SaasPortal.Testing;

/// <summary>Where things are in the repository the tests were built from.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root (the folder holding SaasPortal.slnx).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The build configuration these tests were compiled in; the server is taken from the same one.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The built server, <c>src/SaasPortal.Server/bin/&lt;configuration&gt;/net10.0/saasportal.dll</c>.</summary>
    public static string ServerAssembly
    {
        get
        {
            var path = Path.Combine(Root, "src", "SaasPortal.Server", "bin", Configuration, "net10.0", "saasportal.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"The server is not built: {path}. Build src/SaasPortal.Server in {Configuration} first.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasPortal.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("SaasPortal.slnx not found above " + AppContext.BaseDirectory);
    }
}
