using System.Net.WebSockets;

namespace LabSite.Agent.Server;

/// <summary>Whole WebSocket messages with a size cap, for the agent's and the Kubernetes API's exec sessions.</summary>
internal static class WebSocketMessages
{
    /// <summary>One whole message; null once the client closed. A message over <paramref name="maxBytes"/> throws <paramref name="tooLarge"/>'s exception.</summary>
    public static async Task<byte[]?> ReceiveAsync(WebSocket socket, int maxBytes, Func<Exception> tooLarge, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            if (message.Length + result.Count > maxBytes)
            {
                throw tooLarge();
            }
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return message.ToArray();
            }
        }
    }
}
