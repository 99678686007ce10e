using System.Security.Cryptography;
using System.Text;
using SaasPortal.Orm.Registry;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Sql;

/// <summary>
/// Names of the indexes and constraints the ORM creates, kept within 63 characters (PostgreSQL would silently
/// truncate longer ones, and the ORM must find them again to map violations and to drop them).
/// </summary>
internal static class SchemaNames
{
    public static string UniqueIndex(Model model, string field) => Fit($"{model.Table}_{field}_uniq");

    public static string Index(Model model, string field) => Fit($"{model.Table}_{field}_index");

    public static string Constraint(Model model, ConstraintSpec constraint) => Fit($"{model.Table}_{constraint.Name}");

    public static string ForeignKey(string table, string column) => Fit($"{table}_{column}_fkey");

    public static string RelationIndex(RelationInfo relation) => Fit($"{relation.Table}_{relation.Column2}_index");

    public static string Fit(string name)
    {
        if (name.Length <= 63)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..54] + "_" + hash;
    }
}
