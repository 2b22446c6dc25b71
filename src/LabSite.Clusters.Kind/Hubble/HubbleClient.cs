using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LabSite.Clusters.Contract;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Contract.HubbleApi;

namespace LabSite.Clusters.Kind.Hubble;

/// <summary>
/// A Hubble Observer client (plaintext gRPC, as <c>hubble observe --server</c>) over whatever byte stream
/// <paramref name="connect"/> opens: a port-forward to hubble-relay on kind, a lab's unix socket in the tests. Queries
/// go out as Hubble's own <c>GetFlowsRequest</c> (<see cref="FlowRequestJson"/>), answers come back through Hubble's
/// jsonpb reader (<see cref="FlowJsonReader"/>), so one copy of each mapping serves every backend.
/// </summary>
public sealed class HubbleClient(string server, Func<CancellationToken, ValueTask<Stream>> connect) : IDisposable
{
    private static readonly JsonParser s_requests = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));
    private static readonly JsonFormatter s_responses = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true));

    private readonly GrpcChannel _channel = GrpcChannel.ForAddress("http://hubble", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { ConnectCallback = async (_, ct) => await connect(ct) },
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });

    /// <summary>The flows of a query's history (no follow).</summary>
    public async Task<IReadOnlyList<FlowRecord>> GetFlowsAsync(FlowQuery query, CancellationToken ct)
    {
        var list = new List<FlowRecord>();
        await foreach (var e in StreamAsync(query, follow: false, ct))
        {
            if (e.Record is { } r)
            {
                list.Add(r);
            }
        }
        return list;
    }

    /// <summary>History, then live flows until cancelled; lost-event notices in-band.</summary>
    public IAsyncEnumerable<FlowEvent> FollowAsync(FlowQuery query, CancellationToken ct) => StreamAsync(query, follow: true, ct);

    private async IAsyncEnumerable<FlowEvent> StreamAsync(FlowQuery query, bool follow, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = s_requests.Parse<GetFlowsRequest>(FlowRequestJson.Write(query, follow));
        var observer = new Observer.ObserverClient(_channel);
        using var call = observer.GetFlows(request, cancellationToken: ct);
        while (true)
        {
            GetFlowsResponse response;
            try
            {
                if (!await call.ResponseStream.MoveNext(ct))
                {
                    yield break;
                }
                response = call.ResponseStream.Current;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
            {
                yield break;
            }
            catch (RpcException e)
            {
                throw new ClusterException($"hubble observe against {server}: {e.Status.StatusCode}: {e.Status.Detail}", e);
            }
            // node status and other non-flow responses carry nothing the flow model holds
            if (response.ResponseTypesCase is GetFlowsResponse.ResponseTypesOneofCase.Flow or GetFlowsResponse.ResponseTypesOneofCase.LostEvents)
            {
                yield return FlowJsonReader.ReadEvent(s_responses.Format(response));
            }
        }
    }

    public void Dispose() => _channel.Dispose();
}
