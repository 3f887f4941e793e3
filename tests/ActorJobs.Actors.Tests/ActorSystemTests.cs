namespace ActorJobs.Actors.Tests;

/// <summary>
/// The system and its inputs: Terminate, paths, child names (unique while alive or stopping), bad names and settings,
/// and Props that cannot construct their actor.
/// </summary>
public sealed class ActorSystemTests : KernelTest
{
    [Fact]
    public async Task Terminate_stops_every_actor_completes_WhenTerminated_and_refuses_new_actors()
    {
        var system = NewSystem();
        var stopped = new System.Collections.Concurrent.ConcurrentBag<string>();
        for (var i = 0; i < 5; i++)
        {
            var name = $"top-{i}";
            system.ActorOf(Props.Create(() => new Node(stopped, name, 2)), name);
        }
        system.SystemActorOf(Props.Create(() => new Node(stopped, "infrastructure", 0)), "infrastructure");

        await system.Terminate().WaitAsync(Probe.DefaultTimeout);

        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
        // 5 top-level actors with 2 children each, and the system actor: all PostStops ran before WhenTerminated.
        Assert.Equal(16, stopped.Count);
        Assert.Contains("infrastructure", stopped);
        var error = Assert.Throws<InvalidOperationException>(() => system.ActorOf(Props.Create(() => new Node(stopped, "late", 0)), "late"));
        Assert.Equal($"actorjobs://{system.Name}/user is stopping and cannot create the child [late].", error.Message);
    }

    [Fact]
    public async Task Terminate_is_idempotent_and_messages_after_it_are_dead_letters()
    {
        var system = NewSystem();
        var actor = system.ActorOf(Props.Create(() => new Node(new System.Collections.Concurrent.ConcurrentBag<string>(), "x", 0)), "x");
        var first = system.Terminate();
        var second = system.Terminate();
        await Task.WhenAll(first, second).WaitAsync(Probe.DefaultTimeout);
        var before = system.DeadLetterCount;

        actor.Tell("anyone?", ActorRefs.NoSender);

        Assert.Equal(before + 1, system.DeadLetterCount);
    }

    [Fact]
    public void Actor_paths_read_system_then_user_then_the_names()
    {
        var parent = Sys.ActorOf(Props.Create(() => new Node(new System.Collections.Concurrent.ConcurrentBag<string>(), "p", 1)), "parent");

        Assert.Equal($"actorjobs://{Sys.Name}/user/parent", parent.Path.ToString());
        Assert.Equal(["user", "parent"], parent.Path.Elements);
        Assert.Equal("parent", parent.Path.Name);
        Assert.StartsWith($"actorjobs://{Sys.Name}/user/parent#", parent.Path.ToStringWithUid(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_name_is_taken_while_the_child_is_stopping_and_free_once_it_has_terminated()
    {
        var probe = CreateProbe();
        using var release = new SemaphoreSlim(0);
        var parent = Sys.ActorOf(Props.Create(() => new NameReuser()), "parent");
        var first = await parent.Ask<IActorRef>(new Create("worker", release, probe.Ref), Probe.DefaultTimeout);
        await probe.WatchAsync(first);
        first.Tell("block", ActorRefs.NoSender);
        await probe.ExpectAsync("blocked"); // busy in a handler, so the stop below cannot finish yet

        var whileStopping = await parent.Ask<object>(new StopAndCreate("worker", release, probe.Ref), Probe.DefaultTimeout);

        var error = Assert.IsType<InvalidActorNameException>(whileStopping);
        Assert.Equal($"Actor name [worker] is not unique: {parent.Path}/worker is still alive or stopping.", error.Message);
        release.Release();
        await probe.ExpectTerminatedAsync(first);
        var second = await parent.Ask<IActorRef>(new Create("worker", release, probe.Ref), Probe.DefaultTimeout);
        Assert.Equal(first.Path, second.Path);
        Assert.NotEqual(first, second); // a new incarnation: same path, new uid
    }

    [Fact]
    public async Task A_parent_can_reuse_a_childs_name_when_it_gets_the_childs_Terminated()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Props.Create(() => new Recycler(probe.Ref)), "recycler");

        for (var round = 1; round <= 50; round++)
        {
            parent.Tell("recycle", ActorRefs.NoSender);
            Assert.Equal($"recreated worker (round {round})", await probe.ExpectAsync<string>());
        }
    }

    [Fact]
    public async Task A_top_level_name_is_free_again_as_soon_as_GracefulStop_reports_the_actor_stopped()
    {
        var stopped = new System.Collections.Concurrent.ConcurrentBag<string>();
        for (var round = 0; round < 500; round++)
        {
            var actor = Sys.ActorOf(Props.Create(() => new Node(stopped, "reused", 0)), "reused");
            Assert.True(await actor.GracefulStop(Probe.DefaultTimeout));
        }
        Assert.Equal(500, stopped.Count);
    }

    [Theory]
    [InlineData("", "Actor name must not be null or empty.")]
    [InlineData("a/b", "Actor name [a/b] contains the character '/', which is not allowed in an actor path element.")]
    [InlineData("tab\there", "Actor name [tab\\u0009here] contains the control character U+0009.")]
    [InlineData("nul\0", "Actor name [nul\\u0000] contains the control character U+0000.")]
    [InlineData("two\nlines", "Actor name [two\\u000Alines] contains the control character U+000A.")]
    [InlineData("\u001b[31mred", "Actor name [\\u001B[31mred] contains the control character U+001B.")]
    [InlineData("$worker", "Actor name [$worker] must not start with '$': such names are reserved for names the system generates.")]
    [InlineData("white space", "Actor name [white space] contains the character ' ', which is not allowed in an actor path element.")]
    public void Bad_actor_names_are_rejected_with_the_reason(string name, string message)
    {
        var error = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new NameReuser()), name));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Generated_names_are_unique_and_start_with_a_dollar()
    {
        var actors = Enumerable.Range(0, 30).Select(_ => Sys.ActorOf(Props.Create(() => new NameReuser()))).ToArray();

        Assert.All(actors, a => Assert.StartsWith("$", a.Path.Name, StringComparison.Ordinal));
        Assert.Equal(30, actors.Select(a => a.Path.Name).Distinct().Count());
        Assert.Equal("$a", actors[0].Path.Name);
        Assert.Equal("$ba", actors[26].Path.Name);
    }

    [Theory]
    [InlineData("", "An actor system needs a name.")]
    [InlineData("-leading-dash", "Actor system name [-leading-dash] is not valid: use letters, digits, '-' and '_', starting with a letter or digit.")]
    [InlineData("has space", "Actor system name [has space] is not valid: use letters, digits, '-' and '_', starting with a letter or digit.")]
    [InlineData("dot.ted", "Actor system name [dot.ted] is not valid: use letters, digits, '-' and '_', starting with a letter or digit.")]
    public void Bad_system_names_are_rejected_naming_the_parameter(string name, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => ActorSystem.Create(name));

        Assert.Equal("name", error.ParamName);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_throughput_of_zero_is_rejected_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ActorSystem.Create("bad-settings", new ActorSystemSettings { Throughput = 0 }));

        Assert.Equal("Throughput", error.ParamName);
        Assert.StartsWith("Throughput must be at least 1 message per turn.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_negative_ask_timeout_is_rejected_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ActorSystem.Create("bad-settings", new ActorSystemSettings { AskTimeout = TimeSpan.FromSeconds(-1) }));

        Assert.Equal("AskTimeout", error.ParamName);
        Assert.StartsWith("AskTimeout must be positive or infinite.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_clock_is_rejected_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ActorSystem.Create("bad-settings", new ActorSystemSettings { TimeProvider = null! }));

        Assert.Equal("TimeProvider", error.ParamName);
        Assert.Equal("Value cannot be null. (Parameter 'TimeProvider')", error.Message);
    }

    [Fact]
    public void Stopping_an_actor_of_another_system_or_a_foreign_ref_is_rejected_with_a_clear_message()
    {
        var other = NewSystem();
        var foreign = other.ActorOf(Props.Create(() => new NameReuser()), "foreign");

        var wrongSystem = Assert.Throws<ArgumentException>(() => Sys.Stop(foreign));
        var notKernel = Assert.Throws<ArgumentException>(() => Sys.Stop(ActorRefs.Nobody));

        Assert.StartsWith($"{foreign} belongs to the actor system [{other.Name}], not [{Sys.Name}].", wrongSystem.Message, StringComparison.Ordinal);
        Assert.StartsWith("Nobody is not an actor of this kernel and cannot be stopped.", notKernel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Props_with_arguments_no_constructor_accepts_fail_at_Create_with_the_types()
    {
        var error = Assert.Throws<ArgumentException>(() => Props.Create<NeedsNameAndCount>("name", "not a number"));

        Assert.Equal("args", error.ParamName);
        Assert.StartsWith("NeedsNameAndCount has no constructor taking (String, String).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Props_for_a_type_that_is_not_a_concrete_actor_fail_at_Create()
    {
        var error = Assert.Throws<ArgumentException>(() => Props.Create(typeof(string)));

        Assert.Equal("actorType", error.ParamName);
        Assert.StartsWith("System.String is not a concrete actor type (it must derive from ActorBase).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Props_with_matching_arguments_construct_the_actor_with_them()
    {
        var actor = Sys.ActorOf(Props.Create<NeedsNameAndCount>("jobs", 3), "with-args");

        Assert.Equal("jobs x3", await actor.Ask<string>("describe", Probe.DefaultTimeout));
    }

    [Fact]
    public void A_throughput_below_one_in_Props_is_rejected()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Props.Create(() => new NameReuser()).WithThroughput(0));

        Assert.Equal("throughput", error.ParamName);
    }

    private sealed record Create(string Name, SemaphoreSlim Release, IActorRef Probe);

    private sealed record StopAndCreate(string Name, SemaphoreSlim Release, IActorRef Probe);

    /// <summary>Records its PostStop; has <c>children</c> children of its own.</summary>
    private sealed class Node : ReceiveActor
    {
        private readonly System.Collections.Concurrent.ConcurrentBag<string> _stopped;
        private readonly string _name;

        public Node(System.Collections.Concurrent.ConcurrentBag<string> stopped, string name, int children)
        {
            _stopped = stopped;
            _name = name;
            for (var i = 0; i < children; i++)
            {
                var childName = $"{name}-{i}";
                Context.ActorOf(Props.Create(() => new Node(stopped, childName, 0)), i.ToString());
            }
            ReceiveAny(_ => { });
        }

        protected internal override void PostStop() => _stopped.Add(_name);
    }

    /// <summary>Creates children on request; stops one and immediately tries to reuse its name.</summary>
    private sealed class NameReuser : ReceiveActor
    {
        public NameReuser()
        {
            Receive<Create>(c => Sender.Tell(Context.ActorOf(Props.Create(() => new Blocker(c.Release, c.Probe)), c.Name), Self));
            Receive<StopAndCreate>(c =>
            {
                Context.Stop(Context.Child(c.Name));
                try
                {
                    Sender.Tell(Context.ActorOf(Props.Create(() => new Blocker(c.Release, c.Probe)), c.Name), Self);
                }
                catch (InvalidActorNameException e)
                {
                    Sender.Tell(e, Self);
                }
            });
        }
    }

    /// <summary>Stops its child "worker" on request and recreates it under the same name on its Terminated.</summary>
    private sealed class Recycler : ReceiveActor
    {
        public Recycler(IActorRef probe)
        {
            var round = 0;
            var worker = Context.Watch(Context.ActorOf(Props.Create(() => new NameReuser()), "worker"));
            Receive<string>(_ => Context.Stop(worker));
            Receive<Terminated>(_ =>
            {
                try
                {
                    worker = Context.Watch(Context.ActorOf(Props.Create(() => new NameReuser()), "worker"));
                    probe.Tell($"recreated worker (round {++round})", Self);
                }
                catch (InvalidActorNameException e)
                {
                    probe.Tell(e.Message, Self);
                }
            });
        }
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(SemaphoreSlim release, IActorRef probe) =>
            Receive<string>(s => s == "block", _ =>
            {
                probe.Tell("blocked", Self);
                // Deliberately blocks this actor's thread: only a handler that has not returned keeps a stop pending.
                if (!release.Wait(Probe.DefaultTimeout))
                {
                    throw new TimeoutException("the test never released the blocker");
                }
            });
    }

    private sealed class NeedsNameAndCount : ReceiveActor
    {
        public NeedsNameAndCount(string name, int count) => Receive<string>(_ => Sender.Tell($"{name} x{count}", Self));
    }
}
