using LabSite.Scenarios.Model;
using LabSite.Scenarios.Model.Checks;
using LabSite.Scenarios.Yaml;

namespace LabSite.Scenarios.Checks;

/// <summary>Reads <c>kind: encryption</c> checks (see docs/authoring.md, "encryption").</summary>
public static class EncryptionCheckReader
{
    public static readonly IReadOnlyList<string> Keys = ["mode", "spi", "keysInUse", "traffic"];

    public static readonly IReadOnlyList<string> Modes = ["IPsec", "Disabled"];

    public static CheckSpec? Read(CheckHeader header, YamlMapReader reader)
    {
        var mode = reader.String("mode") ?? "IPsec";
        if (!Modes.Contains(mode))
        {
            reader.Error("mode", reader.BadChoice("mode", mode, Modes));
            return null;
        }
        var spi = reader.Has("spi") ? reader.Int("spi", 1, 15, "an SPI (a key id)") : null;
        var keys = reader.Has("keysInUse") ? reader.Int("keysInUse", 0, 2, "a number of keys (2 during a rotation)") : null;
        var traffic = reader.Has("traffic") ? reader.Bool("traffic") : null;
        if ((reader.Has("spi") && spi is null) || (reader.Has("keysInUse") && keys is null) || (reader.Has("traffic") && traffic is null))
        {
            return null;
        }
        if (mode == "Disabled" && (spi is not null || keys is not null || traffic is not null))
        {
            reader.Error("mode", $"\"spi\", \"keysInUse\" and \"traffic\" in {header.Context} describe IPsec; a check for mode Disabled takes none of them");
            return null;
        }
        return new EncryptionCheck(header.Id, header.Title, header.Location, mode, spi, keys, traffic);
    }
}
