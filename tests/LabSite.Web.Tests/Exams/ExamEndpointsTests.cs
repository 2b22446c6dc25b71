using System.Net;
using System.Text.RegularExpressions;
using LabSite.Web.Exams;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Exams;

/// <summary>The exam actions over HTTP (in-memory test server): the happy path and what bad or foreign input gets.</summary>
public sealed partial class ExamEndpointsTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("labsite-exam-http-").FullName;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        var bank = ExamTestBank.Create(_root, perDomain: 3, questions: 4);
        var options = new SiteOptions { ContentDirectory = _root, DataDirectory = Path.Combine(_root, "data") };
        Directory.CreateDirectory(Path.Combine(_root, "labs")); // the site refuses to start without a labs folder
        _app = LabSiteWebApp.Build(options, [], b =>
        {
            b.WebHost.UseTestServer();
            b.Services.Configure<ExamOptions>(o => o.BankDirectory = bank);
        });
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>A browser stand-in: keeps its cookies and reads the antiforgery token from the last page.</summary>
    private sealed partial class Browser(HttpClient client)
    {
        private readonly Dictionary<string, string> _cookies = [];

        public string Token { get; private set; } = "";

        public async Task<HttpResponseMessage> GetAsync(string url)
        {
            var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, url));
            var html = await response.Content.ReadAsStringAsync();
            if (TokenPattern().Match(html) is { Success: true } m)
            {
                Token = WebUtility.HtmlDecode(m.Groups[1].Value);
            }
            return response;
        }

        public Task<HttpResponseMessage> PostAsync(string url, params (string Key, string Value)[] form) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new FormUrlEncodedContent([.. form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))]),
            });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }
            var response = await client.SendAsync(request);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                var pair = header.Split(';')[0].Split('=', 2);
                _cookies[pair[0]] = pair[1];
            }
            return response;
        }

        [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
        private static partial Regex TokenPattern();
    }

    private Browser NewBrowser() => new(_app.GetTestClient());

    private static async Task<string> StartAsync(Browser browser)
    {
        await browser.GetAsync("/exams");
        var start = await browser.PostAsync("/exams/mock", ("__RequestVerificationToken", browser.Token), ("blueprint", "tb"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return start.Headers.Location!.OriginalString;
    }

    [Fact]
    public async Task Starting_answering_and_submitting_redirects_through_the_pages()
    {
        var browser = NewBrowser();
        var first = await StartAsync(browser);
        Assert.Matches("^/exams/attempts/[0-9a-f]{32}/questions/1$", first);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(first)).StatusCode);

        var saved = await browser.PostAsync(first + "/answer", ("__RequestVerificationToken", browser.Token), ("choice", "0"), ("flagged", "on"), ("go", "review"));
        Assert.Equal(first.Replace("/questions/1", "/review"), saved.Headers.Location!.OriginalString);

        var attempt = first[..first.IndexOf("/questions", StringComparison.Ordinal)];
        var submitted = await browser.PostAsync(attempt + "/submit", ("__RequestVerificationToken", browser.Token));
        Assert.Equal(attempt + "/results", submitted.Headers.Location!.OriginalString);
        var results = await (await browser.GetAsync(attempt + "/results")).Content.ReadAsStringAsync();
        Assert.Contains("data-result=\"fail\"", results);

        // Starting again after submitting draws a new attempt; answering the old one now goes to its results.
        var late = await browser.PostAsync(first + "/answer", ("__RequestVerificationToken", browser.Token), ("choice", "1"), ("go", "next"));
        Assert.Equal(attempt + "/results?expired=1", late.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Another_learners_attempt_is_not_found()
    {
        var owner = NewBrowser();
        var first = await StartAsync(owner);
        var stranger = NewBrowser();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(first)).StatusCode);
        await stranger.GetAsync("/exams");
        var answer = await stranger.PostAsync(first + "/answer", ("__RequestVerificationToken", stranger.Token), ("choice", "0"), ("go", "next"));
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task Posts_without_the_antiforgery_token_are_refused()
    {
        var browser = NewBrowser();
        await browser.GetAsync("/exams");
        var response = await browser.PostAsync("/exams/mock", ("blueprint", "tb"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("nope", "0,1,2,3")]
    [InlineData("a-0", "0,1,2")]
    [InlineData("a-0", "0,0,1,2")]
    [InlineData("a-0", "x")]
    public async Task Practice_answers_with_unknown_questions_or_bad_option_orders_are_rejected(string question, string order)
    {
        var browser = NewBrowser();
        await browser.GetAsync("/exams/practice?blueprint=tb&domain=a");
        var response = await browser.PostAsync("/exams/practice/answer",
            ("__RequestVerificationToken", browser.Token), ("question", question), ("order", order), ("choice", "0"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("prev", 3, "/questions/2")]
    [InlineData("prev", 1, "/questions/1")]
    [InlineData("next", 3, "/questions/4")]
    [InlineData("review", 3, "/review")]
    [InlineData("7", 3, "/questions/7")]
    [InlineData("garbage", 3, "/questions/3")]
    public void Navigation_buttons_lead_where_they_say(string go, int position, string expectedSuffix) =>
        Assert.Equal("/exams/attempts/x" + expectedSuffix, ExamEndpoints.NextPage("x", position, go));
}
