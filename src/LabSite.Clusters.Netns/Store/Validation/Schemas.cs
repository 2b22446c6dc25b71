namespace LabSite.Clusters.Netns.Store.Validation;

using LabSite.Clusters.Contract;
using LabSite.Clusters.Netns.Store.Kinds;
using static LabSite.Clusters.Netns.Store.Validation.Shape;

/// <summary>
/// The fields each kind accepts (Kubernetes API types, trimmed to what labs use; fields labs never need are
/// accepted without checks, so pasting <c>kubectl get -o yaml</c> output back works). Policies' specs are
/// checked by <see cref="ObjectValidator"/> and the policy validator, not here.
/// </summary>
internal static class Schemas
{
    static readonly Shape Metadata = Object(
        ("name", String), ("generateName", String), ("namespace", String), ("labels", StringMap), ("annotations", StringMap),
        ("uid", Any), ("resourceVersion", Any), ("generation", Any), ("creationTimestamp", Any), ("deletionTimestamp", Any),
        ("deletionGracePeriodSeconds", Any), ("ownerReferences", Any), ("finalizers", Any), ("managedFields", Any), ("selfLink", Any));

    static readonly Shape ContainerPort = Object(("name", String), ("containerPort", Int), ("protocol", String), ("hostPort", Int), ("hostIP", String));

    static readonly Shape EnvVar = Object(("name", String), ("value", String), ("valueFrom", Any));

    static readonly Shape Container = Object(
        ("name", String), ("image", String), ("command", ListOf(String)), ("args", ListOf(String)), ("workingDir", String),
        ("ports", ListOf(ContainerPort)), ("env", ListOf(EnvVar)), ("envFrom", Any), ("resources", Any), ("volumeMounts", Any),
        ("volumeDevices", Any), ("livenessProbe", Any), ("readinessProbe", Any), ("startupProbe", Any), ("lifecycle", Any),
        ("terminationMessagePath", String), ("terminationMessagePolicy", String), ("imagePullPolicy", String),
        ("securityContext", Any), ("stdin", Bool), ("stdinOnce", Bool), ("tty", Bool), ("resizePolicy", Any), ("restartPolicy", String));

    static readonly Shape PodSpec = Object(
        ("containers", ListOf(Container)), ("initContainers", ListOf(Container)), ("ephemeralContainers", Any),
        ("restartPolicy", String), ("terminationGracePeriodSeconds", Int), ("activeDeadlineSeconds", Int), ("dnsPolicy", String),
        ("nodeSelector", StringMap), ("serviceAccountName", String), ("serviceAccount", String), ("automountServiceAccountToken", Bool),
        ("nodeName", String), ("hostNetwork", Bool), ("hostPID", Bool), ("hostIPC", Bool), ("shareProcessNamespace", Bool),
        ("securityContext", Any), ("imagePullSecrets", Any), ("hostname", String), ("subdomain", String), ("affinity", Any),
        ("schedulerName", String), ("tolerations", Any), ("hostAliases", Any), ("priorityClassName", String), ("priority", Int),
        ("dnsConfig", Any), ("readinessGates", Any), ("runtimeClassName", String), ("enableServiceLinks", Bool),
        ("preemptionPolicy", String), ("overhead", Any), ("topologySpreadConstraints", Any), ("setHostnameAsFQDN", Bool),
        ("os", Any), ("volumes", Any), ("hostUsers", Bool), ("schedulingGates", Any), ("resourceClaims", Any), ("resources", Any));

    static readonly Shape LabelSelector = Object(
        ("matchLabels", StringMap),
        ("matchExpressions", ListOf(Object(("key", String), ("operator", String), ("values", ListOf(String))))));

    static readonly Shape ServicePort = Object(
        ("name", String), ("port", Int), ("targetPort", IntOrString), ("protocol", String), ("nodePort", Int), ("appProtocol", String));

    static readonly Shape ServiceSpec = Object(
        ("selector", StringMap), ("ports", ListOf(ServicePort)), ("type", String), ("clusterIP", String), ("clusterIPs", ListOf(String)),
        ("sessionAffinity", String), ("sessionAffinityConfig", Any), ("ipFamilies", Any), ("ipFamilyPolicy", String),
        ("internalTrafficPolicy", String), ("externalTrafficPolicy", String), ("publishNotReadyAddresses", Bool),
        ("externalIPs", ListOf(String)), ("externalName", String), ("loadBalancerIP", String), ("loadBalancerSourceRanges", Any),
        ("loadBalancerClass", String), ("healthCheckNodePort", Int), ("allocateLoadBalancerNodePorts", Bool), ("trafficDistribution", String));

    static readonly Shape DeploymentSpec = Object(
        ("replicas", Int), ("selector", LabelSelector), ("template", Object(("metadata", Metadata), ("spec", PodSpec))),
        ("strategy", Any), ("minReadySeconds", Int), ("revisionHistoryLimit", Int), ("paused", Bool), ("progressDeadlineSeconds", Int));

    static Shape Top(params (string Name, Shape Shape)[] body) =>
        Object([("apiVersion", String), ("kind", String), ("metadata", Metadata), .. body]);

    static readonly Dictionary<string, Shape> ByKind = new()
    {
        [KindRegistry.Namespace.Kind] = Top(("spec", Any), ("status", Any)),
        [KindRegistry.Pod.Kind] = Top(("spec", PodSpec), ("status", Any)),
        [KindRegistry.Service.Kind] = Top(("spec", ServiceSpec), ("status", Any)),
        [KindRegistry.ConfigMap.Kind] = Top(("data", StringMap), ("binaryData", StringMap), ("immutable", Bool)),
        [KindRegistry.Deployment.Kind] = Top(("spec", DeploymentSpec), ("status", Any)),
        [KindRegistry.NetworkPolicy.Kind] = Top(("spec", Object(("podSelector", LabelSelector), ("ingress", Any), ("egress", Any), ("policyTypes", ListOf(String)))), ("status", Any)),
        [KindRegistry.CiliumNetworkPolicy.Kind] = Top(("spec", Any), ("specs", ListOf(Any)), ("status", Any)),
        [KindRegistry.CiliumClusterwideNetworkPolicy.Kind] = Top(("spec", Any), ("specs", ListOf(Any)), ("status", Any)),
    };

    public static Shape For(KindInfo kind) => ByKind.GetValueOrDefault(kind.Kind, Any);
}
