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
    /// How deeply groups of different operators ('&amp;' inside '|' inside '!'…) may nest in one domain. Chains of one
    /// operator do not count: they are flattened and balanced, so a thousand ORed terms nest about ten levels.
    /// </summary>
    public const int MaxNesting = 100;

    /// <summary>
    /// Most terms one domain may hold. Each term binds at least one SQL parameter and both backends cap those
    /// (SQLite at 32 766); long lists of values belong in one 'in' term, which travels as a single parameter.
    /// </summary>
    public const int MaxTerms = 10_000;

    /// <summary>
    /// Parses a domain as it arrives on the wire: a list of terms (lists or arrays of field, operator, value) and
    /// the prefix operators '&amp;', '|' and '!'; terms side by side are ANDed. Null, False and [] match everything.
    /// Throws <see cref="ValueErrorException"/> naming the bad term.
    /// </summary>
    /// <remarks>
    /// Reads right to left with an explicit stack, as Odoo's own normalisation does, and balances chains of one
    /// operator: a client's prefix list can be millions of items long, and neither this parser nor the walkers of
    /// the tree (the SQL compiler, SQLite's expression depth limit of 1000) may recurse once per item.
    /// </remarks>
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
        var stack = new Stack<Pending>();
        var terms = 0;
        for (var index = items.Count - 1; index >= 0; index--)
        {
            switch (items[index])
            {
                case "&" or "|" when stack.Count < 2:
                case "!" when stack.Count < 1:
                    throw new ValueErrorException($"Invalid domain {Describe(items)}: an operator lacks its operands");
                case "&":
                    stack.Push(Pending.Combine(isAnd: true, stack.Pop(), stack.Pop()));
                    break;
                case "|":
                    stack.Push(Pending.Combine(isAnd: false, stack.Pop(), stack.Pop()));
                    break;
                case "!":
                    stack.Push(Pending.Negate(stack.Pop()));
                    break;
                case string other:
                    throw new ValueErrorException($"Invalid domain operator '{other}' (use '&', '|' or '!')");
                case IEnumerable when ++terms > MaxTerms:
                    throw new ValueErrorException($"Invalid domain: more than {MaxTerms} terms; put long lists of values in one 'in' term");
                case IEnumerable term:
                    stack.Push(new Pending(ParseLeaf(term.Cast<object?>().ToList())));
                    break;
                default:
                    throw new ValueErrorException($"Invalid domain term {Describe(items[index])}: a term is (field, operator, value)");
            }
        }

        // Terms side by side are ANDed; the stack pops them in the client's order.
        var operands = stack.Select(p => p.Build()).ToList();
        return operands.Count == 0 ? True : Balanced(operands, 0, operands.Count, isAnd: true);
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

    /// <summary>Operands [from, to) joined by one operator as a tree of depth log2(count), in their order.</summary>
    private static Domain Balanced(List<Domain> operands, int from, int to, bool isAnd)
    {
        if (to - from == 1)
        {
            return operands[from];
        }

        var middle = from + ((to - from + 1) / 2);
        var left = Balanced(operands, from, middle, isAnd);
        var right = Balanced(operands, middle, to, isAnd);
        return isAnd ? And(left, right) : Or(left, right);
    }

    /// <summary>
    /// A domain being parsed: a parsed term, a negation, or a flat group of operands joined by one operator (kept
    /// in a linked list so that chains grow at either end in constant time).
    /// </summary>
    private sealed class Pending
    {
        private readonly Domain? _term;
        private readonly Pending? _negated;
        private readonly LinkedList<Pending>? _operands;
        private readonly bool _isAnd;

        public Pending(Domain term) => _term = term;

        private Pending(Pending negated)
        {
            _negated = negated;
            Nesting = negated.Nesting + 1;
        }

        private Pending(bool isAnd, LinkedList<Pending> operands, int nesting)
        {
            _isAnd = isAnd;
            _operands = operands;
            Nesting = nesting;
        }

        /// <summary>Levels of groups and negations below and including this one.</summary>
        public int Nesting { get; }

        public static Pending Combine(bool isAnd, Pending left, Pending right)
        {
            var leftGroup = left._operands is not null && left._isAnd == isAnd ? left._operands : null;
            var rightGroup = right._operands is not null && right._isAnd == isAnd ? right._operands : null;
            LinkedList<Pending> operands;
            if (leftGroup is not null && rightGroup is not null)
            {
                // Move the shorter group into the longer one: n log n over any shape of chain.
                if (leftGroup.Count >= rightGroup.Count)
                {
                    foreach (var operand in rightGroup)
                    {
                        leftGroup.AddLast(operand);
                    }

                    operands = leftGroup;
                }
                else
                {
                    for (var node = leftGroup.Last; node is not null; node = node.Previous)
                    {
                        rightGroup.AddFirst(node.Value);
                    }

                    operands = rightGroup;
                }
            }
            else if (leftGroup is not null)
            {
                leftGroup.AddLast(right);
                operands = leftGroup;
            }
            else if (rightGroup is not null)
            {
                rightGroup.AddFirst(left);
                operands = rightGroup;
            }
            else
            {
                operands = new LinkedList<Pending>([left, right]);
            }

            // A group is one level above its operands; an operand merged into a group of its own operator adds none.
            var nesting = Math.Max(leftGroup is null ? left.Nesting + 1 : left.Nesting, rightGroup is null ? right.Nesting + 1 : right.Nesting);
            return nesting > MaxNesting
                ? throw new ValueErrorException($"Invalid domain: its operators nest deeper than {MaxNesting} levels")
                : new Pending(isAnd, operands, nesting);
        }

        /// <summary>'!' of a '!' is the term itself: chains of negations do not nest.</summary>
        public static Pending Negate(Pending inner) => inner._negated
            ?? (inner.Nesting >= MaxNesting
                ? throw new ValueErrorException($"Invalid domain: its operators nest deeper than {MaxNesting} levels")
                : new Pending(inner));

        public Domain Build()
        {
            if (_term is not null)
            {
                return _term;
            }

            if (_negated is not null)
            {
                return new NotDomain(_negated.Build());
            }

            var operands = _operands!.Select(o => o.Build()).ToList();
            return Balanced(operands, 0, operands.Count, _isAnd);
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
