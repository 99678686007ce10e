using System.Globalization;

namespace SaasPortal.Security.Tests.Fuzzing;

/// <summary>
/// How many generated cases each property runs: a few hundred in the test command, many more with
/// <c>SAASPORTAL_FUZZ_CASES</c> (the long run of docs/security.md).
/// </summary>
internal static class FuzzSettings
{
    public const string Variable = "SAASPORTAL_FUZZ_CASES";

    public static int Cases { get; } =
        int.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;
}
