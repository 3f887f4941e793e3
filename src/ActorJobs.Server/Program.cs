using ActorJobs.Server;

await ActorJobsServer.RunAsync(args);
