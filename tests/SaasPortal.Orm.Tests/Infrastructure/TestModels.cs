using SaasPortal.Orm.Methods;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Tests.Infrastructure;

/// <summary>Models covering every field type, declared by a test module on top of the kernel.</summary>
public static class TestModels
{
    public const string Module = "test_orm";

    public static IReadOnlyList<ModelSpec> Specs { get; } =
    [
        new ModelSpec
        {
            Name = "test.tag",
            Description = "Test Tag",
            Order = "name",
            Fields =
            [
                new FieldSpec { Name = "name", Type = FieldType.Char, Required = true, Unique = true },
                new FieldSpec { Name = "color", Type = FieldType.Integer },
            ],
        },
        new ModelSpec
        {
            Name = "test.category",
            Description = "Test Category",
            Order = "name",
            Fields =
            [
                new FieldSpec { Name = "name", Type = FieldType.Char, Required = true },
                new FieldSpec { Name = "parent_id", Type = FieldType.Many2one, Comodel = "test.category", OnDelete = "cascade" },
                new FieldSpec { Name = "child_ids", Type = FieldType.One2many, Comodel = "test.category", InverseName = "parent_id" },
            ],
        },
        new ModelSpec
        {
            Name = "test.record",
            Description = "Test Record",
            Order = "sequence, name",
            Fields =
            [
                new FieldSpec { Name = "name", Type = FieldType.Char, Required = true, Label = "Name" },
                new FieldSpec { Name = "description", Type = FieldType.Text },
                new FieldSpec { Name = "notes", Type = FieldType.Html },
                new FieldSpec { Name = "sequence", Type = FieldType.Integer, Default = 10 },
                new FieldSpec { Name = "amount", Type = FieldType.Float },
                new FieldSpec { Name = "price", Type = FieldType.Monetary },
                new FieldSpec { Name = "active", Type = FieldType.Boolean, Default = true },
                new FieldSpec { Name = "done", Type = FieldType.Boolean },
                new FieldSpec { Name = "date", Type = FieldType.Date },
                new FieldSpec { Name = "moment", Type = FieldType.Datetime },
                new FieldSpec
                {
                    Name = "state", Type = FieldType.Selection, Default = "draft",
                    Selection = [new SelectionOption("draft", "Draft"), new SelectionOption("open", "Open"), new SelectionOption("done", "Done")],
                },
                new FieldSpec { Name = "code", Type = FieldType.Char, Size = 5 },
                new FieldSpec { Name = "reference", Type = FieldType.Char, Unique = true },
                new FieldSpec { Name = "partner_id", Type = FieldType.Many2one, Comodel = "res.partner" },
                new FieldSpec { Name = "owner_id", Type = FieldType.Many2one, Comodel = "res.users" },
                new FieldSpec { Name = "category_id", Type = FieldType.Many2one, Comodel = "test.category", OnDelete = "restrict" },
                new FieldSpec { Name = "line_ids", Type = FieldType.One2many, Comodel = "test.line", InverseName = "record_id" },
                new FieldSpec { Name = "tag_ids", Type = FieldType.Many2many, Comodel = "test.tag" },
                new FieldSpec { Name = "data", Type = FieldType.Binary },
                new FieldSpec { Name = "partner_email", Type = FieldType.Char, Related = "partner_id.email" },
                new FieldSpec { Name = "partner_country_code", Type = FieldType.Char, Related = "partner_id.country_id.code" },
                new FieldSpec { Name = "total", Type = FieldType.Float, Compute = "test.record.total", Store = true, Depends = ["line_ids.amount"] },
                new FieldSpec { Name = "line_count", Type = FieldType.Integer, Compute = "test.record.line_count" },
                new FieldSpec { Name = "secret", Type = FieldType.Char, Groups = ["base.group_system"] },
                new FieldSpec { Name = "locked", Type = FieldType.Char, Readonly = true },
            ],
            Constraints = [new ConstraintSpec("code_category_uniq", ["code", "category_id"], "The code must be unique per category!")],
        },
        new ModelSpec
        {
            Name = "test.line",
            Description = "Test Line",
            Order = "id",
            Fields =
            [
                new FieldSpec { Name = "record_id", Type = FieldType.Many2one, Comodel = "test.record", Required = true, OnDelete = "cascade" },
                new FieldSpec { Name = "name", Type = FieldType.Char },
                new FieldSpec { Name = "amount", Type = FieldType.Float },
            ],
        },
    ];

    /// <summary>The behaviour of the test models.</summary>
    public static MethodTable Methods()
    {
        var table = new MethodTable();
        table.RegisterCompute("test.record.total", async call =>
        {
            var lines = await call.Env.Sudo()["test.line"].SearchAsync(
                new List<object?> { new List<object?> { "record_id", "in", call.Ids.Cast<object?>().ToList() } }, call.CancellationToken);
            var rows = await lines.ReadAsync(["record_id", "amount"], call.CancellationToken);
            foreach (var id in call.Ids)
            {
                call.Set(id, "total", rows.Where(r => Values.TryGetId(r["record_id"], out var owner) && owner == id).Sum(r => (double)r["amount"]!));
            }
        });
        table.RegisterCompute("test.record.line_count", async call =>
        {
            var rows = await call.Records.Sudo().ReadAsync(["line_ids"], call.CancellationToken);
            foreach (var row in rows)
            {
                call.Set((int)row["id"]!, "line_count", ((List<object?>)row["line_ids"]!).Count);
            }
        });
        table.Register("test.record", "action_done", async call =>
        {
            var ids = Values.ToIds(call.Args.Count > 0 ? call.Args[0] : null);
            await call.Records.Browse(ids).WriteAsync(new Dictionary<string, object?> { ["state"] = "done" }, call.CancellationToken);
            return true;
        });
        table.Register("test.record", "_private_helper", _ => Task.FromResult<object?>(true));
        // Read-modify-write inside one call: concurrent calls must not lose increments.
        table.Register("test.record", "increment", async call =>
        {
            var record = call.Records.Browse(Values.ToIds(call.Args[0]));
            var value = (int)(await record.GetAsync("sequence", call.CancellationToken))!;
            await record.WriteAsync(new Dictionary<string, object?> { ["sequence"] = value + 1 }, call.CancellationToken);
            return value + 1;
        });
        return table;
    }

    public static ModelRegistry BuildRegistry() => ModelRegistry.Build(Specs.Select(s => (Module, s)), Methods());
}
