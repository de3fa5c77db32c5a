namespace Showgeo.Web.Features.Chat;

/// <summary>The chat partials the live stream pushes (rendered by <see cref="Infrastructure.Live.LiveHtml"/>), as the panel renders them.</summary>
public static class ChatHtml
{
    public const string Message = "/Features/Chat/_ChatMessage.cshtml";
    public const string Removal = "/Features/Chat/_ChatRemoval.cshtml";
    public const string Reactions = "/Features/Chat/_ChatReactions.cshtml";
    public const string Polls = "/Features/Chat/_ChatPolls.cshtml";
}
