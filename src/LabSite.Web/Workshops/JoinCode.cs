using System.Security.Cryptography;

namespace LabSite.Web.Workshops;

/// <summary>
/// A workshop's join code: 6 characters from an alphabet without look-alikes (no 0/O, 1/I/L, U/V), read aloud
/// or typed from a slide. 28^6 ≈ 4.8e8 codes; with join attempts rate-limited per client, guessing a live one is
/// impractical. Typed codes are normalised: case, spaces and dashes do not matter.
/// </summary>
public static class JoinCode
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ";
    public const int Length = 6;

    public static string New() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>The canonical form of what someone typed, or null (with why) when it cannot be a code.</summary>
    public static string? Normalize(string? typed, out string? error)
    {
        var code = new string((typed ?? "").Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());
        if (code.Length != Length)
        {
            error = $"a join code has {Length} characters; \"{Printable(typed)}\" has {code.Length}";
            return null;
        }
        var bad = code.FirstOrDefault(c => !Alphabet.Contains(c));
        if (bad != default)
        {
            error = $"'{Printable(bad.ToString())}' is not used in join codes (they use {Alphabet})";
            return null;
        }
        error = null;
        return code;
    }

    private static string Printable(string? s) => new((s ?? "").Take(40).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
