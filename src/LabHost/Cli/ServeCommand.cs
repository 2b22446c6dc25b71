namespace LabSite.LabHost.Cli;

using System.CommandLine;
using LabSite.LabHost.Web;

/// <summary><c>labsite serve [--urls URL] [--content DIR] [--data DIR]</c>: runs the web site.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var content = new Option<string>("--content") { Description = "Folder holding labs/ and exams/.", DefaultValueFactory = _ => "content" };
        var data = new Option<string>("--data") { Description = "Folder for the database and lab state.", DefaultValueFactory = _ => ".data" };
        var command = new Command("serve", "Run the LabSite web site.") { urls, content, data };
        command.SetAction(async (result, ct) =>
        {
            var options = new SiteOptions
            {
                Urls = result.GetValue(urls)!,
                ContentDirectory = Path.GetFullPath(result.GetValue(content)!),
                DataDirectory = Path.GetFullPath(result.GetValue(data)!),
            };
            var app = LabSiteWebApp.Build(options, []);
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
