using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;
using YamlDotNet.RepresentationModel;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: flow-ratio</c> checks (see docs/authoring.md, "flow-ratio"): a flow filter without <c>to</c>, and the split.</summary>
public static class FlowRatioCheckReader
{
    /// <summary>Without <c>minCount</c>: this many flows in all before a share means anything.</summary>
    public const int DefaultMinCount = 20;

    public const int DefaultTolerance = 10;

    public static readonly IReadOnlyList<string> Keys =
        [.. FlowCheckReader.Keys.Where(k => k is not ("to" or "expect")), "split", "tolerance"];

    private static readonly IReadOnlyList<string> s_shareKeys = ["to", "share"];

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var split = ReadSplit(header, reader);
        var tolerance = reader.Int("tolerance", 0, 50, "a number of percentage points");
        if (FlowCheckReader.Read(header, reader) is not FlowCheck flow || split is null)
        {
            return null;
        }
        var minCount = reader.Has("minCount") ? flow.MinCount : DefaultMinCount;
        return new FlowRatioCheck(header.Id, header.Title, header.Location, flow.Filter, split, tolerance ?? DefaultTolerance, minCount, flow.Window);
    }

    private static List<FlowShare>? ReadSplit(CheckHeader header, YamlMapReader reader)
    {
        var list = reader.Sequence("split", "{to: {labels: {version: v1}}, share: 90}", required: true);
        if (list is null)
        {
            return null;
        }
        var shares = new List<FlowShare>();
        var ok = true;
        for (var i = 0; i < list.Children.Count; i++)
        {
            var node = list.Children[i];
            var context = $"split item {i + 1} of {header.Context}";
            if (node is not YamlMappingNode map)
            {
                reader.Bag.Error(reader.Source.At(node), $"{context} must be a mapping with to and share; got {YamlMapReader.Describe(node)}");
                ok = false;
                continue;
            }
            var item = new YamlMapReader(map, reader.Source, reader.Bag, context, s_shareKeys, missingKeyLocation: reader.Source.At(map));
            var to = PodSelectorReader.Read(item, "to", required: true);
            var share = item.Int("share", 0, 100, "a percentage", required: true);
            if (to is null || share is null)
            {
                ok = false;
                continue;
            }
            shares.Add(new FlowShare(to, share.Value));
        }
        if (!ok)
        {
            return null;
        }
        if (shares.Count < 2)
        {
            reader.Error("split", $"\"split\" in {header.Context} needs at least two destinations to compare; got {shares.Count}");
            return null;
        }
        if (shares.Sum(s => s.Share) != 100)
        {
            reader.Error("split", $"the shares in \"split\" of {header.Context} add up to {shares.Sum(s => s.Share)}; they must add up to 100");
            return null;
        }
        return shares;
    }
}
