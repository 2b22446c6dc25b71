using LabSite.Clusters.Netns.Workloads.Http;

namespace LabSite.Clusters.Netns.Workloads;

/// <summary>
/// <c>quay.io/cilium/starwars</c>: the Death Star API of Cilium's Star Wars demo on port 80 — landing
/// requests succeed, the exhaust port "explodes" with the demo's panic text (docs/formats.md §1).
/// </summary>
public sealed class DeathStarWorkload : HttpWorkload
{
    /// <summary>The demo's exhaust-port answer, byte for byte as the docs print it.</summary>
    public const string PanicText =
        "Panic: deathstar exploded\n\ngoroutine 1 [running]:\nmain.HandleGarbage(0x2080c3f50, 0x2, 0x4, 0x425c0, 0x5, 0xa)\n" +
        "        /code/src/github.com/empire/deathstar/\n        temp/main.go:9 +0x64\nmain.main()\n" +
        "        /code/src/github.com/empire/deathstar/\n        temp/main.go:5 +0x85\n";

    public override IReadOnlyList<Listener> Listeners(WorkloadContext context) => Tcp([80]);

    public override IEnumerable<string> StartupLines(WorkloadContext context) =>
        [$"Death Star API listening on :80 ({context.Pod.Name})"];

    protected override HttpResponse Handle(HttpRequest request, WorkloadContext context) => (request.Method, request.Path.TrimEnd('/')) switch
    {
        ("GET", "/v1") => new HttpResponse(200, Listing(context.Pod.Name), "application/json"),
        ("GET", "/v1/healthz") => new HttpResponse(200, "{ \"status\": \"ok\" }\n", "application/json"),
        ("POST", "/v1/request-landing") => new HttpResponse(200, "Ship landed\n"),
        ("PUT", "/v1/cargobay") => new HttpResponse(200, "Cargo bay open\n"),
        ("GET", "/v1/hyper-matter-reactor/status") => new HttpResponse(200, "Reactor online\n"),
        ("PUT", "/v1/exhaust-port") => new HttpResponse(503, PanicText),
        _ => new HttpResponse(404, "404 page not found\n"),
    };

    private static string Listing(string hostname) =>
        "{\n" +
        "\t\"name\": \"Death Star\",\n" +
        $"\t\"hostname\": \"{hostname}\",\n" +
        "\t\"model\": \"DS-1 Orbital Battle Station\",\n" +
        "\t\"manufacturer\": \"Imperial Department of Military Research, Sienar Fleet Systems\",\n" +
        "\t\"cost_in_credits\": \"1000000000000\",\n" +
        "\t\"length\": \"120000\",\n" +
        "\t\"crew\": \"342953\",\n" +
        "\t\"passengers\": \"843342\",\n" +
        "\t\"cargo_capacity\": \"1000000000000\",\n" +
        "\t\"hyperdrive_rating\": \"4.0\",\n" +
        "\t\"starship_class\": \"Deep Space Mobile Battlestation\",\n" +
        "\t\"api\": [\n" +
        "\t\t\"GET   /v1\",\n" +
        "\t\t\"GET   /v1/healthz\",\n" +
        "\t\t\"POST  /v1/request-landing\",\n" +
        "\t\t\"PUT   /v1/cargobay\",\n" +
        "\t\t\"GET   /v1/hyper-matter-reactor/status\",\n" +
        "\t\t\"PUT   /v1/exhaust-port\"\n" +
        "\t]\n" +
        "}\n";
}
