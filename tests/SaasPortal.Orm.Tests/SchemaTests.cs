using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;
using SaasPortal.Orm.Tests.Infrastructure;

namespace SaasPortal.Orm.Tests;

/// <summary>SchemaManager on a live database: extending models keeps data; removing what a module added drops only that.</summary>
public abstract class SchemaTests(OrmFixture fixture) : OrmTestBase(fixture)
{
    private static readonly ModelSpec[] Extension =
    [
        new ModelSpec
        {
            Name = "test.record",
            Extends = true,
            Fields =
            [
                new FieldSpec { Name = "x_note", Type = FieldType.Char, Default = "n/a" },
                new FieldSpec { Name = "x_partner_id", Type = FieldType.Many2one, Comodel = "res.partner", OnDelete = "cascade" },
                new FieldSpec { Name = "amount", Type = FieldType.Float, Label = "Redeclared Amount" },
            ],
        },
        new ModelSpec
        {
            Name = "test.extra",
            Description = "Extra",
            Fields =
            [
                new FieldSpec { Name = "name", Type = FieldType.Char },
                new FieldSpec { Name = "tag_ids", Type = FieldType.Many2many, Comodel = "test.tag" },
                new FieldSpec { Name = "record_id", Type = FieldType.Many2one, Comodel = "test.record" },
            ],
        },
    ];

    private static ModelRegistry Extended() =>
        ModelRegistry.Build(TestModels.Specs.Select(s => (TestModels.Module, s)).Concat(Extension.Select(s => ("test_ext", s))), TestModels.Methods());

    [Fact]
    public async Task Updating_the_schema_twice_changes_nothing()
    {
        var (database, _) = await Fixture.CreateDatabaseAsync(Ct);
        var tables = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            var before = await env.Transaction.Dialect.TablesAsync(env.Transaction.Connection, env.Transaction.Transaction!, Ct);
            await SchemaManager.UpdateAsync(env, Ct);
            var after = await env.Transaction.Dialect.TablesAsync(env.Transaction.Connection, env.Transaction.Transaction!, Ct);
            return (before, after);
        }, Ct);
        Assert.Equal(tables.before.Order(), tables.after.Order());
        Assert.Contains("test_record", tables.after);
        Assert.Contains("test_record_test_tag_rel", tables.after);
    }

    [Fact]
    public async Task Extending_a_live_database_adds_columns_and_tables_without_losing_data_and_removing_drops_only_them()
    {
        var (database, users) = await Fixture.CreateDatabaseAsync(Ct);
        var extended = Extended();
        var before = Fixture.Registry;
        var id = await Fixture.Service.RunAsync(database, 1, true, async env =>
            (await env["test.record"].CreateAsync(D(("name", "kept"), ("amount", 2.5)), Ct)).Id, Ct);

        await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            await SchemaManager.UpdateAsync(env.WithRegistry(extended), Ct);
            return true;
        }, Ct, extended);

        var row = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            var record = env["test.record"].Browse(id);
            var partner = await env["res.partner"].CreateAsync(D(("name", "ext")), Ct);
            await record.WriteAsync(D(("x_partner_id", partner.Id)), Ct);
            var tag = await env["test.tag"].CreateAsync(D(("name", "ext-tag")), Ct);
            await env["test.extra"].CreateAsync(D(("name", "e"), ("record_id", id), ("tag_ids", L(L(4, tag.Id)))), Ct);
            var fields = (Dictionary<string, object?>)(await env.CallAsync("test.record", "fields_get", [L("amount")], null, Ct))!;
            Assert.Equal("Redeclared Amount", ((Dictionary<string, object?>)fields["amount"]!)["string"]);
            Assert.NotNull(await env.RefAsync("test_ext.model_test_extra", Ct));
            return (await record.ReadAsync(["name", "amount", "x_note"], Ct))[0];
        }, Ct, extended);
        Assert.Equal("kept", row["name"]);
        Assert.Equal(2.5, row["amount"]);
        Assert.Equal("n/a", row["x_note"]);

        var after = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            await SchemaManager.RemoveObsoleteAsync(env, extended, Ct);
            var tx = env.Transaction;
            var tables = await tx.Dialect.TablesAsync(tx.Connection, tx.Transaction!, Ct);
            var columns = await tx.Dialect.ColumnsAsync(tx.Connection, tx.Transaction!, "test_record", Ct);
            var models = await env["ir.model"].SearchCountAsync(L(L("model", "=", "test.extra")), Ct);
            var fields = await env["ir.model.fields"].SearchCountAsync(L(L("model", "=", "test.record"), L("name", "in", L("x_note", "x_partner_id"))), Ct);
            return (tables, columns, models, fields, record: (await env["test.record"].Browse(id).ReadAsync(["name", "amount"], Ct))[0]);
        }, Ct, before);
        Assert.DoesNotContain("test_extra", after.tables);
        Assert.DoesNotContain("test_extra_test_tag_rel", after.tables);
        Assert.DoesNotContain("x_note", after.columns);
        Assert.DoesNotContain("x_partner_id", after.columns);
        Assert.Equal(0, after.models);
        Assert.Equal(0, after.fields);
        Assert.Equal("kept", after.record["name"]);
        Assert.Equal(2.5, after.record["amount"]);
        _ = users;
    }

    [Fact]
    public async Task A_unique_constraint_that_existing_rows_break_is_refused_by_name()
    {
        var (database, _) = await Fixture.CreateDatabaseAsync(Ct);
        await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            await env["test.record"].CreateAsync(D(("name", "same")), Ct);
            return await env["test.record"].CreateAsync(D(("name", "same")), Ct);
        }, Ct);
        var strict = ModelRegistry.Build(TestModels.Specs.Select(s => (TestModels.Module, s)).Append(("test_strict", new ModelSpec
        {
            Name = "test.record",
            Extends = true,
            Constraints = [new ConstraintSpec("name_uniq", ["name"], "Names must be unique!")],
        })), TestModels.Methods());
        var error = await Assert.ThrowsAsync<UserErrorException>(() => Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            await SchemaManager.UpdateAsync(env.WithRegistry(strict), Ct);
            return true;
        }, Ct, strict));
        Assert.Contains("name_uniq", error.Message, StringComparison.Ordinal);
        Assert.Contains("Names must be unique!", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overrides_wrap_earlier_implementations_and_reach_them_through_super()
    {
        var (database, _) = await Fixture.CreateDatabaseAsync(Ct);
        var methods = TestModels.Methods();
        methods.Register("test.tag", "create", async call =>
        {
            var vals = new Dictionary<string, object?>((IDictionary<string, object?>)call.Args[0]!) { ["name"] = $"first({((IDictionary<string, object?>)call.Args[0]!)["name"]})" };
            return await call.SuperAsync([vals]);
        });
        methods.Register("test.tag", "create", async call =>
        {
            var vals = new Dictionary<string, object?>((IDictionary<string, object?>)call.Args[0]!) { ["name"] = $"second({((IDictionary<string, object?>)call.Args[0]!)["name"]})" };
            return await call.SuperAsync([vals]);
        });
        var registry = ModelRegistry.Build(TestModels.Specs.Select(s => (TestModels.Module, s)), methods);
        var name = await Fixture.Service.RunAsync(database, 1, true, async env =>
        {
            var tag = await env["test.tag"].CreateAsync(D(("name", "x")), Ct);
            return await tag.GetAsync("name", Ct);
        }, Ct, registry);
        Assert.Equal("first(second(x))", name);
        Assert.Throws<InvalidOperationException>(() => methods.Register("test.tag", "write", _ => Task.FromResult<object?>(true)));
    }
}

public sealed class SqliteSchemaTests(SqliteOrmFixture fixture) : SchemaTests(fixture), IClassFixture<SqliteOrmFixture>;

public sealed class PostgresSchemaTests(PostgresOrmFixture fixture) : SchemaTests(fixture), IClassFixture<PostgresOrmFixture>;
