namespace ActorJobs.Actors.Tests;

public sealed class SmokeTests
{
    private sealed class Echo : ReceiveActor
    {
        public Echo()
        {
            Receive<string>(s => Sender.Tell(s + "!", Self));
            Receive<int>(i => throw new InvalidOperationException("boom " + i));
            ReceiveAsync<double>(async d =>
            {
                await Task.Delay(10);
                Sender.Tell(d * 2, Self);
            });
        }
    }

    [Fact]
    public async Task Ask_round_trip_restart_and_async()
    {
        await using var system = ActorSystem.Create("smoke");
        var echo = system.ActorOf(Props.Create(() => new Echo()), "echo");
        Assert.Equal("hi!", await echo.Ask<string>("hi", TimeSpan.FromSeconds(5)));
        echo.Tell(1, ActorRefs.NoSender);
        Assert.Equal("again!", await echo.Ask<string>("again", TimeSpan.FromSeconds(5)));
        Assert.Equal(3.0, await echo.Ask<double>(1.5, TimeSpan.FromSeconds(5)));
        await Assert.ThrowsAsync<AskTimeoutException>(() => echo.Ask<string>(42L, TimeSpan.FromMilliseconds(50)));
        Assert.True(await echo.GracefulStop(TimeSpan.FromSeconds(5)));
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(5));
    }
}
