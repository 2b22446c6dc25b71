using System.Text.Json.Nodes;
using static LabSite.Agent.Server.KubeApi.OpenApi.Schema;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>The fields of Cilium's policy rules (cilium.io/v2), as Cilium's CRDs name them; the lab's policy parser reads the same names.</summary>
internal static class CiliumSchemas
{
    private static JsonObject EndpointSelector(string description) => CoreSchemas.LabelSelector(description);

    private static JsonObject CidrRule() => Obj("An address block, minus exceptions, or a CiliumCIDRGroup.",
        ("cidr", Str("The address block, e.g. 10.0.0.0/8.")),
        ("except", Arr("Blocks inside cidr that are not included.", Str("A CIDR."))),
        ("cidrGroupRef", Str("Name of a CiliumCIDRGroup to use instead of cidr.")),
        ("cidrGroupSelector", EndpointSelector("CiliumCIDRGroups selected by label.")));

    private static JsonObject PortRule(bool deny)
    {
        var fields = new List<(string, JsonObject)>
        {
            ("ports", Arr("Layer 4 ports the rule applies to.", Obj("A port (or range) and protocol.",
                ("port", Str("Port number or name, as a string (\"80\").")),
                ("endPort", Int("Last port of a range starting at port.")),
                ("protocol", Str("TCP, UDP, SCTP or ANY (default ANY)."))))),
        };
        if (!deny)
        {
            fields.Add(("rules", Obj("Layer 7 rules; traffic on these ports must match one of them.",
                ("http", Arr("HTTP requests allowed; each field is matched when set.", Obj("One allowed HTTP request shape.",
                    ("method", Str("Request method, an extended POSIX regex (GET, POST|PUT).")),
                    ("path", Str("Request path, an extended POSIX regex (/v1/request-landing).")),
                    ("host", Str("Host header, an extended POSIX regex.")),
                    ("headers", Arr("Headers that must be present, as \"Name: value\" or \"Name\".", Str("A header."))),
                    ("headerMatches", Arr("Headers matched with a mismatch action.", Free("name, value, mismatch.")))))),
                ("dns", Arr("DNS names lookups may ask for.", Obj("A DNS name or pattern.",
                    ("matchName", Str("An exact DNS name.")),
                    ("matchPattern", Str("A name with * wildcards."))))),
                ("kafka", Arr("Kafka requests allowed.", Free("role, apiKey, apiVersion, clientID, topic."))),
                ("l7proto", Str("Name of a custom layer 7 parser.")),
                ("l7", Arr("Generic key/value rules for l7proto.", Map("Key/value pairs."))))));
            fields.Add(("terminatingTLS", Free("TLS context for terminating TLS at the proxy.")));
            fields.Add(("originatingTLS", Free("TLS context for originating TLS from the proxy.")));
            fields.Add(("serverNames", Arr("TLS SNI names allowed.", Str("A server name."))));
            fields.Add(("listener", Free("A CiliumEnvoyConfig listener to send the traffic to.")));
        }
        return Obj("Ports (and, for allow rules, layer 7 rules) traffic must match.", [], [.. fields]);
    }

    private static JsonObject Icmps() => Arr("ICMP types allowed.", Obj("A set of ICMP fields.",
        ("fields", Arr("ICMP type and family.", Obj("One ICMP type.", ["type"],
            ("family", Str("IPv4 or IPv6 (default IPv4).")),
            ("type", IntOrString("ICMP type, as a number or a name such as EchoRequest.")))))));

    private static JsonObject Peers(string direction, bool deny)
    {
        var from = direction == "ingress";
        var p = from ? "from" : "to";
        var fields = new List<(string, JsonObject)>
        {
            ($"{p}Endpoints", Arr(from ? "Endpoints traffic may come from, by label." : "Endpoints traffic may go to, by label.", EndpointSelector("Endpoints with these labels."))),
            ($"{p}Requires", Arr("Labels every peer must also match (deprecated).", EndpointSelector("Endpoints with these labels."))),
            ($"{p}CIDR", Arr("Address blocks of peers outside the cluster.", Str("A CIDR."))),
            ($"{p}CIDRSet", Arr("Address blocks with exceptions.", CidrRule())),
            ($"{p}Entities", Arr("Special peers: world, cluster, host, remote-node, kube-apiserver, health, init, all.", Str("An entity name."))),
            ($"{p}Groups", Arr("Peers from a cloud provider's groups.", Free("A provider group."))),
            ($"{p}Nodes", Arr("Nodes selected by label.", EndpointSelector("Nodes with these labels."))),
            ("toPorts", Arr("Ports the traffic must use; empty allows all.", PortRule(deny))),
            ("icmps", Icmps()),
        };
        if (!deny)
        {
            fields.Add(("authentication", Obj("Mutual authentication the peers must pass.", ("mode", Str("disabled, required or test-always-fail.")))));
        }
        if (!from)
        {
            fields.Add(("toServices", Arr("Services whose backends traffic may go to.", Obj("A Service by name or label.",
                ("k8sService", Obj("A Service by name.", ("serviceName", Str("Name of the Service.")), ("namespace", Str("Namespace of the Service.")))),
                ("k8sServiceSelector", Obj("Services by label.", ("selector", EndpointSelector("Labels of the Services.")), ("namespace", Str("Namespace of the Services."))))))));
            if (!deny)
            {
                fields.Add(("toFQDNs", Arr("DNS names traffic may go to (needs a DNS rule to observe lookups).", Obj("A DNS name or pattern.",
                    ("matchName", Str("An exact DNS name.")),
                    ("matchPattern", Str("A name with * wildcards."))))));
            }
        }
        var what = (from ? "Incoming" : "Outgoing") + (deny ? " traffic to deny" : " traffic to allow");
        return Obj($"{what}: a peer matched by any field, on the ports of toPorts.", [], [.. fields]);
    }

    /// <summary>One policy rule: the endpoints it selects and the traffic it allows or denies them.</summary>
    public static JsonObject Rule(string description) => Obj(description,
        ("endpointSelector", EndpointSelector("Endpoints (pods) the rule applies to; empty selects all in the namespace.")),
        ("nodeSelector", EndpointSelector("Nodes the rule applies to (host policies); excludes endpointSelector.")),
        ("ingress", Arr("Incoming traffic to allow; each rule allows from its peers on its ports.", Peers("ingress", deny: false))),
        ("ingressDeny", Arr("Incoming traffic to deny; deny wins over allow.", Peers("ingress", deny: true))),
        ("egress", Arr("Outgoing traffic to allow; each rule allows to its peers on its ports.", Peers("egress", deny: false))),
        ("egressDeny", Arr("Outgoing traffic to deny; deny wins over allow.", Peers("egress", deny: true))),
        ("labels", Arr("Labels that identify the rule in policy listings.", Obj("A label.", ("key", Str("Label key.")), ("value", Str("Label value.")), ("source", Str("Label source."))))),
        ("enableDefaultDeny", Obj("Whether selecting an endpoint puts it in default deny per direction.",
            ("ingress", Bool("Deny other incoming traffic (default true).")),
            ("egress", Bool("Deny other outgoing traffic (default true).")))),
        ("description", Str("Free text about the rule.")),
        ("log", Obj("How verdicts of the rule are logged.", ("value", Str("A value put into the policy verdict log.")))));
}
