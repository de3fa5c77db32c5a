using Showgeo.Web.Features.Events;

namespace Showgeo.Web.Features.Chat;

/// <summary>The fixed numbers and words of event chat.</summary>
public static class ChatRules
{
    public const int MaxMessageLength = 500;
    public const int PanelMessages = 50;
    public const int MaxSlowModeSeconds = 600;
    public const int MaxMuteMinutes = 24 * 60;
    public const int MaxPollQuestionLength = 200;
    public const int MaxPollOptionLength = 80;
    public const int MinPollOptions = 2;
    public const int MaxPollOptions = 5;

    /// <summary>3 messages per 2 seconds per person, then 10 seconds of silence; moderators are exempt.</summary>
    public const int RatePermits = 3;
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan RateBlock = TimeSpan.FromSeconds(10);

    /// <summary>The reactions a room offers, by the key stored and posted, with the emoji shown.</summary>
    public static readonly IReadOnlyList<(string Key, string Emoji, string Label)> Reactions =
    [
        ("heart", "❤️", "Love"), ("fire", "🔥", "Fire"), ("clap", "👏", "Applause"), ("laugh", "😂", "Laugh"), ("wow", "😮", "Wow"),
    ];

    public static bool IsReaction(string? key) => Reactions.Any(r => r.Key == key);

    /// <summary>Chat is open for posting before and during the show; afterwards it stays as a transcript.</summary>
    public static bool IsOpen(EventPhase phase) => phase is EventPhase.Pre or EventPhase.Live or EventPhase.Draft;

    public const string EmptyMessage = "Write a message first.";
    public const string TryAgainMessage = "The chat is busy: your message was not sent. Try again.";
    public static readonly string TooLongMessage = $"Messages are at most {MaxMessageLength} characters.";
    public const string ClosedMessage = "The chat is closed: this event is over, and the chat stays here as a transcript.";
    public const string SignInMessage = "Sign in to chat.";
    public const string BannedMessage = "You can't post in this organiser's chats.";
    public const string FollowersOnlyMessage = "Only followers can chat right now.";
    public const string AttendeesOnlyMessage = "Only ticket holders and people who RSVP'd can chat right now.";
    public const string NotModeratorMessage = "Only the organiser's team can moderate this chat.";
    public const string UnknownMessage = "That message does not exist in this chat.";
    public const string UnknownPollMessage = "That poll does not exist in this chat.";
    public const string PollClosedMessage = "This poll is closed.";
    public const string UnknownOptionMessage = "Choose one of the poll's options.";
    public const string AlreadyVotedMessage = "You have already voted in this poll.";
}
