using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Markdown;
using LabSite.Scenarios.Model;
using LabSite.Scenarios.Yaml;
using Markdig.Syntax;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>
/// Turns a fenced <c>```check</c> block (a YAML body) into a <see cref="CheckSpec"/> subtype. The common keys are read
/// here; each kind's own keys by its reader. Errors point into lab.md at the YAML's own line and column.
/// </summary>
public static class CheckBlockReader
{
    public const string FenceInfo = "check";

    /// <summary>Keys every check may have.</summary>
    public static readonly IReadOnlyList<string> CommonKeys = ["id", "kind", "title", "onFail", "beforeSolution", "cluster"];

    private static readonly IReadOnlyDictionary<string, BeforeSolution> s_beforeValues =
        new Dictionary<string, BeforeSolution>(StringComparer.Ordinal) { ["fail"] = BeforeSolution.Fail, ["pass"] = BeforeSolution.Pass, ["any"] = BeforeSolution.Any };

    private delegate CheckSpec? KindReader(CheckHeader header, YamlMapReader reader);

    private static readonly IReadOnlyDictionary<string, (IReadOnlyList<string> Keys, KindReader Read)> s_kinds =
        new Dictionary<string, (IReadOnlyList<string>, KindReader)>(StringComparer.Ordinal)
        {
            ["flow"] = (FlowCheckReader.Keys, FlowCheckReader.Read),
            ["flow-ratio"] = (FlowRatioCheckReader.Keys, FlowRatioCheckReader.Read),
            ["policy-map"] = (PolicyMapCheckReader.Keys, PolicyMapCheckReader.Read),
            ["endpoint"] = (EndpointCheckReader.Keys, EndpointCheckReader.Read),
            ["object"] = (ObjectCheckReader.Keys, ObjectCheckReader.Read),
            ["probe"] = (ProbeCheckReader.Keys, ProbeCheckReader.Read),
            ["answer"] = (AnswerCheckReader.Keys, AnswerCheckReader.Read),
            ["service"] = (ServiceCheckReader.Keys, ServiceCheckReader.Read),
            ["metric"] = (MetricCheckReader.Keys, MetricCheckReader.Read),
            ["runtime"] = (RuntimeCheckReader.Keys, RuntimeCheckReader.Read),
            ["bgp-peer"] = (BgpCheckReaders.PeerKeys, BgpCheckReaders.ReadPeer),
            ["router-route"] = (BgpCheckReaders.RouteKeys, BgpCheckReaders.ReadRoute),
            ["bpf-program"] = (BpfProgramCheckReader.Keys, BpfProgramCheckReader.Read),
            ["auth-entry"] = (AuthEntryCheckReader.Keys, AuthEntryCheckReader.Read),
            ["encryption"] = (EncryptionCheckReader.Keys, EncryptionCheckReader.Read),
        };

    public static IEnumerable<string> KindNames => s_kinds.Keys;

    /// <summary>Reads the check in <paramref name="block"/>; null (with diagnostics) when it is invalid.</summary>
    public static CheckSpec? Read(FencedCodeBlock block, string file, DiagnosticBag bag)
    {
        var fence = new SourceLocation(file, block.Line + 1, block.Column + 1);
        var lines = new List<(int, int)>();
        var text = new List<string>();
        foreach (var line in BlockLines.Of(block))
        {
            lines.Add((line.Line + 1, line.Column));
            text.Add(line.Slice.ToString());
        }

        var source = new YamlSource(file, fence, lines);
        var root = source.Parse(string.Join('\n', text), bag, "check block");
        if (root is null)
        {
            return null;
        }

        if (root is not YamlMappingNode mapping || mapping.Children.Count == 0)
        {
            bag.Error(fence, $"check block must hold YAML keys (id, kind, title, ...); got {YamlMapReader.Describe(root)}");
            return null;
        }

        var errorsBefore = bag.Items.Count;
        var kindName = YamlMapReader.ScalarText(mapping, "kind");
        var idName = YamlMapReader.ScalarText(mapping, "id");
        var context = idName is null ? "check block" : $"check \"{idName}\"";
        s_kinds.TryGetValue(kindName ?? "", out var kind);

        // Without a known kind, the other keys cannot be judged: report the kind and the common keys only.
        var known = kind.Keys is null
            ? [.. CommonKeys, .. mapping.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? "").Where(k => !CommonKeys.Contains(k))]
            : CommonKeys.Concat(kind.Keys).ToList();
        var reader = new YamlMapReader(mapping, source, bag, context, known, missingKeyLocation: fence);

        var id = reader.String("id", required: true);
        if (id is not null && !LabIds.IsValid(id))
        {
            reader.Error("id", $"check id \"{id}\" must use {LabIds.Rule}, like \"{LabIds.Slug(id)}\"");
        }

        var title = reader.String("title", required: true);
        var onFail = reader.String("onFail");
        var before = reader.Enum("beforeSolution", s_beforeValues);
        var cluster = reader.String("cluster");
        if (cluster is not null && LabSite.Clusters.Contract.MeshCluster.NameProblem(cluster) is { } bad)
        {
            reader.Error("cluster", $"\"cluster\" names a cluster of the lab's mesh (front matter clusters:): {bad}");
        }
        var kindText = reader.String("kind", required: true);
        if (kindText is not null && kind.Read is null)
        {
            reader.Error("kind", reader.BadChoice("kind", kindText, s_kinds.Keys));
        }

        if (kind.Read is null)
        {
            return null;
        }

        var check = kind.Read(new CheckHeader(id ?? "", title ?? "", fence, context), reader);
        if (check is null || bag.Items.Count > errorsBefore || id is null || title is null)
        {
            return null;
        }

        return check with { OnFail = onFail, BeforeSolution = before ?? CheckSpec.DefaultBeforeSolution(check), Cluster = cluster };
    }
}

/// <summary>What every check has, handed to the kind readers.</summary>
/// <param name="Context">How the check is named in messages: <c>check "xwing-denied"</c>.</param>
public sealed record CheckHeader(string Id, string Title, SourceLocation Location, string Context);
