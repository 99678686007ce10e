using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Kernel;

/// <summary>
/// The models the ORM itself depends on, declared in C# and belonging to module <c>base</c>. Every registry
/// starts with them; <c>base</c>'s data files (groups, the administrator, access rules) fill them.
/// </summary>
public static class KernelModels
{
    /// <summary>The module the kernel models belong to.</summary>
    public const string Module = "base";

    // Declared before Specs: static fields initialise in text order.
    private static readonly (string, string)[] ModuleStates =
    [
        ("uninstallable", "Uninstallable"), ("uninstalled", "Not Installed"), ("installed", "Installed"),
        ("to upgrade", "To be upgraded"), ("to remove", "To be removed"), ("to install", "To be installed"),
    ];

    /// <summary>The declarations, in dependency-free order (relations may point forward).</summary>
    public static IReadOnlyList<ModelSpec> Specs { get; } =
    [
        Partner(), Users(), Groups(), Company(), Country(), ModuleCategory(), ModelData(), ConfigParameter(), Attachment(),
        IrModel(), IrModelFields(), ModelAccess(), Rule(), ModuleModule(), ModuleDependency(),
    ];

    private static FieldSpec Char(string name, string? label = null) => new() { Name = name, Type = FieldType.Char, Label = label };

    private static FieldSpec Text(string name, string? label = null) => new() { Name = name, Type = FieldType.Text, Label = label };

    private static FieldSpec Bool(string name, string? label = null, bool? defaultValue = null) =>
        new() { Name = name, Type = FieldType.Boolean, Label = label, Default = defaultValue };

    private static FieldSpec Int(string name, string? label = null) => new() { Name = name, Type = FieldType.Integer, Label = label };

    private static FieldSpec M2o(string name, string comodel, string? label = null, string onDelete = "set null") =>
        new() { Name = name, Type = FieldType.Many2one, Comodel = comodel, Label = label, OnDelete = onDelete };

    private static FieldSpec O2m(string name, string comodel, string inverse, string? label = null) =>
        new() { Name = name, Type = FieldType.One2many, Comodel = comodel, InverseName = inverse, Label = label };

    private static FieldSpec M2m(string name, string comodel, string relation, string column1, string column2, string? label = null) =>
        new() { Name = name, Type = FieldType.Many2many, Comodel = comodel, RelationTable = relation, Column1 = column1, Column2 = column2, Label = label };

    private static FieldSpec Selection(string name, string? label, params (string Value, string Label)[] options) =>
        new() { Name = name, Type = FieldType.Selection, Label = label, Selection = [.. options.Select(o => new SelectionOption(o.Value, o.Label))] };

    private static ModelSpec Partner() => new()
    {
        Name = "res.partner",
        Description = "Contact",
        Order = "name, id",
        Fields =
        [
            Char("name") with { Required = true, Index = true },
            Char("ref", "Internal Reference") with { Index = true },
            Char("lang", "Language") with { Default = "en_US" },
            Char("tz", "Timezone"),
            M2o("user_id", "res.users", "Salesperson"),
            Char("vat", "TIN"),
            Char("website"),
            Text("comment", "Notes"),
            Bool("active", defaultValue: true),
            Bool("customer", "Is a Customer", true),
            Bool("supplier", "Is a Vendor", false),
            Bool("employee", defaultValue: false),
            Char("function", "Job Position"),
            Selection("type", "Address Type", ("contact", "Contact"), ("invoice", "Invoice address"), ("delivery", "Shipping address"), ("other", "Other address")) with { Default = "contact" },
            Char("street"),
            Char("street2"),
            Char("zip") with { Size = 24 },
            Char("city"),
            M2o("country_id", "res.country", "Country", "restrict"),
            Char("email"),
            Char("phone"),
            Char("fax"),
            Char("mobile"),
            Bool("is_company", defaultValue: false),
            M2o("parent_id", "res.partner", "Related Company") with { Index = true },
            O2m("child_ids", "res.partner", "parent_id", "Contacts"),
            M2o("company_id", "res.company", "Company") with { Index = true },
            O2m("user_ids", "res.users", "partner_id", "Users"),
            M2o("commercial_partner_id", "res.partner", "Commercial Entity") with { Compute = "res.partner.commercial_partner_id" },
        ],
    };

    private static ModelSpec Users() => new()
    {
        Name = "res.users",
        Description = "Users",
        Order = "login",
        RecName = "name",
        Fields =
        [
            M2o("partner_id", "res.partner", "Related Partner", "restrict") with { Required = true, Index = true },
            Char("name") with { Related = "partner_id.name" },
            Char("email") with { Related = "partner_id.email" },
            Char("login") with { Required = true, Unique = true, Index = true, Help = "Used to log into the system" },
            new FieldSpec
            {
                Name = "password", Type = FieldType.Char, Compute = "res.users.password", HasInverse = true,
                Help = "Write-only: reading gives an empty value. Stored only as an Argon2id hash.",
            },
            Char("password_crypt") with { SystemOnly = true },
            Bool("active", defaultValue: true),
            M2o("company_id", "res.company", "Company") with { Help = "The company this user is currently working for." },
            M2m("company_ids", "res.company", "res_company_users_rel", "user_id", "cid", "Companies"),
            M2m("groups_id", "res.groups", "res_groups_users_rel", "uid", "gid", "Groups"),
            new FieldSpec
            {
                Name = "share", Type = FieldType.Boolean, Label = "Share User", Compute = "res.users.share", Store = true,
                Depends = ["groups_id"], Help = "External user with limited access, created only for the purpose of sharing data.",
            },
            new FieldSpec { Name = "login_date", Type = FieldType.Datetime, Label = "Latest connection", Readonly = true },
            new FieldSpec { Name = "signature", Type = FieldType.Html },
            Char("lang", "Language") with { Related = "partner_id.lang" },
            Char("tz", "Timezone") with { Related = "partner_id.tz" },
            M2o("commercial_partner_id", "res.partner", "Commercial Entity") with { Related = "partner_id.commercial_partner_id" },
        ],
    };

    private static ModelSpec Groups() => new()
    {
        Name = "res.groups",
        Description = "Access Groups",
        Order = "name",
        Fields =
        [
            Char("name", "Name") with { Required = true },
            M2o("category_id", "ir.module.category", "Application") with { Index = true },
            M2m("implied_ids", "res.groups", "res_groups_implied_rel", "gid", "hid", "Inherits") with
            {
                Help = "Users of this group automatically inherit those groups",
            },
            M2m("users", "res.users", "res_groups_users_rel", "gid", "uid", "Users"),
            Text("comment"),
            Bool("share", "Share Group", false),
            Char("full_name", "Group Name") with { Compute = "res.groups.full_name" },
        ],
        Constraints = [new ConstraintSpec("name_uniq", ["category_id", "name"], "The name of the group must be unique within an application!")],
    };

    private static ModelSpec Company() => new()
    {
        Name = "res.company",
        Description = "Companies",
        Order = "name",
        Fields =
        [
            Char("name", "Company Name") with { Required = true, Unique = true },
            M2o("partner_id", "res.partner", "Partner", "restrict"),
            M2o("parent_id", "res.company", "Parent Company") with { Index = true },
            O2m("child_ids", "res.company", "parent_id", "Child Companies"),
            Char("email"),
            Char("phone"),
            Char("website"),
            Char("vat", "Tax ID"),
            M2m("user_ids", "res.users", "res_company_users_rel", "cid", "user_id", "Accepted Users"),
        ],
    };

    private static ModelSpec Country() => new()
    {
        Name = "res.country",
        Description = "Country",
        Order = "name",
        Fields =
        [
            Char("name", "Country Name") with { Required = true },
            Char("code", "Country Code") with { Size = 2, Unique = true, Help = "The ISO country code in two chars." },
            Int("phone_code", "Country Calling Code"),
        ],
    };

    private static ModelSpec ModuleCategory() => new()
    {
        Name = "ir.module.category",
        Description = "Application",
        Order = "name",
        Fields =
        [
            Char("name") with { Required = true, Index = true },
            M2o("parent_id", "ir.module.category", "Parent Application") with { Index = true },
            O2m("child_ids", "ir.module.category", "parent_id", "Child Applications"),
            Text("description"),
            Int("sequence") with { Default = 10 },
            Bool("visible", defaultValue: true),
            O2m("module_ids", "ir.module.module", "category_id", "Modules"),
        ],
    };

    private static ModelSpec ModelData() => new()
    {
        Name = "ir.model.data",
        Description = "Model Data",
        Order = "module, model, name",
        Fields =
        [
            Char("name", "External Identifier") with { Required = true, Index = true },
            Char("module") with { Required = true, Index = true },
            Char("model", "Model Name") with { Required = true },
            Int("res_id", "Record ID") with { Index = true },
            Bool("noupdate", "Non Updatable", false),
        ],
        Constraints = [new ConstraintSpec("name_nospaces", ["module", "name"], "You cannot have multiple records with the same external ID in the same module!")],
    };

    private static ModelSpec ConfigParameter() => new()
    {
        Name = "ir.config_parameter",
        Description = "System Parameter",
        Order = "key",
        RecName = "key",
        Fields =
        [
            Char("key") with { Required = true, Unique = true, Index = true },
            Text("value") with { Required = true },
            M2m("group_ids", "res.groups", "ir_config_parameter_groups_rel", "icp_id", "group_id", "Groups") with
            {
                Help = "When set, only members of these groups (and the superuser) see the parameter.",
            },
        ],
    };

    private static ModelSpec Attachment() => new()
    {
        Name = "ir.attachment",
        Description = "Attachment",
        Order = "id desc",
        Fields =
        [
            Char("name", "Name") with { Required = true },
            Text("description"),
            Char("res_model", "Resource Model") with { Index = true },
            Char("res_field", "Resource Field"),
            Int("res_id", "Resource ID") with { Index = true },
            M2o("company_id", "res.company", "Company"),
            Selection("type", "Type", ("url", "URL"), ("binary", "File")) with { Default = "binary", Required = true },
            Char("url") with { Size = 1024 },
            Bool("public", "Is public document", false),
            new FieldSpec { Name = "datas", Type = FieldType.Binary, Label = "File Content", Compute = "ir.attachment.datas", HasInverse = true },
            Char("store_fname", "Stored Filename") with { Readonly = true },
            Int("file_size", "File Size") with { Readonly = true },
            Char("checksum", "Checksum/SHA256") with { Size = 64, Readonly = true, Index = true },
            Char("mimetype", "Mime Type"),
        ],
    };

    private static ModelSpec IrModel() => new()
    {
        Name = "ir.model",
        Description = "Models",
        Order = "model",
        RecName = "model",
        Fields =
        [
            Char("name", "Model Description") with { Required = true },
            Char("model") with { Required = true, Unique = true, Index = true },
            Text("info", "Information"),
            Selection("state", "Type", ("manual", "Custom Object"), ("base", "Base Object")) with { Default = "base", Readonly = true },
            Char("modules", "In Apps") with { Readonly = true },
            O2m("field_id", "ir.model.fields", "model_id", "Fields"),
            O2m("access_ids", "ir.model.access", "model_id", "Access"),
            O2m("rule_ids", "ir.rule", "model_id", "Record Rules"),
        ],
    };

    private static ModelSpec IrModelFields() => new()
    {
        Name = "ir.model.fields",
        Description = "Fields",
        Order = "name",
        Fields =
        [
            Char("name", "Field Name") with { Required = true, Index = true },
            Char("model", "Object Name") with { Required = true, Index = true },
            M2o("model_id", "ir.model", "Model", "cascade") with { Required = true, Index = true },
            Char("field_description", "Field Label"),
            Char("ttype", "Field Type") with { Required = true },
            Char("relation", "Object Relation"),
            Char("relation_field", "Relation Field"),
            Char("relation_table", "Relation Table"),
            Text("help", "Field Help"),
            Bool("required", defaultValue: false),
            Bool("readonly", defaultValue: false),
            Bool("index", defaultValue: false),
            Bool("store", defaultValue: true),
            Char("related"),
            Char("compute"),
            Char("on_delete", "On Delete"),
            Text("selection", "Selection Options"),
            Char("groups"),
            Char("modules", "In Apps") with { Readonly = true },
        ],
        Constraints = [new ConstraintSpec("name_model_uniq", ["model", "name"], "Field names must be unique per model.")],
    };

    private static ModelSpec ModelAccess() => new()
    {
        Name = "ir.model.access",
        Description = "Model Access",
        Order = "model_id, group_id, name, id",
        Fields =
        [
            Char("name") with { Required = true, Index = true },
            Bool("active", defaultValue: true),
            M2o("model_id", "ir.model", "Object", "cascade") with { Required = true, Index = true },
            M2o("group_id", "res.groups", "Group", "cascade") with { Index = true },
            Bool("perm_read", "Read Access", false),
            Bool("perm_write", "Write Access", false),
            Bool("perm_create", "Create Access", false),
            Bool("perm_unlink", "Delete Access", false),
        ],
    };

    private static ModelSpec Rule() => new()
    {
        Name = "ir.rule",
        Description = "Record Rule",
        Order = "model_id desc, id",
        Fields =
        [
            Char("name") with { Index = true },
            Bool("active", defaultValue: true),
            M2o("model_id", "ir.model", "Object", "cascade") with { Required = true, Index = true },
            M2m("groups", "res.groups", "rule_group_rel", "rule_group_id", "group_id", "Groups"),
            Text("domain_force", "Domain"),
            Bool("perm_read", "Apply for Read", true),
            Bool("perm_write", "Apply for Write", true),
            Bool("perm_create", "Apply for Create", true),
            Bool("perm_unlink", "Apply for Delete", true),
        ],
    };

    private static ModelSpec ModuleModule() => new()
    {
        Name = "ir.module.module",
        Description = "Module",
        Order = "sequence, name",
        Fields =
        [
            Char("name", "Technical Name") with { Required = true, Unique = true, Index = true, Readonly = true },
            Char("shortdesc", "Module Name") with { Readonly = true },
            Char("summary") with { Readonly = true },
            Text("description") with { Readonly = true },
            Char("author") with { Readonly = true },
            Char("website") with { Readonly = true },
            M2o("category_id", "ir.module.category", "Category") with { Readonly = true, Index = true },
            Selection("state", "Status", ModuleStates) with { Default = "uninstalled", Readonly = true, Index = true },
            Char("latest_version", "Installed Version") with { Readonly = true },
            Char("published_version", "Published Version") with { Readonly = true },
            Bool("application", defaultValue: false) with { Readonly = true },
            Char("license") with { Readonly = true, Default = "LGPL-3" },
            O2m("dependencies_id", "ir.module.module.dependency", "module_id", "Dependencies"),
            Int("sequence") with { Default = 100 },
            Bool("auto_install", "Automatic Installation", false),
            Bool("demo", "Demo Data", false),
        ],
    };

    private static ModelSpec ModuleDependency() => new()
    {
        Name = "ir.module.module.dependency",
        Description = "Module dependency",
        Order = "name",
        Fields =
        [
            Char("name") with { Index = true },
            M2o("module_id", "ir.module.module", "Module", "cascade") with { Index = true },
            M2o("depend_id", "ir.module.module", "Dependency") with { Compute = "ir.module.module.dependency.depend_id" },
            Selection("state", "Status", [.. ModuleStates, ("unknown", "Unknown")]) with { Compute = "ir.module.module.dependency.state" },
        ],
    };
}
