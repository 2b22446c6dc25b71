using System.Text.Json.Nodes;
using static LabSite.Agent.Server.KubeApi.OpenApi.Schema;

namespace LabSite.Agent.Server.KubeApi.OpenApi;

/// <summary>The shapes Kubernetes' built-in kinds share and use: metadata, selectors, containers, pod and service specs.</summary>
internal static class CoreSchemas
{
    public static JsonObject ObjectMeta() => Obj("Standard object metadata: name, namespace, labels and what the server records.",
        ("name", Str("Unique name of the object in its namespace (or cluster-wide for cluster-scoped kinds).")),
        ("generateName", Str("Prefix the server completes with a random suffix when name is empty.")),
        ("namespace", Str("Namespace the object lives in; empty for cluster-scoped kinds.")),
        ("labels", Map("Key/value pairs that selectors match.")),
        ("annotations", Map("Key/value pairs for tools and people; not used for selection.")),
        ("uid", Str("Server-assigned unique id of this object.")),
        ("resourceVersion", Str("Opaque version the server changes on every write; used for watches and conflicts.")),
        ("generation", Int64("Sequence number of changes to the desired state (spec).")),
        ("creationTimestamp", Str("When the server created the object (RFC 3339).")),
        ("deletionTimestamp", Str("When the object was asked to be deleted, if it was.")),
        ("deletionGracePeriodSeconds", Int64("Seconds left for a graceful deletion.")),
        ("ownerReferences", Arr("Objects this one belongs to; it is deleted with them.", Free("One owner: apiVersion, kind, name, uid, controller.")).MergedBy("uid")),
        ("finalizers", Arr("Names that must be removed before the object is deleted.", Str("A finalizer name."))),
        ("managedFields", Arr("Which manager set which fields (server-side apply bookkeeping).", Free("One manager's entry.")))
    );

    public static JsonObject LabelSelector(string description) => Obj(description,
        ("matchLabels", Map("Labels an object must carry, all of them.")),
        ("matchExpressions", Arr("Set-based requirements, all of which must hold.", Obj("One requirement on a label key.", ["key", "operator"],
            ("key", Str("The label key.")),
            ("operator", Str("In, NotIn, Exists or DoesNotExist.")),
            ("values", Arr("Values for In and NotIn; empty for Exists and DoesNotExist.", Str("A label value.")))))));

    public static JsonObject ContainerPort() => Obj("A port a container listens on.", ["containerPort"],
        ("containerPort", Int("Port number inside the pod's network namespace.")),
        ("name", Str("Name a Service's targetPort can refer to.")),
        ("protocol", Str("TCP, UDP or SCTP (default TCP).")),
        ("hostPort", Int("Port on the node to expose; not used in a lab.")),
        ("hostIP", Str("Node address to bind the hostPort to.")));

    private static JsonObject Probe() => Free("A check the kubelet runs: exec, httpGet, tcpSocket, with timings.");

    public static JsonObject Container() => Obj("One container of a pod: image, command, ports and environment.", ["name"],
        ("name", Str("Name of the container, unique in the pod.")),
        ("image", Str("Image the container runs; a lab maps well-known images to its own programs.")),
        ("imagePullPolicy", Str("Always, IfNotPresent or Never.")),
        ("command", Arr("Entrypoint, replacing the image's.", Str("An argument."))),
        ("args", Arr("Arguments to the entrypoint.", Str("An argument."))),
        ("workingDir", Str("Working directory of the command.")),
        ("ports", Arr("Ports the container listens on (informational).", ContainerPort()).MergedBy("containerPort")),
        ("env", Arr("Environment variables.", Obj("One environment variable.", ["name"],
            ("name", Str("Variable name.")),
            ("value", Str("Variable value.")),
            ("valueFrom", Free("Where the value comes from: a field, a ConfigMap or Secret key.")))).MergedBy("name")),
        ("envFrom", Arr("Sources of many variables at once.", Free("A ConfigMap or Secret to read variables from."))),
        ("resources", Free("Requests and limits of CPU and memory.")),
        ("volumeMounts", Arr("Volumes mounted into the container.", Free("One mount: name, mountPath, readOnly.")).MergedBy("mountPath")),
        ("livenessProbe", Probe()),
        ("readinessProbe", Probe()),
        ("startupProbe", Probe()),
        ("lifecycle", Free("Hooks run after start and before stop.")),
        ("securityContext", Free("Security settings: user, capabilities, privilege.")),
        ("stdin", Bool("Keep a stdin open for the container.")),
        ("stdinOnce", Bool("Close stdin after the first attach ends.")),
        ("tty", Bool("Allocate a terminal for the container.")),
        ("terminationMessagePath", Str("File the container writes its termination message to.")),
        ("terminationMessagePolicy", Str("File or FallbackToLogsOnError.")),
        ("restartPolicy", Str("Always for sidecar init containers.")));

    public static JsonObject PodSpec() => Obj("What a pod runs and how it is scheduled.", ["containers"],
        ("containers", Arr("The pod's containers; at least one.", Container()).MergedBy("name")),
        ("initContainers", Arr("Containers run to completion before the others start.", Container()).MergedBy("name")),
        ("restartPolicy", Str("Always, OnFailure or Never.")),
        ("nodeName", Str("Node the pod runs on; the lab's scheduler sets it.")),
        ("nodeSelector", Map("Labels a node must have to run the pod.")),
        ("serviceAccountName", Str("Service account the pod runs as.")),
        ("serviceAccount", Str("Deprecated alias of serviceAccountName.")),
        ("automountServiceAccountToken", Bool("Mount the service account's token into the pod.")),
        ("hostNetwork", Bool("Run in the node's network namespace instead of the pod's own.")),
        ("hostname", Str("Hostname of the pod; defaults to its name.")),
        ("subdomain", Str("Subdomain for the pod's DNS name under a headless Service.")),
        ("dnsPolicy", Str("ClusterFirst, Default, None or ClusterFirstWithHostNet.")),
        ("terminationGracePeriodSeconds", Int64("Seconds between the stop signal and the kill.")),
        ("schedulerName", Str("Scheduler that places the pod.")),
        ("priority", Int("Priority value the admission sets.")),
        ("enableServiceLinks", Bool("Put Service addresses into the environment.")),
        ("preemptionPolicy", Str("PreemptLowerPriority or Never.")),
        ("volumes", Arr("Volumes the containers can mount.", Free("One volume: a name and its source.")).MergedBy("name")),
        ("affinity", Free("Node and pod affinity rules.")),
        ("tolerations", Arr("Taints the pod tolerates.", Free("One toleration."))),
        ("securityContext", Free("Pod-wide security settings.")),
        ("imagePullSecrets", Arr("Secrets used to pull images.", Free("A reference to a Secret."))));

    public static JsonObject PodTemplate() => Obj("The pod a controller creates: its metadata and spec.",
        ("metadata", ObjectMeta()),
        ("spec", PodSpec()));

    public static JsonObject ServiceSpec() => Obj("How a Service selects pods and which ports it exposes.",
        ("selector", Map("Labels of the pods that back the Service.")),
        ("ports", Arr("Ports the Service exposes.", Obj("One port of a Service.", ["port"],
            ("name", Str("Name of the port; required when there are several.")),
            ("protocol", Str("TCP, UDP or SCTP (default TCP).")),
            ("port", Int("Port the Service listens on.")),
            ("targetPort", IntOrString("Port number or name on the backing pods (default: port).")),
            ("nodePort", Int("Port on every node for NodePort and LoadBalancer Services.")),
            ("appProtocol", Str("Application protocol of the port.")))).MergedBy("port")),
        ("type", Str("ClusterIP, NodePort, LoadBalancer or ExternalName.")),
        ("clusterIP", Str("Virtual address of the Service; None makes it headless.")),
        ("clusterIPs", Arr("Virtual addresses, one per IP family.", Str("An address."))),
        ("externalIPs", Arr("Extra addresses the Service answers on.", Str("An address."))),
        ("externalName", Str("DNS name an ExternalName Service points to.")),
        ("sessionAffinity", Str("None or ClientIP.")),
        ("ipFamilies", Arr("IPv4 and/or IPv6.", Str("An IP family."))),
        ("ipFamilyPolicy", Str("SingleStack, PreferDualStack or RequireDualStack.")),
        ("internalTrafficPolicy", Str("Cluster or Local.")),
        ("externalTrafficPolicy", Str("Cluster or Local.")),
        ("publishNotReadyAddresses", Bool("Publish addresses of pods that are not ready.")),
        ("loadBalancerIP", Str("Requested address of a LoadBalancer.")),
        ("loadBalancerClass", Str("Which load balancer implementation serves the Service.")),
        ("allocateLoadBalancerNodePorts", Bool("Allocate node ports for a LoadBalancer.")));

    public static JsonObject DeploymentSpec() => Obj("How many pods a Deployment keeps and from which template.", ["selector", "template"],
        ("replicas", Int("Number of pods wanted (default 1).")),
        ("selector", LabelSelector("Labels of the pods the Deployment owns; must match the template's labels.")),
        ("template", PodTemplate()),
        ("strategy", Free("How pods are replaced: RollingUpdate or Recreate.")),
        ("minReadySeconds", Int("Seconds a new pod must be ready before it counts as available.")),
        ("revisionHistoryLimit", Int("Old ReplicaSets kept for rollback.")),
        ("progressDeadlineSeconds", Int("Seconds before a stuck rollout is reported.")),
        ("paused", Bool("Stop rolling out template changes.")));

    public static JsonObject ReplicaSetSpec() => Obj("How many pods a ReplicaSet keeps and from which template.", ["selector"],
        ("replicas", Int("Number of pods wanted.")),
        ("selector", LabelSelector("Labels of the pods the ReplicaSet owns.")),
        ("template", PodTemplate()),
        ("minReadySeconds", Int("Seconds a new pod must be ready before it counts as available.")));

    public static JsonObject NetworkPolicyPeer() => Obj("Pods, namespaces or an address block traffic may come from or go to.",
        ("podSelector", LabelSelector("Pods selected by label (in the policy's namespace unless namespaceSelector is set).")),
        ("namespaceSelector", LabelSelector("Namespaces selected by label.")),
        ("ipBlock", Obj("A CIDR, minus some exceptions.", ["cidr"],
            ("cidr", Str("The address block, e.g. 10.0.0.0/8.")),
            ("except", Arr("Blocks inside cidr that are not included.", Str("A CIDR."))))));

    public static JsonObject NetworkPolicyPort() => Obj("A port (or range) traffic is allowed to.",
        ("protocol", Str("TCP, UDP or SCTP (default TCP).")),
        ("port", IntOrString("Port number or named port.")),
        ("endPort", Int("Last port of a range starting at port.")));

    public static JsonObject NetworkPolicySpec() => Obj("Which pods the policy selects and what traffic it allows them.", ["podSelector"],
        ("podSelector", LabelSelector("Pods the policy applies to; empty selects all pods in the namespace.")),
        ("policyTypes", Arr("Ingress, Egress or both: which directions the policy isolates.", Str("A direction."))),
        ("ingress", Arr("Allowed incoming traffic; each rule allows from any of its peers to any of its ports.", Obj("One ingress rule.",
            ("from", Arr("Sources allowed; empty allows all.", NetworkPolicyPeer())),
            ("ports", Arr("Destination ports allowed; empty allows all.", NetworkPolicyPort()))))),
        ("egress", Arr("Allowed outgoing traffic; each rule allows to any of its peers on any of its ports.", Obj("One egress rule.",
            ("to", Arr("Destinations allowed; empty allows all.", NetworkPolicyPeer())),
            ("ports", Arr("Destination ports allowed; empty allows all.", NetworkPolicyPort()))))));
}
