namespace LabSite.LabHost.Tests.Agent;

using LabSite.LabHost.Agent;
using LabSite.Sandbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

/// <summary>A real agent (Kestrel on a unix socket in a temp folder) hosting the fake backend.</summary>
public sealed class AgentFixture : IAsyncLifetime
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "labsite-agent-test-" + Guid.NewGuid().ToString("N")[..8]);
    WebApplication? _app;

    public string SocketPath => Path.Combine(_dir, "agent.sock");

    internal FakeClusterBackend Backend { get; } = new();

    public static string StarWars(string file) => Path.Combine(AppContext.BaseDirectory, "Agent", "TestData", file);

    public async Task InitializeAsync()
    {
        _app = AgentHost.Build(new AgentOptions { SocketPath = SocketPath }, services => services.AddSingleton<IClusterBackend>(Backend));
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Directory.Delete(_dir, recursive: true);
    }
}
