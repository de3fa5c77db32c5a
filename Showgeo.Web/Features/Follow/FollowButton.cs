namespace Showgeo.Web.Features.Follow;

/// <summary>What <c>_FollowButton</c> renders. <see cref="ReturnUrl"/> is where the no-JS form comes back to.</summary>
public sealed record FollowButton(Guid EntityId, string EntityName, int FollowerCount, bool IsFollowing, bool SignedIn,
    string ReturnUrl, string? Message = null)
{
    public string FollowersText => FollowerCount == 1 ? "1 follower" : $"{FollowerCount:N0} followers";

    /// <summary>
    /// Set on the reply to a follow click: the button then replaces every copy of itself on the page (an entity with
    /// several events has one on each card). Never on a page render: htmx also swaps out-of-band elements it finds
    /// nested in boosted pages and in other fragments.
    /// </summary>
    public bool ReplacesEveryCopy { get; init; }

    /// <summary>The CSS selector that finds every copy of this entity's button.</summary>
    public string CopiesSelector => $"[data-follow-entity='{EntityId}']";
}
