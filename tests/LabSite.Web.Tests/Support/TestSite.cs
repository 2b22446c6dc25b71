using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using LabSite.Scenarios.Loading;
using LabSite.Web.Labs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace LabSite.Web.Tests.Support;

/// <summary>
/// The real site (LabSiteWebApp.Build: same middleware, same SQLite migrations) on an in-memory TestServer,
/// with a given lab catalog and a fresh data folder. <see cref="NewBrowser"/> gives a client that keeps
/// cookies like a browser, so each one is a different anonymous learner.
/// </summary>
public sealed class TestSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSite(WebApplication app, SiteOptions options)
    {
        this._app = app;
        Options = options;
    }

    public SiteOptions Options { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<TestSite> StartAsync(LabCatalog catalog, Action<IServiceCollection>? services = null) =>
        StartAsync("/nonexistent-content", s =>
        {
            s.AddSingleton(new LabCatalogSource(catalog));
            services?.Invoke(s);
        });

    /// <summary>The site loading (and watching) labs from <paramref name="contentDirectory"/>/labs, as <c>labsite serve</c> does.</summary>
    public static Task<TestSite> StartWithContentAsync(string contentDirectory, Action<IServiceCollection>? services = null) =>
        StartAsync(contentDirectory, s => services?.Invoke(s));

    private static async Task<TestSite> StartAsync(string contentDirectory, Action<IServiceCollection> services)
    {
        var options = new SiteOptions
        {
            Urls = "http://127.0.0.1:0",
            ContentDirectory = contentDirectory,
            DataDirectory = Path.Combine(Path.GetTempPath(), "labsite-site-" + Guid.NewGuid().ToString("N")),
        };
        var app = LabSiteWebApp.Build(options, [], builder =>
        {
            builder.WebHost.UseTestServer();
            services(builder.Services);
        });
        await app.StartAsync();
        return new TestSite(app, options);
    }

    /// <param name="client">The address the site sees the browser come from (none by default).</param>
    public Browser NewBrowser(IPAddress? client = null)
    {
        var server = _app.GetTestServer();
        var cookies = new CookieHandler(client is null ? server.CreateHandler() : server.CreateHandler(c => c.Connection.RemoteIpAddress = client));
        return new(new HttpClient(cookies) { BaseAddress = new Uri("http://localhost") }, cookies.Container);
    }

    /// <summary>A WebSocket client on the same in-memory server (the lab terminal).</summary>
    public WebSocketClient NewWebSocketClient() => _app.GetTestServer().CreateWebSocketClient();

    /// <summary>
    /// Connects to a lab's terminal as the learner whose cookies are given and returns what it prints up to the first
    /// prompt (restore notices come before it), then disconnects. Bounded by <paramref name="timeout"/>, not asserted on.
    /// </summary>
    public async Task<string> TerminalGreetingAsync(string labId, string cookieHeader, TimeSpan timeout)
    {
        var client = NewWebSocketClient();
        client.ConfigureRequest = request => request.Headers.Cookie = cookieHeader;
        using var socket = await client.ConnectAsync(new Uri($"ws://localhost/labs/{labId}/terminal"), CancellationToken.None);
        var text = new StringBuilder();
        var buffer = new byte[64 * 1024];
        using var stop = new CancellationTokenSource(timeout);
        while (!text.ToString().Contains("$ ", StringComparison.Ordinal))
        {
            var result = await socket.ReceiveAsync(buffer, stop.Token);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Options.DataDirectory, recursive: true);
    }

    /// <summary>A client that keeps cookies and does not follow redirects (tests look at them).</summary>
    public sealed class Browser(HttpClient http, CookieContainer? cookies = null)
    {
        public HttpClient Http { get; } = http;

        /// <summary>The cookies this browser holds, as a Cookie header (e.g. for a WebSocket client acting as the same learner).</summary>
        public string CookieHeader => cookies?.GetCookieHeader(Http.BaseAddress!) ?? "";

        /// <summary>The learner this browser's cookie names (after it loaded a page); the interactive player gets it from the page.</summary>
        public LabSite.Web.Learners.LearnerId Learner =>
            LabSite.Web.Learners.LearnerId.TryParse(cookies?.GetCookies(Http.BaseAddress!)[LabSite.Web.Learners.LearnerCookie.Name]?.Value, out var id)
                ? id : throw new InvalidOperationException("this browser has no learner cookie yet: load a page first");

        public async Task<IDocument> GetPageAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
        {
            var response = await Http.GetAsync(path);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"GET {path}: expected {expected}, got {response.StatusCode}\n{html}");
            return new HtmlParser().ParseDocument(html);
        }

        /// <summary>The token htmx would send, read from &lt;body hx-headers&gt; of a page this browser loaded.</summary>
        public static string AntiforgeryToken(IDocument page) =>
            JsonDocument.Parse(page.Body!.GetAttribute("hx-headers")!).RootElement.GetProperty("X-LabSite-Antiforgery").GetString()!;

        /// <summary>A POST as htmx makes it: HX-Request header and the antiforgery header.</summary>
        public Task<HttpResponseMessage> HtmxPostAsync(string path, string? token)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path);
            request.Headers.Add("HX-Request", "true");
            if (token is not null)
            {
                request.Headers.Add("X-LabSite-Antiforgery", token);
            }

            return Http.SendAsync(request);
        }

        /// <summary>A form POST as htmx makes it, whose fragment must come back 200 OK; returned parsed.</summary>
        public async Task<(HttpResponseMessage Response, IDocument Fragment)> HtmxPostFormAsync(string path, string token, HttpContent form)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("X-LabSite-Antiforgery", token);
            var response = await Http.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: expected OK, got {response.StatusCode}\n{html}");
            return (response, new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + html + "</body></html>"));
        }

        public async Task<IDocument> HtmxGetAsync(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("HX-Request", "true");
            var response = await Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new HtmlParser().ParseDocument("<!DOCTYPE html><html><body>" + await response.Content.ReadAsStringAsync() + "</body></html>");
        }
    }

    private sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer _cookies = new();

        public CookieContainer Container => _cookies;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var header = _cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
            {
                foreach (var c in setCookies)
                {
                    _cookies.SetCookies(request.RequestUri!, c);
                }
            }

            return response;
        }
    }
}
