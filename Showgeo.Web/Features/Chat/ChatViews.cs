namespace Showgeo.Web.Features.Chat;

/// <summary>One message as every viewer sees it (the same HTML is pushed to all of them).</summary>
/// <param name="Badge">The author's membership tier of the event's entity, shown beside the name (see MembershipAccess.BadgesAsync).</param>
public sealed record ChatMessageView(Guid Id, long Seq, Guid UserId, string AuthorName, string Body, DateTimeOffset CreatedAt, string ModerateUrl,
    string? Badge = null);

/// <summary>A reaction button's count.</summary>
public sealed record ChatReactionCount(string Key, string Emoji, string Label, int Count);

/// <summary>
/// #chat-reactions: the room's reaction counts and buttons. <see cref="ForPage"/> is set when rendered into a page (the
/// forms then carry the antiforgery field for posting without JavaScript); pushed copies rely on htmx's header.
/// </summary>
public sealed record ChatReactionsView(string ReactUrl, IReadOnlyList<ChatReactionCount> Counts, bool CanReact, bool ForPage)
{
    public string? Error { get; init; }
}

public sealed record ChatPollOptionView(int Index, string Text, int Votes);

public sealed record ChatPollView(Guid Id, string Question, IReadOnlyList<ChatPollOptionView> Options, bool Closed, int? MyVote)
{
    public int Total => Options.Sum(o => o.Votes);
}

/// <summary>#chat-polls: the room's open poll and the most recent closed ones.</summary>
public sealed record ChatPollsView(string VoteUrl, string CloseUrl, IReadOnlyList<ChatPollView> Polls, bool CanVote, bool IsModerator, bool ForPage)
{
    public string? Error { get; init; }
}

/// <summary>#chat-form: the message box, with the refusal or the draft after a failed post.</summary>
public sealed class ChatFormView
{
    public required string PostUrl { get; init; }
    public required string EventSlug { get; init; }
    public bool CanPost { get; init; }
    public bool SignInRequired { get; init; }
    public string? Refusal { get; init; }
    public string? Error { get; set; }
    public string? Draft { get; set; }
}

/// <summary>Everything the chat panel of an event page shows.</summary>
public sealed class ChatPanelView
{
    public required Guid EventId { get; init; }
    public required string EventSlug { get; init; }
    public required string EntitySlug { get; init; }
    public required bool IsOpen { get; init; }
    public required bool IsModerator { get; init; }
    /// <summary>The room's sequence when the panel was read: the stream continues from here without repeats or gaps.</summary>
    public required long Cursor { get; init; }
    public required IReadOnlyList<ChatMessageView> Messages { get; init; }
    public required ChatReactionsView Reactions { get; init; }
    public required ChatPollsView Polls { get; init; }
    public required ChatFormView Form { get; init; }
    public int SlowModeSeconds { get; init; }
    public bool FollowersOnly { get; init; }
    public bool AttendeesOnly { get; init; }
    public string? Flash { get; set; }
}
