using System.Net;
using System.Text;

namespace ActorJobs.Client.Tests;

public class ServerSentEventTests
{
    private static async Task<List<ServerSentEvent>> ReadAll(string stream)
    {
        var events = new List<ServerSentEvent>();
        await foreach (var e in ServerSentEventReader.ReadAsync(new StringReader(stream)))
        {
            events.Add(e);
        }

        return events;
    }

    [Fact]
    public async Task Data_lines_join_with_a_line_feed_and_one_leading_space_is_dropped()
    {
        var events = await ReadAll("event: job.started\nid: 7\ndata: {\"a\":\ndata:  1}\n\n");

        var e = Assert.Single(events);
        Assert.Equal("job.started", e.Event);
        Assert.Equal("7", e.Id);
        Assert.Equal("{\"a\":\n 1}", e.Data);
    }

    [Fact]
    public async Task Comments_and_heartbeats_are_skipped_and_crlf_lines_are_read()
    {
        var events = await ReadAll(": connected\r\n\r\n:heartbeat\r\n\r\ndata: one\r\n\r\n: ping\r\ndata: two\r\n\r\n");

        Assert.Equal(["one", "two"], events.Select(e => e.Data));
        Assert.All(events, e => Assert.Equal("message", e.Event));
    }

    [Fact]
    public async Task Comments_reach_the_comment_callback_in_stream_order_without_the_colon_and_one_space()
    {
        var seen = new List<string>();
        await foreach (var e in ServerSentEventReader.ReadAsync(new StringReader(": subscribed\n\ndata: one\n\n:heartbeat\n:  two spaces\n"), c => seen.Add(c)))
        {
            seen.Add("event " + e.Data);
        }

        Assert.Equal(["subscribed", "event one", "heartbeat", " two spaces"], seen);
    }

    [Fact]
    public async Task WatchAsync_says_subscribed_once_before_the_first_event_and_never_for_a_heartbeat()
    {
        const string Stream = ": subscribed\n\n: heartbeat\n\nevent: job.started\ndata: {\"kind\":\"job.started\",\"job\":{\"id\":\"j-1\",\"tenant\":\"default\",\"type\":\"noop\",\"queue\":\"default\",\"status\":\"running\"}}\n\n: subscribed\n\n";
        var handler = FakeHandler.Json(HttpStatusCode.OK, Stream, "text/event-stream");
        using var client = handler.Client();
        var order = new List<string>();

        await foreach (var e in client.WatchAsync(new EventStreamFilter(Type: "noop"), () => order.Add("subscribed")))
        {
            order.Add($"{e.Kind} {e.Job.Id}");
        }

        Assert.Equal(["subscribed", "job.started j-1"], order);
        Assert.EndsWith("events?type=noop", handler.Requests.Single().Request.RequestUri!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_without_data_is_not_dispatched_and_a_trailing_partial_event_is_dropped()
    {
        var events = await ReadAll("event: nothing\n\ndata: kept\n\ndata: partial");

        Assert.Equal("kept", Assert.Single(events).Data);
    }

    [Fact]
    public async Task The_event_name_does_not_leak_into_the_next_event_but_the_id_does()
    {
        var events = await ReadAll("event: a\nid: 1\ndata: x\n\ndata: y\n\n");

        Assert.Equal(("a", "1"), (events[0].Event, events[0].Id));
        Assert.Equal(("message", "1"), (events[1].Event, events[1].Id));
    }

    [Fact]
    public async Task WatchAsync_yields_job_events_and_passes_over_other_events()
    {
        const string Job = """{"id":"j1","tenant":"t","type":"noop","queue":"default","status":"running","progress":0.5}""";
        var body = ": hello\n\n"
            + "event: stream.lagged\ndata: {\"lost\":3}\n\n"
            + "event: job.started\ndata: {\"kind\":\"job.started\",\n" + "data: \"job\":" + Job + "}\n\n"
            + "event: job.progress\ndata: {\"job\":" + Job + "}\n\n";
        var handler = new FakeHandler(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(body, Encoding.UTF8, "text/event-stream"),
        });
        using var client = handler.Client();

        var events = new List<Contracts.JobEventDto>();
        await foreach (var e in client.WatchAsync(new EventStreamFilter(Job: "j1", Queue: "q a")))
        {
            events.Add(e);
        }

        Assert.Equal(["job.started", "job.progress"], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(0.5, e.Job.Progress));
        var request = handler.Requests[0].Request;
        Assert.Equal("?job=j1&queue=q%20a", request.RequestUri!.Query);
        Assert.Contains("text/event-stream", request.Headers.Accept.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchAsync_throws_the_problem_when_the_stream_is_refused()
    {
        var handler = FakeHandler.Json(HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401,"detail":"missing API key"}""");
        using var client = handler.Client();

        var e = await Assert.ThrowsAsync<ActorJobsApiException>(async () =>
        {
            await foreach (var unused in client.WatchAsync())
            {
            }
        });
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("missing API key", e.Detail);
    }
}
