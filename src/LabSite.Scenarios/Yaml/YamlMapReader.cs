using System.Globalization;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Yaml;

/// <summary>
/// Reads typed values from one YAML mapping and reports every problem in words an author understands:
/// unknown keys (with the closest known one), missing keys, wrong types and bad enum values.
/// Each accessor reports at most one diagnostic and returns null/empty on error, so loading goes on.
/// </summary>
public sealed class YamlMapReader
{
    private readonly YamlMappingNode _map;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);

    // Known keys already offered as "did you mean" for a misspelt key: their "missing" error would only repeat it.
    private readonly HashSet<string> _suggested = new(StringComparer.Ordinal);

    /// <param name="context">How the mapping is named in messages, e.g. "front matter" or "check \"xwing-denied\"".</param>
    /// <param name="knownKeys">Every key this mapping may hold; any other key is reported.</param>
    public YamlMapReader(YamlMappingNode map, YamlSource source, DiagnosticBag bag, string context, IReadOnlyList<string> knownKeys, SourceLocation? missingKeyLocation = null)
    {
        _map = map;
        Source = source;
        Bag = bag;
        Context = context;
        MissingKeyLocation = missingKeyLocation ?? (map.Children.Count > 0 ? source.At(map) : source.Origin);
        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } scalarKey)
            {
                bag.Error(source.At(keyNode), $"{context} has a key that is not plain text; keys are words like \"{knownKeys[0]}\"");
                continue;
            }

            if (!knownKeys.Contains(key))
            {
                var suggestion = ClosestMatch.Find(key, knownKeys);
                if (suggestion is not null)
                {
                    _suggested.Add(suggestion);
                }

                bag.Error(source.At(keyNode), suggestion is null
                    ? $"unknown key \"{key}\" in {context}; known keys: {string.Join(", ", knownKeys)}"
                    : $"unknown key \"{key}\" in {context}; did you mean \"{suggestion}\"?");
                continue;
            }

            _entries[key] = (scalarKey, value);
        }
    }

    public YamlSource Source { get; }

    public DiagnosticBag Bag { get; }

    public string Context { get; }

    /// <summary>Where "missing key" errors point: the mapping's first key, or the block that should hold it.</summary>
    public SourceLocation MissingKeyLocation { get; }

    public bool Has(string key) => _entries.ContainsKey(key);

    public YamlNode? Node(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Where the key is written, or where the mapping starts if it is absent.</summary>
    public SourceLocation KeyLocation(string key) =>
        _entries.TryGetValue(key, out var entry) ? Source.At(entry.Key) : MissingKeyLocation;

    /// <summary>Where the key's value is written (the key itself when the value is empty or a mapping).</summary>
    public SourceLocation ValueLocation(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return MissingKeyLocation;
        }

        // A block mapping starts on the next line at its first key; the author thinks of the key that holds it.
        return IsEmpty(entry.Value) || entry.Value is YamlMappingNode { Style: not MappingStyle.Flow } ? Source.At(entry.Key) : Source.At(entry.Value);
    }

    public void Error(string key, string message) => Bag.Error(ValueLocation(key), message);

    public void Missing(string key)
    {
        if (!_suggested.Contains(key))
        {
            Bag.Error(MissingKeyLocation, $"{Context} is missing required key \"{key}\"");
        }
    }

    /// <summary>A non-empty text value. Numbers and booleans are accepted as their text.</summary>
    public string? String(string key, bool required = false)
    {
        if (!Present(key, required, out var node))
        {
            return null;
        }

        if (node is YamlScalarNode scalar && !IsEmpty(scalar))
        {
            return scalar.Value;
        }

        Error(key, $"\"{key}\" in {Context} must be text; got {Describe(node)}");
        return null;
    }

    public int? Int(string key, int min, int max, string what, bool required = false)
    {
        if (!Present(key, required, out var node))
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        Error(key, $"\"{key}\" in {Context} must be {what} from {min} to {max}; got {Describe(node)}");
        return null;
    }

    public bool? Bool(string key)
    {
        if (!Present(key, required: false, out var node))
        {
            return null;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Error(key, $"\"{key}\" in {Context} must be true or false; got {Describe(node)}");
        return null;
    }

    /// <summary>One of a fixed set of words; the error lists them all.</summary>
    public T? Enum<T>(string key, IReadOnlyDictionary<string, T> values, bool required = false)
        where T : struct
    {
        var text = String(key, required);
        if (text is null)
        {
            return null;
        }

        if (values.TryGetValue(text, out var value))
        {
            return value;
        }

        Error(key, BadChoice(key, text, values.Keys));
        return null;
    }

    public string BadChoice(string key, string got, IEnumerable<string> allowed)
    {
        var list = allowed.ToList();
        var suggestion = ClosestMatch.Find(got, list);
        var hint = suggestion is null ? "" : $" (did you mean \"{suggestion}\"?)";
        return $"\"{key}\" in {Context} must be one of {string.Join(", ", list)}; got \"{got}\"{hint}";
    }

    /// <summary>A list of texts; a single text is accepted as a list of one.</summary>
    public IReadOnlyList<(string Value, SourceLocation Location)> StringList(string key, bool required = false)
    {
        if (!Present(key, required, out var node))
        {
            return [];
        }

        if (node is YamlScalarNode scalar && !IsEmpty(scalar))
        {
            return [(scalar.Value!, Source.At(scalar))];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(key, $"\"{key}\" in {Context} must be a list like [a, b]; got {Describe(node)}");
            return [];
        }

        var items = new List<(string, SourceLocation)>();
        foreach (var item in sequence)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value })
            {
                items.Add((value, Source.At(item)));
            }
            else
            {
                Bag.Error(Source.At(item), $"each item of \"{key}\" in {Context} must be text; got {Describe(item)}");
            }
        }

        return items;
    }

    /// <summary>A mapping of text to text, such as Kubernetes labels; <paramref name="example"/> shows one entry in errors.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string key, bool required = false, string example = "org: empire")
    {
        if (!Present(key, required, out var node))
        {
            return null;
        }

        if (node is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            Error(key, $"\"{key}\" in {Context} must be a mapping like {{{example}}}; got {Describe(node)}");
            return null;
        }

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { Length: > 0 } name } && v is YamlScalarNode { Value: { Length: > 0 } text })
            {
                result[name] = text;
            }
            else
            {
                Bag.Error(Source.At(k), $"\"{key}\" in {Context} must map text to text (like {example}); the entry here is {Describe(v)}");
                return null;
            }
        }

        return result;
    }

    /// <summary>A list whose items the caller reads (e.g. one mapping per item); <paramref name="itemExample"/> shows one item.</summary>
    public YamlSequenceNode? Sequence(string key, string itemExample, bool required = false)
    {
        if (!Present(key, required, out var node))
        {
            return null;
        }

        if (node is YamlSequenceNode sequence)
        {
            return sequence;
        }

        Error(key, $"\"{key}\" in {Context} must be a list of items like \"- {itemExample}\"; got {Describe(node)}");
        return null;
    }

    /// <summary>A nested mapping, read with its own known keys.</summary>
    public YamlMapReader? Mapping(string key, IReadOnlyList<string> knownKeys, bool required = false)
    {
        if (!Present(key, required, out var node))
        {
            return null;
        }

        if (node is YamlMappingNode mapping && mapping.Children.Count > 0)
        {
            return new YamlMapReader(mapping, Source, Bag, $"\"{key}\" of {Context}", knownKeys);
        }

        Error(key, $"\"{key}\" in {Context} must be a mapping with keys among {string.Join(", ", knownKeys)}; got {Describe(node)}");
        return null;
    }

    /// <summary>How a value reads to an author: text "x", a number, a list, a mapping, nothing.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode scalar when IsEmpty(scalar) => "nothing",
        YamlScalarNode { Style: ScalarStyle.Plain, Value: { } v } when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _) => $"the number {v}",
        YamlScalarNode { Value: { } v } => $"\"{v}\"",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "something else",
    };

    /// <summary>A key's non-empty text, read before a reader exists (e.g. the id that names the mapping in messages).</summary>
    public static string? ScalarText(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value }
            ? value
            : null;

    public static bool IsEmpty(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private bool Present(string key, bool required, out YamlNode node)
    {
        if (_entries.TryGetValue(key, out var entry) && !IsEmpty(entry.Value))
        {
            node = entry.Value;
            return true;
        }

        node = null!;
        if (required)
        {
            if (_entries.ContainsKey(key))
            {
                Bag.Error(ValueLocation(key), $"\"{key}\" in {Context} is empty; give it a value");
            }
            else
            {
                Missing(key);
            }
        }

        return false;
    }
}
