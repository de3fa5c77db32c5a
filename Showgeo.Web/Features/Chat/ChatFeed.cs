using Showgeo.Web.Features.Events;
using Showgeo.Web.Infrastructure.Live;

namespace Showgeo.Web.Features.Chat;

/// <summary>
/// The chat rooms on the live stream: feed "c", topic "room:{eventId}", cursor = the room's sequence (chat_log.seq).
/// A tab on an event page subscribes with <c>room={eventId}</c> when its viewer may see the event. Batched: a busy
/// room's changes are loaded once per tick for every connection, with one query for the range, each change rendered
/// once to HTML that every viewer shares.
/// </summary>
public sealed class ChatFeed(IServiceScopeFactory scopes, LiveHtml html) : ILiveFeed
{
    public const string FeedName = "c";
    public const string EventType = "chat";
    public const string RoomQuery = "room";
    /// <summary>One replay page; the stream asks for the next from the last cursor returned.</summary>
    public const int ReplayPage = 200;

    public static string Topic(Guid eventId) => $"room:{eventId}";

    public string Name => FeedName;
    public bool Batched => true;

    public async Task<ILiveSubscription?> SubscribeAsync(LiveViewer viewer, CancellationToken ct)
    {
        if (viewer.Value(RoomQuery) is not { } room) return null;
        if (!Guid.TryParse(room, out var eventId)) throw new LiveRequestException("The chat room must be an event id.");
        await using var scope = scopes.CreateAsyncScope();
        var access = await scope.ServiceProvider.GetRequiredService<EventAccess>().ByIdAsync(eventId, viewer.User, ct);
        return access is { CanSeePage: true } ? new Subscription(this, eventId) : null;
    }

    public Task<IReadOnlyList<LiveItem>> LoadAsync(string topic, long after, long upTo, CancellationToken ct) =>
        topic.StartsWith("room:", StringComparison.Ordinal) && Guid.TryParse(topic.AsSpan("room:".Length), out var eventId)
            ? RenderAsync(eventId, after, upTo, null, ct)
            : Task.FromResult<IReadOnlyList<LiveItem>>([]);

    /// <summary>
    /// The room's changes in (after, upTo] as stream items. Later reaction and poll changes carry the whole current
    /// state, so only the last of each in the range is kept; a message deleted since it was posted goes out as its removal.
    /// </summary>
    private async Task<IReadOnlyList<LiveItem>> RenderAsync(Guid eventId, long after, long upTo, int? limit, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ChatQueries>();
        var (changes, reactions, polls) = await queries.ChangesAsync(eventId, after, upTo, limit, ct);
        if (changes.Count == 0) return [];
        var lastReactions = changes.LastOrDefault(c => c.Kind == ChatLogKind.Reactions)?.Seq;
        var lastPoll = changes.LastOrDefault(c => c.Kind == ChatLogKind.Poll)?.Seq;
        var topic = Topic(eventId);
        var items = new List<LiveItem>(changes.Count);
        foreach (var change in changes)
        {
            var fragment = change.Kind switch
            {
                ChatLogKind.Message when change.Message is { } m && !change.MessageDeleted => await html.RenderAsync(scope.ServiceProvider, ChatHtml.Message, m),
                ChatLogKind.Message or ChatLogKind.Removal when change.MessageId is { } id => await html.RenderAsync(scope.ServiceProvider, ChatHtml.Removal, id),
                ChatLogKind.Reactions when change.Seq == lastReactions => await html.RenderAsync(scope.ServiceProvider, ChatHtml.Reactions,
                    new ChatReactionsView(queries.ReactUrl(change.Slug), reactions, CanReact: true, ForPage: false)),
                ChatLogKind.Poll when change.Seq == lastPoll => await html.RenderAsync(scope.ServiceProvider, ChatHtml.Polls,
                    new ChatPollsView(queries.VoteUrl(change.Slug), queries.ClosePollUrl(change.Slug), polls, CanVote: true, IsModerator: false, ForPage: false)),
                _ => null,
            };
            if (fragment is null) continue;
            fragment = fragment.Trim();
            // A message may be left out of a push in a room posting faster than anyone reads (its author still gets it);
            // removals, reactions and polls always go out.
            var message = change.Kind == ChatLogKind.Message && !change.MessageDeleted ? change.Message : null;
            items.Add(new LiveItem(topic, change.Seq, EventType, fragment) { Skippable = message is not null, Author = message?.UserId });
        }
        return items;
    }

    private sealed class Subscription(ChatFeed feed, Guid eventId) : ILiveSubscription
    {
        public IReadOnlyCollection<string> Topics { get; } = [Topic(eventId)];

        public Task<IReadOnlyList<LiveItem>> ReplayAsync(long after, CancellationToken ct) =>
            feed.RenderAsync(eventId, after, long.MaxValue, ReplayPage, ct);

        // Chat items are the same for everyone who may read the room, and reading was checked on subscribing.
        public bool Accepts(LiveItem item) => true;
    }
}
