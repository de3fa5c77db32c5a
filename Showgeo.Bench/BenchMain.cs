namespace Showgeo.Bench;

/// <summary>
/// Usage: dotnet run -c Release --project Showgeo.Bench -- discovery [--requests N] [--concurrency N] [--keep]
/// Server connection (a fresh "showgeo_bench" database is created beside it) from SHOWGEO_BENCH_PG, else
/// SHOWGEO_TEST_PG, else the local default. Not top-level statements: the web app's own Program class must stay unambiguous.
/// </summary>
public static class BenchMain
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "discovery")
        {
            Console.Error.WriteLine("usage: Showgeo.Bench discovery [--requests N] [--concurrency N] [--keep]");
            return 2;
        }
        return await new DiscoveryBench(DiscoveryBench.Options.Parse(args[1..])).RunAsync();
    }
}
