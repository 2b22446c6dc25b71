using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Proxy.Flows;
using LabSite.Clusters.Netns.Proxy.Http;
using LabSite.Clusters.Netns.Proxy.Rules;
using HttpProtocolException = LabSite.Clusters.Netns.Proxy.Http.HttpProtocolException;

namespace LabSite.Clusters.Netns.Proxy.Listener;

/// <summary>
/// Serves one accepted client connection: reads requests in order (pipelined ones included), judges each against
/// the port's HTTP rules, forwards allowed ones to the original destination over one reused upstream connection,
/// answers denied ones with Envoy's 403, and reports request and response flows. An egress listener also applies
/// the destination's ingress HTTP rules (<see cref="L7ProxyOptions.ChainedIngressProxyPort"/>), so a request must
/// pass both, with flows for both legs. Every wait has a deadline and the whole connection stops with the proxy's
/// token; faults end this connection only.
/// </summary>
internal sealed class ProxyConnection(
    Socket client, L7ProxyOptions options, IL7PolicySource policies, IL7FlowSink sink, L7FlowFactory flows, bool blocking = false)
{
    private enum Phase { Idle, Head, Body, Connect, Response }

    private static readonly TimeSpan s_lingerTime = TimeSpan.FromSeconds(1);
    private const long LingerBytes = 256 * 1024;

    private readonly TimeProvider _time = options.Time;
    private Phase _phase;
    private CancellationToken _stop;

    // A field, not a local, so the finally block closes it even when an exchange fails half-way.
    private UpstreamConnection? _upstream;

    public async Task RunAsync(CancellationToken stop)
    {
        this._stop = stop;
        using var deadline = new PhaseDeadline(stop);
        var ct = deadline.Token;
        client.NoDelay = true;
        Stream clientStream = blocking ? new BlockingSocketStream(client) : new NetworkStream(client, ownsSocket: true);
        // A blocking connection's calls do not watch tokens: the deadline shuts the socket they wait on instead.
        using var abort = blocking ? ct.UnsafeRegister(static c => ((ProxyConnection)c!).AbortBlockedCall(), this) : default;
        if (blocking)
        {
            client.SendTimeout = (int)options.BodyTimeout.TotalMilliseconds; // bounds writes outside any phase (error replies)
        }

        var reader = PipeReader.Create(clientStream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        L7Exchange? exchange = null;
        try
        {
            exchange = Describe();
            var policyKey = PolicyKey(exchange);
            for (var served = 0; served < options.MaxRequestsPerConnection; served++)
            {
                // A blocking wait ends itself at the idle timeout (no shutdown, so the close is a plain FIN); its
                // deadline is only the backstop.
                SetPhase(deadline, Phase.Idle, blocking ? options.IdleTimeout + s_lingerTime : options.IdleTimeout);
                if (!await WaitForRequestBytesAsync(reader, clientStream, ct))
                {
                    return;
                }

                SetPhase(deadline, Phase.Head, options.RequestHeadTimeout);
                HttpRequestHead request;
                try
                {
                    var head = await HttpHeadReader.ReadAsync(reader, options.Limits, "request", 431, 400, ct);
                    if (head is null)
                    {
                        return;
                    }

                    request = HttpHeadParser.ParseRequest(head.Value.Lines, head.Value.Bytes);
                }
                catch (HttpProtocolException e)
                {
                    await ReplyErrorAsync(clientStream, e.StatusCode, e.Message, ct);
                    return;
                }

                if (!await ExchangeAsync(exchange, policyKey, request, reader, clientStream, deadline))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested && _phase == Phase.Head)
        {
            await TryWriteAsync(clientStream, LocalReply.Error(408, "request head not received in time", close: true, _time));
            // Bytes that arrived while the deadline fired are still queued (a read after SHUT_RD still returns them):
            // closing over them would send a RST that can destroy the 408 before the client reads it.
            await LingeringCloseAsync(clientStream);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or HttpProtocolException or ObjectDisposedException)
        {
            if (!stop.IsCancellationRequested && _phase != Phase.Idle)
            {
                options.Log?.Invoke($"l7 proxy: {exchange?.Client}→{exchange?.Server}: {_phase}: {e.Message}");
            }
        }
        finally
        {
            if (_upstream is not null)
            {
                await _upstream.DisposeAsync();
            }

            await reader.CompleteAsync();
            await clientStream.DisposeAsync();
        }
    }

    /// <summary>
    /// Waits for the next request's first byte. Pipelined bytes may already sit in the reader; otherwise a
    /// zero-byte receive waits on the socket without holding a buffer, so an idle kept-alive connection costs no
    /// 4 KiB read buffer. False when the client closed, or (blocking) stayed idle past the idle timeout.
    /// </summary>
    private async Task<bool> WaitForRequestBytesAsync(PipeReader reader, Stream clientStream, CancellationToken ct)
    {
        if (reader.TryRead(out var buffered))
        {
            reader.AdvanceTo(buffered.Buffer.Start); // nothing consumed or examined: the head reader sees it again
            if (!buffered.Buffer.IsEmpty)
            {
                return true;
            }

            if (buffered.IsCompleted)
            {
                return false;
            }
        }

        if (clientStream is BlockingSocketStream blockingStream)
        {
            return blockingStream.WaitReadable(options.IdleTimeout, ct);
        }

        await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, ct);
        return true; // data or EOF: the head reader tells which (EOF before a byte reads as a clean close)
    }

    /// <summary>One request/response exchange. Returns whether the client connection stays open.</summary>
    private async Task<bool> ExchangeAsync(
        L7Exchange exchange, L7PolicyKey policyKey, HttpRequestHead request, PipeReader reader, Stream clientStream,
        PhaseDeadline deadline)
    {
        var ct = deadline.Token;
        var started = _time.GetTimestamp();
        HttpBodyFraming framing;
        try
        {
            framing = HttpBodyFraming.ForRequest(request.Headers, request.Version);
        }
        catch (HttpProtocolException e)
        {
            await ReplyErrorAsync(clientStream, e.StatusCode, e.Message, ct);
            return false;
        }

        L7Decision decision;
        if (options.Router is { } router)
        {
            // A routed listener (ingress): the route names this request's upstream, or the listener answers itself.
            var route = router.Route(exchange, request);
            if (route.Upstream is null)
            {
                sink.Publish(flows.Request(exchange, request, allowed: true));
                return await DenyAsync([exchange], request, framing, reader, clientStream, started, deadline, (route.LocalStatus, route.LocalBody));
            }
            exchange = exchange with { Server = route.Upstream, ServerIdentity = route.UpstreamIdentity };
            decision = new L7Decision(true, [], route.Reason);
        }
        else
        {
            var peer = options.Direction == TrafficDirection.INGRESS ? exchange.ClientIdentity : exchange.ServerIdentity;
            decision = policies.Find(policyKey)?.Evaluate(peer, request)
                ?? L7Decision.Deny($"no L7 policy for {policyKey}");
        }
        sink.Publish(flows.Request(exchange, request, decision.Allowed));

        // Legs in the order their responses are reported: the chained ingress leg (nearest the server) first.
        IReadOnlyList<L7Exchange> legs = [exchange];
        if (decision.Allowed && ChainedIngress(exchange) is { } inbound)
        {
            legs = [inbound.Leg, exchange];
            var ingressDecision = inbound.Policy.Evaluate(exchange.ClientIdentity, request);
            sink.Publish(flows.Request(inbound.Leg, request, ingressDecision.Allowed));
            decision = ingressDecision.Allowed
                ? decision with { Actions = [.. decision.Actions, .. ingressDecision.Actions] }
                : ingressDecision with { Reason = $"destination's ingress rules: {ingressDecision.Reason}" };
        }

        if (!decision.Allowed)
        {
            options.Log?.Invoke($"l7 proxy: {exchange.Client}→{exchange.Server}: 403 {request.Method} {request.PathAndQuery}: {decision.Reason}");
            return await DenyAsync(legs, request, framing, reader, clientStream, started, deadline);
        }

        ApplyHeaderActions(request, decision.Actions);
        if (request.Headers.HasToken("Expect", "100-continue"))
        {
            // Answer 100 ourselves once the request is allowed (Envoy's default), so the client never sends a body
            // the policy would refuse and the upstream never sees Expect.
            request.Headers.RemoveAll("Expect");
            await clientStream.WriteAsync(LocalReply.Continue(), ct);
        }

        if (_upstream is not null && (_upstream.ClosedByServer || !_upstream.Server.Equals(exchange.Server)))
        {
            await _upstream.DisposeAsync();
            _upstream = null;
        }

        if (_upstream is null)
        {
            SetPhase(deadline, Phase.Connect, options.UpstreamConnectTimeout);
            try
            {
                _upstream = await UpstreamConnection.ConnectAsync(options.CreateUpstreamSocket, exchange, blocking, options.UpstreamConnectTimeout, ct);
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !_stop.IsCancellationRequested))
            {
                // A blocking connect that ran out of SO_SNDTIMEO ends in EINPROGRESS.
                var detail = e is SocketException { SocketErrorCode: not (SocketError.InProgress or SocketError.TimedOut) } se
                    ? se.SocketErrorCode.ToString()
                    : "connect timeout";
                await GatewayErrorAsync(legs, request, clientStream, 503,
                    $"upstream connect error or disconnect/reset before headers. reset reason: {detail}", started);
                return false;
            }
        }

        SetPhase(deadline, Phase.Body, options.BodyTimeout);
        await HttpBodyCopier.WriteMessageAsync(HttpHeadWriter.Request(request), reader, _upstream.Stream, framing, options.Limits, "request body", 400, ct);

        SetPhase(deadline, Phase.Response, options.UpstreamResponseTimeout);
        HttpResponseHead response;
        try
        {
            response = await ReadFinalResponseHeadAsync(_upstream, request, clientStream, ct);
        }
        catch (Exception e) when (e is HttpProtocolException or IOException or SocketException
            || (e is OperationCanceledException && !_stop.IsCancellationRequested))
        {
            var (status, detail) = e switch
            {
                OperationCanceledException => (504, "upstream request timeout"),
                HttpProtocolException p => (502, $"bad upstream response: {p.Message}"),
                _ => (502, $"upstream connect error or disconnect/reset before headers. reset reason: {e.Message}"),
            };
            await GatewayErrorAsync(legs, request, clientStream, status, detail, started);
            return false;
        }

        var responseFraming = HttpBodyFraming.ForResponse(response.Headers, response.Version, response.StatusCode, request.Method);
        SetPhase(deadline, Phase.Body, options.BodyTimeout);
        PublishResponses(legs, request, response.StatusCode, started);
        await HttpBodyCopier.WriteMessageAsync(HttpHeadWriter.Response(response), _upstream.Reader, clientStream, responseFraming, options.Limits, "upstream response body", 502, ct);

        var upstreamKeep = response.KeepAlive && responseFraming.Kind != HttpBodyKind.UntilClose;
        if (!upstreamKeep)
        {
            await _upstream.DisposeAsync();
            _upstream = null;
        }

        // A response framed by close ends the client connection too: its end is how the client learns the body ended.
        // The client saw the upstream's Connection header, so it closes when the upstream said close.
        return request.KeepAlive && upstreamKeep;
    }

    private async Task<HttpResponseHead> ReadFinalResponseHeadAsync(UpstreamConnection connection, HttpRequestHead request, Stream clientStream, CancellationToken ct)
    {
        // Interim 1xx responses pass through (bounded: a server sending endless 1xx hits the response deadline).
        while (true)
        {
            var head = await HttpHeadReader.ReadAsync(connection.Reader, options.Limits, "upstream response", 502, 502, ct)
                ?? throw new HttpProtocolException(502, "upstream closed the connection before responding");
            var response = HttpHeadParser.ParseResponse(head.Lines);
            if (response.StatusCode >= 200 || response.StatusCode == 101)
            {
                if (response.StatusCode == 101)
                {
                    throw new HttpProtocolException(502, "upstream switched protocols (101); upgrades are not proxied");
                }

                return response;
            }

            if (response.StatusCode != 100 && request.Version == HttpWireVersion.Http11)
            {
                await clientStream.WriteAsync(HttpHeadWriter.Response(response), ct);
            }
        }
    }

    private async Task<bool> DenyAsync(
        IReadOnlyList<L7Exchange> legs, HttpRequestHead request, HttpBodyFraming framing, PipeReader reader, Stream clientStream,
        long started, PhaseDeadline deadline, (int Status, string Body)? localReply = null)
    {
        // Drop a small body so the next pipelined request lines up; a large or chunked one ends the connection instead.
        var drain = framing.Kind == HttpBodyKind.None
            || (framing.Kind == HttpBodyKind.ContentLength && framing.Length <= options.MaxDrainBytes && !request.Headers.HasToken("Expect", "100-continue"));
        var keep = request.KeepAlive && drain;
        if (drain)
        {
            SetPhase(deadline, Phase.Body, options.BodyTimeout);
            await HttpBodyCopier.CopyAsync(reader, null, framing, options.Limits, "request body", 400, deadline.Token);
        }

        var http10KeepAlive = keep && request.Version == HttpWireVersion.Http10;
        await clientStream.WriteAsync(localReply is { } r
            ? LocalReply.Plain(r.Status, r.Body, close: !keep, http10KeepAlive, _time)
            : LocalReply.Forbidden(close: !keep, http10KeepAlive, _time), deadline.Token);
        PublishResponses(legs, request, localReply?.Status ?? 403, started);
        return keep;
    }

    private async Task GatewayErrorAsync(IReadOnlyList<L7Exchange> legs, HttpRequestHead request, Stream clientStream, int status, string detail, long started)
    {
        await TryWriteAsync(clientStream, LocalReply.Error(status, detail, close: true, _time));
        PublishResponses(legs, request, status, started);
    }

    private void PublishResponses(IReadOnlyList<L7Exchange> legs, HttpRequestHead request, int status, long started)
    {
        var latency = _time.GetElapsedTime(started);
        foreach (var leg in legs)
        {
            sink.Publish(flows.Response(leg, request, status, latency));
        }
    }

    /// <summary>
    /// For an egress listener: the destination's ingress HTTP rules on this port, if it is an endpoint of this node
    /// that has them for this client, and the ingress leg they would be reported on. A client they do not cover is
    /// not redirected at ingress: bpf_lxc judges the upstream connection at L3/L4 (and drops it: no allow covers it).
    /// </summary>
    private (L7Exchange Leg, L7PortPolicy Policy)? ChainedIngress(L7Exchange exchange)
    {
        if (options.Direction != TrafficDirection.EGRESS || options.ChainedIngressProxyPort == 0)
        {
            return null;
        }

        var key = new L7PolicyKey(exchange.Server.Address, TrafficDirection.INGRESS, (ushort)exchange.Server.Port);
        return policies.Find(key) is { } policy && policy.Covers(exchange.ClientIdentity)
            ? (exchange with { Direction = TrafficDirection.INGRESS, ProxyPort = options.ChainedIngressProxyPort }, policy)
            : null;
    }

    private async Task ReplyErrorAsync(Stream clientStream, int status, string detail, CancellationToken ct)
    {
        options.Log?.Invoke($"l7 proxy: {client.RemoteEndPoint}: {status} {detail}");
        await TryWriteAsync(clientStream, LocalReply.Error(status, detail, close: true, _time));
        await LingeringCloseAsync(clientStream);
    }

    /// <summary>
    /// After an error reply to a request the proxy did not read to its end: sends FIN, then reads and drops what the
    /// client is still sending for a moment (nginx's lingering close). Closing with unread bytes would send a RST,
    /// which can destroy the reply before the client reads it.
    /// </summary>
    private async Task LingeringCloseAsync(Stream clientStream)
    {
        try
        {
            client.Shutdown(SocketShutdown.Send);
            client.ReceiveTimeout = (int)s_lingerTime.TotalMilliseconds; // bounds blocking reads; async ones watch the token
            using var cts = new CancellationTokenSource(s_lingerTime);
            var buffer = new byte[4096];
            long dropped = 0;
            while (dropped < LingerBytes && await clientStream.ReadAsync(buffer, cts.Token) is var n and > 0)
            {
                dropped += n;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or kept sending: close now.
        }
    }

    private static async Task TryWriteAsync(Stream stream, byte[] bytes)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await stream.WriteAsync(bytes, cts.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or stuck; nothing more to tell it.
        }
    }

    private static void ApplyHeaderActions(HttpRequestHead request, IReadOnlyList<HeaderMatch> actions)
    {
        foreach (var a in actions)
        {
            switch (a.Mismatch)
            {
                case HeaderMismatchAction.Add:
                    request.Headers.Add(a.Name, a.Value);
                    break;
                case HeaderMismatchAction.Delete:
                    request.Headers.RemoveAll(a.Name);
                    break;
                case HeaderMismatchAction.Replace:
                    request.Headers.RemoveAll(a.Name);
                    request.Headers.Add(a.Name, a.Value);
                    break;
            }
        }
    }

    /// <summary>
    /// Ends the blocking call of the phase whose deadline passed (or of any phase when the proxy stops), leaving the
    /// client able to receive the answer the phase still owes it (408, 503, 504).
    /// </summary>
    private void AbortBlockedCall()
    {
        switch (_phase)
        {
            case Phase.Idle or Phase.Head:
                TryShutdown(client, SocketShutdown.Receive);
                break;
            case Phase.Connect or Phase.Response:
                _upstream?.Shutdown();
                break;
            default:
                TryShutdown(client, SocketShutdown.Both);
                _upstream?.Shutdown();
                break;
        }
    }

    private static void TryShutdown(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing is blocked on it.
        }
    }

    private L7Exchange Describe()
    {
        var peer = (IPEndPoint)client.RemoteEndPoint!;
        var original = options.OriginalDestination(client);
        return new L7Exchange(peer, options.IdentityOf(peer.Address), original, options.IdentityOf(original.Address), options.Direction, options.ProxyPort);
    }

    private L7PolicyKey PolicyKey(L7Exchange x) => new(
        options.Direction == TrafficDirection.INGRESS ? x.Server.Address : x.Client.Address, options.Direction, (ushort)x.Server.Port);

    private void SetPhase(PhaseDeadline deadline, Phase next, TimeSpan timeout)
    {
        _phase = next;
        deadline.Set(timeout);
    }
}
