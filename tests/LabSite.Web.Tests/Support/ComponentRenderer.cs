using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LabSite.Web.Tests.Support;

/// <summary>
/// Renders a component to HTML with ASP.NET Core's HtmlRenderer (bunit is not installable here) and parses it
/// with AngleSharp, so tests assert on the DOM rather than on strings.
/// </summary>
public static class ComponentRenderer
{
    public const string AntiforgeryToken = "test-antiforgery-token";

    public static async Task<IDocument> RenderAsync<TComponent>(IDictionary<string, object?> parameters)
        where TComponent : IComponent
    {
        var services = new ServiceCollection();
        services.AddSingleton<AntiforgeryStateProvider>(new FixedAntiforgery());
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, NullLoggerFactory.Instance);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
        return new HtmlParser().ParseDocument($"<!DOCTYPE html><html><body>{html}</body></html>");
    }

    private sealed class FixedAntiforgery : AntiforgeryStateProvider
    {
        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(AntiforgeryToken, "__RequestVerificationToken");
    }
}
