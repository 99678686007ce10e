using System.Collections;
using System.Globalization;
using SaasPortal.Orm.Errors;

namespace SaasPortal.Orm.Domains;

/// <summary>A parsed domain: a tree of AND/OR/NOT over leaves, as Odoo's prefix lists describe it.</summary>
public abstract record Domain
{
    /// <summary>The domain that matches every record (<c>[]</c>).</summary>
    public static Domain True { get; } = new ConstantDomain(true);

    /// <summary>The domain that matches no record.</summary>
    public static Domain False { get; } = new ConstantDomain(false);

    /// <summary>Both domains.</summary>
    public static Domain And(Domain left, Domain right) =>
        left == True ? right : right == True ? left : left == False || right == False ? False : new AndDomain(left, right);

    /// <summary>Either domain.</summary>
    public static Domain Or(Domain left, Domain right) =>
        left == False ? right : right == False ? left : left == True || right == True ? True : new OrDomain(left, right);

    /// <summary>A single term.</summary>
    public static Domain Leaf(string path, string op, object? value) => new LeafDomain(path, op, value);

    /// <summary>
    /// Parses a domain as it arrives on the wire: a list of terms (lists or arrays of field, operator, value) and
    /// the prefix operators '&amp;', '|' and '!'; terms side by side are ANDed. Null, False and [] match everything.
    /// Throws <see cref="ValueErrorException"/> naming the bad term.
    /// </summary>
    public static Domain Parse(object? domain)
    {
        switch (domain)
        {
            case null or false:
                return True;
            case Domain parsed:
                return parsed;
            case string or not IEnumerable:
                throw new ValueErrorException($"Invalid domain {Describe(domain)}: a domain is a list of terms");
        }

        var items = ((IEnumerable)domain).Cast<object?>().ToList();
        var index = 0;
        var result = True;
        while (index < items.Count)
        {
            result = And(result, ParseExpression(items, ref index));
        }

        return result;
    }

    /// <summary>All leaves of the domain.</summary>
    public IEnumerable<LeafDomain> Leaves() => this switch
    {
        LeafDomain leaf => [leaf],
        AndDomain a => a.Left.Leaves().Concat(a.Right.Leaves()),
        OrDomain o => o.Left.Leaves().Concat(o.Right.Leaves()),
        NotDomain n => n.Inner.Leaves(),
        _ => [],
    };

    private static Domain ParseExpression(List<object?> items, ref int index)
    {
        if (index >= items.Count)
        {
            throw new ValueErrorException($"Invalid domain {Describe(items)}: an operator lacks its operands");
        }

        var item = items[index++];
        switch (item)
        {
            case "&":
                {
                    var left = ParseExpression(items, ref index);
                    return new AndDomain(left, ParseExpression(items, ref index));
                }

            case "|":
                {
                    var left = ParseExpression(items, ref index);
                    return new OrDomain(left, ParseExpression(items, ref index));
                }

            case "!":
                return new NotDomain(ParseExpression(items, ref index));
            case string other:
                throw new ValueErrorException($"Invalid domain operator '{other}' (use '&', '|' or '!')");
            case IEnumerable term:
                return ParseLeaf(term.Cast<object?>().ToList());
            default:
                throw new ValueErrorException($"Invalid domain term {Describe(item)}: a term is (field, operator, value)");
        }
    }

    private static Domain ParseLeaf(List<object?> term)
    {
        if (term.Count != 3)
        {
            throw new ValueErrorException($"Invalid domain term {Describe(term)}: a term is (field, operator, value)");
        }

        if (term[1] is not string rawOperator)
        {
            throw new ValueErrorException($"Invalid domain term {Describe(term)}: the operator must be a string");
        }

        var op = rawOperator.ToLowerInvariant() switch
        {
            "<>" => "!=",
            var o => o,
        };
        if (!LeafDomain.Operators.Contains(op))
        {
            throw new ValueErrorException($"Invalid operator '{rawOperator}' in domain term {Describe(term)}");
        }

        // Odoo's TRUE_LEAF (1, '=', 1) and FALSE_LEAF (0, '=', 1).
        if (term[0] is int or long && op == "=" && term[2] is int or long)
        {
            var left = Convert.ToInt64(term[0], CultureInfo.InvariantCulture);
            var right = Convert.ToInt64(term[2], CultureInfo.InvariantCulture);
            if (right == 1 && left is 0 or 1)
            {
                return left == 1 ? True : False;
            }
        }

        if (term[0] is not string { Length: > 0 } path)
        {
            throw new ValueErrorException($"Invalid domain term {Describe(term)}: the field must be a name");
        }

        return new LeafDomain(path, op, term[2]);
    }

    /// <summary>A Python-like rendering of a wire value for messages.</summary>
    internal static string Describe(object? value)
    {
        var text = value switch
        {
            null => "None",
            bool b => b ? "True" : "False",
            string s => "'" + s + "'",
            IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Take(10).Select(Describe)) + "]",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return text.Length > 200 ? text[..200] + "…" : text;
    }
}

/// <summary>The domain matching everything or nothing.</summary>
public sealed record ConstantDomain(bool Value) : Domain;

/// <summary>Both operands.</summary>
public sealed record AndDomain(Domain Left, Domain Right) : Domain;

/// <summary>Either operand.</summary>
public sealed record OrDomain(Domain Left, Domain Right) : Domain;

/// <summary>The negation of the operand.</summary>
public sealed record NotDomain(Domain Inner) : Domain;

/// <summary>One term: a (possibly dotted) field path, an operator and a value.</summary>
public sealed record LeafDomain(string Path, string Operator, object? Value) : Domain
{
    /// <summary>Every operator a term may use (after '&lt;&gt;' became '!=').</summary>
    public static readonly IReadOnlySet<string> Operators = new HashSet<string>(
        ["=", "!=", ">", ">=", "<", "<=", "=?", "like", "not like", "ilike", "not ilike", "=like", "=ilike", "in", "not in", "child_of", "parent_of"],
        StringComparer.Ordinal);

    /// <summary>Operators whose match includes records with no value.</summary>
    public static readonly IReadOnlySet<string> Negative = new HashSet<string>(["!=", "not like", "not ilike", "not in"], StringComparer.Ordinal);

    /// <summary>The positive counterpart of a negative operator.</summary>
    public static string Positive(string op) => op switch
    {
        "!=" => "=",
        "not like" => "like",
        "not ilike" => "ilike",
        "not in" => "in",
        _ => op,
    };

    /// <inheritdoc />
    public override string ToString() => $"('{Path}', '{Operator}', {Describe(Value)})";
}
