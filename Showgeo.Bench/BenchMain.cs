namespace Showgeo.Bench;

/// <summary>
/// Usage: dotnet run -c Release --project Showgeo.Bench -- discovery [--requests N] [--concurrency N] [--keep]
///        dotnet run -c Release --project Showgeo.Bench -- outbox [--singles N] [--burst N] [--concurrency N] [--batch N]
///        dotnet run -c Release --project Showgeo.Bench -- chat [--viewers N] [--rate N] [--seconds N] [--probes N] [--posters N] [--busy-items-per-second N] [--keep]
///        dotnet run -c Release --project Showgeo.Bench -- live [--connections N] [--open-concurrency N]
///        dotnet run -c Release --project Showgeo.Bench -- search [--database NAME] [--requests N] [--concurrency N] [--rounds N]  (on the pages harness's database)
///        dotnet run -c Release --project Showgeo.Bench -- pages [--seconds N] [--rounds N] [--connections N] [--reuse] [--keep] [--only TEXT]  (needs wrk)
///        dotnet run -c Release --project Showgeo.Bench -- query-cost [--queries N]  (reads the pages harness's database)
/// Server connection (a fresh "showgeo_bench" database is created beside it) from SHOWGEO_BENCH_PG, else
/// SHOWGEO_TEST_PG, else the local default. Not top-level statements: the web app's own Program class must stay unambiguous.
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "discovery":
                return await new DiscoveryBench(DiscoveryBench.Options.Parse(args[1..])).RunAsync();
            case "outbox":
                return await new OutboxBench(OutboxBench.Options.Parse(args[1..])).RunAsync();
            case "chat":
                return await new ChatBench(ChatBench.Options.Parse(args[1..])).RunAsync();
            case "viewers":
                return await ViewerFleet.RunChildAsync(args[1..]);
            case "pages":
                return await new PagesBench(PagesBench.Options.Parse(args[1..])).RunAsync();
            case "search":
                return await new SearchBench(SearchBench.Options.Parse(args[1..])).RunAsync();
            case "query-cost":
                return await QueryCostBench.RunAsync(args[1..]);
            case "live":
                return await new LiveBench(LiveBench.Options.Parse(args[1..])).RunAsync();
            default:
                Console.Error.WriteLine("usage: Showgeo.Bench discovery [--requests N] [--concurrency N] [--keep]");
                Console.Error.WriteLine("       Showgeo.Bench outbox [--singles N] [--burst N] [--concurrency N] [--batch N]");
                Console.Error.WriteLine("       Showgeo.Bench search [--database NAME] [--requests N] [--concurrency N] [--rounds N]");
                Console.Error.WriteLine("       Showgeo.Bench live [--connections N] [--open-concurrency N]");
                Console.Error.WriteLine("       Showgeo.Bench pages [--seconds N] [--rounds N] [--connections N] [--reuse] [--keep] [--only TEXT]");
                Console.Error.WriteLine("       Showgeo.Bench chat [--viewers N] [--rate N] [--seconds N] [--probes N] [--posters N] [--busy-items-per-second N] [--keep]");
                return 2;
        }
    }
}
