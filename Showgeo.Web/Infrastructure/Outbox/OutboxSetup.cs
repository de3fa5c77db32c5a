using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Showgeo.Web.Infrastructure.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>Off only in tests that drive <see cref="OutboxDispatcher"/> by hand.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary>The backstop when a NOTIFY was missed (for example while the listening connection reconnected).</summary>
    public double PollSeconds { get; set; } = 10;
    public int BatchSize { get; set; } = 32;
    /// <summary>Messages handled at once by one instance.</summary>
    public int Concurrency { get; set; } = 4;
    /// <summary>After this many failed deliveries a message is dead-lettered and listed at /admin/outbox.</summary>
    public int MaxAttempts { get; set; } = 8;
    /// <summary>First retry delay; doubles per attempt, capped at <see cref="MaxBackoffSeconds"/>.</summary>
    public double BackoffSeconds { get; set; } = 2;
    public double MaxBackoffSeconds { get; set; } = 600;
    /// <summary>How long a claim lasts without renewal; another instance takes over a message whose owner died.</summary>
    public double LeaseSeconds { get; set; } = 60;
    /// <summary>Delivered messages are kept this long (for inspection), then deleted hourly.</summary>
    public int RetentionDays { get; set; } = 7;

    public TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoffSeconds, BackoffSeconds * Math.Pow(2, Math.Max(0, attempts - 1))));
}

/// <summary>One handler registered for one event type.</summary>
public sealed record DomainEventSubscription(Type EventType, Type HandlerType, string HandlerName)
{
    internal Func<IServiceProvider, object, DomainEventContext, CancellationToken, Task> Invoke { get; init; } = null!;
}

/// <summary>Which handlers each event type name has; built once from the registrations.</summary>
public sealed class DomainEventRegistry(IEnumerable<DomainEventSubscription> subscriptions)
{
    private readonly ILookup<string, DomainEventSubscription> _byType = subscriptions.ToLookup(s => s.EventType.Name);

    public IEnumerable<DomainEventSubscription> HandlersFor(string typeName) => _byType[typeName];

    public object Deserialize(DomainEventSubscription s, string payload) =>
        JsonSerializer.Deserialize(payload, s.EventType, OutboxMessage.Json)
        ?? throw new JsonException($"Outbox payload for {s.EventType.Name} was null.");
}

public static class OutboxSetup
{
    public static WebApplicationBuilder AddShowgeoOutbox(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.Section));
        builder.Services.AddSingleton<DomainEventRegistry>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        builder.Services.AddRecurringJob<OutboxCleanupJob>(OutboxCleanupJob.Name, Cadence.Every(TimeSpan.FromHours(1)));
        return builder;
    }

    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/>. The handler's type name is its
    /// delivery marker, so renaming a handler re-delivers events still pending for it, never ones already done.
    /// </summary>
    public static IServiceCollection AddDomainEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IDomainEvent where THandler : class, IDomainEventHandler<TEvent>
    {
        services.AddScoped<THandler>();
        services.AddSingleton(new DomainEventSubscription(typeof(TEvent), typeof(THandler), typeof(THandler).Name)
        {
            Invoke = (sp, e, ctx, ct) => sp.GetRequiredService<THandler>().HandleAsync((TEvent)e, ctx, ct),
        });
        return services;
    }
}
