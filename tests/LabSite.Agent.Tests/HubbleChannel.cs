using System.Net.Sockets;
using Grpc.Net.Client;
using LabSite.Clusters.Contract.HubbleApi;

namespace LabSite.Agent.Tests;

/// <summary>A Hubble Observer client over a lab's unix socket, as <c>hubble --server unix://PATH</c> connects.</summary>
internal static class HubbleChannel
{
    public static GrpcChannel ForUnixSocket(string path) => GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        },
    });

    public static Observer.ObserverClient Observer(GrpcChannel channel) => new(channel);
}
