using LabSite.Shell.Tests.Support;

namespace LabSite.Shell.Tests.Kubectl;

/// <summary>Layouts and messages of <c>kubectl get</c>, written from real kubectl output formats.</summary>
public class KubectlGetTests
{
    [Fact]
    public async Task Get_pods_prints_kubectls_columns()
    {
        using var shell = new ShellHarness();
        var (status, output, err) = await shell.RunAsync("kubectl get pods");
        Assert.Equal((0, ""), (status, err));
        Assert.Equal(
            """
            NAME                         READY   STATUS    RESTARTS   AGE
            deathstar-54c4d4bdf9-fwhtv   1/1     Running   0          107s
            deathstar-54c4d4bdf9-h99qf   1/1     Running   0          107s
            tiefighter                   1/1     Running   0          3m2s
            xwing                        1/1     Running   0          2d1h

            """, output);
    }

    [Fact]
    public async Task Get_pods_wide_with_labels_and_a_selector()
    {
        using var shell = new ShellHarness();
        var (_, output, _) = await shell.RunAsync("kubectl get po -o wide -l org=empire,class=tiefighter --show-labels");
        Assert.Equal(
            """
            NAME         READY   STATUS    RESTARTS   AGE    IP           NODE     NOMINATED NODE   READINESS GATES   LABELS
            tiefighter   1/1     Running   0          3m2s   10.0.0.112   <none>   <none>           <none>            app.kubernetes.io/name=tiefighter,class=tiefighter,org=empire

            """, output);
    }

    [Fact]
    public async Task Get_services_deployments_endpoints_namespaces()
    {
        using var shell = new ShellHarness();
        Assert.Equal(
            """
            NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE    SELECTOR
            deathstar   ClusterIP   10.96.0.1    <none>        80/TCP    107s   class=deathstar,org=empire

            """, (await shell.RunAsync("kubectl get svc -o wide")).Out);
        Assert.Equal(
            """
            NAME        READY   UP-TO-DATE   AVAILABLE   AGE
            deathstar   2/2     2            2           107s

            """, (await shell.RunAsync("kubectl get deployments.apps")).Out);
        Assert.Equal(
            """
            NAME        ENDPOINTS                     AGE
            deathstar   10.0.0.147:80,10.0.0.148:80   107s

            """, (await shell.RunAsync("kubectl get ep")).Out);
        Assert.Equal(
            """
            NAME              STATUS   AGE
            default           Active   121m
            kube-node-lease   Active   121m
            kube-public       Active   121m
            kube-system       Active   121m

            """, (await shell.RunAsync("kubectl get ns")).Out);
    }

    [Fact]
    public async Task All_namespaces_adds_the_namespace_column()
    {
        using var shell = new ShellHarness();
        var (_, output, _) = await shell.RunAsync("kubectl get svc -A");
        Assert.StartsWith("NAMESPACE   NAME        TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\ndefault     deathstar   ClusterIP", output);
    }

    [Fact]
    public async Task Get_all_prefixes_names_by_kind_with_a_blank_line_between_kinds()
    {
        using var shell = new ShellHarness();
        var (_, output, _) = await shell.RunAsync("kubectl get all");
        Assert.Contains("NAME                             READY   STATUS    RESTARTS   AGE\npod/deathstar-54c4d4bdf9-fwhtv   1/1", output);
        Assert.Contains("\n\nNAME                TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/deathstar   ClusterIP", output);
        Assert.Contains("\n\nNAME                        READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/deathstar   2/2", output);
    }

    [Fact]
    public async Task Output_name_uses_the_group_qualified_kind()
    {
        using var shell = new ShellHarness();
        Assert.Equal("deployment.apps/deathstar\n", (await shell.RunAsync("kubectl get deploy -o name")).Out);
        Assert.Equal("pod/xwing\n", (await shell.RunAsync("kubectl get pod xwing -oname")).Out);
    }

    [Fact]
    public async Task Missing_objects_and_kinds_give_kubectls_errors()
    {
        using var shell = new ShellHarness();
        Assert.Equal((1, "", "Error from server (NotFound): pods \"ywing\" not found\n"), await shell.RunAsync("kubectl get pod ywing"));
        Assert.Equal((1, "", "error: the server doesn't have a resource type \"starships\"\n"), await shell.RunAsync("kubectl get starships"));
        Assert.Equal((0, "", "No resources found in default namespace.\n"), await shell.RunAsync("kubectl get cnp"));
        Assert.Equal((0, "", "No resources found in kube-system namespace.\n"), await shell.RunAsync("kubectl get pods -n kube-system"));
        Assert.Equal((0, "", "No resources found\n"), await shell.RunAsync("kubectl get ccnp"));
    }

    [Fact]
    public async Task Unknown_flags_are_reported_like_pflag()
    {
        using var shell = new ShellHarness();
        Assert.Equal((1, "", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.\n"), await shell.RunAsync("kubectl get pods -z"));
        Assert.Equal((1, "", "error: unknown command \"frobnicate\" for \"kubectl\"\nThe lab shell's kubectl knows: apply, create, delete, describe, exec, explain, get, label, logs, run, scale, wait.\n"),
            await shell.RunAsync("kubectl frobnicate"));
        Assert.StartsWith("error: unable to match a printer suitable for the output format \"toml\"", (await shell.RunAsync("kubectl get pods -o toml")).Err);
    }

    [Fact]
    public async Task Jsonpath_reads_lists_ranges_and_filters()
    {
        using var shell = new ShellHarness();
        Assert.Equal("deathstar-54c4d4bdf9-fwhtv deathstar-54c4d4bdf9-h99qf tiefighter xwing",
            (await shell.RunAsync("kubectl get pods -o jsonpath='{.items[*].metadata.name}'")).Out);
        Assert.Equal("tiefighter=10.0.0.112\nxwing=10.0.0.30\n",
            (await shell.RunAsync("kubectl get pods -o jsonpath='{range .items[?(@.metadata.labels.class!=\"deathstar\")]}{.metadata.name}={.status.podIP}{\"\\n\"}{end}'")).Out);
        Assert.Equal("10.0.0.30", (await shell.RunAsync("kubectl get pod xwing -o jsonpath={.status.podIP}")).Out);
    }

    [Fact]
    public async Task Json_of_one_named_object_is_bare_and_of_several_a_list()
    {
        using var shell = new ShellHarness();
        var one = (await shell.RunAsync("kubectl get svc deathstar -o json")).Out;
        Assert.StartsWith("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",", one);
        var list = (await shell.RunAsync("kubectl get svc -o json")).Out;
        Assert.StartsWith("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {", list);
        Assert.EndsWith("    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", list);
    }

    [Fact]
    public async Task Yaml_sorts_keys_and_quotes_what_would_not_read_back_as_a_string()
    {
        using var shell = new ShellHarness();
        var yaml = (await shell.RunAsync("kubectl get svc deathstar -o yaml")).Out;
        Assert.Equal(
            """
            apiVersion: v1
            kind: Service
            metadata:
              creationTimestamp: "2026-11-22T12:00:00Z"
              labels:
                app.kubernetes.io/name: deathstar
              name: deathstar
              namespace: default
              resourceVersion: "9"
              uid: 8baf54e4-1f82-4b31-a89c-5f65b284c5a6
            spec:
              clusterIP: 10.96.0.1
              clusterIPs:
              - 10.96.0.1
              internalTrafficPolicy: Cluster
              ipFamilies:
              - IPv4
              ipFamilyPolicy: SingleStack
              ports:
              - port: 80
                protocol: TCP
                targetPort: 80
              selector:
                class: deathstar
                org: empire
              sessionAffinity: None
              type: ClusterIP
            status:
              loadBalancer: {}

            """, yaml);
    }

    [Fact]
    public async Task Get_with_a_pipe_to_grep_and_wc()
    {
        using var shell = new ShellHarness();
        Assert.Equal("2\n", (await shell.RunAsync("kubectl get pods --no-headers | grep deathstar | wc -l")).Out);
    }
}
