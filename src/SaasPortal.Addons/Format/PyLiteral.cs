using System.Globalization;
using System.Text;

namespace SaasPortal.Addons.Format;

/// <summary>
/// A value written in an <c>eval="…"</c> attribute of a data file: the safe subset of Python literals Odoo's data
/// files use (None, booleans, numbers, strings, lists, tuples, dicts, and <c>ref('xmlid')</c>). Nothing is executed.
/// </summary>
public abstract record PyValue;

/// <summary>Python's <c>None</c>.</summary>
public sealed record PyNone : PyValue
{
    /// <summary>The one instance.</summary>
    public static PyNone Instance { get; } = new();
}

/// <summary><c>True</c> or <c>False</c>.</summary>
public sealed record PyBool(bool Value) : PyValue;

/// <summary>A whole number.</summary>
public sealed record PyInt(long Value) : PyValue;

/// <summary>A number with a fraction or exponent.</summary>
public sealed record PyFloat(double Value) : PyValue;

/// <summary>A string literal.</summary>
public sealed record PyString(string Value) : PyValue;

/// <summary><c>ref('module.xmlid')</c>: the database id of a record created by a data file.</summary>
public sealed record PyRef(string XmlId) : PyValue;

/// <summary>A list <c>[…]</c> or tuple <c>(…)</c>; Odoo's x2many commands are tuples in a list.</summary>
public sealed record PyList(IReadOnlyList<PyValue> Items, bool IsTuple) : PyValue
{
    /// <summary>Structural equality, so parsed values compare by content in tests and caches.</summary>
    public bool Equals(PyList? other) =>
        other is not null && IsTuple == other.IsTuple && Items.SequenceEqual(other.Items);

    public override int GetHashCode() => HashCode.Combine(IsTuple, Items.Count);
}

/// <summary>A dict <c>{'key': value}</c> with string keys (the values of an x2many create command).</summary>
public sealed record PyDict(IReadOnlyList<KeyValuePair<string, PyValue>> Entries) : PyValue
{
    public bool Equals(PyDict? other) => other is not null && Entries.SequenceEqual(other.Entries);

    public override int GetHashCode() => Entries.Count;
}

/// <summary>
/// Parses the literal subset of Python that data files may put in <c>eval</c>. Anything else (names, calls other
/// than <c>ref</c>, operators) is refused with the position of the offending text, never evaluated.
/// </summary>
public static class PyLiteralParser
{
    private const int MaxDepth = 32;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming the problem.</summary>
    public static PyValue Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cursor = new Cursor(text);
        var value = cursor.ParseValue(0);
        cursor.SkipSpace();
        if (!cursor.AtEnd)
        {
            throw cursor.Error("unexpected text after the value");
        }

        return value;
    }

    private sealed class Cursor(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public FormatException Error(string problem) =>
            new($"{problem} at position {_pos + 1} of eval \"{text}\" (only literals and ref('xmlid') are allowed)");

        public void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos]))
            {
                _pos++;
            }
        }

        public PyValue ParseValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("nesting too deep");
            }

            SkipSpace();
            if (AtEnd)
            {
                throw Error("a value is missing");
            }

            var c = text[_pos];
            return c switch
            {
                '[' => ParseSequence(']', isTuple: false, depth),
                '(' => ParseSequence(')', isTuple: true, depth),
                '{' => ParseDict(depth),
                '\'' or '"' => new PyString(ParseString()),
                '-' or '+' or '.' or (>= '0' and <= '9') => ParseNumber(),
                _ when char.IsLetter(c) || c == '_' => ParseWord(),
                _ => throw Error($"unexpected '{c}'"),
            };
        }

        private PyValue ParseSequence(char close, bool isTuple, int depth)
        {
            _pos++; // opening bracket
            var items = new List<PyValue>();
            var sawComma = false;
            while (true)
            {
                SkipSpace();
                if (AtEnd)
                {
                    throw Error($"'{close}' is missing");
                }

                if (text[_pos] == close)
                {
                    _pos++;
                    break;
                }

                items.Add(ParseValue(depth + 1));
                SkipSpace();
                if (!AtEnd && text[_pos] == ',')
                {
                    _pos++;
                    sawComma = true;
                    continue;
                }

                SkipSpace();
                if (AtEnd || text[_pos] != close)
                {
                    throw Error($"',' or '{close}' expected");
                }
            }

            // (x) is just x in Python; only (x,) is a one-element tuple.
            if (isTuple && items.Count == 1 && !sawComma)
            {
                return items[0];
            }

            return new PyList(items, isTuple);
        }

        private PyDict ParseDict(int depth)
        {
            _pos++;
            var entries = new List<KeyValuePair<string, PyValue>>();
            while (true)
            {
                SkipSpace();
                if (AtEnd)
                {
                    throw Error("'}' is missing");
                }

                if (text[_pos] == '}')
                {
                    _pos++;
                    return new PyDict(entries);
                }

                if (text[_pos] is not ('\'' or '"'))
                {
                    throw Error("dict keys must be strings");
                }

                var key = ParseString();
                SkipSpace();
                if (AtEnd || text[_pos] != ':')
                {
                    throw Error("':' expected");
                }

                _pos++;
                entries.Add(new(key, ParseValue(depth + 1)));
                SkipSpace();
                if (!AtEnd && text[_pos] == ',')
                {
                    _pos++;
                }
                else if (AtEnd || text[_pos] != '}')
                {
                    throw Error("',' or '}' expected");
                }
            }
        }

        private string ParseString()
        {
            var quote = text[_pos++];
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }

                var c = text[_pos++];
                if (c == quote)
                {
                    return sb.ToString();
                }

                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }

                if (AtEnd)
                {
                    throw Error("unterminated string");
                }

                var e = text[_pos++];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '0': sb.Append('\0'); break;
                    case '\\' or '\'' or '"': sb.Append(e); break;
                    case 'u' when _pos + 4 <= text.Length
                        && int.TryParse(text.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                        sb.Append((char)code);
                        _pos += 4;
                        break;
                    default: throw Error($"unsupported escape '\\{e}'");
                }
            }
        }

        private PyValue ParseNumber()
        {
            var start = _pos;
            if (text[_pos] is '-' or '+')
            {
                _pos++;
            }

            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '_'
                       || (text[_pos] is '-' or '+' && text[_pos - 1] is 'e' or 'E')))
            {
                _pos++;
            }

            var token = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return new PyInt(whole);
            }

            if (token.Any(char.IsAsciiDigit)
                && double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            {
                return new PyFloat(real);
            }

            _pos = start;
            throw Error($"'{token}' is not a number");
        }

        private PyValue ParseWord()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            var word = text[start.._pos];
            switch (word)
            {
                case "True": return new PyBool(true);
                case "False": return new PyBool(false);
                case "None": return PyNone.Instance;
                case "ref":
                    SkipSpace();
                    if (AtEnd || text[_pos] != '(')
                    {
                        throw Error("ref must be called as ref('xmlid')");
                    }

                    _pos++;
                    SkipSpace();
                    if (AtEnd || text[_pos] is not ('\'' or '"'))
                    {
                        throw Error("ref takes one string argument");
                    }

                    var xmlId = ParseString();
                    SkipSpace();
                    if (AtEnd || text[_pos] != ')')
                    {
                        throw Error("')' expected after ref's argument");
                    }

                    _pos++;
                    return new PyRef(xmlId);
                default:
                    _pos = start;
                    throw Error($"'{word}' is not allowed");
            }
        }
    }
}
