using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Flows;

/// <summary>
/// A small JSON builder that writes exactly what Hubble's <c>-o jsonpb</c> writes: Go protojson output passed
/// through encoding/json's Encoder, which compacts it and escapes &lt; &gt; &amp; U+2028 U+2029 as \u00XX.
/// Zero values are skipped by the <c>…IfSet</c> helpers, as protojson omits them.
/// </summary>
internal sealed class JsonText
{
    private readonly StringBuilder _sb = new();
    private readonly Stack<bool> _first = new();

    public JsonText BeginObject(string? name = null)
    {
        Name(name);
        _sb.Append('{');
        _first.Push(true);
        return this;
    }

    public JsonText EndObject()
    {
        _sb.Append('}');
        _first.Pop();
        return this;
    }

    public JsonText BeginArray(string name)
    {
        Name(name);
        _sb.Append('[');
        _first.Push(true);
        return this;
    }

    public JsonText EndArray()
    {
        _sb.Append(']');
        _first.Pop();
        return this;
    }

    public void String(string name, string value)
    {
        if (value.Length > 0)
        {
            Name(name);
            Quote(value);
        }
    }

    public void StringElement(string value)
    {
        Name(null);
        Quote(value);
    }

    /// <summary>An array element or member written as is (a number, true, false), zero values included.</summary>
    public void Literal(string? name, string raw)
    {
        Name(name);
        _sb.Append(raw);
    }

    public void Number(string name, long value)
    {
        if (value != 0)
        {
            Name(name);
            _sb.Append(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>64-bit integers are strings in protojson.</summary>
    public void Uint64(string name, ulong value)
    {
        if (value != 0)
        {
            Name(name);
            _sb.Append('"').Append(value.ToString(CultureInfo.InvariantCulture)).Append('"');
        }
    }

    public void Bool(string name, bool value)
    {
        if (value)
        {
            Name(name);
            _sb.Append("true");
        }
    }

    /// <summary>A google.protobuf.BoolValue: written whenever set, false included.</summary>
    public void BoolValue(string name, bool? value)
    {
        if (value is { } v)
        {
            Name(name);
            _sb.Append(v ? "true" : "false");
        }
    }

    public void Enum<T>(string name, T value)
        where T : struct, Enum
    {
        if (Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0)
        {
            Name(name);
            Quote(value.ToString());
        }
    }

    public void StringList(string name, IReadOnlyCollection<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        BeginArray(name);
        foreach (var v in values)
        {
            StringElement(v);
        }
        EndArray();
    }

    /// <summary>RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits, as protojson formats a Timestamp.</summary>
    public void Timestamp(string name, Timestamp ts)
    {
        if (ts.IsZero)
        {
            return;
        }
        Name(name);
        _sb.Append('"').Append(FormatTimestamp(ts)).Append('"');
    }

    public static string FormatTimestamp(Timestamp ts)
    {
        var t = DateTimeOffset.FromUnixTimeSeconds(ts.Seconds).UtcDateTime;
        var text = t.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
        var nanos = ts.Nanos;
        var frac = nanos == 0 ? ""
            : nanos % 1_000_000 == 0 ? "." + (nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture)
            : nanos % 1_000 == 0 ? "." + (nanos / 1_000).ToString("D6", CultureInfo.InvariantCulture)
            : "." + nanos.ToString("D9", CultureInfo.InvariantCulture);
        return text + frac + "Z";
    }

    public override string ToString() => _sb.ToString();

    /// <summary>Writes the separator and, inside an object, the key.</summary>
    public void Name(string? name)
    {
        if (_first.Count > 0)
        {
            if (!_first.Peek())
            {
                _sb.Append(',');
            }
            _first.Pop();
            _first.Push(false);
        }
        if (name is not null)
        {
            Quote(name);
            _sb.Append(':');
        }
    }

    private void Quote(string s)
    {
        _sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    _sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default: _sb.Append(c); break;
            }
        }
        _sb.Append('"');
    }
}
