using System.Text;

namespace LabSite.Shell.Kubectl;

/// <summary>
/// <c>kubectl explain KIND[.field...]</c> for the lab's kinds, in kubectl's layout (GROUP/KIND/VERSION, DESCRIPTION,
/// FIELDS). The descriptions are our own short summaries of each field, not the API server's schema text.
/// </summary>
internal sealed class ExplainVerb : IKubectlVerb
{
    private sealed record Field(string Name, string Type, string Description, Field[]? Children = null);

    private static readonly Field[] s_objectFields =
    [
        new("apiVersion", "string", "The versioned schema of this object, e.g. v1, apps/v1 or cilium.io/v2."),
        new("kind", "string", "The type of this object, in CamelCase."),
        new("metadata", "ObjectMeta", "Name, namespace, labels and annotations of the object.",
        [
            new("name", "string", "Unique within a namespace; required when creating."),
            new("namespace", "string", "The namespace of a namespaced object; \"default\" when omitted."),
            new("labels", "map[string]string", "Key/value pairs that selectors (services, policies, deployments) match on."),
            new("annotations", "map[string]string", "Unstructured key/value metadata, not used for selection."),
        ]),
    ];

    private static readonly Field[] s_peerRule =
    [
        new("fromEndpoints", "[]Object", "Pods (by label selector) allowed to connect; scoped to the policy's namespace unless a namespace label is given."),
        new("fromEntities", "[]string", "Special peers: world, cluster, host, remote-node, kube-apiserver, all ..."),
        new("fromCIDR", "[]string", "IP ranges allowed to connect."),
        new("fromCIDRSet", "[]Object", "IP ranges with exceptions (cidr, except)."),
        new("toPorts", "[]Object", "Ports and protocols the rule allows, optionally with L7 rules (http, dns)."),
        new("icmps", "[]Object", "ICMP types allowed."),
    ];

    private static readonly Field[] s_egressRule =
    [
        new("toEndpoints", "[]Object", "Pods (by label selector) this endpoint may connect to."),
        new("toEntities", "[]string", "Special peers: world, cluster, host, kube-apiserver, all ..."),
        new("toCIDR", "[]string", "IP ranges this endpoint may connect to."),
        new("toFQDNs", "[]Object", "DNS names (matchName, matchPattern) this endpoint may connect to; needs a DNS rule."),
        new("toServices", "[]Object", "Kubernetes services this endpoint may connect to."),
        new("toPorts", "[]Object", "Ports and protocols the rule allows, optionally with L7 rules (http, dns)."),
    ];

    private static readonly Field[] s_ciliumRule =
    [
        new("description", "string", "Free text shown with the policy."),
        new("endpointSelector", "Object", "Selects the endpoints (pods) the rule applies to, by labels (matchLabels, matchExpressions)."),
        new("nodeSelector", "Object", "Selects nodes for host policies (clusterwide policies only)."),
        new("ingress", "[]Object", "Allow rules for incoming traffic. Any ingress section puts the selected endpoints in ingress default-deny.", s_peerRule),
        new("ingressDeny", "[]Object", "Deny rules for incoming traffic; deny wins over allow.", s_peerRule),
        new("egress", "[]Object", "Allow rules for outgoing traffic. Any egress section puts the selected endpoints in egress default-deny.", s_egressRule),
        new("egressDeny", "[]Object", "Deny rules for outgoing traffic; deny wins over allow.", s_egressRule),
        new("enableDefaultDeny", "Object", "Whether this rule turns on default-deny for ingress and egress (both true when omitted)."),
        new("labels", "[]Object", "Labels identifying the rule."),
    ];

    private static readonly Dictionary<string, (string Description, Field[] Fields)> s_kinds = new()
    {
        ["Pod"] = ("A group of containers sharing a network namespace: one endpoint with one IP in the lab cluster.",
            [.. s_objectFields, new("spec", "PodSpec", "Containers (name, image, ports, command, args) and scheduling."), new("status", "PodStatus", "Phase, IPs, conditions and container states, set by the cluster.")]),
        ["Service"] = ("A stable virtual IP and DNS name in front of the pods its selector matches.",
            [.. s_objectFields, new("spec", "ServiceSpec", "selector, ports (port, targetPort, protocol), type (ClusterIP, NodePort)."), new("status", "ServiceStatus", "Load balancer state.")]),
        ["Deployment"] = ("Keeps a number of identical pods running from a template, through ReplicaSets.",
            [.. s_objectFields, new("spec", "DeploymentSpec", "replicas, selector and the pod template."), new("status", "DeploymentStatus", "Replica counts observed by the cluster.")]),
        ["ReplicaSet"] = ("Keeps a number of pods matching its selector; owned by a Deployment.",
            [.. s_objectFields, new("spec", "ReplicaSetSpec", "replicas, selector and the pod template."), new("status", "ReplicaSetStatus", "Replica counts.")]),
        ["Endpoints"] = ("The addresses and ports of the ready pods behind a service.",
            [.. s_objectFields, new("subsets", "[]EndpointSubset", "Addresses and ports.")]),
        ["Namespace"] = ("A scope for names, and the unit Cilium adds to every endpoint's identity labels.",
            [.. s_objectFields, new("spec", "NamespaceSpec", "Finalizers."), new("status", "NamespaceStatus", "Phase: Active or Terminating.")]),
        ["ConfigMap"] = ("Configuration data as key/value pairs.", [.. s_objectFields, new("data", "map[string]string", "The configuration entries.")]),
        ["DaemonSet"] = ("One pod per node; the Cilium agent runs as the DaemonSet kube-system/cilium.", [.. s_objectFields, new("spec", "DaemonSetSpec", "selector and pod template.")]),
        ["NetworkPolicy"] = ("A Kubernetes network policy; Cilium enforces it like an equivalent CiliumNetworkPolicy.",
            [.. s_objectFields, new("spec", "NetworkPolicySpec", "podSelector, policyTypes, ingress (from, ports) and egress (to, ports).")]),
        ["CiliumNetworkPolicy"] = ("A namespaced Cilium policy: L3 (identities, CIDRs, entities), L4 (ports) and L7 (HTTP, DNS) rules for the endpoints its endpointSelector selects.",
            [.. s_objectFields, new("spec", "Object", "One rule.", s_ciliumRule), new("specs", "[]Object", "Several rules.", s_ciliumRule), new("status", "Object", "Per-node enforcement status.")]),
        ["CiliumClusterwideNetworkPolicy"] = ("A cluster-scoped Cilium policy: like a CiliumNetworkPolicy, but its selectors match endpoints of every namespace, and it may select nodes.",
            [.. s_objectFields, new("spec", "Object", "One rule.", s_ciliumRule), new("specs", "[]Object", "Several rules.", s_ciliumRule), new("status", "Object", "Per-node enforcement status.")]),
    };

    public string Name => "explain";

    public KubectlFlags.Spec Flags() => KubectlRun.Common().Bool("recursive");

    public async Task<int> RunAsync(KubectlRun run)
    {
        if (run.Flags.Positionals.Count != 1)
        {
            throw new KubectlException("error: We accept only this format: explain RESOURCE");
        }
        var path = run.Flags.Positionals[0].Split('.');
        var kind = KubectlRun.Kind(path[0]);
        var (description, fields) = s_kinds[kind.Kind];
        var fieldPath = new List<string>();
        Field? field = null;
        foreach (var part in path.Skip(1))
        {
            field = fields.FirstOrDefault(f => f.Name == part)
                ?? throw new KubectlException($"error: field \"{part}\" does not exist");
            fieldPath.Add(part);
            description = field.Description;
            fields = field.Children ?? [];
        }
        var text = new StringBuilder();
        if (kind.Group.Length > 0)
        {
            text.Append($"GROUP:      {kind.Group}\n");
        }
        text.Append($"KIND:       {kind.Kind}\nVERSION:    {kind.Version}\n\n");
        if (field is not null)
        {
            text.Append($"FIELD: {field.Name} <{field.Type}>\n\n");
        }
        text.Append($"DESCRIPTION:\n    {description}\n    \n");
        if (fields.Length > 0)
        {
            text.Append("FIELDS:\n");
            foreach (var f in fields)
            {
                text.Append($"  {f.Name}\t<{f.Type}>\n    {f.Description}\n\n");
            }
        }
        await run.Out.WriteAsync(text.ToString().TrimEnd('\n') + "\n\n");
        return 0;
    }
}
