using System.Text;
using SaasPortal.Addons.Catalogue;
using SaasPortal.Addons.Modules;
using SaasPortal.Orm.Registry;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Bench;

/// <summary>
/// The baseline of a module install: CREATE TABLE statements for exactly the tables installing some modules adds to
/// a database that has base and web (their models' tables and relation tables, same columns and types, prefixed
/// <c>plain_</c> so they never meet the real ones), with no indexes, keys, metadata or data.
/// </summary>
internal static class PlainModuleTables
{
    private static readonly string[] Installed = ["base", "web"];

    /// <summary>The DDL script and how many tables it creates.</summary>
    public static (string Sql, int Tables) For(AddonCatalogue catalogue, SqlDialect dialect, IReadOnlyList<string> modules)
    {
        var before = Registry(catalogue, Installed);
        var after = Registry(catalogue, new DependencyResolver(catalogue).InstallOrder(modules, new HashSet<string>(Installed)).Concat(Installed));
        var sql = new StringBuilder();
        var tables = 0;
        foreach (var model in after.Models.Where(m => !before.Contains(m.Name)))
        {
            sql.Append("CREATE TABLE ").Append(dialect.Quote("plain_" + model.Table)).Append(" (").Append(dialect.PrimaryKeyColumn);
            foreach (var field in model.Fields.Where(f => f.HasColumn && f.Name != "id"))
            {
                sql.Append(", ").Append(dialect.Quote(field.Name)).Append(' ').Append(dialect.ColumnType(field.ColumnType));
            }

            sql.Append(");\n");
            tables++;
        }

        foreach (var relation in after.Models.SelectMany(m => m.Fields).Select(f => f.Relation).OfType<RelationInfo>().DistinctBy(r => r.Table)
                     .Where(r => !before.Models.SelectMany(m => m.Fields).Any(f => f.Relation?.Table == r.Table)))
        {
            sql.Append("CREATE TABLE ").Append(dialect.Quote("plain_" + relation.Table)).Append(" (")
                .Append(dialect.Quote(relation.Column1)).Append(" integer NOT NULL, ").Append(dialect.Quote(relation.Column2))
                .Append(" integer NOT NULL, PRIMARY KEY (").Append(dialect.Quote(relation.Column1)).Append(", ")
                .Append(dialect.Quote(relation.Column2)).Append("));\n");
            tables++;
        }

        return (sql.ToString(), tables);
    }

    private static ModelRegistry Registry(AddonCatalogue catalogue, IEnumerable<string> names) =>
        ModelRegistry.Build(names.Distinct().Select(n => catalogue.Find(n)!)
            .SelectMany(a => a.Models.Select(m => (a.Name, m)))
            .OrderBy(d => d.Name == "base" ? 0 : 1), null);
}
