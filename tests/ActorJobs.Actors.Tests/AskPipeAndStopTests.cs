namespace ActorJobs.Actors.Tests;

/// <summary>Ask (reply, failure, wrong type, timeout, cancellation), PipeTo and GracefulStop.</summary>
public sealed class AskPipeAndStopTests : KernelTest
{
    [Fact]
    public async Task Ask_returns_the_reply()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "responder");

        Assert.Equal("echo: hi", await actor.Ask<string>("hi", Probe.DefaultTimeout));
    }

    [Fact]
    public async Task Ask_rethrows_the_cause_of_a_Status_Failure_reply()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "responder");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => actor.Ask<string>(new FailWith("quota exceeded"), Probe.DefaultTimeout));

        Assert.Equal("quota exceeded", error.Message);
    }

    [Fact]
    public async Task Ask_with_a_reply_of_the_wrong_type_says_what_it_expected_and_what_it_got()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "responder");

        var error = await Assert.ThrowsAsync<InvalidCastException>(() => actor.Ask<int>("hi", Probe.DefaultTimeout));

        Assert.Equal($"Ask to {actor.Path} expected a reply of type Int32 but got String.", error.Message);
    }

    [Fact]
    public async Task Ask_that_gets_no_reply_times_out_with_a_message_naming_the_target_the_wait_and_the_question()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "silent");

        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => actor.Ask<string>(new Ignore(), TimeSpan.FromMilliseconds(100)));

        Assert.Equal($"Ask timed out on {actor.Path} after 100 ms: no reply to a message of type Ignore.", error.Message);
    }

    [Fact]
    public async Task Ask_on_virtual_time_times_out_only_when_the_clock_is_advanced_past_the_timeout()
    {
        var system = NewSystem(VirtualTime);
        var actor = system.ActorOf(Props.Create(() => new Responder()), "silent");

        var ask = actor.Ask<string>(new Ignore(), TimeSpan.FromSeconds(30));
        // Real time passes, virtual time does not: the ask must still be waiting.
        Assert.NotSame(ask, await Task.WhenAny(ask, Task.Delay(Probe.NoMessageWindow)));
        Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotSame(ask, await Task.WhenAny(ask, Task.Delay(Probe.NoMessageWindow)));
        Clock.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(Probe.DefaultTimeout));
        Assert.Contains("after 30000 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_without_a_timeout_uses_the_systems_AskTimeout()
    {
        var system = NewSystem(VirtualTime with { AskTimeout = TimeSpan.FromSeconds(5) });
        var actor = system.ActorOf(Props.Create(() => new Responder()), "silent");

        var ask = actor.Ask<string>(new Ignore());
        Clock.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => ask.WaitAsync(Probe.DefaultTimeout));
        Assert.Contains("after 5000 ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Canceling_an_ask_cancels_its_task_with_the_callers_token()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "silent");
        using var cts = new CancellationTokenSource();

        var ask = actor.Ask<string>(new Ignore(), Probe.DefaultTimeout, cts.Token);
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask.WaitAsync(Probe.DefaultTimeout));
        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Asking_with_an_already_canceled_token_cancels_at_once_with_that_token()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "silent");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => actor.Ask<string>("hi", Probe.DefaultTimeout, cts.Token));

        Assert.Equal(cts.Token, error.CancellationToken);
    }

    [Fact]
    public async Task Ask_with_a_timeout_that_is_not_positive_is_rejected_with_the_parameter_named()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "responder");

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => actor.Ask<string>("hi", TimeSpan.Zero));

        Assert.Equal("timeout", error.ParamName);
        Assert.Contains("An ask timeout must be positive or infinite.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PipeTo_tells_the_result_of_a_successful_task_with_the_given_sender()
    {
        var probe = CreateProbe();
        var sender = Sys.ActorOf(Props.Create(() => new Responder()), "sender");

        await Task.FromResult(42).PipeTo(probe.Ref, sender);

        Assert.Equal(42, await probe.ExpectAsync<int>());
        Assert.Equal(sender, probe.LastSender);
    }

    [Fact]
    public async Task PipeTo_tells_a_Status_Failure_with_the_exception_of_a_failed_task()
    {
        var probe = CreateProbe();
        var failing = Task.FromException<int>(new TimeoutException("backend too slow"));

        await failing.PipeTo(probe.Ref);

        var failure = await probe.ExpectAsync<Status.Failure>();
        Assert.IsType<TimeoutException>(failure.Cause);
        Assert.Equal("backend too slow", failure.Cause.Message);
    }

    [Fact]
    public async Task PipeTo_from_an_actor_brings_the_result_back_as_a_message_later()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Piper(probe.Ref)), "piper");
        var work = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);

        actor.Tell(work.Task, ActorRefs.NoSender);
        actor.Tell("meanwhile", ActorRefs.NoSender);
        await probe.ExpectAsync("handled meanwhile");
        work.SetResult("done");

        await probe.ExpectAsync("piped back: done");
    }

    [Fact]
    public async Task GracefulStop_completes_with_true_once_the_actor_has_terminated()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Responder(probe.Ref)), "stoppable");

        Assert.True(await actor.GracefulStop(Probe.DefaultTimeout));

        await probe.ExpectAsync("PostStop");
    }

    [Fact]
    public async Task GracefulStop_of_an_actor_that_is_already_dead_is_true()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Responder()), "dead");
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        await probe.ExpectTerminatedAsync(actor);

        Assert.True(await actor.GracefulStop(Probe.DefaultTimeout));
    }

    [Fact]
    public async Task GracefulStop_on_virtual_time_is_false_when_the_actor_has_not_stopped_by_the_timeout()
    {
        var system = NewSystem(VirtualTime);
        var probe = CreateProbe(system);
        var actor = system.ActorOf(Props.Create(() => new Responder(probe.Ref)), "busy");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        actor.Tell(new Hold(gate.Task), ActorRefs.NoSender);
        await probe.ExpectAsync("holding");

        var stop = actor.GracefulStop(TimeSpan.FromSeconds(10));
        Assert.NotSame(stop, await Task.WhenAny(stop, Task.Delay(Probe.NoMessageWindow)));
        Clock.Advance(TimeSpan.FromSeconds(10));

        Assert.False(await stop.WaitAsync(Probe.DefaultTimeout));
        // The PoisonPill is still queued: once the actor is free it stops after all.
        await probe.WatchAsync(actor);
        gate.SetResult();
        await probe.ExpectAsync("PostStop");
        await probe.ExpectTerminatedAsync(actor);
    }

    private sealed record FailWith(string Message);

    private sealed record Ignore;

    private sealed record Hold(Task Gate);

    private sealed class Responder : ReceiveActor
    {
        private readonly IActorRef? _probe;

        public Responder(IActorRef? probe = null)
        {
            _probe = probe;
            Receive<string>(s => Sender.Tell("echo: " + s, Self));
            Receive<FailWith>(f => Sender.Tell(new Status.Failure(new InvalidOperationException(f.Message)), Self));
            Receive<Ignore>(_ => { });
            ReceiveAsync<Hold>(async h =>
            {
                _probe?.Tell("holding", Self);
                await h.Gate;
            });
        }

        protected internal override void PostStop() => _probe?.Tell("PostStop", Self);
    }

    private sealed class Piper : ReceiveActor
    {
        public Piper(IActorRef probe)
        {
            Receive<Task<string>>(work => work.PipeTo(Self, Self, s => $"piped back: {s}"));
            Receive<string>(s => s.StartsWith("piped back", StringComparison.Ordinal), s => probe.Tell(s, Self));
            Receive<string>(s => probe.Tell($"handled {s}", Self));
        }
    }
}
