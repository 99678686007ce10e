using SaasPortal.Orm.Errors;

namespace SaasPortal.Api.Services;

/// <summary>Maps the ORM's Odoo exceptions (which carry the Python name and fault code) to service faults.</summary>
internal static class OrmFaults
{
    public static ServiceException? TryMap(Exception exception) => exception is OdooException odoo
        ? new ServiceException(odoo.PythonName, odoo.FaultCode, odoo.Message)
        : null;
}
