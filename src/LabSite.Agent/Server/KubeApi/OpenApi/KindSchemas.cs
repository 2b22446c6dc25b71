using System.Text.Json.Nodes;
using LabSite.Clusters.Contract.Kubernetes;
using static LabSite.Agent.Server.KubeApi.OpenApi.Schema;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>
/// The schema of every kind the lab's API serves (<see cref="KubeApiKinds.All"/>): what <c>/openapi/v3</c> publishes,
/// what <c>kubectl explain</c> prints and what <c>fieldValidation=Strict</c> checks. Status is free-form: the lab writes it.
/// </summary>
internal static class KindSchemas
{
    private static readonly Dictionary<ResourceKind, JsonObject> s_schemas = KubeApiKinds.All.ToDictionary(k => k, Build);

    /// <summary>The schema of <paramref name="kind"/>'s objects (shared; do not change it).</summary>
    public static JsonObject For(ResourceKind kind) => s_schemas[kind];

    /// <summary><c>io.k8s.api.core.v1.Pod</c>, <c>io.cilium.v2.CiliumNetworkPolicy</c>: the component name, as kube-apiserver names them.</summary>
    public static string ComponentName(ResourceKind kind) => kind.Group switch
    {
        "" => $"io.k8s.api.core.{kind.Version}.{kind.Kind}",
        "cilium.io" => $"io.cilium.{kind.Version}.{kind.Kind}",
        "gateway.networking.k8s.io" => $"io.k8s.networking.gateway.{kind.Version}.{kind.Kind}",
        var g => $"io.k8s.api.{g.Split('.')[0]}.{kind.Version}.{kind.Kind}",
    };

    private static JsonObject Build(ResourceKind kind)
    {
        var (description, fields) = Body(kind);
        var all = new List<(string, JsonObject)>
        {
            ("apiVersion", Str("Version of the schema the object uses; the server converts to it.")),
            ("kind", Str("The object's kind, in CamelCase.")),
            ("metadata", CoreSchemas.ObjectMeta()),
        };
        all.AddRange(fields);
        var schema = Obj(description, [], [.. all]);
        schema["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = kind.Group, ["version"] = kind.Version, ["kind"] = kind.Kind });
        return schema;
    }

    private static JsonObject Status(string description) => Free(description);

    private static (string Description, (string, JsonObject)[] Fields) Body(ResourceKind kind)
    {
        if (kind == ResourceKinds.Pod)
        {
            return ("A group of containers sharing a network namespace: the unit a lab runs and policies select.",
                [("spec", CoreSchemas.PodSpec()), ("status", Status("Observed state: phase, conditions, addresses, container states."))]);
        }
        if (kind == ResourceKinds.Service)
        {
            return ("A stable virtual address and name for a set of pods, load-balanced by the datapath.",
                [("spec", CoreSchemas.ServiceSpec()), ("status", Status("Observed state of the Service."))]);
        }
        if (kind == ResourceKinds.Deployment)
        {
            return ("Keeps a number of identical pods running from a template, through ReplicaSets.",
                [("spec", CoreSchemas.DeploymentSpec()), ("status", Status("Observed state: replicas, ready and available counts, conditions."))]);
        }
        if (kind == ResourceKinds.ReplicaSet || kind == ResourceKinds.DaemonSet)
        {
            return (kind == ResourceKinds.ReplicaSet ? "Keeps a number of pods from one template revision of a Deployment." : "Runs one pod per node.",
                [("spec", CoreSchemas.ReplicaSetSpec()), ("status", Status("Observed state: replica counts."))]);
        }
        if (kind == ResourceKinds.Namespace)
        {
            return ("A scope for names; policies and Services are per namespace.",
                [("spec", Obj("Finalizers of the namespace.", ("finalizers", Arr("Finalizer names.", Str("A name."))))), ("status", Status("Phase of the namespace."))]);
        }
        if (kind == ResourceKinds.Node)
        {
            return ("A machine pods run on; a lab cluster's nodes come with it (front matter nodes:).",
                [("spec", Obj("The node's pod address ranges.", ("podCIDR", Str("The node's pod range.")), ("podCIDRs", Arr("The node's pod ranges.", Str("A CIDR."))),
                    ("providerID", Str("The node's id at its provider.")))),
                 ("status", Status("Addresses, conditions and versions of the node."))]);
        }
        if (kind == ResourceKinds.ConfigMap)
        {
            return ("Configuration as key/value data pods can read.",
                [("data", Map("Text values by key.")), ("binaryData", Map("Base64 values by key.")), ("immutable", Bool("Refuse changes to data once set."))]);
        }
        if (kind == ResourceKinds.Secret)
        {
            return ("Secret data such as keys; a lab's Cilium reads kube-system/cilium-ipsec-keys for IPsec.",
                [("data", Map("Base64 values by key.")), ("stringData", Map("Plain text values by key, written into data.")),
                 ("type", Str("The kind of secret, Opaque by default.")), ("immutable", Bool("Refuse changes to data once set."))]);
        }
        if (kind == ResourceKinds.Endpoints)
        {
            return ("The addresses and ports backing a Service, kept by the lab's endpoints controller.",
                [("subsets", Arr("Groups of addresses sharing ports.", Obj("Addresses and their ports.",
                    ("addresses", Arr("Ready addresses.", Free("ip, nodeName, targetRef."))),
                    ("notReadyAddresses", Arr("Addresses not ready yet.", Free("ip, nodeName, targetRef."))),
                    ("ports", Arr("Ports of the addresses.", Free("name, port, protocol."))))))]);
        }
        if (kind == ResourceKinds.NetworkPolicy)
        {
            return ("Kubernetes' network policy: which traffic selected pods may receive and send; Cilium enforces it.",
                [("spec", CoreSchemas.NetworkPolicySpec())]);
        }
        if (kind == ResourceKinds.CiliumNetworkPolicy || kind == ResourceKinds.CiliumClusterwideNetworkPolicy)
        {
            var scope = kind == ResourceKinds.CiliumNetworkPolicy ? "in its namespace" : "across the cluster";
            return ($"Cilium's network policy {scope}: layer 3, 4 and 7 rules on endpoints selected by label.",
                [("spec", CiliumSchemas.Rule("The policy's rule: which endpoints it selects and what traffic it allows or denies them.")),
                 ("specs", Arr("Several rules in one policy; each is like spec.", CiliumSchemas.Rule("One rule of the policy."))),
                 ("status", Status("Per-node state of the policy."))]);
        }
        if (kind == ResourceKinds.TracingPolicy || kind == ResourceKinds.TracingPolicyNamespaced)
        {
            var scope = kind == ResourceKinds.TracingPolicy ? "on every pod of the lab" : "on the pods of its namespace";
            // kprobes and the other hook kinds are listed so the lab's own check can say why they are refused.
            return ($"Tetragon's runtime-security policy {scope}: LSM hooks whose selectors post events, or kill the process (Sigkill).",
                [("spec", Obj("The policy's hooks and the pods it applies to.",
                    ("lsmhooks", Arr("LSM hooks to watch: file_open (argument 0: the file) or bprm_check_security.",
                        Free("hook, args ({index: 0, type: file}), selectors: matchArgs (Equal or Prefix on paths), matchBinaries (In or Prefix), matchActions (Post, Sigkill)."))),
                    ("podSelector", Free("The pods the policy applies to: matchLabels.")),
                    ("kprobes", Arr("Kernel function probes (not available on the lab's kernel).", Free("A kprobe."))),
                    ("tracepoints", Arr("Tracepoints (not available in lab policies).", Free("A tracepoint."))),
                    ("uprobes", Arr("User-space probes (not available in lab policies).", Free("A uprobe."))),
                    ("usdts", Arr("USDT probes (not available in lab policies).", Free("A USDT probe."))),
                    ("options", Arr("Policy options (none are available in lab policies).", Free("name, value.")))))]);
        }
        if (kind == ResourceKinds.Event)
        {
            return ("A report of something that happened to an object, shown by kubectl describe.",
                [("involvedObject", Free("The object the event is about.")), ("reason", Str("Short CamelCase reason.")), ("message", Str("What happened.")),
                 ("type", Str("Normal or Warning.")), ("count", Int("How often it happened.")), ("firstTimestamp", Str("First time.")),
                 ("lastTimestamp", Str("Last time.")), ("source", Free("Component that reported it.")), ("eventTime", Str("Time with microseconds.")),
                 ("reportingComponent", Str("Component that reported it.")), ("reportingInstance", Str("Instance that reported it.")),
                 ("action", Str("What was done.")), ("series", Free("Repetitions.")), ("related", Free("A second object involved."))]);
        }
        var description = kind == ResourceKinds.ServiceAccount ? "An identity pods run as."
            : kind == ResourceKinds.EndpointSlice ? "A slice of a Service's endpoints."
            : kind == ResourceKinds.CiliumEndpoint ? "Cilium's view of one pod: its identity, addresses and policy state."
            : kind == ResourceKinds.CiliumIdentity ? "A security identity: a set of labels that policies select, by number."
            : kind == ResourceKinds.CiliumNode ? "Cilium's view of one node: its addresses and pod CIDRs."
            : kind == ResourceKinds.Ingress ? "HTTP routes from outside to Services by host and path; Cilium's ingress controller serves ingressClassName cilium."
            : kind == ResourceKinds.Gateway ? "A Gateway API load balancer: listeners that HTTPRoutes attach to; Cilium gives it a LoadBalancer Service."
            : kind == ResourceKinds.HTTPRoute ? "Gateway API HTTP routing: matches on path, headers and method, forwarded to weighted backend Services."
            : $"A {kind.Kind}.";
        return (description, [("spec", Free("Desired state.")), ("status", Status("Observed state.")),
            ("secrets", Arr("Secrets of a service account.", Free("A reference."))), ("automountServiceAccountToken", Bool("Mount the token into pods.")),
            ("endpoints", Arr("Endpoints of a slice.", Free("One endpoint."))), ("ports", Arr("Ports of a slice.", Free("One port."))),
            ("addressType", Str("IPv4, IPv6 or FQDN.")), ("security-labels", Map("Labels of an identity.")), ("imagePullSecrets", Arr("Pull secrets.", Free("A reference.")))]);
    }
}
