using SaasPortal.Addons.Catalogue;

namespace SaasPortal.Addons.Tests.Catalogue;

/// <summary>The SaaS project's addons are written in this format too; reading them here catches format drift early.</summary>
public sealed class SaasAddonsFormatTests
{
    [Fact]
    public async Task The_saas_projects_addons_read_and_resolve_against_the_built_in_catalogue()
    {
        var saasAddons = Path.Combine(RepositoryRoot(), "src", "SaasPortal.Saas", "addons");
        Assert.True(Directory.Exists(saasAddons), $"{saasAddons} is missing");

        var catalogue = await AddonCatalogue.LoadAsync([AddonPaths.BuiltInDirectory, saasAddons], TestContext.Current.CancellationToken);

        Assert.Empty(catalogue.Problems);
        var resolver = new DependencyResolver(catalogue);
        foreach (var name in Directory.EnumerateDirectories(saasAddons).Select(Path.GetFileName))
        {
            resolver.Validate(name!);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasPortal.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SaasPortal.slnx not found above " + AppContext.BaseDirectory);
    }
}
