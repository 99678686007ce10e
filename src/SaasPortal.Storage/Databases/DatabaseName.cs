namespace SaasPortal.Storage.Databases;

/// <summary>The rule for database names, checked at the edge and again before any file or server is touched.</summary>
public static class DatabaseName
{
    /// <summary>Longest name allowed: PostgreSQL's identifier limit.</summary>
    public const int MaxLength = 63;

    /// <summary>True when <paramref name="name"/> is lowercase letters, digits, '-', '_' and '.', starts with a letter or digit, has no "..", and is at most 63 characters.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.'))
            {
                return false;
            }
        }

        return !name.Contains("..", StringComparison.Ordinal) && !name.EndsWith('.');
    }

    /// <summary>Throws <see cref="ArgumentException"/> with a message a user can act on when the name is not valid.</summary>
    public static string Validate(string? name)
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"Invalid database name '{name}': use at most {MaxLength} lowercase letters, digits, '-', '_' or '.', starting with a letter or digit.",
                nameof(name));
        }

        return name!;
    }
}
