using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Checks;

public class CheckBlockReaderTests
{
    [Fact]
    public void FlowCheckReadsEveryFilterAndDefaults()
    {
        var check = CheckParsing.Valid<FlowCheck>("""
            id: xwing-dropped
            kind: flow
            title: The X-wing is dropped
            onFail: Did you apply the policy?
            from: xwing
            to: {labels: {org: empire, class: deathstar}, namespace: starwars}
            verdict: DROPPED
            dropReason: POLICY_DENIED
            protocol: tcp
            port: 80
            type: policy-verdict
            direction: ingress
            """);

        Assert.Equal("xwing-dropped", check.Id);
        Assert.Equal("The X-wing is dropped", check.Title);
        Assert.Equal("Did you apply the policy?", check.OnFail);
        Assert.Equal(new SourceLocation("lab.md", 1, 1), check.Location);
        var filter = check.Filter;
        Assert.Equal(PodSelector.ByName("xwing"), filter.From);
        Assert.Equal("default/xwing", filter.From!.ToString());
        Assert.Equal("starwars/{class=deathstar,org=empire}", filter.To!.ToString());
        Assert.Equal(FlowVerdict.Dropped, filter.Verdict);
        Assert.Equal("POLICY_DENIED", filter.DropReason);
        Assert.Equal(FlowProtocol.Tcp, filter.Protocol);
        Assert.Equal(80, filter.Port);
        Assert.Equal(FlowEventType.PolicyVerdict, filter.Type);
        Assert.Equal(TrafficDirection.Ingress, filter.Direction);
        Assert.Null(filter.Http);
        Assert.Equal(FlowExpectation.Exists, check.Expect);
        Assert.Equal(1, check.MinCount);
        Assert.Equal(CheckWindow.Step, check.Window);
    }

    [Fact]
    public void FlowCheckReadsHttpFilterCountAndWindow()
    {
        var check = CheckParsing.Valid<FlowCheck>("""
            id: landing
            kind: flow
            title: Landing requests
            from: default/tiefighter
            http: {method: POST, path: /v1/request-landing, code: 200}
            minCount: 2
            window: lab
            """);

        Assert.Equal(new HttpFlowFilter("POST", "/v1/request-landing", 200), check.Filter.Http);
        Assert.Null(check.Filter.Protocol);
        Assert.Equal(2, check.MinCount);
        Assert.Equal(CheckWindow.Lab, check.Window);
    }

    [Fact]
    public void FlowCheckTypeMayNameATraceObservationPoint()
    {
        var check = CheckParsing.Valid<FlowCheck>("""
            id: into-tunnel
            kind: flow
            title: Into the tunnel
            from: client
            type: trace:to-overlay
            """);
        Assert.Equal((FlowEventType.Trace, "to-overlay"), (check.Filter.Type, check.Filter.TracePoint));

        var (bad, errors) = CheckParsing.Parse("""
            id: nowhere
            kind: flow
            title: Nowhere
            from: client
            type: trace:to-the-moon
            """);
        Assert.Null(bad);
        Assert.Contains(errors, e => e.Contains("\"type\" of check \"nowhere\" names observation point \"to-the-moon\"; use trace:POINT with one of to-endpoint,", StringComparison.Ordinal));
    }

    [Fact]
    public void PolicyMapCheckDefaultsProtocolFromPort()
    {
        var withPort = CheckParsing.Valid<PolicyMapCheck>("""
            id: a
            kind: policy-map
            title: t
            endpoint: deathstar
            peer: {labels: {org: empire}}
            direction: ingress
            port: 80
            expect: allow
            proxy: true
            match: exact
            """);
        var withoutPort = CheckParsing.Valid<PolicyMapCheck>("""
            id: b
            kind: policy-map
            title: t
            endpoint: deathstar
            peer: {reserved: world}
            direction: egress
            expect: deny
            """);

        Assert.Equal(PolicyProtocol.Tcp, withPort.Protocol);
        Assert.Equal(80, withPort.Port);
        Assert.True(withPort.Proxy);
        Assert.Equal(PolicyMapMatch.Exact, withPort.Match);
        Assert.Equal("default/{org=empire}", withPort.Peer.ToString());
        Assert.Equal(PolicyProtocol.Any, withoutPort.Protocol);
        Assert.Null(withoutPort.Port);
        Assert.Null(withoutPort.Proxy);
        Assert.Equal(new PolicyPeer(null, "world"), withoutPort.Peer);
        Assert.Equal(TrafficDirection.Egress, withoutPort.Direction);
        Assert.Equal(PolicyMapExpectation.Deny, withoutPort.Expect);
    }

    [Fact]
    public void PolicyMapPeerAcceptsReservedShorthand()
    {
        var check = CheckParsing.Valid<PolicyMapCheck>("""
            id: a
            kind: policy-map
            title: t
            endpoint: deathstar
            peer: reserved:any
            direction: ingress
            protocol: UDP
            port: 53
            expect: absent
            """);

        Assert.Equal("reserved:any", check.Peer.ToString());
        Assert.Equal(PolicyMapMatch.Lookup, check.Match);
        Assert.Equal(PolicyProtocol.Udp, check.Protocol);
        Assert.Equal(PolicyMapExpectation.Absent, check.Expect);
    }

    [Theory]
    [InlineData("any", 0u)]
    [InlineData("host", 1u)]
    [InlineData("world", 2u)]
    [InlineData("remote-node", 6u)]
    [InlineData("kube-apiserver", 7u)]
    [InlineData("world-ipv6", 10u)]
    public void ReservedPeerNamesAreCiliumsIdentities(string name, uint identity)
    {
        Assert.Contains(name, ReservedIdentityNames.All);
        Assert.Equal(identity, ReservedIdentityNames.Number(name));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("everyone")]
    [InlineData("Host")]
    public void OtherPeerNamesAreNotReserved(string name)
    {
        Assert.DoesNotContain(name, ReservedIdentityNames.All);
        Assert.Null(ReservedIdentityNames.Number(name));
    }

    [Fact]
    public void EndpointCheckReadsAllAssertions()
    {
        var check = CheckParsing.Valid<EndpointCheck>("""
            id: a
            kind: endpoint
            title: t
            pod: deathstar
            ingressEnforcement: enabled
            egressEnforcement: disabled
            identityLabels: {org: empire}
            sameIdentityAs: deathstar-2
            differentIdentityFrom: {pod: xwing}
            """);

        Assert.Equal(PolicyEnforcement.Enabled, check.IngressEnforcement);
        Assert.Equal(PolicyEnforcement.Disabled, check.EgressEnforcement);
        Assert.Equal("empire", check.IdentityLabels!["org"]);
        Assert.Equal("default/deathstar-2", check.SameIdentityAs!.ToString());
        Assert.Equal("default/xwing", check.DifferentIdentityFrom!.ToString());
    }

    [Theory]
    [InlineData("expect: absent", ObjectExpectation.Absent)]
    [InlineData("expect: ready", ObjectExpectation.Ready)]
    [InlineData("", ObjectExpectation.Exists)]
    public void ObjectCheckExpectations(string expectLine, ObjectExpectation expected)
    {
        var check = CheckParsing.Valid<ObjectCheck>($"""
            id: a
            kind: object
            title: t
            resource: Deployment
            name: deathstar
            {expectLine}
            """);

        Assert.Equal(expected, check.Expect);
        Assert.Equal("default", check.Namespace);
        Assert.Null(check.Field);
    }

    [Fact]
    public void ObjectCheckFieldEqualsAndClusterScope()
    {
        var field = CheckParsing.Valid<ObjectCheck>("""
            id: a
            kind: object
            title: t
            resource: Pod
            name: web
            namespace: shop
            field: .metadata.labels['app.kubernetes.io/name']
            equals: web
            """);
        var clusterWide = CheckParsing.Valid<ObjectCheck>("""
            id: b
            kind: object
            title: t
            resource: Namespace
            name: shop
            """);

        Assert.Equal(ObjectExpectation.FieldEquals, field.Expect);
        Assert.Equal(".metadata.labels['app.kubernetes.io/name']", field.Field);
        Assert.Equal("web", field.Value);
        Assert.Equal("shop", field.Namespace);
        Assert.Null(clusterWide.Namespace);
    }

    [Fact]
    public void ProbeCheckReadsEachTarget()
    {
        var tcp = CheckParsing.Valid<ProbeCheck>("""
            id: a
            kind: probe
            title: t
            from: xwing
            tcp: deathstar.default.svc.cluster.local:80
            expect: timeout
            timeout: 5
            """);
        var http = CheckParsing.Valid<ProbeCheck>("""
            id: b
            kind: probe
            title: t
            from: tiefighter
            http:
              method: PUT
              url: http://deathstar.default.svc.cluster.local/v1/exhaust-port
            expect: denied
            """);
        var dns = CheckParsing.Valid<ProbeCheck>("""
            id: c
            kind: probe
            title: t
            from: tiefighter
            dns: deathstar.default.svc.cluster.local
            expect: success
            """);

        Assert.Equal(new TcpProbe("deathstar.default.svc.cluster.local", 80), tcp.Probe);
        Assert.Equal(5, tcp.TimeoutSeconds);
        Assert.Equal(new HttpProbe("PUT", "http://deathstar.default.svc.cluster.local/v1/exhaust-port", null, null), http.Probe);
        Assert.Equal(ProbeExpectation.Denied, http.Expect);
        Assert.Equal(3, http.TimeoutSeconds);
        Assert.Equal(new DnsProbe("deathstar.default.svc.cluster.local"), dns.Probe);
    }

    [Fact]
    public void AnswerCheckLiteralChoicesAndLiveValues()
    {
        var choice = CheckParsing.Valid<AnswerCheck>("""
            id: a
            kind: answer
            title: t
            question: Which verdict did the X-wing get?
            choices: [FORWARDED, DROPPED]
            answer: dropped
            """);
        var live = CheckParsing.Valid<AnswerCheck>("""
            id: b
            kind: answer
            title: t
            question: What is the ClusterIP of deathstar?
            answer: {from: service-ip, service: deathstar, namespace: starwars}
            """);
        var identity = CheckParsing.Valid<AnswerCheck>("""
            id: c
            kind: answer
            title: t
            question: Identity of tiefighter?
            caseSensitive: true
            answer:
              from: identity
              pod: tiefighter
            """);

        Assert.Equal(["FORWARDED", "DROPPED"], choice.Choices);
        Assert.Equal(new ExpectedAnswer("dropped", null), choice.Answer);
        Assert.False(choice.CaseSensitive);
        Assert.Equal(new LiveValue(LiveValueKind.ServiceIp, null, "deathstar", "starwars"), live.Answer.Live);
        Assert.Equal(LiveValueKind.Identity, identity.Answer.Live!.Kind);
        Assert.Equal("default/tiefighter", identity.Answer.Live.Pod!.ToString());
        Assert.True(identity.CaseSensitive);
    }

    [Fact]
    public void CaseSensitiveAnswerMustMatchAChoiceExactly()
    {
        var (check, errors) = CheckParsing.Parse("""
            id: a
            kind: answer
            title: t
            question: q?
            choices: [Yes, No]
            caseSensitive: true
            answer: yes
            """);

        Assert.Null(check);
        Assert.Equal(["lab.md:8:9: error: the answer \"yes\" of check \"a\" is not one of its choices: Yes, No"], errors);
    }

    [Fact]
    public void EndpointCheckReadsFqdnCacheNamesInCiliumsForm()
    {
        var check = CheckParsing.Valid<EndpointCheck>("""
            id: a
            kind: endpoint
            title: t
            pod: tiefighter
            fqdnCacheHas: [API.example.com, cdn.example.net.]
            fqdnCacheLacks: [evil.example.org]
            """);
        Assert.Equal(["api.example.com.", "cdn.example.net."], check.FqdnCacheHas);
        Assert.Equal(["evil.example.org."], check.FqdnCacheLacks);
    }

    [Theory]
    [InlineData("fqdnCacheHas: [\"*.example.com\"]", "lab.md:6:16: error: \"*.example.com\" is not a DNS name")]
    [InlineData("fqdnCacheHas: [a..b]", "lab.md:6:16: error: \"a..b\" is not a DNS name")]
    [InlineData("fqdnCacheHas: [a.com]\nfqdnCacheLacks: [A.com.]", "lab.md:7:17: error: check \"a\" asks for a.com. both in and out of the FQDN cache")]
    public void EndpointCheckRejectsBadFqdnCacheNames(string line, string error)
    {
        var (_, errors) = CheckParsing.Parse($"""
            id: a
            kind: endpoint
            title: t
            pod: tiefighter
            {line}
            """);
        Assert.StartsWith(error, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void EndpointCheckRejectsDifferingFromItself()
    {
        var (check, errors) = CheckParsing.Parse("""
            id: a
            kind: endpoint
            title: t
            pod: {labels: {org: empire}}
            differentIdentityFrom: {labels: {org: empire}, namespace: default}
            """);

        Assert.Null(check);
        Assert.Equal(["lab.md:6:24: error: check \"a\" asks pods default/{org=empire} to differ in identity from themselves, which can never pass"], errors);
    }

    [Fact]
    public void EndpointCheckAcceptsTheSameSelectorForSharedIdentity()
    {
        var check = CheckParsing.Valid<EndpointCheck>("""
            id: a
            kind: endpoint
            title: Replicas share one identity
            pod: deathstar
            sameIdentityAs: deathstar
            """);

        Assert.Equal(check.Pod, check.SameIdentityAs);
    }

    [Fact]
    public void ErrorsInsideAnIndentedBlockPointAtTheirColumnInTheFile()
    {
        const string markdown = "- item\n\n  ```check\n  id: a\n  kind: answer\n  title: t\n  question: q?\n  answr: x\n  ```\n";
        var block = Markdig.Syntax.MarkdownObjectExtensions.Descendants<Markdig.Syntax.FencedCodeBlock>(LabSite.Scenarios.Markdown.LabMarkdown.Parse(markdown)).Single();
        var bag = new LabSite.Scenarios.Loading.DiagnosticBag();

        LabSite.Scenarios.Checks.CheckBlockReader.Read(block, "lab.md", bag);

        Assert.Equal(["lab.md:8:3: error: unknown key \"answr\" in check \"a\"; did you mean \"answer\"?"], bag.Sorted().Select(d => d.ToString()));
    }
}
