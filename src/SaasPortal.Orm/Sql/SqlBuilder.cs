using System.Text;
using SaasPortal.Orm.Errors;
using SaasPortal.Storage.Dialects;

namespace SaasPortal.Orm.Sql;

/// <summary>
/// Accumulates one SQL statement and its parameters. Values only ever enter as parameters; identifiers only
/// through <see cref="Identifier"/>, after the ORM checked them against the registry.
/// </summary>
internal sealed class SqlBuilder(SqlDialect dialect)
{
    private readonly StringBuilder _sql = new(256);

    public SqlDialect Dialect { get; } = dialect;

    public List<object?> Parameters { get; } = [];

    public int Length => _sql.Length;

    public SqlBuilder Append(string sql)
    {
        _sql.Append(sql);
        return this;
    }

    public SqlBuilder Identifier(string name)
    {
        _sql.Append(Dialect.Quote(name));
        return this;
    }

    /// <summary>Appends <c>"alias"."column"</c>.</summary>
    public SqlBuilder Column(string alias, string column)
    {
        _sql.Append(Dialect.Quote(alias)).Append('.').Append(Dialect.Quote(column));
        return this;
    }

    /// <summary>Appends a placeholder bound to <paramref name="value"/>.</summary>
    public SqlBuilder Value(object? value)
    {
        _sql.Append(Placeholder(value));
        return this;
    }

    /// <summary>Registers a parameter and returns its placeholder without appending it.</summary>
    public string Placeholder(object? value)
    {
        RefuseNul(value);
        Parameters.Add(value);
        return Dialect.Parameter(Parameters.Count - 1);
    }

    /// <summary>Appends a parenthesised list of placeholders, one per value.</summary>
    public SqlBuilder ValueList<T>(IEnumerable<T> values)
    {
        _sql.Append('(');
        var first = true;
        foreach (var value in values)
        {
            if (!first)
            {
                _sql.Append(", ");
            }

            first = false;
            Value(value);
        }

        _sql.Append(')');
        return this;
    }

    /// <summary>
    /// Appends <c>expression IN (…)</c>: one placeholder per value for short lists, a single list parameter for long
    /// ones (clients may send tens of thousands of ids; both backends cap the number of parameters).
    /// </summary>
    public SqlBuilder InList(string expression, IReadOnlyList<object> values, bool negate = false)
    {
        if (values.Count <= ShortList)
        {
            _sql.Append(expression).Append(negate ? " NOT IN " : " IN ");
            return ValueList(values);
        }

        foreach (var value in values)
        {
            RefuseNul(value);
        }

        var membership = Dialect.InListParameter(expression, Placeholder(Dialect.ListParameter(values)));
        _sql.Append(negate ? "NOT (" + membership + ")" : membership);
        return this;
    }

    private const int ShortList = 100;

    /// <summary>
    /// PostgreSQL cannot store NUL in text and fails the statement with an encoding error; both backends refuse it
    /// as psycopg2 does for Odoo, with the client's ValueError rather than an internal error.
    /// </summary>
    private static void RefuseNul(object? value)
    {
        if (value is string text && text.Contains('\0', StringComparison.Ordinal))
        {
            throw new ValueErrorException("A string literal cannot contain NUL (0x00) characters.");
        }
    }

    public void Truncate(int length) => _sql.Length = length;

    public override string ToString() => _sql.ToString();
}
