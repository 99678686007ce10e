namespace SaasPortal.Orm.Registry;

/// <summary>The model declarations given to <see cref="ModelRegistry.Build"/> do not make a consistent registry.</summary>
public sealed class ModelDefinitionException(string message) : Exception(message);
