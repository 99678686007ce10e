using SaasPortal.Orm;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Saas.Provisioning;

/// <summary>The fields of a plan that provisioning needs, read once with the superuser's rights.</summary>
public sealed record PlanSnapshot(
    int Id,
    string Name,
    string? TemplateDatabase,
    string? DatabaseNamePattern,
    int? ServerId,
    int MaxUsers,
    int StorageLimitMegabytes,
    int MaxDatabasesPerPartner,
    int MaxTrialDatabasesPerPartner,
    int ExpirationHours)
{
    private static readonly string[] Fields =
    [
        "name", "template_id", "dbname_template", "server_id", "max_users", "total_storage_limit",
        "maximum_allowed_dbs_per_partner", "maximum_allowed_trial_dbs_per_partner", "expiration",
    ];

    /// <summary>Reads plan <paramref name="planId"/>; a clear error when it does not exist.</summary>
    public static async Task<PlanSnapshot> ReadAsync(OrmEnvironment portal, int planId, CancellationToken cancellationToken)
    {
        var plans = await portal.Sudo()["saas_portal.plan"].Browse(planId).ExistsAsync(cancellationToken);
        if (plans.Count == 0)
        {
            throw new UserErrorException($"Plan {planId} does not exist.");
        }

        var row = (await plans.ReadAsync(Fields, cancellationToken))[0];
        string? template = null;
        if (Wire.Many2oneId(row["template_id"]) is { } templateId)
        {
            template = Wire.Text(await portal.Sudo()["saas_portal.database"].Browse(templateId).GetAsync("name", cancellationToken));
        }

        return new PlanSnapshot(
            planId, Wire.Text(row["name"]) ?? "", template, Wire.Text(row["dbname_template"]), Wire.Many2oneId(row["server_id"]),
            Wire.Integer(row["max_users"]), Wire.Integer(row["total_storage_limit"]), Wire.Integer(row["maximum_allowed_dbs_per_partner"]),
            Wire.Integer(row["maximum_allowed_trial_dbs_per_partner"]), Wire.Integer(row["expiration"]));
    }
}
