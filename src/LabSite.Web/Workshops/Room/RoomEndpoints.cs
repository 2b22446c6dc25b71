using LabSite.Web.Learners;
using LabSite.Web.Progress;
using LabSite.Web.Terminal;

namespace LabSite.Web.Workshops.Room;

/// <summary>
/// The live room: the services behind the console and attendees' bar, and the shadow terminal,
/// <c>GET /workshops/{id}/attendees/{attendeeId}/terminal?tab=N</c> (WebSocket, staff of that workshop only): a second
/// viewer of the attendee's terminal. Its input reaches the attendee's shell only while the attendee consents to a
/// take-over; otherwise it is dropped here, on the server. It never resizes the attendee's terminal.
/// </summary>
public static class RoomEndpoints
{
    public static string ShadowSocket(string workshopId, string attendeeId, TerminalTab tab) => $"/workshops/{workshopId}/attendees/{attendeeId}/terminal?tab={tab}";

    public static string ShadowPage(string workshopId, string attendeeId) => $"/workshops/{workshopId}/attendees/{attendeeId}/shadow";

    public static string Console(string workshopId) => $"/workshops/{workshopId}/console";

    public static IServiceCollection AddWorkshopRoom(this IServiceCollection services)
    {
        services.AddOptions<WorkshopRoomOptions>().BindConfiguration(nameof(WorkshopRoomOptions)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WorkshopRooms>();
        services.AddSingleton<RosterMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<RosterMonitor>());
        services.AddSingleton<IRoomActions, RoomActions>();
        return services;
    }

    public static IEndpointRouteBuilder MapWorkshopRoomEndpoints(this IEndpointRouteBuilder app)
    {
        app.Map("/workshops/{id}/attendees/{attendeeId}/terminal", ShadowAsync).RequireAuthorization(InstructorEndpoints.StaffPolicy);
        return app;
    }

    private static async Task ShadowAsync(
        HttpContext context, string id, string attendeeId, string? tab,
        WorkshopStore store, LabProgressStore progress, TerminalSessions terminals, WorkshopRooms rooms)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "This is an attendee's shadow terminal; open it from the workshop console.");
            return;
        }
        if (!TerminalEndpoints.SameOrigin(context))
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, "cross-site WebSocket refused");
            return;
        }
        if (!TerminalTab.TryParse(tab, out var terminalTab, out var tabError))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, tabError);
            return;
        }
        // Another event's workshop and one that does not exist answer alike: staff learn nothing about events not theirs.
        if (await StaffAccess.WorkshopAsync(context.User, store, id, context.RequestAborted) is not { } workshop
            || workshop.Attendees.FirstOrDefault(a => a.Id == attendeeId) is not { } attendee
            || !LearnerId.TryParse(attendee.LearnerId, out var learner))
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"no attendee {Printable(attendeeId)} in a workshop {Printable(id)} that you run");
            return;
        }
        var positions = await progress.PositionsAsync([learner], workshop.LabIds.Split(','), context.RequestAborted);
        if (positions.GetValueOrDefault(learner) is not { } at || terminals.Find(learner, at.LabId, terminalTab) is not { } session)
        {
            await RefuseAsync(context, StatusCodes.Status404NotFound, $"{attendee.DisplayName} has no terminal {terminalTab} open right now");
            return;
        }
        var room = await rooms.GetAsync(id, context.RequestAborted);
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (session.Watch() is not { } output)
        {
            await socket.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, $"{TerminalSession.MaxWatchers} people already watch this terminal", CancellationToken.None);
            return;
        }
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sending = TerminalEndpoints.SendAsync(socket, output, stop.Token);
        try
        {
            await TerminalEndpoints.ReceiveAsync(socket, message => TerminalEndpoints.HandleMessageAsync(
                session, message, inputAllowed: () => room?.InputAllowed(attendeeId) == true, resize: false), stop.Token);
        }
        finally
        {
            session.Unwatch(output);
            await stop.CancelAsync();
            await sending;
        }
    }

    private static async Task RefuseAsync(HttpContext context, int status, string why)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(why);
    }

    private static string Printable(string s) => new([.. s.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
}
