using LabSite.Clusters.Netns.Kernel;

namespace LabSite.Clusters.Netns.Datapath;

/// <summary>
/// The crypto observation points: while IPsec is on, each node's ESP device (<c>Encryption/EspNode</c>) carries the
/// packets the node encrypts and those it decrypted, so bpf_lxc's trace programs on it report them as Hubble's
/// <c>to-crypto</c> and <c>from-crypto</c>, with the overlay points' aggregation and the cluster-wide ipcache.
/// </summary>
public sealed partial class LabPolicyAgent
{
    /// <summary>Attaches the crypto trace programs to <paramref name="device"/> in <paramref name="node"/>'s namespace.</summary>
    public Task AttachCryptoAsync(LabNode node, string device, CancellationToken ct)
        => AttachOnNodeAsync(node, device, _datapath.AttachCrypto, ct);

    /// <summary>Finds <paramref name="device"/>'s index in <paramref name="node"/>'s namespace and runs <paramref name="attach"/> there.</summary>
    private async Task AttachOnNodeAsync(LabNode node, string device, Action<int> attach, CancellationToken ct)
    {
        var path = LabNames.NetnsPath(node.Netns);
        var index = (await IfIndexesAsync(path, [device], ct))[device];
        await NetnsThread.RunAsync(path, () => attach(index));
    }
}
