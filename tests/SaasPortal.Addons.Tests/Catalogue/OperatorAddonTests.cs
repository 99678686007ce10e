using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Format;

namespace SaasPortal.Addons.Tests.Catalogue;

public sealed class OperatorAddonTests
{
    [Fact]
    public async Task An_operator_addon_is_read_from_its_folder_with_models_and_data()
    {
        using var folder = new TempDirectory();
        folder.Write("notes/__manifest__.json", """
            {"name": "Notes", "depends": ["base"], "models": ["models/notes.xml"],
             "data": ["security/ir.model.access.csv", "data/notes.xml"]}
            """);
        folder.Write("notes/models/notes.xml", """<models><model name="x_note"><field name="name" type="char" required="1"/></model></models>""");
        folder.Write("notes/security/ir.model.access.csv", "id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink\naccess_note,note,model_x_note,base.group_user,1,1,1,1\n");
        folder.Write("notes/data/notes.xml", """<odoo><record id="welcome" model="x_note"><field name="name">Welcome</field></record></odoo>""");

        var catalogue = await AddonCatalogue.LoadAsync([folder.Path], TestContext.Current.CancellationToken);

        var notes = catalogue.Addons["notes"];
        Assert.Equal("x_note", Assert.Single(notes.Models).Name);
        Assert.Equal(["security/ir.model.access.csv", "data/notes.xml"], notes.Data.Select(d => d.Path));
        Assert.Equal(Path.Combine(folder.Path, "notes"), notes.Directory);
    }

    [Fact]
    public async Task A_broken_addon_is_reported_with_its_cause_and_does_not_hide_the_others()
    {
        using var folder = new TempDirectory();
        folder.Write("good/__manifest__.json", """{"name": "Good"}""");
        folder.Write("broken/__manifest__.json", """{"name": "Broken", "data": ["data/missing.xml"]}""");
        folder.Write("not_an_addon/readme.txt", "no manifest here");

        var catalogue = await AddonCatalogue.LoadAsync([folder.Path], TestContext.Current.CancellationToken);

        Assert.Equal(["good"], catalogue.Addons.Keys);
        Assert.Equal("addon 'broken', data/missing.xml: the file is listed in the manifest but does not exist", catalogue.Problems["broken"]);
    }

    [Fact]
    public async Task The_first_folder_on_the_path_wins()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        first.Write("notes/__manifest__.json", """{"name": "First"}""");
        second.Write("notes/__manifest__.json", """{"name": "Second"}""");
        second.Write("extra/__manifest__.json", """{"name": "Extra"}""");

        var catalogue = await AddonCatalogue.LoadAsync([first.Path, second.Path, "/nonexistent/folder"], TestContext.Current.CancellationToken);

        Assert.Equal("First", catalogue.Addons["notes"].Manifest.Name);
        Assert.True(catalogue.Addons.ContainsKey("extra"));
    }

    [Fact]
    public async Task Two_files_of_one_addon_cannot_both_declare_a_model()
    {
        using var folder = new TempDirectory();
        folder.Write("notes/__manifest__.json", """{"name": "Notes", "models": ["models/a.xml", "models/b.xml"]}""");
        folder.Write("notes/models/a.xml", """<models><model name="x_note"><field name="name" type="char"/></model></models>""");
        folder.Write("notes/models/b.xml", """<models><model name="x_note"><field name="body" type="text"/></model></models>""");

        var catalogue = await AddonCatalogue.LoadAsync([folder.Path], TestContext.Current.CancellationToken);

        Assert.Contains("model 'x_note' is declared in two of this addon's files", catalogue.Problems["notes"], StringComparison.Ordinal);
        Assert.IsType<AddonFormatException>(await Record.ExceptionAsync(
            () => AddonReader.ReadAsync(Path.Combine(folder.Path, "notes"), TestContext.Current.CancellationToken)));
    }
}
