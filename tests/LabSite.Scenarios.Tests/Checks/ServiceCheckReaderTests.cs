using LabSite.Scenarios.Model.Checks;

namespace LabSite.Scenarios.Tests.Checks;

public sealed class ServiceCheckReaderTests
{
    [Fact]
    public void Defaults_are_the_default_namespace_every_port_and_the_ready_pods()
    {
        var check = CheckParsing.Valid<ServiceCheck>("""
            id: a
            kind: service
            title: t
            service: echo
            """);

        Assert.Equal(("echo", "default", null, null), (check.Service, check.Namespace, check.Port, check.Backends));
        Assert.Null(CheckParsing.Valid<ServiceCheck>("id: b\nkind: service\ntitle: t\nservice: echo\nbackends: ready-pods").Backends);
    }

    [Fact]
    public void A_count_a_port_and_a_namespace_are_read()
    {
        var check = CheckParsing.Valid<ServiceCheck>("""
            id: a
            kind: service
            title: t
            service: db
            namespace: data
            port: 5678
            backends: 3
            """);

        Assert.Equal(("db", "data", 5678, 3), (check.Service, check.Namespace, check.Port, check.Backends));
    }

    [Theory]
    [InlineData("backends: all", "lab.md:6:11: error: \"backends\" in check \"a\" must be a backend count (or ready-pods) from 0 to 1000; got \"all\"")]
    [InlineData("backends: -1", "lab.md:6:11: error: \"backends\" in check \"a\" must be a backend count (or ready-pods) from 0 to 1000; got the number -1")]
    [InlineData("port: 0", "lab.md:6:7: error: \"port\" in check \"a\" must be a service port number from 1 to 65535; got the number 0")]
    public void Bad_values_are_errors_at_their_line(string line, string error)
    {
        var (check, errors) = CheckParsing.Parse("id: a\nkind: service\ntitle: t\nservice: echo\n" + line);
        Assert.Null(check);
        Assert.Equal([error], errors);
    }

    [Fact]
    public void The_service_is_required_and_unknown_keys_are_named()
    {
        var (check, errors) = CheckParsing.Parse("id: a\nkind: service\ntitle: t\nbackend: 2");
        Assert.Null(check);
        Assert.Contains(errors, e => e.Contains("\"backend\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("service", StringComparison.Ordinal) && e.Contains("missing", StringComparison.OrdinalIgnoreCase));
    }
}
