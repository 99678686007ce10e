namespace SaasPortal.Bench.Http;

/// <summary>What the provisioning verb measured, handed to a caller such as the <c>all</c> suite.</summary>
internal sealed record ProvisioningMeasurement(int Calls, double MedianMs, double P99Ms, double RawCopyMedianMs, double RawCopyP99Ms);

/// <summary>
/// What the tenants-memory verb measured, handed over while its server still runs (so the caller can look at the
/// process, e.g. count its open database files).
/// </summary>
internal sealed record TenantMemoryMeasurement(int Tenants, long BaselineBytes, long IdleBytes, int ServerProcessId);
