using LabSite.Clusters.Contract.Kubernetes;
using static LabSite.Clusters.Netns.Store.Validation.Shape;

namespace LabSite.Clusters.Netns.Store.Validation;

/// <summary>
/// The fields each kind accepts (Kubernetes API types, trimmed to what labs use; fields labs never need are
/// accepted without checks, so pasting <c>kubectl get -o yaml</c> output back works). Policies' specs are
/// checked by <see cref="ObjectValidator"/> and the policy validator, not here.
/// </summary>
internal static class Schemas
{
    private static readonly Shape s_metadata = Object(
        ("name", Shape.String), ("generateName", Shape.String), ("namespace", Shape.String), ("labels", StringMap), ("annotations", StringMap),
        ("uid", Any), ("resourceVersion", Any), ("generation", Any), ("creationTimestamp", Any), ("deletionTimestamp", Any),
        ("deletionGracePeriodSeconds", Any), ("ownerReferences", Any), ("finalizers", Any), ("managedFields", Any), ("selfLink", Any));

    private static readonly Shape s_containerPort = Object(("name", Shape.String), ("containerPort", Int), ("protocol", Shape.String), ("hostPort", Int), ("hostIP", Shape.String));

    private static readonly Shape s_envVar = Object(("name", Shape.String), ("value", Shape.String), ("valueFrom", Any));

    private static readonly Shape s_container = Object(
        ("name", Shape.String), ("image", Shape.String), ("command", ListOf(Shape.String)), ("args", ListOf(Shape.String)), ("workingDir", Shape.String),
        ("ports", ListOf(s_containerPort)), ("env", ListOf(s_envVar)), ("envFrom", Any), ("resources", Any), ("volumeMounts", Any),
        ("volumeDevices", Any), ("livenessProbe", Any), ("readinessProbe", Any), ("startupProbe", Any), ("lifecycle", Any),
        ("terminationMessagePath", Shape.String), ("terminationMessagePolicy", Shape.String), ("imagePullPolicy", Shape.String),
        ("securityContext", Any), ("stdin", Bool), ("stdinOnce", Bool), ("tty", Bool), ("resizePolicy", Any), ("restartPolicy", Shape.String));

    private static readonly Shape s_podSpec = Object(
        ("containers", ListOf(s_container)), ("initContainers", ListOf(s_container)), ("ephemeralContainers", Any),
        ("restartPolicy", Shape.String), ("terminationGracePeriodSeconds", Int), ("activeDeadlineSeconds", Int), ("dnsPolicy", Shape.String),
        ("nodeSelector", StringMap), ("serviceAccountName", Shape.String), ("serviceAccount", Shape.String), ("automountServiceAccountToken", Bool),
        ("nodeName", Shape.String), ("hostNetwork", Bool), ("hostPID", Bool), ("hostIPC", Bool), ("shareProcessNamespace", Bool),
        ("securityContext", Any), ("imagePullSecrets", Any), ("hostname", Shape.String), ("subdomain", Shape.String), ("affinity", Any),
        ("schedulerName", Shape.String), ("tolerations", Any), ("hostAliases", Any), ("priorityClassName", Shape.String), ("priority", Int),
        ("dnsConfig", Any), ("readinessGates", Any), ("runtimeClassName", Shape.String), ("enableServiceLinks", Bool),
        ("preemptionPolicy", Shape.String), ("overhead", Any), ("topologySpreadConstraints", Any), ("setHostnameAsFQDN", Bool),
        ("os", Any), ("volumes", Any), ("hostUsers", Bool), ("schedulingGates", Any), ("resourceClaims", Any), ("resources", Any));

    private static readonly Shape s_labelSelector = Object(
        ("matchLabels", StringMap),
        ("matchExpressions", ListOf(Object(("key", Shape.String), ("operator", Shape.String), ("values", ListOf(Shape.String))))));

    private static readonly Shape s_servicePort = Object(
        ("name", Shape.String), ("port", Int), ("targetPort", IntOrString), ("protocol", Shape.String), ("nodePort", Int), ("appProtocol", Shape.String));

    private static readonly Shape s_serviceSpec = Object(
        ("selector", StringMap), ("ports", ListOf(s_servicePort)), ("type", Shape.String), ("clusterIP", Shape.String), ("clusterIPs", ListOf(Shape.String)),
        ("sessionAffinity", Shape.String), ("sessionAffinityConfig", Any), ("ipFamilies", Any), ("ipFamilyPolicy", Shape.String),
        ("internalTrafficPolicy", Shape.String), ("externalTrafficPolicy", Shape.String), ("publishNotReadyAddresses", Bool),
        ("externalIPs", ListOf(Shape.String)), ("externalName", Shape.String), ("loadBalancerIP", Shape.String), ("loadBalancerSourceRanges", Any),
        ("loadBalancerClass", Shape.String), ("healthCheckNodePort", Int), ("allocateLoadBalancerNodePorts", Bool), ("trafficDistribution", Shape.String));

    private static readonly Shape s_deploymentSpec = Object(
        ("replicas", Int), ("selector", s_labelSelector), ("template", Object(("metadata", s_metadata), ("spec", s_podSpec))),
        ("strategy", Any), ("minReadySeconds", Int), ("revisionHistoryLimit", Int), ("paused", Bool), ("progressDeadlineSeconds", Int));

    // Cilium's BGP v2 and LB-IPAM CRDs (fields of cilium.io/v2; values are checked by Bgp/BgpValidation).
    private static readonly Shape s_bgpClusterConfigSpec = Object(
        ("nodeSelector", s_labelSelector),
        ("bgpInstances", ListOf(Object(
            ("name", Shape.String), ("localASN", Int), ("localPort", Int),
            ("peers", ListOf(Object(
                ("name", Shape.String), ("peerAddress", Shape.String), ("peerASN", Int), ("autoDiscovery", Any),
                ("peerConfigRef", Object(("name", Shape.String), ("group", Shape.String), ("kind", Shape.String))))))))));

    private static readonly Shape s_bgpPeerConfigSpec = Object(
        ("transport", Object(("peerPort", Int), ("sourceInterface", Shape.String))),
        ("timers", Object(("connectRetryTimeSeconds", Int), ("holdTimeSeconds", Int), ("keepAliveTimeSeconds", Int))),
        ("authSecretRef", Shape.String),
        ("gracefulRestart", Object(("enabled", Bool), ("restartTimeSeconds", Int))),
        ("ebgpMultihop", Int),
        ("families", ListOf(Object(("afi", Shape.String), ("safi", Shape.String), ("advertisements", s_labelSelector)))));

    private static readonly Shape s_bgpAdvertisementSpec = Object(
        ("advertisements", ListOf(Object(
            ("advertisementType", Shape.String),
            ("service", Object(("addresses", ListOf(Shape.String)), ("aggregationLengthIPv4", Int), ("aggregationLengthIPv6", Int))),
            ("interface", Object(("name", Shape.String))),
            ("selector", s_labelSelector),
            ("attributes", Any)))));

    private static readonly Shape s_lbIpPoolSpec = Object(
        ("blocks", ListOf(Object(("cidr", Shape.String), ("start", Shape.String), ("stop", Shape.String)))),
        ("serviceSelector", s_labelSelector), ("disabled", Bool), ("allowFirstLastIPs", Shape.String));

    // Ingress (networking.k8s.io/v1) and the Gateway API (gateway.networking.k8s.io v1, ReferenceGrant v1beta1); values are
    // checked by Ingress/IngressValidation.
    private static readonly Shape s_serviceBackendPort = Object(("name", Shape.String), ("number", Int));

    private static readonly Shape s_ingressBackend = Object(
        ("service", Object(("name", Shape.String), ("port", s_serviceBackendPort))), ("resource", Any));

    private static readonly Shape s_ingressSpec = Object(
        ("ingressClassName", Shape.String), ("defaultBackend", s_ingressBackend),
        ("tls", ListOf(Object(("hosts", ListOf(Shape.String)), ("secretName", Shape.String)))),
        ("rules", ListOf(Object(
            ("host", Shape.String),
            ("http", Object(("paths", ListOf(Object(("path", Shape.String), ("pathType", Shape.String), ("backend", s_ingressBackend))))))))));

    private static readonly Shape s_parentRef = Object(
        ("group", Shape.String), ("kind", Shape.String), ("namespace", Shape.String), ("name", Shape.String), ("sectionName", Shape.String), ("port", Int));

    private static readonly Shape s_backendRef = Object(
        ("group", Shape.String), ("kind", Shape.String), ("namespace", Shape.String), ("name", Shape.String), ("port", Int), ("weight", Int), ("filters", Any));

    private static readonly Shape s_httpRouteSpec = Object(
        ("parentRefs", ListOf(s_parentRef)), ("hostnames", ListOf(Shape.String)),
        ("rules", ListOf(Object(
            ("name", Shape.String),
            ("matches", ListOf(Object(
                ("path", Object(("type", Shape.String), ("value", Shape.String))),
                ("headers", ListOf(Object(("type", Shape.String), ("name", Shape.String), ("value", Shape.String)))),
                ("queryParams", ListOf(Object(("type", Shape.String), ("name", Shape.String), ("value", Shape.String)))),
                ("method", Shape.String)))),
            ("backendRefs", ListOf(s_backendRef)),
            ("filters", Any), ("timeouts", Any), ("retry", Any), ("sessionPersistence", Any)))));

    private static readonly Shape s_gatewaySpec = Object(
        ("gatewayClassName", Shape.String),
        ("listeners", ListOf(Object(
            ("name", Shape.String), ("hostname", Shape.String), ("port", Int), ("protocol", Shape.String), ("tls", Any), ("allowedRoutes", Any)))),
        ("addresses", ListOf(Object(("type", Shape.String), ("value", Shape.String)))), ("infrastructure", Any), ("backendTLS", Any));

    private static readonly Shape s_referenceGrantSpec = Object(
        ("from", ListOf(Object(("group", Shape.String), ("kind", Shape.String), ("namespace", Shape.String)))),
        ("to", ListOf(Object(("group", Shape.String), ("kind", Shape.String), ("name", Shape.String)))));

    private static Shape Top(params (string Name, Shape Shape)[] body) =>
        Object([("apiVersion", Shape.String), ("kind", Shape.String), ("metadata", s_metadata), .. body]);

    private static readonly Dictionary<string, Shape> s_byKind = new()
    {
        [ResourceKinds.Namespace.Kind] = Top(("spec", Any), ("status", Any)),
        [ResourceKinds.Pod.Kind] = Top(("spec", s_podSpec), ("status", Any)),
        [ResourceKinds.Service.Kind] = Top(("spec", s_serviceSpec), ("status", Any)),
        [ResourceKinds.ConfigMap.Kind] = Top(("data", StringMap), ("binaryData", StringMap), ("immutable", Bool)),
        [ResourceKinds.Secret.Kind] = Top(("data", StringMap), ("stringData", StringMap), ("type", Shape.String), ("immutable", Bool)),
        [ResourceKinds.Deployment.Kind] = Top(("spec", s_deploymentSpec), ("status", Any)),
        [ResourceKinds.NetworkPolicy.Kind] = Top(("spec", Object(("podSelector", s_labelSelector), ("ingress", Any), ("egress", Any), ("policyTypes", ListOf(Shape.String)))), ("status", Any)),
        [ResourceKinds.CiliumNetworkPolicy.Kind] = Top(("spec", Any), ("specs", ListOf(Any)), ("status", Any)),
        [ResourceKinds.CiliumClusterwideNetworkPolicy.Kind] = Top(("spec", Any), ("specs", ListOf(Any)), ("status", Any)),
        [ResourceKinds.TracingPolicy.Kind] = Top(("spec", Any)),
        [ResourceKinds.TracingPolicyNamespaced.Kind] = Top(("spec", Any)),
        [ResourceKinds.CiliumBGPClusterConfig.Kind] = Top(("spec", s_bgpClusterConfigSpec), ("status", Any)),
        [ResourceKinds.CiliumBGPPeerConfig.Kind] = Top(("spec", s_bgpPeerConfigSpec), ("status", Any)),
        [ResourceKinds.CiliumBGPAdvertisement.Kind] = Top(("spec", s_bgpAdvertisementSpec)),
        [ResourceKinds.CiliumLoadBalancerIPPool.Kind] = Top(("spec", s_lbIpPoolSpec), ("status", Any)),
        [ResourceKinds.Ingress.Kind] = Top(("spec", s_ingressSpec), ("status", Any)),
        [ResourceKinds.IngressClass.Kind] = Top(("spec", Object(("controller", Shape.String), ("parameters", Any)))),
        [ResourceKinds.GatewayClass.Kind] = Top(("spec", Object(("controllerName", Shape.String), ("description", Shape.String), ("parametersRef", Any))), ("status", Any)),
        [ResourceKinds.Gateway.Kind] = Top(("spec", s_gatewaySpec), ("status", Any)),
        [ResourceKinds.HTTPRoute.Kind] = Top(("spec", s_httpRouteSpec), ("status", Any)),
        [ResourceKinds.ReferenceGrant.Kind] = Top(("spec", s_referenceGrantSpec)),
    };

    public static Shape For(ResourceKind kind) => s_byKind.GetValueOrDefault(kind.Kind, Any);
}
