using System.CommandLine;
using System.Globalization;
using LabSite.Web;
using LabSite.Web.Workshops;

namespace LabSite.Cli;

/// <summary><c>labsite workshop create|list|export|end|invite</c>: operators manage workshops in the site's store.</summary>
public static class WorkshopCommands
{
    public static Command Create()
    {
        var command = new Command("workshop", "Create, list, export and end instructor-led workshops; invite instructors.");
        command.Subcommands.Add(CreateCreate());
        command.Subcommands.Add(Simple("list", "List workshops with their join codes.", (store, _, _, output) => ListAsync(store, output)));
        command.Subcommands.Add(WithId("export", "Print a workshop's results as CSV.", async (sp, id, output) =>
        {
            var csv = await sp.GetRequiredService<WorkshopExport>().CsvAsync(id);
            if (csv is null)
            {
                throw new ArgumentException($"no workshop has the id {id}");
            }
            output.Write(csv);
        }));
        command.Subcommands.Add(WithId("end", "End a workshop now: no more joins, attendees' clusters become idle-reaped again.", async (sp, id, output) =>
        {
            if (!await sp.GetRequiredService<WorkshopStore>().EndAsync(id))
            {
                throw new ArgumentException($"no running workshop has the id {id}");
            }
            output.WriteLine($"ended {id}");
        }));
        command.Subcommands.Add(CreateInvite());
        return command;
    }

    private static readonly Option<string> s_data = new("--data") { Description = "The site's data folder.", DefaultValueFactory = _ => ".data" };
    private static readonly Option<string?> s_postgres = new("--postgres") { Description = "PostgreSQL connection string (else the SQLite file in --data)." };

    private static SiteOptions Site(ParseResult r) => new()
    {
        DataDirectory = Path.GetFullPath(r.GetValue(s_data)!),
        PostgresConnectionString = r.GetValue(s_postgres) ?? Environment.GetEnvironmentVariable("LABSITE_POSTGRES"),
    };

    private static Command CreateCreate()
    {
        var title = new Option<string>("--title") { Required = true, Description = "Shown to attendees." };
        var labs = new Option<string[]>("--lab") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "Lab ids in order (repeat)." };
        var start = new Option<string>("--start") { Required = true, Description = "UTC start, e.g. 2026-12-10T09:00Z." };
        var hours = new Option<double>("--hours") { DefaultValueFactory = _ => 3, Description = "Length in hours." };
        var seats = new Option<int>("--seats") { Required = true };
        var backend = new Option<string>("--backend") { DefaultValueFactory = _ => "netns" };
        var emails = new Option<string[]>("--allow-email") { Description = "Only these emails may join (repeat)." };
        var rehearsal = new Option<bool>("--rehearsal") { Description = "One seat, for the instructor alone." };
        var content = new Option<string>("--content") { DefaultValueFactory = _ => "content", Description = "Folder holding labs/ (lab ids are checked against it)." };
        var command = new Command("create", "Create a workshop; prints its id and join code.") { title, labs, start, hours, seats, backend, emails, rehearsal, content, s_data, s_postgres };
        command.SetAction(r => Run(r, Console.Out, Console.Error, async (sp, output) =>
        {
            if (!DateTime.TryParse(r.GetValue(start), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
            {
                throw new ArgumentException($"--start: \"{r.GetValue(start)}\" is not a date and time");
            }
            var labsDir = Path.Combine(r.GetValue(content)!, "labs");
            var spec = new WorkshopSpec(r.GetValue(title)!, r.GetValue(labs)!, at, at.AddHours(r.GetValue(hours)), r.GetValue(seats),
                r.GetValue(backend)!, r.GetValue(emails), r.GetValue(rehearsal));
            var w = await sp.GetRequiredService<WorkshopStore>().CreateAsync(spec, id => Directory.Exists(Path.Combine(labsDir, id)));
            output.WriteLine($"{w.Id}\tcode {w.JoinCode}\tjoin at /join/{w.JoinCode}");
        }));
        return command;
    }

    private static Command CreateInvite()
    {
        var role = new Option<string>("--role") { DefaultValueFactory = _ => InstructorAccounts.Instructor, Description = "admin, instructor or assistant." };
        var days = new Option<int>("--days") { DefaultValueFactory = _ => 7 };
        var command = new Command("invite", "Issue an instructor invite; prints the token once (redeem at POST /instructors/redeem).") { role, days, s_data, s_postgres };
        command.SetAction(r => Run(r, Console.Out, Console.Error, async (sp, output) =>
            output.WriteLine(await sp.GetRequiredService<InstructorAccounts>().InviteAsync(r.GetValue(role)!, TimeSpan.FromDays(r.GetValue(days))))));
        return command;
    }

    private static Command Simple(string name, string description, Func<WorkshopStore, ParseResult, IServiceProvider, TextWriter, Task> action)
    {
        var command = new Command(name, description) { s_data, s_postgres };
        command.SetAction(r => Run(r, Console.Out, Console.Error, (sp, output) => action(sp.GetRequiredService<WorkshopStore>(), r, sp, output)));
        return command;
    }

    private static Command WithId(string name, string description, Func<IServiceProvider, string, TextWriter, Task> action)
    {
        var id = new Argument<string>("id") { Description = "The workshop id (from list)." };
        var command = new Command(name, description) { id, s_data, s_postgres };
        command.SetAction(r => Run(r, Console.Out, Console.Error, (sp, output) => action(sp, r.GetValue(id)!, output)));
        return command;
    }

    private static async Task ListAsync(WorkshopStore store, TextWriter output)
    {
        output.WriteLine("id\tcode\tstart\tend\tseats\tstate\ttitle");
        foreach (var w in await store.ListAsync())
        {
            var state = w.EndedAt is not null || w.EndsAt <= DateTime.UtcNow ? "ended" : w.Rehearsal ? "rehearsal" : "open";
            output.WriteLine($"{w.Id}\t{w.JoinCode}\t{w.StartsAt:yyyy-MM-ddTHH:mmZ}\t{w.EndsAt:yyyy-MM-ddTHH:mmZ}\t{w.Seats}\t{state}\t{w.Title}");
        }
    }

    /// <summary>Runs one command on a fresh scope; a refused input prints its reason and exits 1, nothing half-done.</summary>
    internal static async Task<int> Run(ParseResult r, TextWriter output, TextWriter err, Func<IServiceProvider, TextWriter, Task> action)
    {
        try
        {
            await using var provider = WorkshopServices.Build(Site(r));
            await using var scope = provider.CreateAsyncScope();
            await action(scope.ServiceProvider, output);
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            err.WriteLine("labsite workshop: " + e.Message);
            return 1;
        }
    }
}
