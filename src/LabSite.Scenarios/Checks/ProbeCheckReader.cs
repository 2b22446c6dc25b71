using System.Globalization;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: probe</c> checks (see docs/authoring.md, "probe").</summary>
public static class ProbeCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["from", "tcp", "http", "dns", "expect", "timeout"];

    public static readonly IReadOnlyList<string> HttpKeys = ["method", "url", "code", "body"];

    private static readonly IReadOnlyList<string> s_targets = ["tcp", "http", "dns"];

    public static readonly IReadOnlyDictionary<string, ProbeExpectation> Expectations = new Dictionary<string, ProbeExpectation>
    {
        ["success"] = ProbeExpectation.Success,
        ["denied"] = ProbeExpectation.Denied,
        ["timeout"] = ProbeExpectation.Timeout,
    };

    public const int DefaultTimeoutSeconds = 3;

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var from = PodSelectorReader.Read(reader, "from", required: true);
        var expect = reader.Enum("expect", Expectations, required: true);
        var timeout = reader.Int("timeout", 1, 30, "a number of seconds") ?? DefaultTimeoutSeconds;
        var target = ReadTarget(header, reader, expect);
        return from is null || expect is null || target is null
            ? null
            : new ProbeCheck(header.Id, header.Title, header.Location, from, target, expect.Value, timeout);
    }

    /// <summary>
    /// What to try: exactly one of <c>tcp</c>, <c>http</c> or <c>dns</c> in <paramref name="reader"/>'s mapping (a probe
    /// check, or the <c>traffic</c> of a metric check, which passes no expectation).
    /// </summary>
    public static ProbeTarget? ReadTarget(CheckHeader header, YamlMapReader reader, ProbeExpectation? expect)
    {
        var targets = s_targets.Where(reader.Has).ToList();
        if (targets.Count != 1)
        {
            var where = targets.Count == 0 ? reader.MissingKeyLocation : reader.KeyLocation(targets[1]);
            reader.Bag.Error(where, targets.Count == 0
                ? $"{reader.Context} must say what to try: one of tcp: host:port, http: {{url: ...}} or dns: name"
                : $"{reader.Context} tries both {targets[0]} and {targets[1]}; a probe tries one thing, so split it into two checks");
            return null;
        }

        return targets[0] switch
        {
            "tcp" => ReadTcp(header, reader),
            "http" => ReadHttp(header, reader, expect),
            _ => reader.String("dns") is { } name ? new DnsProbe(name) : null,
        };
    }

    private static TcpProbe? ReadTcp(CheckHeader header, YamlMapReader reader)
    {
        var text = reader.String("tcp");
        if (text is null)
        {
            return null;
        }

        var colon = text.LastIndexOf(':');
        if (colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
        {
            return new TcpProbe(text[..colon], port);
        }

        reader.Error("tcp", $"\"tcp\" of {header.Context} must be host:port, like deathstar:80; got \"{text}\"");
        return null;
    }

    private static HttpProbe? ReadHttp(CheckHeader header, YamlMapReader reader, ProbeExpectation? expect)
    {
        var http = reader.Mapping("http", HttpKeys);
        if (http is null)
        {
            return null;
        }

        var method = http.String("method") ?? "GET";
        if (!HttpMethods.All.Contains(method))
        {
            http.Error("method", http.BadChoice("method", method, HttpMethods.All));
        }

        var url = http.String("url", required: true);
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            http.Error("url", $"\"url\" of {header.Context} must be a full http:// or https:// address, like http://deathstar.default.svc.cluster.local/v1/request-landing; got \"{url}\"");
        }

        var code = http.Int("code", 100, 599, "an HTTP status code");
        var body = http.String("body");
        foreach (var key in new[] { "code", "body" }.Where(http.Has))
        {
            if (expect is not null and not ProbeExpectation.Success)
            {
                http.Error(key, $"{header.Context} expects {reader.String("expect")}, so there is no response to compare; \"{key}\" only goes with expect: success");
            }
        }

        return url is null ? null : new HttpProbe(method, url, code, body);
    }
}
