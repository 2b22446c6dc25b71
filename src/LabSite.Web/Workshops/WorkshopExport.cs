using System.Globalization;
using System.Text;
using LabSite.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace LabSite.Web.Workshops;

/// <summary>
/// A workshop's results as CSV (RFC 4180): one row per attendee and step they opened, in seat and step order; an
/// attendee who opened nothing still gets a row. Names are typed by strangers: cells that a spreadsheet would run
/// as a formula are prefixed with an apostrophe.
/// </summary>
public sealed class WorkshopExport(WorkshopStore workshops, LabSiteDbContext progress)
{
    public const string Header = "seat,name,email,joined_at,left_at,resets,lab,step,visited_at,completed_at,hints_revealed,solution_shown";

    public async Task<string?> CsvAsync(string workshopId, CancellationToken ct = default)
    {
        if (await workshops.FindAsync(workshopId, ct) is not { } workshop)
        {
            return null;
        }
        var labs = workshop.LabIds.Split(',');
        var learners = workshop.Attendees.Select(a => a.LearnerId).ToList();
        var steps = await progress.StepProgress.AsNoTracking()
            .Where(s => learners.Contains(s.LearnerId) && labs.Contains(s.LabId)).ToListAsync(ct);
        var csv = new StringBuilder(Header).Append("\r\n");
        foreach (var a in workshop.Attendees.OrderBy(a => a.Seat))
        {
            string[] who = [a.Seat.ToString(CultureInfo.InvariantCulture), a.DisplayName, a.Email ?? "", Time(a.JoinedAt), Time(a.LeftAt), a.Resets.ToString(CultureInfo.InvariantCulture)];
            var mine = steps.Where(s => s.LearnerId == a.LearnerId)
                .OrderBy(s => Array.IndexOf(labs, s.LabId)).ThenBy(s => s.VisitedAt).ToList();
            if (mine.Count == 0)
            {
                Row(csv, [.. who, "", "", "", "", "", ""]);
            }
            foreach (var s in mine)
            {
                Row(csv, [.. who, s.LabId, s.StepId, Time(s.VisitedAt), Time(s.CompletedAt), s.HintsRevealed.ToString(CultureInfo.InvariantCulture), s.SolutionShown ? "true" : "false"]);
            }
        }
        return csv.ToString();
    }

    private static string Time(DateTime? t) => t is { } v ? DateTime.SpecifyKind(v, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) : "";

    private static void Row(StringBuilder csv, string[] cells) =>
        csv.AppendJoin(',', cells.Select(Cell)).Append("\r\n");

    internal static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
