using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskProtection;
using TaskProtection.AotSmoke;

// A native AOT build of the library doing its job: AddTaskProtection() and a [CriticalSection] method, against the
// agent at ECS_AGENT_URI (.ci/run starts `taskprotect fake-agent`). Exit 0 only when the task was protected inside the
// section and the protection was released after it; the agent's own log tells .ci/run the same from the other side.
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ECS_AGENT_URI")))
{
    Console.Error.WriteLine("ECS_AGENT_URI is not set: start `taskprotect fake-agent` and export the address it prints.");
    return 2;
}

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddTaskProtection();
using IHost host = builder.Build();
await host.StartAsync();

TaskProtectionManager manager = host.Services.GetRequiredService<TaskProtectionManager>();
bool protectedInside = await new SmokeJob(manager).RunAsync(CancellationToken.None);
Console.WriteLine($"PROTECTED_INSIDE={protectedInside}");

// The release is sent right after the section ends; a real process, so a real wait, bounded.
using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
while (manager.GetStatus().ProtectionEnabled && !bound.IsCancellationRequested)
{
    await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
}

bool releasedAfter = !manager.GetStatus().ProtectionEnabled;
Console.WriteLine($"RELEASED_AFTER={releasedAfter}");
await host.StopAsync();
return protectedInside && releasedAfter ? 0 : 1;
