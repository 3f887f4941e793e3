namespace ActorJobs.Actors.Tests;

/// <summary>Paths as keys: equal by their elements, whatever their uid, with the hash kept after its first use.</summary>
public sealed class ActorPathTests
{
    private static ActorPath Worker(int n, long uid = 0) => ActorPath.Root("node").Child("user").Child("queue-default").Child($"worker-{n}", uid);

    [Fact]
    public void Paths_built_apart_with_the_same_elements_are_equal_keys_whatever_their_uid()
    {
        var first = Worker(7, uid: 1);
        var hashed = first.GetHashCode();
        var again = Worker(7, uid: 2);

        Assert.Equal(first, again);
        Assert.Equal(hashed, again.GetHashCode());
        Assert.Equal(hashed, first.GetHashCode());
        var byPath = new Dictionary<ActorPath, string> { [first] = "found" };
        Assert.Equal("found", byPath[again]);
        Assert.NotEqual(first, Worker(8));
        Assert.False(byPath.ContainsKey(Worker(8)));
    }
}
