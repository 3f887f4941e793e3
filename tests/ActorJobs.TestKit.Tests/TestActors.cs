using ActorJobs.Actors;

namespace ActorJobs.TestKit.Tests;

public sealed record Ping(int N);

public sealed record Pong(int N);

/// <summary>Replies to every message with the same message.</summary>
public sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(message => Sender.Tell(message));
}

/// <summary>Does nothing with its messages: a subject to watch and stop.</summary>
public sealed class Silent : ReceiveActor
{
    public Silent() => ReceiveAny(_ => { });
}

/// <summary>Asks <see cref="Start.Target"/> a question and reports the answer to whoever sent Start.</summary>
public sealed class Asker : ReceiveActor
{
    public sealed record Start(IActorRef Target);

    public sealed record Question(string Text);

    public sealed record Answer(int Value);

    public Asker()
    {
        IActorRef? reportTo = null;
        Receive<Start>(start =>
        {
            reportTo = Sender;
            start.Target.Tell(new Question("meaning of life"));
        });
        Receive<Answer>(answer => reportTo?.Tell(answer));
    }
}

/// <summary>Tells its sender "blocking", then blocks its thread until the gate opens: an actor that cannot stop.</summary>
public sealed class Blocker : ReceiveActor
{
    public Blocker(ManualResetEventSlim gate) => Receive<string>(_ =>
    {
        Sender.Tell("blocking");
        gate.Wait();
    });
}
