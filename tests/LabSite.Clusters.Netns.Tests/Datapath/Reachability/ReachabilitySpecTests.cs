namespace LabSite.Clusters.Netns.Tests.Datapath.Reachability;

/// <summary>The reachability spec format: the shipped file's shape, and bad input reported with file:line.</summary>
public class ReachabilitySpecTests
{
    private const string World = "```yaml world\nkind: Namespace\nmetadata: {name: a}\n```\n";

    private static ReachabilitySpec Parse(string text) => ReachabilitySpec.Parse(text, "/specs/Reach.md");

    [Fact]
    public void Shipped_spec_has_at_least_60_cases_each_probing_two_cells_or_more()
    {
        var spec = ReachabilitySpec.Load(ReachabilityWorld.SpecPath);
        Assert.True(spec.Cases.Count >= 60, $"{spec.Cases.Count} cases");
        Assert.All(spec.Cases, c => Assert.True(c.Cells.Count() >= 2, $"{c.Name}: {c.Cells.Count()} cells"));
        Assert.Contains("kind: Pod", spec.World);
    }

    [Fact]
    public void Placeholders_take_the_labs_addresses()
    {
        var text = "toCIDR: [{{ip prod/api}}/32, {{ ip host }}/32]\nexcept: [{{pod-cidr}}]";

        var expanded = ReachabilitySpec.Expand(text, name => System.Net.IPAddress.Parse(name == "host" ? "10.3.0.1" : "10.3.0.7"), "10.3.0.0/16", "/specs/Reach.md", 40);

        Assert.Equal("toCIDR: [10.3.0.7/32, 10.3.0.1/32]\nexcept: [10.3.0.0/16]", expanded);
    }

    [Fact]
    public void An_unknown_placeholder_names_file_and_line()
    {
        var error = Assert.Throws<FormatException>(() =>
            ReachabilitySpec.Expand("a: 1\nb: {{node-ip}}", _ => System.Net.IPAddress.Loopback, "10.3.0.0/16", "/specs/Reach.md", 40));

        Assert.Equal("Reach.md:41: unknown placeholder {{node-ip}} (expected {{ip <endpoint>}} or {{pod-cidr}})", error.Message);
    }

    [Fact]
    public void Steps_keep_their_order_kind_and_lines()
    {
        var spec = Parse(World + """

            ## relabel

            ```yaml apply
            kind: CiliumNetworkPolicy
            ```

            ```text matrix
            # a comment
            a/x -> a/y 80/TCP allow
            host -> a/y 8/ICMP deny 133
            ```

            ```sh
            kubectl label pod x -n a app=y --overwrite
            ```

            ```yaml delete
            kind: CiliumNetworkPolicy
            ```

            ```text matrix
            world-a -> a/y 5353/UDP deny 181
            a/y -> world-b 80/TCP deny
            ```
            """);
        var c = Assert.Single(spec.Cases);
        Assert.Equal(("relabel", 6), (c.Name, c.Line));
        Assert.Collection(c.Steps,
            s => Assert.Equal(new ManifestStep(9, "kind: CiliumNetworkPolicy", false), s),
            s => Assert.Equal(13, s.Line),
            s => Assert.Equal([(19, "kubectl label pod x -n a app=y --overwrite")], ((ShellStep)s).Commands),
            s => Assert.True(s is ManifestStep { Delete: true, Line: 23 }),
            s => Assert.Equal(27, s.Line));
        Assert.Equal(
            ["a/x -> a/y 80/TCP allow", "host -> a/y 8/ICMP deny 133", "world-a -> a/y 5353/UDP deny 181", "a/y -> world-b 80/TCP deny"],
            c.Cells.Select(x => x.ToString()));
        Assert.Equal(new ProbeCell("host", "a/y", 8, ProbeProtocol.ICMP, false, 133, 15), c.Cells.ElementAt(1));
    }

    [Theory]
    [InlineData("x -> a/y 80/TCP allow", "Reach.md:8: matrix cell \"x -> a/y 80/TCP allow\": from \"x\" is neither <namespace>/<pod> nor one of host, world-a, world-b")]
    [InlineData("a/x -> a/y 80/SCTP allow", "Reach.md:8: matrix cell \"a/x -> a/y 80/SCTP allow\": expected \"<from> -> <to> <port>/<TCP|UDP|ICMP> allow|deny [133|181]\"")]
    [InlineData("a/x -> a/y 80/TCP maybe", "Reach.md:8: matrix cell \"a/x -> a/y 80/TCP maybe\": expected \"<from> -> <to> <port>/<TCP|UDP|ICMP> allow|deny [133|181]\"")]
    [InlineData("a/x -> a/y 80/TCP allow 133", "Reach.md:8: matrix cell \"a/x -> a/y 80/TCP allow 133\": a drop reason goes after deny and is 133 (POLICY_DENIED) or 181 (POLICY_DENY)")]
    [InlineData("a/x -> a/y 80/TCP deny 130", "Reach.md:8: matrix cell \"a/x -> a/y 80/TCP deny 130\": a drop reason goes after deny and is 133 (POLICY_DENIED) or 181 (POLICY_DENY)")]
    [InlineData("a/x -> a/y 0/TCP allow", "Reach.md:8: matrix cell \"a/x -> a/y 0/TCP allow\": port 0 is outside 1-65535")]
    [InlineData("a/x -> a/y 3/ICMP deny", "Reach.md:8: matrix cell \"a/x -> a/y 3/ICMP deny\": ICMP type 3 cannot be probed; use 8 (echo) or 13 (timestamp), the requests the kernel answers")]
    [InlineData("a/x -> a/x 80/TCP allow", "Reach.md:8: matrix cell \"a/x -> a/x 80/TCP allow\": from and to are the same endpoint")]
    [InlineData("a/x -> a/y 80/TCP allow\na/x -> a/y 80/TCP deny", "Reach.md:9: cell a/x -> a/y 80/TCP already given at line 8")]
    public void Bad_matrix_lines_name_file_line_and_the_expected_form(string matrix, string error)
    {
        var e = Assert.Throws<FormatException>(() => Parse(World + "\n## c\n```text matrix\n" + matrix + "\n```\n"));
        Assert.Equal(error, e.Message);
    }

    [Theory]
    [InlineData("## c\n```text matrix\na/x -> a/y 80/TCP allow\n", "Reach.md:6: block ```text matrix is never closed")]
    [InlineData("## c\n```json policy\n{}\n```\n", "Reach.md:6: unknown block ```json policy; expected yaml apply, yaml delete, sh or text matrix")]
    [InlineData("## c\n```yaml apply\nkind: X\n```\n", "Reach.md:5: case \"c\" has no ```text matrix block")]
    [InlineData("## c\n```text matrix\n\n```\n", "Reach.md:6: ```text matrix block has no cell")]
    [InlineData("## c\n```sh\n# nothing\n```\n```text matrix\na/x -> a/y 80/TCP allow\n```\n", "Reach.md:6: ```sh block has no command")]
    [InlineData("```yaml apply\nkind: X\n```\n", "Reach.md:5: block ```yaml apply is outside any case (cases start with \"## \")")]
    [InlineData("## c\n```text matrix\na/x -> a/y 80/TCP allow\n```\n## c\n```text matrix\na/x -> a/y 80/TCP allow\n```\n", "Reach.md:9: case \"c\" appears twice")]
    [InlineData("## c\n```yaml world\nkind: Pod\n```\n", "Reach.md:6: ```yaml world must come once, before the first case")]
    public void Bad_structure_names_file_and_line(string rest, string error)
    {
        var e = Assert.Throws<FormatException>(() => Parse(World + rest));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void A_spec_without_a_world_is_refused()
    {
        var e = Assert.Throws<FormatException>(() => Parse("## c\n```text matrix\na/x -> a/y 80/TCP allow\n```\n"));
        Assert.Equal("Reach.md:1: no ```yaml world block (the namespaces and pods the cases share)", e.Message);
    }
}
