using SaasPortal.Addons.Catalogue;

namespace SaasPortal.Addons.Tests.Catalogue;

public sealed class DependencyResolverTests
{
    private static async Task<AddonCatalogue> CatalogueOfAsync(TempDirectory folder, params (string Name, string Depends, bool AutoInstall)[] addons)
    {
        foreach (var (name, depends, autoInstall) in addons)
        {
            var list = string.Join(", ", depends.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(d => $"\"{d}\""));
            folder.Write($"{name}/__manifest__.json",
                $$"""{"name": "{{name}}", "depends": [{{list}}], "auto_install": {{(autoInstall ? "true" : "false")}}}""");
        }

        return await AddonCatalogue.LoadAsync([folder.Path], TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Install_order_puts_every_dependency_before_its_dependents()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder,
            ("base", "", false), ("mail", "base", false), ("product", "base mail", false),
            ("sales_team", "base mail", false), ("account", "product", false), ("sale", "product sales_team account", false));

        var order = new DependencyResolver(catalogue).InstallOrder(["sale"], new HashSet<string>(["base"]));

        Assert.Equal(["mail", "product", "sales_team", "account", "sale"], order);
    }

    [Fact]
    public async Task Auto_install_addons_follow_once_their_dependencies_are_present()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder,
            ("base", "", false), ("web", "base", true), ("mail", "base web", false), ("signup", "mail web", true));

        var resolver = new DependencyResolver(catalogue);

        Assert.Equal(["base", "web"], resolver.InstallOrder(["base"], new HashSet<string>()));
        Assert.Equal(["mail", "signup"], resolver.InstallOrder(["mail"], new HashSet<string>(["base", "web"])));
    }

    [Fact]
    public async Task A_missing_dependency_is_refused_naming_both_addons()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder, ("base", "", false), ("shop", "base payment", false));

        var error = Assert.Throws<AddonDependencyException>(
            () => new DependencyResolver(catalogue).InstallOrder(["shop"], new HashSet<string>(["base"])));

        Assert.Equal("shop", error.Addon);
        Assert.Equal("Addon 'shop' depends on 'payment', which is not in the catalogue", error.Message);
    }

    [Fact]
    public async Task A_cycle_is_refused_showing_the_cycle()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder, ("base", "", false), ("a", "b", false), ("b", "c", false), ("c", "a", false));

        var error = Assert.Throws<AddonDependencyException>(
            () => new DependencyResolver(catalogue).InstallOrder(["a"], new HashSet<string>(["base"])));

        Assert.Equal("Addon 'a' has a circular dependency: a -> b -> c -> a", error.Message);
    }

    [Fact]
    public async Task An_unknown_addon_is_refused_by_name()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder, ("base", "", false));

        var error = Assert.Throws<AddonDependencyException>(
            () => new DependencyResolver(catalogue).InstallOrder(["nope"], new HashSet<string>()));

        Assert.Equal("Addon 'nope' is not in the catalogue", error.Message);
    }

    [Fact]
    public async Task Removal_takes_every_installed_dependent_first()
    {
        using var folder = new TempDirectory();
        var catalogue = await CatalogueOfAsync(folder,
            ("base", "", false), ("sales_team", "base", false), ("crm", "sales_team", false),
            ("sale", "sales_team", false), ("sale_crm", "sale crm", false), ("fleet", "base", false));
        var installed = new HashSet<string>(["base", "sales_team", "crm", "sale", "sale_crm", "fleet"]);

        var order = new DependencyResolver(catalogue).RemovalOrder(["sales_team"], installed,
            name => catalogue.Addons[name].Manifest.Depends);

        Assert.Equal(4, order.Count);
        Assert.Equal("sale_crm", order[0]);
        Assert.Equal("sales_team", order[^1]);
        Assert.Equal(new HashSet<string>(["crm", "sale"]), order.Skip(1).Take(2).ToHashSet());
    }
}
