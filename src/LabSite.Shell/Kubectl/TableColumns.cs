using LabSite.Clusters.Contract.Kubernetes.Tables;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;

namespace LabSite.Shell.Kubectl;

/// <summary>The columns <c>kubectl get</c> prints for one kind, given <c>-o wide</c>, <c>-A</c>, <c>--show-labels</c>.</summary>
internal sealed record TableColumns(IReadOnlyList<string> Headers, Func<KubeObject, IReadOnlyList<string>> Row)
{
    public static TableColumns For(KubectlRun run, ResourceKind kind, bool wide, bool prefixNames)
    {
        var table = ResourceTables.For(kind);
        var headers = new List<string>(table.Headers);
        if (wide)
        {
            headers.AddRange(table.WideHeaders);
        }
        var namespaceColumn = run.AllNamespaces && kind.Namespaced;
        if (namespaceColumn)
        {
            headers.Insert(0, "NAMESPACE");
        }
        var labels = run.Flags.Has("show-labels");
        if (labels)
        {
            headers.Add("LABELS");
        }
        return new(headers, o =>
        {
            var row = new List<string>(table.Row(o, run.Now));
            if (prefixNames)
            {
                row[0] = $"{kind.QualifiedSingular}/{row[0]}";
            }
            if (wide)
            {
                row.AddRange(table.Wide(o, run.Now));
            }
            if (namespaceColumn)
            {
                row.Insert(0, o.Namespace ?? "");
            }
            if (labels)
            {
                row.Add(KubeJson.Labels(KubeJson.At(o.Json, "metadata", "labels")));
            }
            return row;
        });
    }
}
