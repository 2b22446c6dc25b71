using System.Globalization;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.Metrics;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: metric</c> checks (see docs/authoring.md, "metric").</summary>
public static class MetricCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["metric", "equals", "atLeast", "atMost", "traffic"];

    public static readonly IReadOnlyList<string> TrafficKeys = ["from", "tcp", "http", "dns", "timeout"];

    private static readonly IReadOnlyList<(string Key, MetricComparison Comparison)> s_comparisons =
        [("equals", MetricComparison.EqualTo), ("atLeast", MetricComparison.AtLeast), ("atMost", MetricComparison.AtMost)];

    /// <summary>Label values checked when a selector names them, so a typo cannot make a check that never matches.</summary>
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> s_labelValues = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["reason"] = FlowCheckReader.DropReasons,
        ["verdict"] = Enum.GetNames<Verdict>().Where(v => v != nameof(Verdict.VERDICT_UNKNOWN)).ToList(),
    };

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var selectorText = reader.String("metric", required: true);
        var selector = selectorText is null ? null : ReadSelector(reader, selectorText);
        var comparisons = s_comparisons.Where(c => reader.Has(c.Key)).ToList();
        if (comparisons.Count != 1)
        {
            reader.Bag.Error(comparisons.Count == 0 ? header.Location : reader.KeyLocation(comparisons[1].Key), comparisons.Count == 0
                ? $"{header.Context} must compare the metric with a number: one of equals, atLeast or atMost"
                : $"{header.Context} has both {comparisons[0].Key} and {comparisons[1].Key}; a metric check makes one comparison, so split it into two checks");
            return null;
        }

        var (key, comparison) = comparisons[0];
        var value = ReadNumber(reader, key);
        var traffic = ReadTraffic(header, reader);
        return selector is null || value is null || (reader.Has("traffic") && traffic is null)
            ? null
            : new MetricCheck(header.Id, header.Title, header.Location, selector.Value.Name, selector.Value.Labels, comparison, value.Value, traffic);
    }

    /// <summary><c>name</c> or <c>name{label="value",...}</c> with names and labels from the Hubble metric catalog.</summary>
    private static (string Name, IReadOnlyDictionary<string, string> Labels)? ReadSelector(YamlMapReader reader, string text)
    {
        var (name, labels, problem) = ParseSelector(text.Trim());
        if (problem is not null)
        {
            reader.Error("metric", $"\"metric\" in {reader.Context} must read name or name{{label=\"value\",...}}, like hubble_drop_total{{reason=\"POLICY_DENIED\"}}; {problem}");
            return null;
        }

        if (HubbleMetricCatalog.ForSample(name) is null)
        {
            reader.Error("metric", reader.BadChoice("metric", name, HubbleMetricCatalog.SampleNames));
            return null;
        }

        var known = HubbleMetricCatalog.SampleLabels(name);
        foreach (var (label, value) in labels)
        {
            if (!known.Contains(label))
            {
                reader.Error("metric", $"{name} has no label \"{label}\"; its labels are {string.Join(", ", known)}");
                return null;
            }

            if (s_labelValues.TryGetValue(label, out var allowed) && !allowed.Contains(value))
            {
                reader.Error("metric", $"label {label} of {name} is never \"{value}\"; Hubble writes one of {string.Join(", ", allowed)}");
                return null;
            }
        }

        return (name, labels);
    }

    /// <summary>Splits a selector; the problem says what is wrong in words, null when it reads well.</summary>
    public static (string Name, IReadOnlyDictionary<string, string> Labels, string? Problem) ParseSelector(string text)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var brace = text.IndexOf('{');
        var name = brace < 0 ? text : text[..brace];
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':') || char.IsAsciiDigit(name[0]))
        {
            return (name, labels, $"\"{name}\" is not a metric name");
        }

        if (brace < 0)
        {
            return (name, labels, null);
        }

        if (!text.EndsWith('}'))
        {
            return (name, labels, "the labels must end with }");
        }

        var body = text[(brace + 1)..^1];
        var i = 0;
        while (i < body.Length)
        {
            var eq = body.IndexOf('=', i);
            if (eq < 0)
            {
                return (name, labels, $"\"{body[i..].Trim()}\" is not label=\"value\"");
            }

            var label = body[i..eq].Trim();
            if (label.EndsWith('!') || (eq + 1 < body.Length && body[eq + 1] == '~'))
            {
                return (name, labels, $"only = is supported, not {(label.EndsWith('!') ? "!=" : "=~")} (label {label.TrimEnd('!')})");
            }

            if (label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return (name, labels, $"\"{label}\" is not a label name");
            }

            var open = eq + 1;
            while (open < body.Length && body[open] == ' ')
            {
                open++;
            }

            var close = open < body.Length && body[open] == '"' ? body.IndexOf('"', open + 1) : -1;
            if (close < 0)
            {
                return (name, labels, $"the value of label {label} must be in double quotes");
            }

            if (!labels.TryAdd(label, body[(open + 1)..close]))
            {
                return (name, labels, $"label {label} is given twice");
            }

            i = close + 1;
            while (i < body.Length && body[i] == ' ')
            {
                i++;
            }

            if (i < body.Length && body[i] != ',')
            {
                return (name, labels, $"expected , or }} after label {label}");
            }

            i++;
        }

        return (name, labels, null);
    }

    private static double? ReadNumber(YamlMapReader reader, string key)
    {
        var text = reader.String(key);
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && double.IsFinite(value))
        {
            return value;
        }

        if (text is not null)
        {
            reader.Error(key, $"\"{key}\" in {reader.Context} must be a number of 0 or more, like 0 or 12; got \"{text}\"");
        }

        return null;
    }

    private static MetricTraffic? ReadTraffic(CheckHeader header, YamlMapReader reader)
    {
        var traffic = reader.Mapping("traffic", TrafficKeys);
        if (traffic is null)
        {
            return null;
        }

        var from = PodSelectorReader.Read(traffic, "from", required: true);
        var timeout = traffic.Int("timeout", 1, 30, "a number of seconds") ?? ProbeCheckReader.DefaultTimeoutSeconds;
        var target = ProbeCheckReader.ReadTarget(header, traffic, expect: null);
        return from is null || target is null ? null : new MetricTraffic(from, target, timeout);
    }
}
