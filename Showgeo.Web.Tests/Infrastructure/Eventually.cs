namespace Showgeo.Web.Tests.Infrastructure;

/// <summary>Waits for background work (the outbox dispatcher, scheduled jobs) to reach a state, without fixed sleeps.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out waiting for {what}; last value: {value}");
            await Task.Delay(50);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        ValueAsync(condition, v => v, what, timeout);
}
