namespace LabSite.Web;

/// <summary>Where the site listens and where it reads content and keeps data.</summary>
public sealed class SiteOptions
{
    public string Urls { get; set; } = "http://127.0.0.1:5000";

    public string ContentDirectory { get; set; } = "content";

    public string DataDirectory { get; set; } = ".data";

    /// <summary>A PostgreSQL connection string for workshops and instructor accounts; null keeps them in the SQLite file.</summary>
    public string? PostgresConnectionString { get; set; }
}
