using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using LabSite.EndToEnd.Tests.Support;
using LabSite.TerminalBench;
using LabSite.Testing;
using Microsoft.Playwright;

// Roster update latency of the workshop console; run as root, Release:
//   dotnet bin/Release/net10.0/LabSite.WorkshopBench.dll [attendees=3] [rounds=5]
// One `labsite serve` (in-process agent), one workshop, N attendees joined by code, each with a terminal WebSocket on the
// Star Wars lab; the instructor's console in Debian's Chromium. Each round, each attendee in turn deploys the Star Wars
// app (`kubectl create ... && kubectl wait ...`): T0 is when `condition met` arrives on their terminal, T1 when the
// console's cell for their `deathstar-ready` check turns green in the browser (a MutationObserver stamps Date.now();
// same host, same clock). Baseline, same run: one Check round trip (POST .../check, which grades the step on the cluster),
// the cost of one grading, which the console adds its schedule (WorkshopRoomOptions:RecheckInterval) and a render to.
// Then the objects are deleted and the cell goes red again before the next attendee.
//
// Last run (2026-12-06 04:07 UTC, 2 cores shared with other builds, load average 38 -> 20, 3 attendees x 5 rounds,
// RecheckInterval 2 s, MaxParallelChecks 4):
//   roster update (check passes in the cluster -> instructor's screen): n=15 p50 1445 ms, p95 1821 ms, max 1821 ms
//   baseline, one Check round trip (grading the step once):           n=15 p50 14.7 ms, p95 112.6 ms
//   ratio p50 roster / p50 Check: 98x. The roster's latency is the schedule (on average half an interval, at most one)
//   plus a grading and a render; a shorter RecheckInterval buys latency with agent load, per watched room.
if (args is ["storm", .. var storm])
{
    // The join storm against a pre-warmed pool and with the pool off (JoinStorm.cs has its method and last numbers).
    return await LabSite.WorkshopBench.JoinStorm.RunAsync(storm);
}
var attendees = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
var timeout = TimeSpan.FromSeconds(120);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = cancel.Token;

Console.WriteLine($"LabSite workshop console benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, {attendees} attendees x {rounds} rounds");
await using var site = await LabSiteProcess.StartAsync(RepositoryPaths.Content);
string Url(string path) => new Uri(site.BaseAddress, path).ToString();

// The workshop, through the operators' CLI on the site's own store.
var start = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mmZ", CultureInfo.InvariantCulture);
var create = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList = { Path.Combine(AppContext.BaseDirectory, "labsite.dll"), "workshop", "create", "--title", "bench", "--lab", "starwars", "--start", start, "--hours", "2", "--seats", attendees.ToString(CultureInfo.InvariantCulture), "--content", RepositoryPaths.Content, "--data", site.DataDirectory },
    RedirectStandardOutput = true,
})!;
var created = Regex.Match(await create.StandardOutput.ReadToEndAsync(ct), "^([0-9a-f]{32})\tcode ([A-Z0-9]{6})", RegexOptions.Multiline);
await create.WaitForExitAsync(ct);
var (workshopId, code) = (created.Groups[1].Value, created.Groups[2].Value);

// Attendees: join by code over HTTP like the form does, open the deploy step, connect the terminal.
var people = new List<(string Name, HttpClient Http, string Token, TerminalClient Terminal)>();
for (var i = 0; i < attendees; i++)
{
    var cookies = new CookieContainer();
    var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = site.BaseAddress };
    var token = Token(await http.GetStringAsync($"/join/{code}", ct));
    var name = $"attendee{i + 1}";
    var joined = await http.PostAsync("/workshops/join", new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["name"] = name, ["__RequestVerificationToken"] = token }), ct);
    if (joined.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"join {name}: {joined.StatusCode} {await joined.Content.ReadAsStringAsync(ct)}");
    }
    var stepToken = Token(await http.GetStringAsync("/labs/starwars/steps/deploy", ct));
    var learner = Guid.ParseExact(cookies.GetCookies(site.BaseAddress)["labsite-learner"]!.Value, "N");
    var terminal = new TerminalClient(learner);
    var mark = terminal.Mark;
    await terminal.ConnectAsync(site.BaseAddress, "starwars", ct);
    await terminal.WaitAsync(mark, t => t.Contains(TerminalClient.PromptEnd, StringComparison.Ordinal), timeout, $"{name}'s first prompt");
    people.Add((name, http, stepToken, terminal));
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox", "--disable-gpu"] });
var page = await browser.NewPageAsync();
await page.GotoAsync(Url("/instructors/signin"));
var setup = await page.APIRequest.PostAsync(Url("/instructors/setup"), new()
{
    Form = page.APIRequest.CreateFormData().Set("email", "bench@example.org").Set("password", "correct horse battery")
        .Set("__RequestVerificationToken", (await page.Locator("input[name=__RequestVerificationToken]").GetAttributeAsync("value"))!),
    MaxRedirects = 0,
});
await page.GotoAsync(Url($"/workshops/{workshopId}/console"));
await page.WaitForSelectorAsync("#console[data-interactive=true]", new() { Timeout = 60_000 });
await page.WaitForFunctionAsync($"() => document.querySelectorAll('#roster tbody tr').length === {attendees}", null, new() { Timeout = 60_000 });
// Stamp the moment each attendee's deathstar-ready cell turns green; forget it when it turns anything else.
await page.EvaluateAsync("""
    () => {
        window.greenAt = {};
        const scan = () => document.querySelectorAll("#roster li[id$='-deathstar-ready']").forEach(li => {
            const name = li.closest('tr').dataset.name;
            if (li.classList.contains('check--passed')) { if (!(name in window.greenAt)) window.greenAt[name] = Date.now(); }
            else delete window.greenAt[name];
        });
        new MutationObserver(scan).observe(document.getElementById('roster'), { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
        scan();
    }
    """);

var roster = new Latencies();
var check = new Latencies();
for (var round = 0; round < rounds; round++)
{
    foreach (var (name, http, token, terminal) in people)
    {
        var mark = terminal.Mark;
        await terminal.SendInputAsync("kubectl create -f manifests/http-sw-app.yaml && kubectl wait --for=condition=Ready pod --all --timeout=60s\r", ct);
        await terminal.WaitAsync(mark, t => t.Contains("pod/xwing condition met", StringComparison.Ordinal), timeout, $"{name}: deploy");
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await page.WaitForFunctionAsync("n => window.greenAt[n] !== undefined", name, new() { Timeout = 120_000 });
        var t1 = await page.EvaluateAsync<long>("n => window.greenAt[n]", name);
        roster.Add(TimeSpan.FromMilliseconds(t1 - t0));

        var clock = Stopwatch.StartNew();
        var posted = await http.PostAsync("/labs/starwars/steps/deploy/check", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }), ct);
        check.Add(clock.Elapsed);
        if (posted.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"{name}: Check answered {posted.StatusCode}");
        }

        mark = terminal.Mark;
        await terminal.SendInputAsync("kubectl delete -f manifests/http-sw-app.yaml\r", ct);
        await terminal.WaitAsync(mark, t => t.Contains("pod \"xwing\" deleted", StringComparison.Ordinal), timeout, $"{name}: delete");
        await page.WaitForFunctionAsync("n => window.greenAt[n] === undefined", name, new() { Timeout = 120_000 });
    }
    Console.WriteLine($"round {round + 1}: roster {roster}");
}

Console.WriteLine($"roster update (check passes in the cluster -> instructor's screen): {roster}");
Console.WriteLine($"baseline, one Check round trip (grading the step once):           {check}");
Console.WriteLine($"ratio p50 roster / p50 Check: {roster.Percentile(0.5) / check.Percentile(0.5):0.0}x (the console re-grades every WorkshopRoomOptions:RecheckInterval, 2 s by default)");
foreach (var p in people)
{
    await p.Terminal.DisposeAsync();
    p.Http.Dispose();
}
return 0;

static string Token(string html) =>
    Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value is { Length: > 0 } token ? token
        : throw new InvalidOperationException("no antiforgery token in the page");
