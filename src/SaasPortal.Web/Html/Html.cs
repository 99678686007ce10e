using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace SaasPortal.Web.Html;

/// <summary>
/// A fragment of markup that is already safe to emit. Pages build it only through <see cref="Markup.Of"/>, whose
/// interpolation holes are HTML-encoded unless they are themselves <see cref="HtmlText"/>, so escaping is the
/// default and forgetting it is not possible.
/// </summary>
public readonly record struct HtmlText(string Value)
{
    /// <summary>No markup.</summary>
    public static readonly HtmlText Empty = new(string.Empty);

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;
}

/// <summary>Builds <see cref="HtmlText"/> from interpolated strings: literals stay as written, holes are encoded.</summary>
[InterpolatedStringHandler]
public ref struct MarkupHandler
{
    private readonly StringBuilder _builder;

    /// <summary>Called by the compiler.</summary>
    public MarkupHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + formattedCount * 16);

    /// <summary>A literal part of the template: trusted markup.</summary>
    public readonly void AppendLiteral(string value) => _builder.Append(value);

    /// <summary>A hole: encoded unless it is markup already; sequences of markup are concatenated.</summary>
    public readonly void AppendFormatted<T>(T value, string? format = null)
    {
        switch (value)
        {
            case null:
                break;
            case HtmlText html:
                _builder.Append(html.Value);
                break;
            case IEnumerable<HtmlText> many:
                foreach (var item in many)
                {
                    _builder.Append(item.Value);
                }

                break;
            case IFormattable formattable:
                _builder.Append(HtmlEncoder.Default.Encode(formattable.ToString(format, CultureInfo.InvariantCulture)));
                break;
            default:
                _builder.Append(HtmlEncoder.Default.Encode(value.ToString() ?? string.Empty));
                break;
        }
    }

    internal readonly HtmlText Build() => new(_builder.ToString());
}

/// <summary>Entry point of the templates.</summary>
public static class Markup
{
    /// <summary>Markup from an interpolated template whose holes are encoded.</summary>
    public static HtmlText Of(MarkupHandler handler) => handler.Build();

    /// <summary>Markup for each item, concatenated.</summary>
    public static HtmlText Each<T>(IEnumerable<T> items, Func<T, HtmlText> render) =>
        new(string.Concat(items.Select(item => render(item).Value)));

    /// <summary>Markup only when <paramref name="condition"/> holds.</summary>
    public static HtmlText If(bool condition, Func<HtmlText> render) => condition ? render() : HtmlText.Empty;
}
