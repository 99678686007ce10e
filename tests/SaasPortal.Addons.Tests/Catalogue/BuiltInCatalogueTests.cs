using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Format;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Addons.Tests.Catalogue;

/// <summary>Static checks over the catalogue shipped with the product: it reads, resolves, and every reference lands.</summary>
public sealed class BuiltInCatalogueTests
{
    /// <summary>Models the ORM declares in C# for base (the brief's kernel list).</summary>
    private static readonly string[] KernelModels =
    [
        "res.users", "res.groups", "res.partner", "res.company", "res.country", "ir.model.data", "ir.config_parameter",
        "ir.attachment", "ir.model", "ir.model.fields", "ir.model.access", "ir.rule", "ir.module.module",
        "ir.module.module.dependency", "ir.module.category",
    ];

    private static readonly string[] Expected =
    [
        "access_apps", "account", "auth_oauth", "auth_signup", "base", "contacts", "crm", "fleet", "hr", "mail",
        "portal", "product", "project", "purchase", "sale", "sales_team", "stock", "web",
    ];

    private static Task<AddonCatalogue> LoadAsync() =>
        AddonCatalogue.LoadAsync([AddonPaths.BuiltInDirectory], TestContext.Current.CancellationToken);

    [Fact]
    public async Task Every_built_in_addon_reads_without_a_problem()
    {
        var catalogue = await LoadAsync();

        Assert.Empty(catalogue.Problems);
        Assert.Equal(Expected, catalogue.Addons.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Every_built_in_addon_resolves_its_dependencies()
    {
        var catalogue = await LoadAsync();
        var resolver = new DependencyResolver(catalogue);

        foreach (var name in catalogue.Addons.Keys)
        {
            resolver.Validate(name);
        }

        var sale = resolver.InstallOrder(["sale"], new HashSet<string>(["base", "web"])).ToList();
        // auth_signup follows on its own once mail is there (auto_install), as in Odoo 8.
        Assert.Equal(["mail", "product", "sales_team", "account", "sale", "auth_signup"], sale);
    }

    [Fact]
    public async Task Base_declares_odoo_8_groups_with_their_names()
    {
        var catalogue = await LoadAsync();
        var groups = Records(catalogue.Addons["base"], "res.groups")
            .ToDictionary(r => r.XmlId!, r => ((TextValue)r.Fields.Single(f => f.Name == "name").Value).Text);

        Assert.Equal("Employee", groups["base.group_user"]);
        Assert.Equal("Contact Creation", groups["base.group_partner_manager"]);
        Assert.Equal("Portal", groups["base.group_portal"]);
        Assert.Equal("Public", groups["base.group_public"]);
        Assert.Equal("Access Rights", groups["base.group_erp_manager"]);
        Assert.Equal("Settings", groups["base.group_system"]);
        Assert.Equal("User", groups["base.group_sale_salesman"]);
        Assert.Equal("Manager", groups["base.group_sale_manager"]);
        Assert.Equal("Technical Features", groups["base.group_no_one"]);
        Assert.Contains(Records(catalogue.Addons["stock"], "res.groups"), r => r.XmlId == "stock.group_stock_manager");
        Assert.Contains(Records(catalogue.Addons["access_apps"], "res.groups"), r => r.XmlId == "access_apps.group_show_modules_menu");
    }

    [Fact]
    public async Task Every_model_reference_lands_on_a_model_of_the_addon_or_its_dependencies()
    {
        var catalogue = await LoadAsync();
        var resolver = new DependencyResolver(catalogue);
        var problems = new List<string>();

        foreach (var addon in catalogue.Addons.Values)
        {
            var closure = resolver.InstallOrder([addon.Name], new HashSet<string>());
            var visible = closure.SelectMany(n => catalogue.Addons[n].Models).Where(m => !m.Extends).Select(m => m.Name)
                .Concat(KernelModels).ToHashSet(StringComparer.Ordinal);
            var fieldsByModel = closure.SelectMany(n => catalogue.Addons[n].Models)
                .GroupBy(m => m.Name)
                .ToDictionary(g => g.Key, g => g.SelectMany(m => m.Fields).ToList());

            foreach (var model in addon.Models)
            {
                if (model.Extends && !visible.Contains(model.Name))
                {
                    problems.Add($"{addon.Name}: extends unknown model {model.Name}");
                }

                if (!model.Extends && closure.Where(n => n != addon.Name).Any(n => catalogue.Addons[n].Models.Any(m => m.Name == model.Name && !m.Extends)))
                {
                    problems.Add($"{addon.Name}: declares {model.Name} again without extends");
                }

                foreach (var field in model.Fields.Where(f => f.Comodel is not null && !visible.Contains(f.Comodel!)))
                {
                    problems.Add($"{addon.Name}: {model.Name}.{field.Name} points at unknown model {field.Comodel}");
                }

                foreach (var field in model.Fields.Where(f => f.Type == FieldType.One2many))
                {
                    if (fieldsByModel.TryGetValue(field.Comodel!, out var comodelFields)
                        && !comodelFields.Any(f => f.Name == field.InverseName && f.Type == FieldType.Many2one && f.Comodel == model.Name))
                    {
                        problems.Add($"{addon.Name}: {model.Name}.{field.Name} has no many2one {field.InverseName} on {field.Comodel}");
                    }
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Every_xml_id_a_data_file_refers_to_is_defined_earlier_in_the_install_order()
    {
        var catalogue = await LoadAsync();
        var resolver = new DependencyResolver(catalogue);
        var problems = new List<string>();

        foreach (var addon in catalogue.Addons.Values)
        {
            var defined = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in resolver.InstallOrder([addon.Name], new HashSet<string>()))
            {
                var member = catalogue.Addons[name];
                // Installing an addon registers its models' ir.model rows (model_<name>) before its data loads.
                var declared = member.Models.Where(m => !m.Extends).Select(m => m.Name).Concat(name == "base" ? KernelModels : []);
                defined.UnionWith(declared.Select(m => $"{name}.{XmlIds.ForModel(m)}"));
                foreach (var file in member.Data)
                {
                    foreach (var operation in file.Operations.OfType<RecordOperation>())
                    {
                        foreach (var reference in operation.Fields.SelectMany(f => References(f.Value)))
                        {
                            if (!defined.Contains(reference))
                            {
                                problems.Add($"{name}, {file.Path} line {operation.Line}: {reference} is not defined yet");
                            }
                        }

                        if (operation.XmlId is not null)
                        {
                            defined.Add(operation.XmlId);
                        }
                    }
                }
            }
        }

        Assert.Empty(problems.Distinct());
    }

    private static IEnumerable<RecordOperation> Records(AddonDefinition addon, string model) =>
        addon.Data.SelectMany(d => d.Operations).OfType<RecordOperation>().Where(r => r.Model == model);

    private static IEnumerable<string> References(DataValue value) => value switch
    {
        RefValue { XmlId: { } id } => [id],
        EvalValue e => References(e.Value),
        _ => [],
    };

    private static IEnumerable<string> References(PyValue value) => value switch
    {
        PyRef r => [r.XmlId],
        PyList l => l.Items.SelectMany(References),
        PyDict d => d.Entries.SelectMany(e => References(e.Value)),
        _ => [],
    };
}
