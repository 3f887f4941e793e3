using ActorJobs.Actors;
using ActorJobs.Persistence;
using ActorJobs.Persistence.Serialization;

namespace ActorJobs.TestKit.Tests;

using ActorJobs.TestKit;

public sealed record Noted(string Text);

internal sealed class Notebook : ReceivePersistentActor
{
    private readonly List<string> _notes = [];

    public Notebook()
    {
        Recover<Noted>(n => _notes.Add(n.Text));
        Command<string>(s => s == "list", _ => Sender.Tell(string.Join(",", _notes), Self));
        Command<string>(text => Persist(new Noted(text), n =>
        {
            _notes.Add(n.Text);
            Sender.Tell($"noted {n.Text}@{LastSequenceNr}", Self);
        }));
    }

    public override string PersistenceId => "notebook";
}

public sealed class InMemoryPersistenceTests : TestKit
{
    private readonly InMemoryPersistence _stores;

    public InMemoryPersistenceTests() =>
        _stores = this.UseInMemoryPersistence(new EventSerializer().Register<Noted>("test.noted.v1"));

    [Fact]
    public void A_persistent_actor_writes_to_the_in_memory_journal_and_recovers_from_it()
    {
        var notebook = Sys.ActorOf(Props.Create(() => new Notebook()));
        notebook.Tell("a", TestActor);
        ExpectMsg("noted a@1");
        Watch(notebook);
        Sys.Stop(notebook);
        ExpectTerminated(notebook);

        var again = Sys.ActorOf(Props.Create(() => new Notebook()));
        again.Tell("list", TestActor);
        ExpectMsg("a");
    }

    [Fact]
    public void Injected_write_failures_reach_the_actor_and_nothing_is_acknowledged()
    {
        var notebook = Sys.ActorOf(Props.Create(() => new Notebook()));
        Watch(notebook);
        _stores.Journal.FailNextWrites();
        notebook.Tell("lost", TestActor);
        ExpectTerminated(notebook); // a failed persist stops the actor, and no "noted" reply was sent before it
    }

    [Fact]
    public void Registering_persistence_twice_is_refused_with_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => this.UseInMemoryPersistence());
        Assert.Contains("PersistenceExtension is already registered", error.Message);
    }
}
