using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace LabSite.Web.Data;

/// <summary>
/// Per-connection SQLite settings. With WAL, synchronous=NORMAL syncs at checkpoints instead of at every commit:
/// the database cannot be corrupted, and a power cut loses at most the last progress clicks.
/// busy_timeout makes a writer wait for another instead of failing with "database is locked".
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
