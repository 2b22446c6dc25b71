using System.Globalization;
using System.Text;

namespace LabSite.Clusters.Contract.Metrics;

/// <summary>One sample line of the Prometheus text format: <c>name{label="value",...} 12</c>.</summary>
public sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>How PromQL writes the series: <c>hubble_drop_total{protocol="TCP",reason="POLICY_DENIED"}</c>.</summary>
    public string Series => PrometheusText.Series(Name, Labels);
}

/// <summary>
/// Reads the Prometheus text exposition format 0.0.4 (what a <c>/metrics</c> endpoint serves, Hubble's included):
/// comment lines, then one sample per line with optional labels, a value and an optional timestamp. Whatever
/// backend serves the metrics, the grader reads them through this one reader.
/// </summary>
public static class PrometheusText
{
    /// <summary>The Content-Type of the format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Every sample in <paramref name="text"/>; a malformed line throws <see cref="FormatException"/> naming its number.</summary>
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<MetricSample>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            try
            {
                samples.Add(ParseLine(line));
            }
            catch (FormatException e)
            {
                throw new FormatException($"metrics line {lineNumber}: {e.Message}: {line}", e);
            }
        }

        return samples;
    }

    /// <summary>The series as PromQL writes it, labels sorted by name: <c>name{a="1",b="2"}</c>, or the bare name.</summary>
    public static string Series(string name, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            return name;
        }

        var parts = labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{Escape(l.Value)}\"");
        return $"{name}{{{string.Join(",", parts)}}}";
    }

    /// <summary>A label value escaped as the format requires (backslash, double quote, newline).</summary>
    public static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static MetricSample ParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && IsNameChar(line[i], i == 0))
        {
            i++;
        }

        if (i == 0)
        {
            throw new FormatException("a sample must start with a metric name");
        }

        var name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i = ParseLabels(line, i + 1, labels);
        }

        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length is < 1 or > 2)
        {
            throw new FormatException("expected a value (and an optional timestamp) after the series");
        }

        return new MetricSample(name, labels, ParseValue(rest[0]));
    }

    private static int ParseLabels(string line, int i, Dictionary<string, string> labels)
    {
        while (true)
        {
            while (i < line.Length && (line[i] == ' ' || line[i] == ','))
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i + 1;
            }

            var start = i;
            while (i < line.Length && IsNameChar(line[i], i == start) && line[i] != ':')
            {
                i++;
            }

            if (i == start || i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"')
            {
                throw new FormatException("labels must read name=\"value\"");
            }

            var key = line[start..i];
            i += 2;
            var value = new StringBuilder();
            while (i < line.Length && line[i] != '"')
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] switch { 'n' => '\n', var c => c });
                }
                else
                {
                    value.Append(line[i]);
                }

                i++;
            }

            if (i >= line.Length)
            {
                throw new FormatException($"the value of label {key} is not closed with \"");
            }

            if (!labels.TryAdd(key, value.ToString()))
            {
                throw new FormatException($"label {key} appears twice");
            }

            i++;
        }
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new FormatException($"\"{text}\" is not a number"),
    };

    private static bool IsNameChar(char c, bool first) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' or ':' || (!first && c is >= '0' and <= '9');
}
