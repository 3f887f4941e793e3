using System.Net;
using System.Net.Http.Json;
using ActorJobs.Client.Contracts;

namespace ActorJobs.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class SchedulesApiTests(ApiServer server)
{
    private readonly string _tenant = "sched-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_schedule_is_created_listed_shown_updated_disabled_enabled_and_deleted()
    {
        var created = await ApiServer.PostJsonAsync(server.Admin, $"schedules?tenant={_tenant}", new
        {
            name = "nightly",
            cron = "30 2 * * *",
            timeZone = "Europe/Berlin",
            job = new { type = "test.counted", @params = new { count = 3 }, priority = "high", notBeforeOffsetSeconds = 60, queue = "test-held" },
            overlap = "skip-if-running",
            misfire = "catch-up",
            catchUpWindowSeconds = 7200,
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var schedule = await ApiServer.ReadAsync<ScheduleDto>(created);
        Assert.Equal($"/schedules/{schedule.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(_tenant, schedule.Tenant);
        Assert.Equal("Europe/Berlin", schedule.TimeZone);
        Assert.Equal("skip-if-running", schedule.Overlap);
        Assert.Equal("catch-up", schedule.Misfire);
        Assert.Equal(7200, schedule.CatchUpWindowSeconds);
        Assert.Equal(8, schedule.Job.Priority!.Value.GetInt32());
        Assert.Equal(60, schedule.Job.NotBeforeOffsetSeconds);
        Assert.Equal("test-held", schedule.Job.Queue);
        Assert.Equal(3, schedule.Job.Params!.Value.GetProperty("count").GetInt32());
        Assert.True(schedule.Enabled);
        Assert.Equal(5, schedule.NextFires.Count);
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.All(schedule.NextFires, f => Assert.Equal(new TimeSpan(2, 30, 0), TimeZoneInfo.ConvertTime(f, berlin).TimeOfDay));

        var list = await ApiServer.ReadAsync<List<ScheduleDto>>(await server.Admin.GetAsync($"schedules?tenant={_tenant}"));
        Assert.Equal(schedule.Id, Assert.Single(list).Id);
        var previewed = await ApiServer.ReadAsync<ScheduleDto>(await server.Admin.GetAsync($"schedules/{schedule.Id}?preview=3"));
        Assert.Equal(schedule.NextFires.Take(3), previewed.NextFires);
        var byName = await ApiServer.ReadAsync<ScheduleDto>(await server.Admin.GetAsync($"schedules/nightly?tenant={_tenant}"));
        Assert.Equal(schedule.Id, byName.Id);

        var updated = await server.Admin.PutAsync($"schedules/{schedule.Id}", JsonContent.Create(new { name = "nightly", cron = "@hourly", job = new { type = "noop" } }));
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        var hourly = await ApiServer.ReadAsync<ScheduleDto>(updated);
        Assert.Equal("UTC", hourly.TimeZone);
        Assert.Equal("noop", hourly.Job.Type);
        Assert.Equal(_tenant, hourly.Tenant);
        Assert.All(hourly.NextFires, f => Assert.Equal(0, f.Minute));

        var disabled = await ApiServer.ReadAsync<ScheduleDto>(await server.Admin.PostAsync($"schedules/{schedule.Id}/disable", null));
        Assert.False(disabled.Enabled);
        Assert.Empty(disabled.NextFires);
        var enabled = await ApiServer.ReadAsync<ScheduleDto>(await server.Admin.PostAsync($"schedules/{schedule.Id}/enable", null));
        Assert.True(enabled.Enabled);
        Assert.NotEmpty(enabled.NextFires);

        Assert.Equal(HttpStatusCode.NoContent, (await server.Admin.DeleteAsync($"schedules/{schedule.Id}")).StatusCode);
        await ProblemAssert.IsAsync(await server.Admin.GetAsync($"schedules/{schedule.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsAsync(await server.Admin.DeleteAsync($"schedules/{schedule.Id}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_schedule_created_disabled_does_not_fire()
    {
        var schedule = await ApiServer.ReadAsync<ScheduleDto>(await ApiServer.PostJsonAsync(server.Admin, $"schedules?tenant={_tenant}", new
        {
            name = "off",
            cron = "* * * * *",
            job = new { type = "noop" },
            enabled = false,
        }));

        Assert.False(schedule.Enabled);
        Assert.Empty(schedule.NextFires);
    }

    [Theory]
    [InlineData("""{"name":"x","cron":"61 * * * *","job":{"type":"noop"}}""", "cron")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","timeZone":"Mars/Olympus","job":{"type":"noop"}}""", "timeZone")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"nope"}}""", "job.type")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"test.counted","params":{"count":0}}}""", "job.params.count")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"noop","priority":"urgent"}}""", "job.priority")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"noop"},"misfire":"sometimes"}""", "misfire")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"noop"},"overlap":"never"}""", "overlap")]
    [InlineData("""{"name":"x","cron":"0 3 * * *"}""", "job")]
    [InlineData("""{"name":"x","job":{"type":"noop"}}""", "cron")]
    [InlineData("""{"cron":"0 3 * * *","job":{"type":"noop"}}""", "name")]
    [InlineData("""{"name":"x\u0007y","cron":"0 3 * * *","job":{"type":"noop"}}""", "name")]
    [InlineData("""{"name":"x","cron":"0 3 * * *","job":{"type":"noop","queue":"no-such-queue"}}""", "job.queue")]
    public async Task A_bad_schedule_is_400_naming_the_field_and_nothing_is_created(string body, string field)
    {
        var tenant = "sched-bad-" + Guid.NewGuid().ToString("N")[..8];

        var response = await ApiServer.PostRawAsync(server.Admin, $"schedules?tenant={tenant}", body);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Empty(await ApiServer.ReadAsync<List<ScheduleDto>>(await server.Admin.GetAsync($"schedules?tenant={tenant}")));
    }

    [Fact]
    public async Task A_name_taken_in_the_tenant_is_400_naming_it()
    {
        var body = new { name = "twice", cron = "0 3 * * *", job = new { type = "noop" } };
        Assert.Equal(HttpStatusCode.Created, (await ApiServer.PostJsonAsync(server.Admin, $"schedules?tenant={_tenant}", body)).StatusCode);

        var detail = await ProblemAssert.IsAsync(await ApiServer.PostJsonAsync(server.Admin, $"schedules?tenant={_tenant}", body), HttpStatusCode.BadRequest, "name");

        Assert.Contains("already exists", detail);
    }

    [Fact]
    public async Task A_bad_preview_is_400_naming_it()
    {
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("schedules?preview=-1"), HttpStatusCode.BadRequest, "preview");
        await ProblemAssert.IsAsync(await server.Admin.GetAsync("schedules?preview=lots"), HttpStatusCode.BadRequest, "preview");
    }
}
