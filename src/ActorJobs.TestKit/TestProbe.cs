using ActorJobs.Actors;

namespace ActorJobs.TestKit;

/// <summary>
/// A stand-in actor for a test: hand <see cref="Ref"/> to the actor under test wherever it expects a collaborator,
/// then check what it was sent with the same expectations as <see cref="TestKit"/> (<c>ExpectMsg</c>, ...), answer with
/// <see cref="TestKitBase.Reply"/>, or pass the message on with <see cref="TestKitBase.Forward"/>.
/// Create probes with <see cref="TestKitBase.CreateTestProbe"/>; they stop with their actor system.
/// </summary>
public sealed class TestProbe : TestKitBase
{
    internal TestProbe(ActorSystem system, TestKitSettings settings, string name)
        : base(system, settings, name)
    {
    }

    /// <summary>The probe's actor (the same as <see cref="TestKitBase.TestActor"/>): give it to the actors under test.</summary>
    public IActorRef Ref => TestActor;

    /// <summary>
    /// Delivers <paramref name="message"/> to this probe, as if <paramref name="sender"/> had sent it
    /// (as Akka.NET's <c>TestProbe.Tell</c>). To send from the probe to another actor, use <see cref="TestKitBase.Send"/>.
    /// </summary>
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Ref.Tell(message, sender);
    }

    /// <inheritdoc />
    public override string ToString() => $"TestProbe({Ref.Path})";
}
