using System.CommandLine;
using LabSite.Agent.Client;
using LabSite.Agent.Server;
using LabSite.Web;

namespace LabSite.Cli;

/// <summary>
/// <c>labsite serve [--urls URL] [--content DIR] [--data DIR] [--agent auto|inprocess|remote|off] [--agent-socket PATH]</c>:
/// runs the web site, with the lab agent in-process unless one already runs on the socket.
/// </summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Address to listen on.", DefaultValueFactory = _ => "http://127.0.0.1:5000" };
        var content = new Option<string>("--content") { Description = "Folder holding labs/ and exams/.", DefaultValueFactory = _ => "content" };
        var data = new Option<string>("--data") { Description = "Folder for the database and lab state.", DefaultValueFactory = _ => ".data" };
        var agentMode = new Option<AgentMode>("--agent") { Description = "Where lab clusters run: auto (a running agent, else in-process), inprocess, remote, off.", DefaultValueFactory = _ => AgentMode.Auto };
        var agentSocket = new Option<string>("--agent-socket") { Description = "The lab agent's unix socket.", DefaultValueFactory = _ => AgentProtocol.DefaultSocketPath };
        var postgres = new Option<string?>("--postgres") { Description = "PostgreSQL connection string for workshops and instructor accounts (default: the SQLite file in --data; also LABSITE_POSTGRES)." };
        var command = new Command("serve", "Run the LabSite web site.") { urls, content, data, agentMode, agentSocket, postgres };
        command.SetAction(async (result, ct) =>
        {
            var options = new SiteOptions
            {
                Urls = result.GetValue(urls)!,
                ContentDirectory = Path.GetFullPath(result.GetValue(content)!),
                DataDirectory = Path.GetFullPath(result.GetValue(data)!),
                PostgresConnectionString = result.GetValue(postgres) ?? Environment.GetEnvironmentVariable("LABSITE_POSTGRES"),
            };
            await using var agent = await AgentAttachment.AttachAsync(result.GetValue(agentMode), result.GetValue(agentSocket)!, AgentBackends.Add, ct);
            await result.InvocationConfiguration.Error.WriteLineAsync($"labsite serve: {agent.Description}");
            var app = LabSiteWebApp.Build(options, [], builder =>
            {
                if (agent.Agent is { } labAgent)
                {
                    builder.Services.AddSingleton(labAgent);
                }
            });
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
