using LabSite.Web;
using LabSite.Web.Exams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.EndToEnd.Tests.Exams;

/// <summary>
/// A real LabSite (Kestrel on 127.0.0.1, ephemeral port) over a temp data folder and a small test bank:
/// blueprint <c>tb</c> resized to a short exam through <see cref="ExamOptions.Sizes"/>.
/// </summary>
internal sealed class ExamSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExamSite(WebApplication app, string root, string baseUrl)
    {
        _app = app;
        Root = root;
        BaseUrl = baseUrl;
    }

    public string Root { get; }

    public string BaseUrl { get; }

    public static async Task<ExamSite> StartAsync(int questions, double minutes)
    {
        var root = Directory.CreateTempSubdirectory("labsite-e2e-exam-").FullName;
        var bank = TestBank.Write(root);
        var options = new SiteOptions
        {
            Urls = "http://127.0.0.1:0",
            ContentDirectory = Path.Combine(root, "content"),
            DataDirectory = Path.Combine(root, "data"),
        };
        Directory.CreateDirectory(Path.Combine(options.ContentDirectory, "labs")); // the site refuses to start without one
        var app = LabSiteWebApp.Build(options, [], builder => builder.Services.Configure<ExamOptions>(o =>
        {
            o.BankDirectory = bank;
            o.Sizes["tb"] = new ExamSize { Questions = questions, Minutes = minutes };
        }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ExamSite(app, root, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>Three questions in each of two domains; the option whose text starts with "Right" is the answer.</summary>
internal static class TestBank
{
    public static string Write(string root)
    {
        var dir = Path.Combine(root, "bank");
        Directory.CreateDirectory(Path.Combine(dir, "blueprints"));
        Directory.CreateDirectory(Path.Combine(dir, "questions"));
        File.WriteAllText(Path.Combine(dir, "blueprints", "tb.yaml"), """
            id: tb
            name: Test curriculum
            date: 2026-01-01
            questions: 60
            minutes: 90
            pass: 75
            domains:
              - id: a
                name: Domain A
                weight: 50
              - id: b
                name: Domain B
                weight: 50
                labs: [star-wars]
            """);
        var questions = string.Join("", new[] { "a", "b" }.SelectMany(d => Enumerable.Range(0, 3).Select(i => $"""
              - id: {d}-{i}
                topic: topic-{d}
                domains: {"{"}tb: {d}{"}"}
                difficulty: 1
                stem: Question {d}{i}?
                options:
                  - text: Right answer {d}{i}
                    correct: true
                    why: It is the right one.
                  - text: Wrong answer one {d}{i}
                    why: Not this one.
                  - text: Wrong answer two {d}{i}
                    why: Not this one either.
                  - text: Wrong answer three {d}{i}
                    why: Nor this one.
                docs: https://docs.cilium.io/en/stable/

            """)));
        File.WriteAllText(Path.Combine(dir, "questions", "test.yaml"), "questions:\n" + questions);
        return dir;
    }
}
