using System.Runtime.InteropServices;
using LabSite.Clusters.Contract.Flows;
using LabSite.Clusters.Netns.Bpf.Abi;

namespace LabSite.Clusters.Netns.Flows;

/// <summary>
/// Turns one ring-buffer record into a Hubble flow: switches on the type byte (as Hubble's parser does) to the
/// drop, trace or policy-verdict decoder, after checking version and length. Each decoder fills the fields its
/// event defines; <see cref="EventEnricher"/> adds what the lab knows (pods, labels, policies).
/// </summary>
public sealed class FlowDecoder(IEndpointLookup lookup, MonotonicClock clock)
{
    private readonly EventEnricher _enricher = new(lookup);

    public Flow Decode(ReadOnlySpan<byte> record)
    {
        if (record.Length < Marshal.SizeOf<EventHeaderAbi>())
        {
            throw new FlowDecodeException($"event needs at least {Marshal.SizeOf<EventHeaderAbi>()} bytes of header, got {record.Length}");
        }
        var hdr = MemoryMarshal.Read<EventHeaderAbi>(record);
        if (hdr.Version != EventCodes.Version)
        {
            throw new FlowDecodeException($"event type {hdr.Type}: version {hdr.Version} is not supported (expected {EventCodes.Version})");
        }
        return hdr.Type switch
        {
            EventCodes.Drop => DropEventDecoder.Decode(Read<DropEventAbi>(record, "drop"), _enricher, clock),
            EventCodes.Trace => TraceEventDecoder.Decode(Read<TraceEventAbi>(record, "trace"), _enricher, clock),
            EventCodes.PolicyVerdict => PolicyVerdictDecoder.Decode(Read<PolicyVerdictEventAbi>(record, "policy-verdict"), _enricher, clock),
            _ => throw new FlowDecodeException($"unknown event type {hdr.Type}"),
        };
    }

    private static T Read<T>(ReadOnlySpan<byte> record, string what)
        where T : struct
    {
        var need = Marshal.SizeOf<T>();
        if (record.Length < need)
        {
            throw new FlowDecodeException($"{what} v{EventCodes.Version} needs {need} bytes, got {record.Length}");
        }
        return MemoryMarshal.Read<T>(record);
    }
}

/// <summary>A malformed ring-buffer record; the message says what was expected and what came.</summary>
public sealed class FlowDecodeException(string message) : Exception(message);
