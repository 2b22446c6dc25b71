namespace LabSite.Scenarios.Model.Checks;

/// <summary>
/// Passes when every node's transparent encryption, as <c>cilium-dbg encrypt status</c> reports it, is in
/// <see cref="Mode"/>, and (when given) sends with key <see cref="Spi"/>, has <see cref="KeysInUse"/> keys, and has
/// carried ESP both ways (<see cref="Traffic"/>: each node sent and accepted ESP packets).
/// </summary>
/// <param name="Mode">IPsec (the default) or Disabled.</param>
/// <param name="Spi">The SPI (key id, 1-15) every node's outbound states use; null does not look.</param>
/// <param name="KeysInUse">Cilium's "Keys in use" (2 during a rotation); null does not look.</param>
/// <param name="Traffic">True: every node has sent and received ESP with its current key; null does not look.</param>
public sealed record EncryptionCheck(string Id, string Title, SourceLocation Location, string Mode, int? Spi, int? KeysInUse, bool? Traffic) : CheckSpec(Id, Title, Location);
