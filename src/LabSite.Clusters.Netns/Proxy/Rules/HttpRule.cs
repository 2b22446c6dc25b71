using System.Text.RegularExpressions;
using LabSite.Clusters.Netns.Proxy.Http;

namespace LabSite.Clusters.Netns.Proxy.Rules;

/// <summary>
/// One <c>rules.http[]</c> entry of a CiliumNetworkPolicy <c>toPorts</c> section. Every field set must match; an
/// empty field matches anything, so <c>{}</c> allows every request (and still makes the proxy report flows).
/// <list type="bullet">
/// <item><c>method</c>: regex over the whole method, e.g. <c>GET|HEAD</c>.</item>
/// <item><c>path</c>: regex over the whole path as Envoy's <c>:path</c> holds it, query included, so
/// <c>/v1/request-landing</c> does not match <c>/v1/request-landing?x=1</c> and <c>/v1/.*</c> allows a subtree.</item>
/// <item><c>host</c>: regex over the whole Host header (port included when the client sent one).</item>
/// <item><c>headers</c>: <c>"Name"</c> (present) or <c>"Name value"</c> / <c>"Name: value"</c> (exact value).</item>
/// <item><c>headerMatches</c>: see <see cref="HeaderMatch"/>.</item>
/// </list>
/// </summary>
public sealed class HttpRule
{
    private readonly Regex? _method;
    private readonly Regex? _path;
    private readonly Regex? _host;
    private readonly IReadOnlyList<HeaderMatch> _required;

    private HttpRule(string method, string path, string host, IReadOnlyList<string> headers, IReadOnlyList<HeaderMatch> headerMatches, string fieldPath)
    {
        (Method, Path, Host, Headers, HeaderMatches) = (method, path, host, headers, headerMatches);
        this._method = method.Length == 0 ? null : PosixRegex.Compile(method, $"{fieldPath}.method");
        this._path = path.Length == 0 ? null : PosixRegex.Compile(path, $"{fieldPath}.path");
        this._host = host.Length == 0 ? null : PosixRegex.Compile(host, $"{fieldPath}.host");
        _required = [.. headers.Select((h, i) => ParseHeader(h, $"{fieldPath}.headers[{i}]")), .. headerMatches.Where(m => m.Mismatch == HeaderMismatchAction.None)];
        for (var i = 0; i < headerMatches.Count; i++)
        {
            if (!HttpHeadParser.IsToken(headerMatches[i].Name))
            {
                throw new L7RuleException($"{fieldPath}.headerMatches[{i}].name", $"'{headerMatches[i].Name}' is not a valid header name");
            }

            if (headerMatches[i].Mismatch is HeaderMismatchAction.Add or HeaderMismatchAction.Replace && headerMatches[i].Value.Length == 0)
            {
                throw new L7RuleException($"{fieldPath}.headerMatches[{i}].value", $"mismatch {headerMatches[i].Mismatch.ToString().ToUpperInvariant()} needs a value to set");
            }
        }
    }

    public string Method { get; }

    public string Path { get; }

    public string Host { get; }

    public IReadOnlyList<string> Headers { get; }

    public IReadOnlyList<HeaderMatch> HeaderMatches { get; }

    /// <summary>The rule that allows everything (<c>http: [{}]</c>).</summary>
    public static readonly HttpRule Any = Create();

    /// <summary>Builds and compiles a rule; bad regexes or headers throw <see cref="L7RuleException"/> naming the field under <paramref name="fieldPath"/>.</summary>
    public static HttpRule Create(
        string? method = null, string? path = null, string? host = null, IReadOnlyList<string>? headers = null,
        IReadOnlyList<HeaderMatch>? headerMatches = null, string fieldPath = "http[0]") =>
        new(method ?? "", path ?? "", host ?? "", headers ?? [], headerMatches ?? [], fieldPath);

    /// <summary>True when the request satisfies every field; header actions of mismatching <c>headerMatches</c> are added to <paramref name="actions"/>.</summary>
    public bool Matches(HttpRequestHead request, List<HeaderMatch> actions)
    {
        if (_method?.IsMatch(request.Method) == false || _path?.IsMatch(request.PathAndQuery) == false || _host?.IsMatch(request.Host) == false)
        {
            return false;
        }

        foreach (var r in _required)
        {
            if (!HeaderSatisfied(request.Headers, r))
            {
                return false;
            }
        }

        foreach (var m in HeaderMatches)
        {
            if (m.Mismatch != HeaderMismatchAction.None && !HeaderSatisfied(request.Headers, m))
            {
                actions.Add(m);
            }
        }

        return true;
    }

    private static bool HeaderSatisfied(HttpHeaderList headers, HeaderMatch m) =>
        m.Value.Length == 0 ? headers.Contains(m.Name) : headers.GetAll(m.Name).Any(v => v == m.Value);

    /// <summary>Cilium splits a <c>headers</c> entry at the first space; a trailing ':' on the name is dropped.</summary>
    private static HeaderMatch ParseHeader(string entry, string fieldPath)
    {
        var parts = entry.Trim().Split(' ', 2);
        var name = parts[0].TrimEnd(':');
        if (!HttpHeadParser.IsToken(name))
        {
            throw new L7RuleException(fieldPath, $"'{entry}' must be 'Name' or 'Name: value' with a valid header name");
        }

        return new HeaderMatch(name, parts.Length == 2 ? parts[1].Trim() : "");
    }

    public override string ToString() =>
        $"{{method: '{Method}', path: '{Path}', host: '{Host}', headers: [{string.Join(", ", Headers)}], headerMatches: {HeaderMatches.Count}}}";
}
