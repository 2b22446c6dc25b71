using System.Text.Json.Nodes;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Kubernetes;
using LabSite.Clusters.Netns.Store;
using LabSite.Clusters.Netns.Store.Kinds;
using LabSite.Clusters.Netns.Store.Validation;
using static LabSite.Testing.StoreFixture;

namespace LabSite.Clusters.Netns.Tests.Store;

/// <summary>kubectl semantics the store keeps: defaulting, aliases, namespaces, deployments, services, updates.</summary>
public class StoreSemanticsTests
{
    private const string Deploy = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: REPLICAS
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: web
                image: IMAGE
                ports:
                - name: http
                  containerPort: 8080
        """;

    private static ManifestText Deployment(int replicas, string image = "nginx:1.27") =>
        Yaml(Deploy.Replace("REPLICAS", replicas.ToString()).Replace("IMAGE", image));

    [Theory]
    [InlineData("po", "Pod")]
    [InlineData("pods.v1", "Pod")]
    [InlineData("deployments.apps", "Deployment")]
    [InlineData("ccnp", "CiliumClusterwideNetworkPolicy")]
    public void Store_serves_the_kinds_kubectl_names(string alias, string kind) =>
        Assert.Equal(kind, ServedKinds.Resolve(alias)?.Kind);

    [Fact]
    public void DaemonSets_are_served_but_not_user_managed()
    {
        Assert.Equal(ResourceKinds.DaemonSet, ServedKinds.Resolve("ds"));
        Assert.False(ServedKinds.IsUserManaged(ResourceKinds.DaemonSet));
        Assert.Empty(NewStore().Get(new ObjectQuery("ds")));
    }

    [Fact]
    public void Unknown_kind_in_get_is_kubectls_message()
    {
        var e = Assert.Throws<ArgumentException>(() => NewStore().Get(new ObjectQuery("deathstars")));
        Assert.Equal("error: the server doesn't have a resource type \"deathstars\"", e.Message);
    }

    [Fact]
    public void Fresh_cluster_has_the_usual_namespaces()
    {
        var names = NewStore().Get(new ObjectQuery("ns")).Select(n => n.Name);
        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], names);
    }

    [Fact]
    public void Stored_objects_carry_identity_and_defaults()
    {
        var store = NewStore();
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var pod = store.Get(new ObjectQuery("pods", Name: "xwing")).Single().Json;

        Assert.Equal("default", (string?)pod["metadata"]?["namespace"]);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", (string?)pod["metadata"]?["uid"]);
        Assert.Matches(@"^\d+$", (string?)pod["metadata"]?["resourceVersion"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string?)pod["metadata"]?["creationTimestamp"]);
        Assert.Equal("Always", (string?)pod["spec"]?["restartPolicy"]);
        Assert.Equal("IfNotPresent", (string?)pod["spec"]?["containers"]?[0]?["imagePullPolicy"]);
        var deployment = store.Get(new ObjectQuery("deploy")).Single().Json;
        Assert.Equal(1, deployment["metadata"]?["generation"].AsInt());
        Assert.Equal("RollingUpdate", (string?)deployment["spec"]?["strategy"]?["type"]);
    }

    [Fact]
    public void Scaling_adds_and_removes_pods_of_the_same_template()
    {
        var store = NewStore();
        store.Apply(Deployment(1), ApplyMode.Apply);
        var first = store.Get(new ObjectQuery("pods")).Single();

        Assert.Equal("deployment.apps/web configured", store.Apply(Deployment(3), ApplyMode.Apply).Lines.Single());
        var three = store.Get(new ObjectQuery("pods", LabelSelector: "app=web"));
        Assert.Equal(3, three.Count);
        Assert.Contains(three, p => p.Name == first.Name);
        Assert.Single(three.Select(p => p.Labels["pod-template-hash"]).Distinct());

        store.Apply(Deployment(0), ApplyMode.Apply);
        Assert.Empty(store.Get(new ObjectQuery("pods")));
        Assert.Equal(0, store.Get(new ObjectQuery("rs")).Single().Json["spec"]?["replicas"].AsInt());
    }

    [Fact]
    public void Changing_the_template_rolls_pods_to_a_new_ReplicaSet()
    {
        var store = NewStore();
        store.Apply(Deployment(2), ApplyMode.Apply);
        var oldHash = store.Get(new ObjectQuery("pods"))[0].Labels["pod-template-hash"];

        store.Apply(Deployment(2, "nginx:1.28"), ApplyMode.Apply);

        var pods = store.Get(new ObjectQuery("pods"));
        Assert.Equal(2, pods.Count);
        var newHash = pods[0].Labels["pod-template-hash"];
        Assert.NotEqual(oldHash, newHash);
        Assert.All(pods, p => Assert.Equal("nginx:1.28", (string?)p.Json["spec"]?["containers"]?[0]?["image"]));
        var replicaSets = store.Get(new ObjectQuery("rs")).ToDictionary(r => r.Name, r => r.Json["spec"]?["replicas"].AsInt());
        Assert.Equal(new Dictionary<string, int?> { [$"web-{oldHash}"] = 0, [$"web-{newHash}"] = 2 }, replicaSets);
        Assert.Equal("2", (string?)store.Get(new ObjectQuery("deploy")).Single().Json["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"]);
    }

    [Fact]
    public void A_Deployment_becomes_Available_when_its_pods_are_ready_as_kubectl_wait_expects()
    {
        var store = NewStore();
        store.Apply(Deployment(1), ApplyMode.Apply);
        JsonObject Condition(string type) => store.Get(new ObjectQuery("deploy")).Single().Json["status"]!["conditions"]!.AsArray()
            .OfType<JsonObject>().Single(c => (string?)c["type"] == type);

        Assert.Equal(("False", "MinimumReplicasUnavailable"), ((string?)Condition("Available")["status"], (string?)Condition("Available")["reason"]));
        Assert.Equal("ReplicaSetUpdated", (string?)Condition("Progressing")["reason"]);

        var pod = store.Get(new ObjectQuery("pods")).Single();
        store.UpdatePodStatus("default", pod.Name, PodStatus.Running(pod, "10.1.0.7", "10.1.0.1", DateTimeOffset.UnixEpoch));

        var available = Condition("Available");
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            ((string?)available["status"], (string?)available["reason"], (string?)available["message"]));
        var progressing = Condition("Progressing");
        Assert.Equal(("True", "NewReplicaSetAvailable", $"ReplicaSet \"web-{pod.Labels["pod-template-hash"]}\" has successfully progressed."),
            ((string?)progressing["status"], (string?)progressing["reason"], (string?)progressing["message"]));
    }

    [Theory]
    [InlineData(4, null, 1)]
    [InlineData(1, null, 0)]
    [InlineData(10, """{"maxUnavailable": 3}""", 3)]
    [InlineData(10, """{"maxUnavailable": "50%"}""", 5)]
    [InlineData(3, """{"maxUnavailable": 0, "maxSurge": 0}""", 1)]
    [InlineData(2, """{"maxUnavailable": 9}""", 2)]
    [InlineData(4, """{"maxUnavailable": [1]}""", 0)]
    public void MaxUnavailable_resolves_as_kube_does(int replicas, string? rollingUpdate, int expected)
    {
        var deployment = new JsonObject { ["spec"] = new JsonObject() };
        if (rollingUpdate is not null)
        {
            deployment["spec"]!["strategy"] = new JsonObject { ["rollingUpdate"] = JsonNode.Parse(rollingUpdate) };
        }
        Assert.Equal(expected, LabSite.Clusters.Netns.Store.Controllers.DeploymentConditions.MaxUnavailable(deployment, replicas));
    }

    [Fact]
    public void Same_template_gives_the_same_hash_whatever_the_field_order()
    {
        var a = JsonNode.Parse("""{"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"containers":[{"name":"c","image":"x"}]}}""");
        var b = JsonNode.Parse("""{"spec":{"containers":[{"image":"x","name":"c"}]},"metadata":{"labels":{"b":"2","a":"1"}}}""");
        Assert.Equal(LabSite.Clusters.Netns.Store.Controllers.PodTemplateHash.Compute(a), LabSite.Clusters.Netns.Store.Controllers.PodTemplateHash.Compute(b));
    }

    [Fact]
    public void A_deleted_deployment_pod_is_replaced()
    {
        var store = NewStore();
        store.Apply(Deployment(1), ApplyMode.Apply);
        var pod = store.Get(new ObjectQuery("pods")).Single();

        Assert.Equal($"pod \"{pod.Name}\" deleted", store.Delete("po", null, pod.Name).Lines.Single());

        var replacement = store.Get(new ObjectQuery("pods")).Single();
        Assert.NotEqual(pod.Name, replacement.Name);
        Assert.StartsWith($"web-{pod.Labels["pod-template-hash"]}-", replacement.Name);
    }

    [Fact]
    public void Named_targetPort_resolves_to_the_pods_container_port()
    {
        var store = NewStore();
        store.Apply(Deployment(1), ApplyMode.Apply);
        store.Apply(Yaml("""
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              selector: {app: web}
              ports:
              - name: http
                port: 80
                targetPort: http
            """), ApplyMode.Apply);
        var pod = store.Get(new ObjectQuery("pods")).Single();
        store.UpdatePodStatus("default", pod.Name, PodStatus.Running(pod, "10.1.0.7", "10.1.0.1", DateTimeOffset.UnixEpoch));

        var subset = store.Get(new ObjectQuery("ep", Name: "web")).Single().Json["subsets"]![0]!;
        Assert.Equal("10.1.0.7", (string?)subset["addresses"]?[0]?["ip"]);
        Assert.Equal(8080, subset["ports"]?[0]?["port"].AsInt());
        Assert.Equal("http", (string?)subset["ports"]?[0]?["name"]);
    }

    [Fact]
    public void Not_ready_pods_are_listed_as_not_ready_addresses()
    {
        var store = NewStore();
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var pod = store.Get(new ObjectQuery("pods", LabelSelector: "class=deathstar"))[0];

        store.UpdatePodStatus("default", pod.Name, PodStatus.Waiting(pod, "10.1.0.9", "10.1.0.1", DateTimeOffset.UnixEpoch, "ErrImagePull", "no such image"));

        var subset = store.Get(new ObjectQuery("ep")).Single().Json["subsets"]![0]!;
        Assert.Null(subset["addresses"]);
        Assert.Equal("10.1.0.9", (string?)subset["notReadyAddresses"]?[0]?["ip"]);
    }

    [Fact]
    public void ClusterIPs_are_allocated_lowest_first_kept_on_apply_and_freed_on_delete()
    {
        var store = NewStore();
        string Svc(string name) => $"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  ports: [{{port: 80}}]\n";
        store.Apply(Yaml(Svc("a") + "---\n" + Svc("b")), ApplyMode.Apply);
        Assert.Equal("service/a unchanged", store.Apply(Yaml(Svc("a")), ApplyMode.Apply).Lines.Single());
        store.Delete("svc", null, "a");
        store.Apply(Yaml(Svc("c")), ApplyMode.Apply);

        var ips = store.Get(new ObjectQuery("svc")).ToDictionary(s => s.Name, s => (string?)s.Json["spec"]?["clusterIP"]);
        Assert.Equal(new Dictionary<string, string?> { ["b"] = "10.96.0.2", ["c"] = "10.96.0.1" }, ips);
    }

    [Fact]
    public void Relabeling_a_pod_is_configured_but_changing_its_spec_is_forbidden()
    {
        var store = NewStore();
        const string pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {org: LABEL}\nspec:\n  containers:\n  - name: c\n    image: IMAGE\n    CMD\n";
        store.Apply(Yaml(pod.Replace("LABEL", "empire").Replace("IMAGE", "curl").Replace("CMD", "")), ApplyMode.Apply);

        var relabel = store.Apply(Yaml(pod.Replace("LABEL", "alliance").Replace("IMAGE", "curl").Replace("CMD", "")), ApplyMode.Apply);
        var reimage = store.Apply(Yaml(pod.Replace("LABEL", "alliance").Replace("IMAGE", "curl:8").Replace("CMD", "")), ApplyMode.Apply);
        var respec = store.Apply(Yaml(pod.Replace("LABEL", "alliance").Replace("IMAGE", "curl:8").Replace("CMD", "command: [sleep]")), ApplyMode.Apply);

        Assert.Equal("pod/p configured", relabel.Lines.Single());
        Assert.Equal("pod/p configured", reimage.Lines.Single());
        Assert.StartsWith("The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`", respec.Errors.Single());
        Assert.Equal("alliance", store.Get(new ObjectQuery("po")).Single().Labels["org"]);
    }

    [Fact]
    public void A_namespace_created_in_the_same_file_can_hold_objects_and_deleting_it_removes_them()
    {
        var store = NewStore();
        var result = store.Apply(Yaml("""
            apiVersion: v1
            kind: Namespace
            metadata: {name: rebels}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: plans, namespace: rebels}
            data: {target: deathstar}
            """), ApplyMode.Create);
        Assert.Equal(["namespace/rebels created", "configmap/plans created"], result.Lines);
        Assert.Empty(store.Get(new ObjectQuery("cm")));
        Assert.Single(store.Get(new ObjectQuery("cm", "rebels")));
        Assert.Single(store.Get(new ObjectQuery("cm", "*")));

        Assert.Equal("namespace \"rebels\" deleted", store.Delete("ns", null, "rebels").Lines.Single());
        Assert.Empty(store.Get(new ObjectQuery("cm", "*")));
        Assert.Equal("Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted", store.Delete("ns", null, "default").Errors.Single());
    }

    [Fact]
    public void A_secrets_string_data_is_stored_as_base64_data_as_the_api_server_does()
    {
        var store = NewStore();
        var result = store.Apply(Yaml("""
            apiVersion: v1
            kind: Secret
            metadata: {name: cilium-ipsec-keys, namespace: kube-system}
            stringData: {keys: "3+ rfc4106(gcm(aes)) 00 128"}
            """), ApplyMode.Apply);
        Assert.Equal(["secret/cilium-ipsec-keys created"], result.Lines);
        var secret = store.Find(ResourceKinds.Secret, "kube-system", "cilium-ipsec-keys")!;
        Assert.Equal(Convert.ToBase64String("3+ rfc4106(gcm(aes)) 00 128"u8.ToArray()), (string?)secret.Json["data"]?["keys"]);
        Assert.Null(secret.Json["stringData"]);
        Assert.Equal("Opaque", (string?)secret.Json["type"]);
    }

    [Fact]
    public void One_bad_object_in_an_execute_step_rolls_back_the_others()
    {
        var store = NewStore();
        store.Apply(Data("sw_l3_l4_policy.yaml"), ApplyMode.Create);
        var version = store.ResourceVersion;

        // The first document is fine; the second exists already: nothing of the file may be stored.
        var result = store.Apply(Yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: new}\n---\n" + Data("sw_l3_l4_policy.yaml").Text), ApplyMode.Create);

        Assert.Empty(result.Lines);
        Assert.Equal("Error from server (AlreadyExists): error when creating \"test.yaml\": ciliumnetworkpolicies.cilium.io \"rule1\" already exists at line 9", result.Errors.Single());
        Assert.Empty(store.Get(new ObjectQuery("cm")));
        Assert.Equal(version, store.ResourceVersion);
    }

    [Fact]
    public void The_real_validator_accepts_the_star_wars_l7_policy()
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", PolicyValidator = new LabSite.Clusters.Netns.Policy.Api.PolicyValidator() });

        var result = store.Apply(Data("sw_l3_l4_l7_policy.yaml"), ApplyMode.Apply);

        Assert.Empty(result.Errors);
        Assert.Equal(["ciliumnetworkpolicy.cilium.io/rule1 created"], result.Lines);
        Assert.Single(store.Get(new ObjectQuery("cnp")));
    }

    private const string HostBitsPolicy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: outside}
        spec:
          podSelector: {}
          egress:
          - to:
            - ipBlock:
                cidr: CIDR
                except: [10.1.0.5/16]
        """;

    [Fact]
    public void A_cidr_with_host_bits_is_stored_with_the_api_servers_warnings()
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", PolicyValidator = new LabSite.Clusters.Netns.Policy.Api.PolicyValidator() });

        var result = store.Apply(Yaml(HostBitsPolicy.Replace("CIDR", "10.1.0.2/4"), "np.yaml"), ApplyMode.Apply);

        Assert.Empty(result.Errors);
        Assert.Equal(["networkpolicy.networking.k8s.io/outside created"], result.Lines);
        Assert.Equal(
            [
                "spec.egress[0].to[0].ipBlock.cidr: CIDR value \"10.1.0.2/4\" is ambiguous in this context (should be \"0.0.0.0/4\" or \"10.1.0.2/32\"?)",
                "spec.egress[0].to[0].ipBlock.except[0]: CIDR value \"10.1.0.5/16\" is ambiguous in this context (should be \"10.1.0.0/16\" or \"10.1.0.5/32\"?)",
            ],
            result.Warnings);
        // Stored as written, as the API server does; the datapath uses the masked network.
        Assert.Equal("10.1.0.2/4", (string?)store.Get(new ObjectQuery("netpol")).Single().Json["spec"]!["egress"]![0]!["to"]![0]!["ipBlock"]!["cidr"]);
    }

    [Fact]
    public void What_is_not_a_cidr_is_still_refused_with_its_field_path_and_line()
    {
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", PolicyValidator = new LabSite.Clusters.Netns.Policy.Api.PolicyValidator() });

        var result = store.Apply(Yaml(HostBitsPolicy.Replace("CIDR", "10.1.0.256/4"), "np.yaml"), ApplyMode.Apply);

        Assert.Equal(
            "The NetworkPolicy \"outside\" is invalid: spec.egress[0].to[0].ipBlock.cidr: \"10.1.0.256/4\" is not a CIDR (expected an address and a prefix length, e.g. 10.0.0.0/8, or one address) at line 9",
            result.Errors.Single());
        Assert.Empty(result.Warnings);
        Assert.Empty(store.Get(new ObjectQuery("netpol")));
    }

    [Fact]
    public void The_policy_validator_sees_policies_and_its_errors_reject_the_apply()
    {
        var validator = new RecordingValidator();
        var store = new ObjectStore(new StoreOptions { ServiceCidr = "10.96.0.0/16", PolicyValidator = validator });

        var result = store.Apply(Data("sw_l3_l4_l7_policy.yaml"), ApplyMode.Apply);

        Assert.Equal("rule1", validator.Seen.Single().Name);
        Assert.Equal("The CiliumNetworkPolicy \"rule1\" is invalid: spec.ingress[0].toPorts[0].rules: Forbidden: L7 rules are not supported yet at line 20", result.Errors.Single());
        Assert.Empty(store.Get(new ObjectQuery("cnp")));
    }

    [Fact]
    public void Cilium_selectors_may_name_a_label_source()
    {
        var store = NewStore();
        var result = store.Apply(Yaml("""
            apiVersion: cilium.io/v2
            kind: CiliumClusterwideNetworkPolicy
            metadata: {name: kube-dns}
            spec:
              endpointSelector:
                matchLabels:
                  k8s:io.kubernetes.pod.namespace: kube-system
              ingress:
              - fromEntities: [cluster]
            """), ApplyMode.Apply);
        Assert.Equal("ciliumclusterwidenetworkpolicy.cilium.io/kube-dns created", result.Lines.Single());
        Assert.Null(store.Get(new ObjectQuery("ccnp")).Single().Namespace);
    }

    [Fact]
    public void Subscribe_replays_existing_objects_and_handlers_may_call_back()
    {
        var store = NewStore();
        store.Apply(Data("http-sw-app.yaml"), ApplyMode.Create);
        var seen = new List<ObjectChange>();
        var ip = 1;

        using var _ = store.Subscribe(change =>
        {
            seen.Add(change);
            if (change is { Type: ChangeType.Added, Kind.Kind: "Pod" })
            {
                // Re-entrant call: its changes arrive after this handler returns, never inside it.
                store.UpdatePodStatus("default", change.Object.Name, PodStatus.Running(change.Object, $"10.1.0.{++ip}", "10.1.0.1", DateTimeOffset.UnixEpoch));
            }
        });

        Assert.Equal("Namespace", seen[0].Kind.Kind);
        Assert.Equal(4, seen.Count(c => c is { Type: ChangeType.Added, Kind.Kind: "Pod" }));
        Assert.Equal(4, seen.Count(c => c is { Type: ChangeType.Modified, Kind.Kind: "Pod" }));
        Assert.All(store.Get(new ObjectQuery("pods")), p => Assert.Equal("Running", (string?)p.Json["status"]?["phase"]));
        Assert.Equal(2, store.Get(new ObjectQuery("ep")).Single().Json["subsets"]?[0]?["addresses"]?.AsArray().Count);
    }

    private sealed class RecordingValidator : IPolicyValidator
    {
        public List<KubeObject> Seen { get; } = [];

        public PolicyCheck Validate(KubeObject policy)
        {
            Seen.Add(policy);
            return policy.Json["spec"]?["ingress"]?[0]?["toPorts"]?[0]?["rules"] is null
                ? PolicyCheck.Valid
                : new PolicyCheck([new FieldError("spec.ingress[0].toPorts[0].rules", "Forbidden: L7 rules are not supported yet")], []);
        }
    }
}
