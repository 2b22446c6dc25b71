using Microsoft.AspNetCore.Antiforgery;

namespace LabSite.Web;

/// <summary>
/// Validates the antiforgery token on actions that bind no form (the framework checks only endpoints that do).
/// The token comes from the form field (plain submit) or the header htmx sends from &lt;body hx-headers&gt;.
/// </summary>
public sealed class AntiforgeryCheck(IAntiforgery antiforgery) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context.HttpContext);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "This form has expired or came from another site.",
                detail: "Reload the page and try again.");
        }

        return await next(context);
    }
}
