using System.Globalization;
using System.Text;
using SaasPortal.Orm.Domains;
using SaasPortal.Orm.Errors;
using SaasPortal.Orm.Records;
using SaasPortal.Orm.Schema;

namespace SaasPortal.Orm.Access;

/// <summary>
/// Evaluates a record rule's <c>domain_force</c> as a restricted Python literal: lists, tuples, strings, numbers,
/// True/False/None and attribute chains on <c>user</c> (<c>user.id</c>, <c>user.partner_id.id</c>,
/// <c>user.company_id.id</c>, <c>user.commercial_partner_id.id</c>, <c>user.groups_id.ids</c>, and any other
/// chain of the user's fields). Nothing is executed: any other name, call or operator is refused.
/// </summary>
internal sealed class RuleEvaluator(OrmEnvironment sudoEnv, int uid)
{
    public async Task<Domain> EvaluateAsync(string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Domain.True;
        }

        object? literal;
        try
        {
            literal = new Parser(text).ParseDocument();
        }
        catch (FormatException e)
        {
            throw new ValueErrorException($"Invalid record rule domain {text.Trim()}: {e.Message}");
        }

        var value = await ResolveAsync(literal, cancellationToken);
        return Domain.Parse(value);
    }

    private async Task<object?> ResolveAsync(object? node, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case UserPath path:
                return await EvaluatePathAsync(path.Attributes, cancellationToken);
            case List<object?> list:
                var result = new List<object?>(list.Count);
                foreach (var item in list)
                {
                    result.Add(await ResolveAsync(item, cancellationToken));
                }

                return result;
            default:
                return node;
        }
    }

    private async Task<object?> EvaluatePathAsync(IReadOnlyList<string> attributes, CancellationToken cancellationToken)
    {
        var model = sudoEnv.Registry["res.users"];
        IReadOnlyList<int> ids = [uid];
        for (var i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            var last = i == attributes.Count - 1;
            if (attribute == "id" && last)
            {
                return ids.Count > 0 ? ids[0] : false;
            }

            if (attribute == "ids" && last)
            {
                return ids.Cast<object?>().ToList();
            }

            var field = model.FindField(attribute);
            if (field is null || field.SystemOnly)
            {
                throw new ValueErrorException($"Invalid record rule: '{attribute}' is not a field of '{model.Name}'");
            }

            var rows = await new RecordSet(sudoEnv, model, ids).ReadAsync([attribute], cancellationToken);
            if (!field.IsRelational)
            {
                if (!last)
                {
                    throw new ValueErrorException($"Invalid record rule: '{attribute}' of '{model.Name}' has no attributes");
                }

                return rows.Count > 0 ? rows[0][attribute] : false;
            }

            var next = new List<int>();
            foreach (var row in rows)
            {
                if (field.Type == FieldType.Many2one)
                {
                    if (Values.TryGetId(row[attribute], out var id))
                    {
                        next.Add(id);
                    }
                }
                else if (row[attribute] is List<object?> list)
                {
                    next.AddRange(list.Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)));
                }
            }

            ids = next.Distinct().ToList();
            model = sudoEnv.Registry[field.Comodel!];
            if (last)
            {
                // A record used as a value stands for its id (or its ids), as Odoo's domains convert it.
                return field.Type == FieldType.Many2one ? (ids.Count > 0 ? ids[0] : false) : ids.Cast<object?>().ToList();
            }
        }

        return uid;
    }

    private sealed record UserPath(IReadOnlyList<string> Attributes);

    /// <summary>A recursive-descent parser of the literal subset; throws <see cref="FormatException"/>.</summary>
    private sealed class Parser(string text)
    {
        private int _position;

        public object? ParseDocument()
        {
            var value = ParseValue(0);
            SkipSpace();
            if (_position != text.Length)
            {
                throw new FormatException($"unexpected '{text[_position]}' at position {_position}");
            }

            return value;
        }

        private object? ParseValue(int depth)
        {
            if (depth > 32)
            {
                throw new FormatException("nested too deeply");
            }

            SkipSpace();
            if (_position >= text.Length)
            {
                throw new FormatException("unexpected end");
            }

            var c = text[_position];
            switch (c)
            {
                case '[':
                    return ParseSequence(']', depth);
                case '(':
                    return ParseSequence(')', depth);
                case '\'' or '"':
                    return ParseString(c);
            }

            if (c == '-' || char.IsAsciiDigit(c))
            {
                return ParseNumber();
            }

            if (char.IsAsciiLetter(c) || c == '_')
            {
                var name = ParseName();
                switch (name)
                {
                    case "True": return true;
                    case "False": return false;
                    case "None": return null;
                    case "user":
                        var attributes = new List<string>();
                        while (_position < text.Length && text[_position] == '.')
                        {
                            _position++;
                            attributes.Add(ParseName());
                        }

                        return new UserPath(attributes);
                    default:
                        throw new FormatException($"name '{name}' is not allowed (only literals and user.<field> chains)");
                }
            }

            throw new FormatException($"unexpected '{c}' at position {_position}");
        }

        private List<object?> ParseSequence(char close, int depth)
        {
            _position++;
            var items = new List<object?>();
            while (true)
            {
                SkipSpace();
                if (_position < text.Length && text[_position] == close)
                {
                    _position++;
                    return items;
                }

                items.Add(ParseValue(depth + 1));
                SkipSpace();
                if (_position < text.Length && text[_position] == ',')
                {
                    _position++;
                    continue;
                }

                if (_position < text.Length && text[_position] == close)
                {
                    _position++;
                    return items;
                }

                throw new FormatException($"expected ',' or '{close}' at position {_position}");
            }
        }

        private string ParseString(char quote)
        {
            _position++;
            var builder = new StringBuilder();
            while (_position < text.Length && text[_position] != quote)
            {
                var c = text[_position++];
                if (c == '\\' && _position < text.Length)
                {
                    var escaped = text[_position++];
                    builder.Append(escaped switch { 'n' => '\n', 't' => '\t', _ => escaped });
                }
                else
                {
                    builder.Append(c);
                }
            }

            if (_position >= text.Length)
            {
                throw new FormatException("unterminated string");
            }

            _position++;
            return builder.ToString();
        }

        private object ParseNumber()
        {
            var start = _position;
            if (text[_position] == '-')
            {
                _position++;
            }

            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '.'))
            {
                _position++;
            }

            var token = text[start.._position];
            if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            {
                return i;
            }

            return double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new FormatException($"bad number '{token}'");
        }

        private string ParseName()
        {
            var start = _position;
            while (_position < text.Length && (char.IsAsciiLetterOrDigit(text[_position]) || text[_position] == '_'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw new FormatException($"expected a name at position {start}");
        }

        private void SkipSpace()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }
    }
}
