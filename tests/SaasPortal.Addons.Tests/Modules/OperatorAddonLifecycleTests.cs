using SaasPortal.Addons.Tests.Infrastructure;
using SaasPortal.Orm;
using SaasPortal.Orm.Errors;
using static SaasPortal.Addons.Tests.Infrastructure.Rpc;

namespace SaasPortal.Addons.Tests.Modules;

/// <summary>Addons an operator drops into a configured folder: listed by update_list, installed without a rebuild, refused clearly when broken.</summary>
public abstract class OperatorAddonLifecycleTests(AddonsFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int _counter;

    /// <summary>A fresh addon name per test, as every test class shares the fixture's operator folder.</summary>
    private static string NewName(string stem) => $"{stem}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid().ToString("N")[..6]}";

    private void Write(string addon, string relative, string text)
    {
        var path = Path.Combine(fixture.OperatorAddons, addon, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private void WriteNotes(string addon, string version, string extraFields = "", string extraModels = "", string data = "")
    {
        Write(addon, "__manifest__.json", $$"""
            {"name": "Notes {{addon}}", "version": "{{version}}", "depends": ["mail"], "models": ["models/notes.xml"],
             "data": ["security/notes_security.xml", "security/ir.model.access.csv"{{(data.Length > 0 ? ", \"data/notes_data.xml\"" : "")}}]}
            """);
        Write(addon, "models/notes.xml", $"""
            <models>
              <model name="x_{addon}.note" description="Note" order="sequence, id">
                <field name="name" type="char" string="Title" required="1"/>
                <field name="sequence" type="integer" default="10"/>
                <field name="partner_id" type="many2one" comodel="res.partner" ondelete="cascade"/>
                {extraFields}
              </model>
              {extraModels}
            </models>
            """);
        Write(addon, "security/notes_security.xml", """
            <odoo>
              <record id="group_notes" model="res.groups">
                <field name="name">Note takers</field>
                <field name="implied_ids" eval="[(4, ref('base.group_user'))]"/>
              </record>
              <record id="notes_param" model="ir.config_parameter">
                <field name="key">notes.enabled</field>
                <field name="value">1</field>
              </record>
            </odoo>
            """);
        Write(addon, "security/ir.model.access.csv",
            $"id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\naccess_note,note,model_x_{addon}_note,group_notes,1,1,1,1\n");
        if (data.Length > 0)
        {
            Write(addon, "data/notes_data.xml", data);
        }
    }

    private async Task<(string Db, Rpc Admin)> NewDatabaseAsync()
    {
        var db = await fixture.CreateDatabaseAsync(Ct);
        return (db, new Rpc(fixture.Orm, db, OrmEnvironment.SuperuserId, AddonsFixture.AdminPassword));
    }

    private async Task<IReadOnlySet<string>> TablesAsync(string db) =>
        await fixture.SuperAsync(db, async env =>
            await env.Transaction.Dialect.TablesAsync(env.Transaction.Connection, env.Transaction.Transaction!, Ct), Ct);

    [Fact]
    public async Task An_operator_addon_appears_after_update_list_and_installs_without_a_rebuild()
    {
        var (db, admin) = await NewDatabaseAsync();
        var addon = NewName("notes");
        WriteNotes(addon, "1.0");
        Assert.Equal(0, await admin.CallAsync("ir.module.module", "search_count", Domain(("name", "=", addon))));

        var counts = (List<object?>)(await admin.CallAsync("ir.module.module", "update_list"))!;

        Assert.True((int)counts[1]! >= 1);
        Assert.Equal("uninstalled", (await admin.StatesAsync(addon))[addon]);
        await admin.InstallAsync(addon);
        Assert.Equal("installed", (await admin.StatesAsync(addon))[addon]);
        var noteId = (int)(await admin.CallAsync($"x_{addon}.note", "create", Vals(("name", "Call Agrolait"))))!;
        Assert.True(noteId > 0);
        var groupId = await fixture.SuperAsync(db, env => env.RefAsync($"{addon}.group_notes", Ct), Ct);
        Assert.NotNull(groupId);
        Assert.Equal("1", await admin.CallAsync("ir.config_parameter", "get_param", "notes.enabled"));
        Assert.Equal("installed", (await admin.StatesAsync("mail"))["mail"]);

        // A user of the addon's group reaches the model; an employee outside it does not.
        var login = "taker" + addon;
        var uid = (int)(await admin.CallAsync("res.users", "create", Vals(("name", login), ("login", login), ("password", "pw-" + login),
            ("groups_id", List(List(6, 0, List(groupId!.Value)))))))!;
        var taker = new Rpc(fixture.Orm, db, uid, "pw-" + login);
        Assert.Equal(1, await taker.CallAsync($"x_{addon}.note", "search_count", List()));
    }

    [Fact]
    public async Task Uninstalling_an_operator_addon_removes_its_table_group_access_rules_and_parameters()
    {
        var (db, admin) = await NewDatabaseAsync();
        var addon = NewName("notes");
        WriteNotes(addon, "1.0");
        await admin.CallAsync("ir.module.module", "update_list");
        await admin.InstallAsync(addon);
        Assert.Contains($"x_{addon}_note", await TablesAsync(db));

        await admin.UninstallAsync(addon);

        Assert.DoesNotContain($"x_{addon}_note", await TablesAsync(db));
        Assert.Null(await fixture.SuperAsync(db, env => env.RefAsync($"{addon}.group_notes", Ct), Ct));
        Assert.Equal(0, await admin.CallAsync("res.groups", "search_count", Domain(("name", "=", "Note takers"))));
        Assert.Equal(0, await admin.CallAsync("ir.model.access", "search_count", Domain(("name", "=", "note"))));
        Assert.Equal(false, await admin.CallAsync("ir.config_parameter", "get_param", "notes.enabled"));
        Assert.Equal(0, await admin.CallAsync("ir.model.data", "search_count", Domain(("module", "=", addon))));
        Assert.Equal("installed", (await admin.StatesAsync("mail"))["mail"]);
    }

    [Fact]
    public async Task A_missing_dependency_is_refused_naming_it()
    {
        var (_, admin) = await NewDatabaseAsync();
        var addon = NewName("needs_missing");
        Write(addon, "__manifest__.json", """{"name": "Needs missing", "depends": ["base", "payment_gateway_x"]}""");
        await admin.CallAsync("ir.module.module", "update_list");
        Assert.Equal("uninstallable", (await admin.StatesAsync(addon))[addon]);

        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.InstallAsync(addon));

        Assert.Equal($"Addon '{addon}' depends on 'payment_gateway_x', which is not in the catalogue", refused.Message);
    }

    [Fact]
    public async Task An_addon_whose_files_do_not_validate_is_listed_uninstallable_with_the_reason()
    {
        var (_, admin) = await NewDatabaseAsync();
        var addon = NewName("bad_model");
        Write(addon, "__manifest__.json", """{"name": "Bad model", "models": ["models/bad.xml"]}""");
        Write(addon, "models/bad.xml", """<models><model name="x_bad.thing"><field name="lines" type="one2many" comodel="res.partner"/></model></models>""");

        await admin.CallAsync("ir.module.module", "update_list");

        var row = (Dictionary<string, object?>)((List<object?>)(await admin.CallAsync("ir.module.module", "search_read",
            Domain(("name", "=", addon)), List("state", "description")))!)[0]!;
        Assert.Equal("uninstallable", row["state"]);
        Assert.Equal($"addon '{addon}', models/bad.xml line 1: field 'x_bad.thing.lines': a one2many field needs inverse (the many2one on the comodel)",
            row["description"]);
        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.InstallAsync(addon));
        Assert.Contains("models/bad.xml", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dependency_cycle_is_refused_naming_the_cycle()
    {
        var (_, admin) = await NewDatabaseAsync();
        var first = NewName("cycle_a");
        var second = NewName("cycle_b");
        Write(first, "__manifest__.json", $$"""{"name": "A", "depends": ["{{second}}"]}""");
        Write(second, "__manifest__.json", $$"""{"name": "B", "depends": ["{{first}}"]}""");
        await admin.CallAsync("ir.module.module", "update_list");

        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.InstallAsync(first));

        Assert.Equal($"Addon '{first}' has a circular dependency: {first} -> {second} -> {first}", refused.Message);
        Assert.Equal("uninstallable", (await admin.StatesAsync(first))[first]);
    }

    [Fact]
    public async Task An_install_that_fails_half_way_leaves_no_table_group_xml_id_or_state_behind()
    {
        var (db, admin) = await NewDatabaseAsync();
        var addon = NewName("broken");
        WriteNotes(addon, "1.0", data: $"""
            <odoo>
              <record id="first" model="x_{addon}.note"><field name="name">Fine</field></record>
              <record id="second" model="x_{addon}.note">
                <field name="name">Broken</field>
                <field name="partner_id" ref="base.no_such_partner"/>
              </record>
            </odoo>
            """);
        await admin.CallAsync("ir.module.module", "update_list");
        var mailBefore = (await admin.StatesAsync("mail"))["mail"];

        var refused = await Assert.ThrowsAsync<UserErrorException>(() => admin.InstallAsync(addon));

        Assert.StartsWith($"Addon '{addon}' could not be installed: data/notes_data.xml line 3:", refused.Message, StringComparison.Ordinal);
        Assert.Contains("base.no_such_partner", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain($"x_{addon}_note", await TablesAsync(db));
        Assert.Equal(0, await admin.CallAsync("res.groups", "search_count", Domain(("name", "=", "Note takers"))));
        Assert.Equal(0, await admin.CallAsync("ir.model.data", "search_count", Domain(("module", "=", addon))));
        Assert.Equal(0, await admin.CallAsync("ir.model", "search_count", Domain(("model", "=", $"x_{addon}.note"))));
        Assert.Equal(false, await admin.CallAsync("ir.config_parameter", "get_param", "notes.enabled"));
        Assert.Equal("uninstalled", (await admin.StatesAsync(addon))[addon]);
        Assert.Equal(mailBefore, (await admin.StatesAsync("mail"))["mail"]);
        await Assert.ThrowsAsync<UnknownModelException>(() => admin.CallAsync($"x_{addon}.note", "search", List()));
    }

    [Fact]
    public async Task Upgrade_applies_new_fields_and_models_without_losing_data()
    {
        var (_, admin) = await NewDatabaseAsync();
        var addon = NewName("notes");
        WriteNotes(addon, "1.0");
        await admin.CallAsync("ir.module.module", "update_list");
        await admin.InstallAsync(addon);
        var noteId = (int)(await admin.CallAsync($"x_{addon}.note", "create", Vals(("name", "Keep me"), ("sequence", 3))))!;

        WriteNotes(addon, "1.1",
            extraFields: """<field name="color" type="integer" default="4"/><field name="tag_id" type="many2one" comodel="x_{ADDON}.tag"/>""".Replace("{ADDON}", addon, StringComparison.Ordinal),
            extraModels: $"""<model name="x_{addon}.tag"><field name="name" type="char" required="1"/></model>""");
        await admin.CallAsync("ir.module.module", "button_immediate_upgrade", List(await admin.ModuleIdAsync(addon)));

        var note = (Dictionary<string, object?>)((List<object?>)(await admin.CallAsync($"x_{addon}.note", "read", List(noteId), List("name", "sequence", "color")))!)[0]!;
        Assert.Equal("Keep me", note["name"]);
        Assert.Equal(3, note["sequence"]);
        Assert.Equal(4, note["color"]);
        var tagId = (int)(await admin.CallAsync($"x_{addon}.tag", "create", Vals(("name", "urgent"))))!;
        await admin.CallAsync($"x_{addon}.note", "write", List(noteId), Vals(("tag_id", tagId)));
        var row = (Dictionary<string, object?>)((List<object?>)(await admin.CallAsync("ir.module.module", "search_read",
            Domain(("name", "=", addon)), List("state", "latest_version")))!)[0]!;
        Assert.Equal("installed", row["state"]);
        Assert.Equal("1.1", row["latest_version"]);
    }
}

[Collection("sqlite")]
public sealed class SqliteOperatorAddonLifecycleTests(SqliteAddonsFixture fixture) : OperatorAddonLifecycleTests(fixture), IClassFixture<SqliteAddonsFixture>;

[Collection("postgres")]
public sealed class PostgresOperatorAddonLifecycleTests(PostgresAddonsFixture fixture) : OperatorAddonLifecycleTests(fixture), IClassFixture<PostgresAddonsFixture>;
