using System.Text.RegularExpressions;

namespace LabSite.Clusters.Contract.Kubernetes;

/// <summary>
/// Kubernetes' name and label rules, with the API server's own messages (apimachinery validation.go),
/// so a learner sees the same sentence a real cluster prints.
/// </summary>
public static partial class NameValidation
{
    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + @"(\." + Dns1123LabelFormat + ")*";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";

    [GeneratedRegex("^" + Dns1123LabelFormat + "$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^" + Dns1035LabelFormat + "$")]
    private static partial Regex Dns1035Label();

    [GeneratedRegex("^" + QualifiedNameFormat + "$")]
    private static partial Regex QualifiedName();

    [GeneratedRegex("^" + LabelValueFormat + "$")]
    private static partial Regex LabelValue();

    /// <summary>Namespaces, container and port names: at most 63 characters.</summary>
    public static IEnumerable<string> CheckDns1123Label(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }
        if (!Dns1123Label().IsMatch(value))
        {
            yield return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + Dns1123LabelFormat + "')";
        }
    }

    /// <summary>Most object names (pods, deployments, configmaps, policies): at most 253 characters.</summary>
    public static IEnumerable<string> CheckDns1123Subdomain(string value)
    {
        if (value.Length > 253)
        {
            yield return "must be no more than 253 characters";
        }
        if (!Dns1123Subdomain().IsMatch(value))
        {
            yield return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + Dns1123SubdomainFormat + "')";
        }
    }

    /// <summary>Service names: they become DNS labels, so they must start with a letter.</summary>
    public static IEnumerable<string> CheckDns1035Label(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }
        if (!Dns1035Label().IsMatch(value))
        {
            yield return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '" + Dns1035LabelFormat + "')";
        }
    }

    /// <summary>A label key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters.</summary>
    public static IEnumerable<string> CheckLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0)
            {
                yield return "prefix part must be non-empty";
            }
            else
            {
                foreach (var problem in CheckDns1123Subdomain(prefix))
                {
                    yield return "prefix part " + problem;
                }
            }
        }
        if (name.Length == 0)
        {
            yield return "name part must be non-empty";
        }
        else if (name.Length > 63)
        {
            yield return "name part must be no more than 63 characters";
        }
        else if (!QualifiedName().IsMatch(name))
        {
            yield return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + QualifiedNameFormat + "')";
        }
    }

    public static IEnumerable<string> CheckLabelValue(string value)
    {
        if (value.Length > 63)
        {
            yield return "must be no more than 63 characters";
        }
        if (!LabelValue().IsMatch(value))
        {
            yield return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + LabelValueFormat + "')";
        }
    }

    /// <summary>A named port (IANA service name): 1–15 characters, lowercase letters, digits and '-', at least one letter.</summary>
    public static IEnumerable<string> CheckPortName(string value)
    {
        if (value.Length is 0 or > 15)
        {
            yield return "must be no more than 15 characters";
        }
        if (!value.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            yield return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        }
        if (!value.Any(char.IsAsciiLetterLower))
        {
            yield return "must contain at least one letter (a-z)";
        }
        if (value.StartsWith('-') || value.EndsWith('-') || value.Contains("--", StringComparison.Ordinal))
        {
            yield return "must not begin or end with a hyphen, nor contain adjacent hyphens";
        }
    }
}
