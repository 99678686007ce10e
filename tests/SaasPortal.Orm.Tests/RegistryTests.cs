using SaasPortal.Orm.Kernel;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>Building registries from module declarations (no database).</summary>
public sealed class RegistryTests
{
    private static ModelRegistry Build(params (string Module, ModelSpec Spec)[] declarations) => ModelRegistry.Build(declarations);

    private static ModelSpec Model(string name, params FieldSpec[] fields) => new() { Name = name, Fields = fields };

    private static FieldSpec Char(string name) => new() { Name = name, Type = FieldType.Char };

    [Fact]
    public void The_kernel_is_always_there_with_magic_fields_and_base_as_its_module()
    {
        var registry = Build();
        foreach (var name in new[] { "res.partner", "res.users", "res.groups", "res.company", "res.country", "ir.model.data", "ir.config_parameter",
            "ir.attachment", "ir.model", "ir.model.fields", "ir.model.access", "ir.rule", "ir.module.module", "ir.module.module.dependency", "ir.module.category" })
        {
            var model = registry[name];
            Assert.Equal(KernelModels.Module, model.Module);
            foreach (var magic in ModelRegistry.MagicFieldNames)
            {
                Assert.NotNull(model.FindField(magic));
            }
        }

        Assert.Equal("res_users", registry["res.users"].Table);
        Assert.Empty(registry.MissingComputes);
    }

    [Fact]
    public void A_later_module_extends_a_model_with_new_and_replaced_fields()
    {
        var registry = Build(
            ("a", Model("x.thing", Char("name"), Char("code")) with { Order = "code desc" }),
            ("b", Model("x.thing", Char("extra"), new FieldSpec { Name = "code", Type = FieldType.Integer }) with { Extends = true, Description = "Thing" }));
        var model = registry["x.thing"];
        Assert.Equal(["a", "b"], model.Modules);
        Assert.Equal(FieldType.Integer, model.GetField("code").Type);
        Assert.Equal("b", model.GetField("code").Module);
        Assert.Equal("a", model.GetField("name").Module);
        Assert.NotNull(model.FindField("extra"));
        Assert.Equal("Thing", model.Description);
        Assert.Equal([new OrderTerm("code", true)], model.DefaultOrder);
        Assert.Equal("name", model.RecName);
    }

    [Theory]
    [InlineData("redeclared", "already declares")]
    [InlineData("unknown-extends", "which no module it depends on declares")]
    [InlineData("bad-comodel", "comodel 'x.missing'")]
    [InlineData("bad-inverse", "inverse 'nope'")]
    [InlineData("bad-related", "unknown field 'nope'")]
    [InlineData("magic", "belongs to every model")]
    [InlineData("bad-order", "Invalid order field 'nope'")]
    [InlineData("bad-name", "not a valid model name")]
    [InlineData("selection", "needs options")]
    public void Inconsistent_declarations_are_refused_naming_module_model_and_field(string kind, string expected)
    {
        (string, ModelSpec)[] declarations = kind switch
        {
            "redeclared" => [("a", Model("res.partner", Char("x")))],
            "unknown-extends" => [("a", Model("x.none", Char("x")) with { Extends = true })],
            "bad-comodel" => [("a", Model("x.thing", new FieldSpec { Name = "m_id", Type = FieldType.Many2one, Comodel = "x.missing" }))],
            "bad-inverse" => [("a", Model("x.thing", new FieldSpec { Name = "lines", Type = FieldType.One2many, Comodel = "res.partner", InverseName = "nope" }))],
            "bad-related" => [("a", Model("x.thing", new FieldSpec { Name = "p", Type = FieldType.Char, Related = "nope.name" }))],
            "magic" => [("a", Model("x.thing", Char("create_date")))],
            "bad-order" => [("a", Model("x.thing", Char("name")) with { Order = "nope desc" })],
            "bad-name" => [("a", Model("X Thing", Char("name")))],
            _ => [("a", Model("x.thing", new FieldSpec { Name = "state", Type = FieldType.Selection }))],
        };
        var error = Assert.Throws<ModelDefinitionException>(() => ModelRegistry.Build(declarations));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Many2many_relation_tables_default_to_Odoos_names()
    {
        var registry = TestModels.BuildRegistry();
        var relation = registry["test.record"].GetField("tag_ids").Relation!;
        Assert.Equal(new RelationInfo("test_record_test_tag_rel", "test_record_id", "test_tag_id"), relation);
        Assert.Equal(new RelationInfo("res_groups_users_rel", "uid", "gid"), registry["res.users"].GetField("groups_id").Relation);
    }

    [Fact]
    public void Missing_compute_functions_are_reported()
    {
        var registry = Build(("a", Model("x.thing", new FieldSpec { Name = "total", Type = FieldType.Float, Compute = "x.thing.total", Store = true })));
        Assert.Equal(["x.thing.total"], registry.MissingComputes);
    }

    [Fact]
    public void A_registry_is_small_enough_to_share_and_cheap_to_build()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var registry = TestModels.BuildRegistry();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(registry.Models.Count > 15);
        // Built once per installed-module set and shared by every database with that set.
        Assert.True(allocated < 10 * 1024 * 1024, $"building allocated {allocated} bytes");
    }
}
