using LabSite.Clusters.Contract;
using LabSite.Scenarios.Loading;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Loading;

/// <summary>How a valid lab.md becomes the model: steps, HTML, code blocks, hints, solution, files.</summary>
public sealed class LabLoaderTests : IDisposable
{
    private const string Manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n";

    private readonly string _root = Directory.CreateTempSubdirectory("labsite-loader-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteLab(string id, string body, params (string Path, string Text)[] files)
    {
        var dir = Path.Combine(_root, id);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "lab.md"), $"""
            ---
            id: {id}
            title: Test lab
            summary: For tests.
            duration: 10
            difficulty: intermediate
            tags: [a, b]
            cca_domains: [ebpf]
            backends: [kind]
            ---

            """ + body);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, path))!);
            File.WriteAllText(Path.Combine(dir, path), text);
        }

        return dir;
    }

    [Fact]
    public void BuildsMetaIntroAndStepsInOrder()
    {
        var dir = WriteLab("two-steps", """
            Welcome *here*.

            ## First `step` {#one}

            Text one.

            ## Second step {#two}

            Text two.
            """);

        var result = LabLoader.Load(dir);

        Assert.Empty(result.Diagnostics);
        var lab = result.Lab!;
        Assert.Equal("two-steps", lab.Id);
        Assert.Equal(10, lab.Meta.DurationMinutes);
        Assert.Equal(LabSite.Scenarios.Model.Difficulty.Intermediate, lab.Meta.Difficulty);
        Assert.Equal(["a", "b"], lab.Meta.Tags);
        Assert.Equal(["ebpf"], lab.Meta.CcaDomains);
        Assert.Equal(["kind"], lab.Meta.Backends);
        Assert.Equal("<p>Welcome <em>here</em>.</p>\n", lab.IntroHtml);
        Assert.Equal(["one", "two"], lab.Steps.Select(s => s.Id));
        Assert.Equal(["First step", "Second step"], lab.Steps.Select(s => s.Title));
        Assert.Equal([0, 1], lab.Steps.Select(s => s.Index));
        Assert.Equal("<p>Text one.</p>\n", lab.Steps[0].Html);
        Assert.Equal(13, lab.Steps[0].Location.Line);
    }

    [Fact]
    public void NumbersCodeBlocksAcrossTextHintsAndSolution()
    {
        var dir = WriteLab("code", """
            ## Run {#run}

            ```sh
            kubectl get pods
            ```

            ```yaml
            kind: Pod
            ```

            :::hint
            Try:

            ```bash
            kubectl describe pod web
            ```
            :::

            :::solution
            ```sh
            kubectl apply -f web.yaml
            ```

            ```text
            not a command
            ```
            :::

            ```check
            id: pod
            kind: object
            title: Pod exists
            resource: Pod
            name: web
            ```
            """, ("web.yaml", Manifest));

        var step = LabLoader.Load(dir).Lab!.Steps.Single();

        Assert.Equal(
            [(1, "sh", true), (2, "yaml", false), (3, "bash", true), (4, "sh", true), (5, "text", false)],
            step.CodeBlocks.Select(c => (c.Number, c.Language, c.Runnable)));
        Assert.Equal("kubectl get pods", step.CodeBlocks[0].Code);
        Assert.Contains("<div class=\"lab-code\" data-code-block=\"1\" data-runnable=\"true\">\n<pre><code class=\"language-sh\">kubectl get pods\n</code></pre>\n</div>", step.Html);
        Assert.Contains("data-code-block=\"2\" data-runnable=\"false\"", step.Html);
        Assert.DoesNotContain("describe", step.Html);
        Assert.DoesNotContain("Pod exists", step.Html);
        Assert.Contains("data-code-block=\"3\"", step.Hints.Single().Html);
        Assert.Equal(["kubectl apply -f web.yaml"], step.Solution!.Commands);
        Assert.Contains("data-code-block=\"5\"", step.Solution.Html);
        Assert.IsType<ObjectCheck>(step.Checks.Single());
    }

    [Fact]
    public void HintsKeepTheirOrder()
    {
        var dir = WriteLab("hints", """
            ## Think {#think}

            Do it.

            :::hint
            First.
            :::

            :::hint
            Second.
            :::
            """);

        var hints = LabLoader.Load(dir).Lab!.Steps.Single().Hints;

        Assert.Equal([(1, "<p>First.</p>\n"), (2, "<p>Second.</p>\n")], hints.Select(h => (h.Number, h.Html)));
    }

    [Fact]
    public void RawHtmlIsEscapedNotRendered()
    {
        var dir = WriteLab("html", """
            ## Step {#step}

            <script>alert(1)</script> and <b>bold</b>
            """);

        var html = LabLoader.Load(dir).Lab!.Steps.Single().Html;

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void ListsEveryFileButLabMdSorted()
    {
        var dir = WriteLab("files", "## Step {#step}\n\nSee [b](manifests/b.yaml).\n", ("manifests/b.yaml", Manifest), ("a.txt", "a"), ("solution/policy.yaml", "p"));

        var files = LabLoader.Load(dir).Lab!.Files;

        Assert.Equal(["a.txt", "manifests/b.yaml", "solution/policy.yaml"], files.Select(f => f.RelativePath));
        Assert.All(files, f => Assert.True(File.Exists(f.FullPath)));
    }

    [Fact]
    public void ReferencedManifestsAreReadOnceAndReportedInTheirOwnFile()
    {
        var dir = WriteLab("manifests", """
            ## Step {#step}

            Read [it](bad.yaml), then:

            ```sh
            kubectl apply -f bad.yaml
            ```
            """, ("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [web\n"));

        var result = LabLoader.Load(dir);

        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(Path.Combine(dir, "bad.yaml"), diagnostic.Location.File);
        Assert.Equal(4, diagnostic.Location.Line);
        Assert.StartsWith("manifest is not valid YAML: ", diagnostic.Message);
    }

    [Fact]
    public void OutsideHostsAreReadAndBadOnesNamed()
    {
        var dir = Path.Combine(_root, "outside");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "lab.md"), """
            ---
            id: outside
            title: Test lab
            summary: For tests.
            duration: 10
            difficulty: intermediate
            backends: [netns]
            outside:
            - api.example.com ttl=600
            - evil.example.org
            - web.default.svc.cluster.local
            - "*.example.com"
            - a.com ttl=forever
            - API.example.com
            ---

            ## Step {#step}

            Text.
            """);

        var result = LabLoader.Load(dir);

        Assert.Equal(
            [
                "11:3 outside host \"web.default.svc.cluster.local\" is inside the cluster domain; pick a name outside cluster.local",
                "12:3 outside host \"*.example.com\" must be a DNS name with a domain, optionally followed by ttl=SECONDS (e.g. \"api.example.com ttl=600\")",
                "13:3 outside host \"a.com ttl=forever\": expected ttl=SECONDS (0 to 86400) after the name",
                "14:3 outside host \"api.example.com\" is listed twice",
            ],
            result.Diagnostics.Select(d => $"{d.Location.Line}:{d.Location.Column} {d.Message}"));

        File.WriteAllText(Path.Combine(dir, "lab.md"), File.ReadAllText(Path.Combine(dir, "lab.md"))
            .Replace("- web.default.svc.cluster.local\n", "", StringComparison.Ordinal).Replace("- \"*.example.com\"\n", "", StringComparison.Ordinal)
            .Replace("- a.com ttl=forever\n", "", StringComparison.Ordinal).Replace("- API.example.com\n", "", StringComparison.Ordinal));
        var lab = LabLoader.Load(dir).Lab!;
        Assert.Equal(["api.example.com ttl=600", "evil.example.org"], lab.Meta.Outside);
    }

    [Theory]
    [InlineData("0", "got the number 0")]
    [InlineData("4", "got the number 4")]
    [InlineData("x", "got \"x\"")]
    [InlineData("[2]", "got a list")]
    public void NodesOutsideOneToThreeAreNamedWithTheirLine(string value, string got)
    {
        var dir = WriteNodesLab(value);

        var diagnostic = Assert.Single(LabLoader.Load(dir).Diagnostics);

        Assert.Equal((Path.Combine(dir, "lab.md"), 8), (diagnostic.Location.File, diagnostic.Location.Line));
        Assert.StartsWith("\"nodes\" in front matter must be a whole number of nodes from 1 to 3; ", diagnostic.Message);
        Assert.Contains(got, diagnostic.Message);
    }

    [Fact]
    public void NodesAreReadAndDefaultToOne()
    {
        Assert.Equal(2, LabLoader.Load(WriteNodesLab("2")).Lab!.Meta.Nodes);
        Assert.Equal(1, LabLoader.Load(WriteLab("one-node", "## Step {#step}\n\nText.\n")).Lab!.Meta.Nodes);
    }

    [Fact]
    public void ClustersDeclareAMeshAndChecksMayNameOneOfItsClusters()
    {
        var dir = WriteMeshLab("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 2}", "cluster: west");
        var result = LabLoader.Load(dir);
        Assert.Empty(result.Diagnostics);
        Assert.Equal([new MeshCluster("east", 1), new MeshCluster("west", 2)], result.Lab!.Meta.Clusters);
        Assert.Equal("west", result.Lab.Steps[0].Checks[0].Cluster);
        Assert.Null(LabLoader.Load(WriteLab("lone", "## Step {#step}\n\nText.\n")).Lab!.Meta.Clusters);
    }

    [Theory]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 1}", "", "clusters[1].id: Duplicate value: 1")]
    [InlineData("clusters:\n  - {name: east, id: 1}", "", "clusters: a mesh has 2 to 3 clusters, not 1")]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: West!, id: 2}", "", "clusters[1].name: Invalid value: \"West!\"")]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 900}", "", "\"id\" in an item of \"clusters\" in front matter must be a cluster id from 1 to 255")]
    [InlineData("clusters:\n  - east\n  - west", "", "each item of \"clusters\" in front matter is a mapping like {name: east, id: 1}")]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 2}\nnodes: 2", "", "a lab with \"clusters\" (a Cluster Mesh) has one node per cluster")]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 2}", "cluster: \"../other\"", "\"cluster\" names a cluster of the lab's mesh")]
    [InlineData("clusters:\n  - {name: east, id: 1}\n  - {name: west, id: 2}\nbackends: [netns, kind]", "", "runs on the netns backend only")]
    public void BadMeshDeclarationsAreNamedWithTheirField(string frontMatter, string checkLine, string expected)
    {
        var result = LabLoader.Load(WriteMeshLab(frontMatter, checkLine));
        Assert.Null(result.Lab);
        Assert.Contains(result.Diagnostics, d => d.Message.Contains(expected, StringComparison.Ordinal));
    }

    private string WriteMeshLab(string frontMatter, string checkLine)
    {
        var dir = Path.Combine(_root, "mesh");
        Directory.CreateDirectory(dir);
        var backends = frontMatter.Contains("backends:", StringComparison.Ordinal) ? "" : "backends: [netns]\n";
        File.WriteAllText(Path.Combine(dir, "lab.md"), $"---\nid: mesh\ntitle: Test lab\nsummary: For tests.\nduration: 10\ndifficulty: advanced\n{backends}{frontMatter}\n---\n\n"
            + "## Step {#step}\n\nText.\n\n:::solution\n```sh\nkubectl --context west get pods\n```\n:::\n\n"
            + $"```check\nid: c\nkind: object\ntitle: T\n{checkLine}\nresource: Pod\nname: p\n```\n");
        return dir;
    }

    private string WriteNodesLab(string nodes)
    {
        var dir = Path.Combine(_root, "nodes");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "lab.md"), $"""
            ---
            id: nodes
            title: Test lab
            summary: For tests.
            duration: 10
            difficulty: intermediate
            backends: [netns]
            nodes: {nodes}
            ---

            ## Step {"{#step}"}

            Text.
            """);
        return dir;
    }

    [Fact]
    public void OnlyKubectlDashFIsAFileArgument()
    {
        var dir = WriteLab("dash-f", """
            ## Step {#step}

            ```sh
            kubectl exec client -- curl -s -f web/index.html
            hubble observe -f --pod web
            cat policy.yaml | kubectl apply -f missing.yaml
            kubectl apply --filename=other.yaml && curl -f x/
            ```
            """);

        var messages = LabLoader.Load(dir).Diagnostics.Select(d => $"{d.Location.Line}:{d.Location.Column} {d.Message}");

        Assert.Equal(
            [
                "16:36 file \"missing.yaml\" does not exist in the lab folder (paths are relative to the folder holding lab.md)",
                "17:26 file \"other.yaml\" does not exist in the lab folder (paths are relative to the folder holding lab.md)",
            ],
            messages);
    }

    [Fact]
    public void WarnsAboutChecksNamingThingsTheLabNeverCreates()
    {
        var dir = WriteLab("typos", """
            ## Step {#step}

            Deploy:

            ```sh
            kubectl apply -f app.yaml
            kubectl run probe --image=nicolaka/netshoot -- sleep infinity
            ```

            :::solution
            ```sh
            kubectl apply -f app.yaml
            ```
            :::

            ```check
            id: ok
            kind: probe
            title: t
            from: probe
            http: {url: "http://web.default.svc.cluster.local/"}
            expect: success
            ```

            ```check
            id: typo
            kind: flow
            title: t
            from: {labels: {app: clinet}}
            to: web
            ```

            ```check
            id: no-service
            kind: probe
            title: t
            from: web
            tcp: api:80
            expect: timeout
            ```

            ```check
            id: no-policy
            kind: object
            title: t
            resource: CiliumNetworkPolicy
            name: lockdown
            ```
            """, ("app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"));

        var result = LabLoader.Load(dir);

        Assert.True(result.IsValid);
        Assert.Equal(
            [
                "warning: check \"typo\" names pods default/{app=clinet} in \"from\", but no file or kubectl command in this lab creates pods with those labels; pods here: probe, web",
                "warning: check \"no-service\" reaches service default/api in \"tcp\", but no file or kubectl command in this lab creates it",
                "warning: check \"no-policy\" expects CiliumNetworkPolicy default/lockdown, but no file or kubectl command in this lab creates it",
            ],
            result.Diagnostics.Select(d => $"{d.Severity.ToString().ToLowerInvariant()}: {d.Message}"));
    }

    [Fact]
    public void FolderWithoutLabMdIsBrokenAndSaysSo()
    {
        var dir = Path.Combine(_root, "empty");
        Directory.CreateDirectory(dir);

        var result = LabLoader.Load(dir);

        Assert.Null(result.Lab);
        Assert.Equal($"{dir}:1:1: error: lab folder has no lab.md; each folder under labs/ is one lab, described by its lab.md", result.Diagnostics.Single().ToString());
    }

    [Fact]
    public void CatalogListsValidLabsAndBrokenOnesSideBySide()
    {
        WriteLab("good", "## Step {#step}\n\nText.\n");
        WriteLab("bad", "## Step\n\nText.\n");

        var catalog = LabCatalogLoader.Load(_root);

        Assert.Equal(["good"], catalog.Labs.Select(l => l.Id));
        var broken = Assert.Single(catalog.Broken);
        Assert.Equal("bad", broken.Id);
        Assert.Contains("has no id", broken.Diagnostics.Single().Message);
        Assert.NotNull(catalog.Find("good"));
        Assert.Null(catalog.Find("bad"));
    }

    [Fact]
    public void DiagnosticsComeSortedByLine()
    {
        var dir = WriteLab("order", "## B {#b}\n\n:::hints\nx\n:::\n\n## A\n\nText.\n");

        var lines = LabLoader.Load(dir).Diagnostics.Select(d => d.Location.Line).ToList();

        Assert.Equal(lines.Order(), lines);
        Assert.Equal(3, lines.Count);
    }
}
